"""The servers under test: how to start each one, wait for it, measure its memory, stop it."""

import os
import re
import signal
import socket
import subprocess
import time

import loads
from env import log, which

# Identical for every Java server, and written into the report.
# -Xms = -Xmx: no heap resizing during a run. ParallelGC: the usual throughput collector for
# server benchmarks (on one CPU the JVM would otherwise pick Serial). The two access flags only
# silence warnings (Netty's native transport and Unsafe use on JDK 25); they change no code path.
JVM_FLAGS = [
    "-Xms2g", "-Xmx2g",
    "-XX:+UseParallelGC",
    "--enable-native-access=ALL-UNNAMED",
    "--sun-misc-unsafe-memory-access=allow",
]

HELLO = b"Hello, World!"
KEYSTORE_PASSWORD = "changeit"  # a throwaway self-signed key made per run: the password guards nothing
HEAP_KIB = 2 * 1024 * 1024  # -Xmx2g: how the heap's mapping is found in /proc/PID/smaps


# Protocols served on the apps' TLS port: their scenarios run in the launch with the TLS listener on.
TLS_PROTOCOLS = ("https", "h2")
# HTTP/3 rows run in a launch of their own (UDP on the TLS port number, 18443): each server's HTTP/3
# app (NettyH3App, JettyH3App, `PeregrineApp ... --h3`, Caddy), checked and loaded with H3Load.
H3 = "h3"
H3_START_TIMEOUT = 30.0  # s: a server that does not answer GET /plaintext over HTTP/3 by then is "not available"
# nginx 1.22 (Debian 12) speaks h2c on a `listen ... http2` port only, and nothing else there: its
# h2c listener is a port of its own. Every other server detects the preface on the plain port.
NGINX_H2C_PORT = 18082


class H3Launch:
    """How a server's HTTP/3 app starts: a Java main with its arguments after `<port> <files-dir>`
    ("{cert}" and "{key}" become the run's PEM files), whether it loads the PKCS#12 key store
    (-Dbench.keystore), or the native Caddy."""

    def __init__(self, main=None, args=(), keystore=False, pem=True, notes=""):
        self.main = main
        self.args = list(args)
        self.keystore = keystore
        self.pem = pem
        self.notes = notes


class ServerDef:
    def __init__(self, name, kind, main=None, protocols=("h1",), notes="", unsupported=None, why_not=None,
                 h3=None, no_app=None):
        self.name = name
        self.kind = kind            # "java" or "native"
        self.main = main            # Java main class
        self.protocols = set(protocols) | ({H3} if h3 else set())
        self.notes = notes
        # scenario name -> reason, for what this server cannot do as configured
        self.unsupported = unsupported or {}
        # protocol -> reason it is not in `protocols` (the report's n/a text)
        self.why_not = why_not or {}
        self.h3 = h3                # H3Launch, or None: no HTTP/3 app
        # No benchmark app (Caddy, peregrine-log): the rows it is in instead, e.g. "the h3 and serve
        # rows"; its cells in the app rows are "–"
        self.no_app = no_app

    def tls(self):
        """Whether the app gets a TLS listener in the HTTPS launch (HTTP/1.1 over TLS, or h2)."""
        return bool(self.protocols & set(TLS_PROTOCOLS))

    def reason(self, protocol):
        if self.no_app and protocol not in self.protocols:
            return f"{NO_APP}: {self.name} is here for {self.no_app}"
        return self.why_not.get(protocol, f"{protocol} not enabled on {self.name}")


APPS = "dev.peregrine.bench.apps."
_H2 = ("h2c", "h2")
# Skip reason of an app-less server's app rows (report.py shows them as "–", not "n/a").
NO_APP = "not in the app rows"
# The serve-* rows: `peregrine serve` and static-file peers, each in a launch of its own (serve.py).
SERVE = "serve"
H3_NOTES = {
    "peregrine": "HTTP/3: `PeregrineApp <port> <files> --h3 --cert <PEM> --key <PKCS#8 PEM>` (peregrine-http3 "
                 "over Netty QUIC), 256 concurrent streams per connection as in NettyH3App",
    "netty": "HTTP/3: NettyH3App, codec-http3 (Http3.newQuicServerCodecBuilder, Http3ServerConnectionHandler) "
             "over Netty QUIC 4.2.18 (quiche + BoringSSL), epoll datagram channel with recvmmsg and GSO, "
             "files as 64 KiB DATA frames while the stream is writable",
    "jetty": "HTTP/3: JettyH3App, Jetty 12.1.5 jetty-http3-server + QuicheServerConnector "
             "(jetty-quic-quiche-foreign, libquiche 0.24.5 from jetty-quiche-native) on the 12.1.10 core, "
             "ResourceHandler files",
}
SERVERS = {
    "peregrine": ServerDef("peregrine", "java", APPS + "PeregrineApp", protocols=("h1", "https") + _H2,
                           notes="Router, StaticFiles, streaming echo; ServerOptions.defaults(); "
                                 "HTTPS: TlsOptions with the key store (JDK SSLEngine); HTTP/2: h2c by prior "
                                 "knowledge on the plain port, h2 by ALPN on the TLS port, same handler; "
                                 + H3_NOTES["peregrine"],
                           h3=H3Launch(APPS + "PeregrineApp", ["--h3", "--cert", "{cert}", "--key", "{key}"])),
    "netty": ServerDef("netty", "java", APPS + "NettyApp", protocols=("h1", "https") + _H2,
                       notes="codec-http, epoll, 1 event loop per CPU, flush per read batch, FileRegion; "
                             "HTTPS: SslHandler with SslProvider.JDK (not OpenSSL); HTTP/2: codec-http2 "
                             "Http2FrameCodec + Http2MultiplexHandler + Http2StreamFrameToHttpObjectCodec, h2c by "
                             "a preface check on the plain port, h2 by ALPN (JDK), files as HttpChunkedInput; "
                             + H3_NOTES["netty"],
                       h3=H3Launch(APPS + "NettyH3App", ["--cert", "{cert}", "--key", "{key}"])),
    "jetty": ServerDef("jetty", "java", APPS + "JettyApp", protocols=("h1", "https") + _H2,
                       notes="Jetty 12 core handler, ResourceHandler, Content.copy echo; "
                             "HTTPS: SslConnectionFactory over SslContextFactory.Server (JDK TLS); HTTP/2: "
                             "HTTP2CServerConnectionFactory on the plain connector, ALPNServerConnectionFactory "
                             "(jetty-alpn-java-server) + HTTP2ServerConnectionFactory on the TLS one; "
                             + H3_NOTES["jetty"],
                       h3=H3Launch(APPS + "JettyH3App", keystore=True, pem=False)),
    "undertow": ServerDef("undertow", "java", APPS + "UndertowApp", protocols=("h1",) + _H2,
                          notes="IO-thread sends, ResourceHandler, blocking echo on a worker; BUFFER_PIPELINED_DATA; "
                                "HTTP/2: ENABLE_HTTP2 (h2c prior knowledge on the HTTP listener; an HTTPS "
                                "listener, JDK TLS, for h2 by ALPN)"),
    "helidon": ServerDef("helidon", "java", APPS + "HelidonApp", protocols=("h1",) + _H2,
                         notes="Helidon SE 4 (virtual threads), FileChannel files, blocking echo; HTTP/2: "
                               "helidon-webserver-http2 (h2c prior knowledge on the plain socket; a named TLS "
                               "socket, JDK TLS, for h2 by ALPN)"),
    "vertx": ServerDef("vertx", "java", APPS + "VertxApp",
                       notes="1 event loop per CPU, native transport, sendFile, pipeTo echo",
                       why_not={p: "HTTP/2 not configured in the Vert.x app (not in this comparison yet)"
                                for p in _H2}),
    "jdk": ServerDef("jdk", "java", APPS + "JdkApp",
                     notes="com.sun.net.httpserver with a virtual-thread executor",
                     why_not={p: "com.sun.net.httpserver has no HTTP/2" for p in _H2}),
    "nginx": ServerDef("nginx", "native", protocols=("h1",) + _H2,
                       notes="1 worker, `return 200` for plaintext/json (constants), sendfile for files; "
                             "HTTP/2: h2c on a `listen ... http2` port of its own (plain port + 2: nginx 1.22 "
                             "cannot serve h2c and HTTP/1.1 on one port), `listen ... ssl http2` (OpenSSL) for h2",
                       unsupported={"echo-1m": "nginx-light has no handler that streams a request body back"}),
    "h2o": ServerDef("h2o", "native", protocols=("h1",) + _H2,
                     notes="1 thread, file.file for plaintext/json (constants), file.dir, mruby echo (buffers the body); "
                           "HTTP/2: h2c by prior knowledge on the plain port (its default), a TLS listener "
                           "(OpenSSL) for h2 by ALPN"),
    "caddy": ServerDef("caddy", "native",
                       notes="Caddy (Debian package) in the h3 and serve-* rows only. h3: HTTPS on the TLS port "
                             "with the run's certificate, `servers { protocols h1 h2 h3 }` (HTTP/3 by quic-go on UDP, "
                             "same port), `respond` for /plaintext, `file_server` for /file/*, admin off, auto_https "
                             "off, no access log; GOMAXPROCS = 1 from the CPU pinning",
                       h3=H3Launch(), no_app="the h3 and serve-* rows", protocols=()),
    # `peregrine serve` with its access log on: a column of the serve-* rows only (serve.py), beside
    # `peregrine`, which is `peregrine serve --quiet` there.
    "peregrine-log": ServerDef("peregrine-log", "java", no_app="the serve-* rows", protocols=(),
                               notes="`peregrine serve` with its default access log (stdout to /dev/null), "
                                     "in the serve-* rows only"),
}
for _s in SERVERS.values():
    if not _s.h3:
        _s.why_not.setdefault(H3, f"no HTTP/3 in the {_s.name} app (not in the h3 rows)")

DEFAULT_ORDER = ["peregrine", "netty", "jetty", "undertow", "helidon", "vertx", "jdk", "nginx", "h2o"]
# Added to the default servers when an h3 scenario is selected.
H3_EXTRA = ["caddy"]


def udp_port_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def port_free(port):
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def http_get(port, path, timeout=2.0, host="127.0.0.1"):
    """One request on a new connection: (status, body) or None. Minimal HTTP/1.1, for readiness."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
                head, sep, body = data.partition(b"\r\n\r\n")
                if sep:
                    m = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
                    if m and len(body) >= int(m.group(1)):
                        break
        head, _, body = data.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        return status, body
    except (OSError, ValueError, IndexError):
        return None


def h2c_port(sdef, port):
    """Where a server speaks h2c: its plain port, except nginx (NGINX_H2C_PORT)."""
    return NGINX_H2C_PORT if sdef.name == "nginx" else port


def h2_check(port, path, protocol, expect_body=None, expect_size=None, timeout=8.0):
    """One GET over h2c (prior knowledge) or h2 (TLS, only "h2" offered by ALPN), certificate not
    verified. `nghttp -v` when the body is to be compared (its frame log shows :status and the
    negotiated protocol, the body is printed in between), else `h2load -n1` (status class and DATA
    bytes). Returns None when all is well, else what went wrong."""
    scheme = "http" if protocol == "h2c" else "https"
    url = f"{scheme}://127.0.0.1:{port}{path}"
    try:
        if expect_body is not None:
            r = subprocess.run(["nghttp", "-v", "-t", str(int(timeout / 2)), url], capture_output=True,
                               timeout=timeout)
            out = r.stdout + r.stderr
            if protocol != "h2c" and b"The negotiated protocol: h2" not in out:
                return f"{protocol} GET {path}: h2 not negotiated by ALPN (nghttp exit {r.returncode})"
            m = re.search(rb":status: (\d+)", out)
            if not m:
                err = re.search(rb"\[ERROR\][^\n]*", out)
                return f"{protocol} GET {path}: no HTTP/2 response ({(err.group(0) if err else out[-120:]).decode(errors='replace').strip()})"
            if m.group(1) != b"200" or expect_body not in r.stdout:
                return f"{protocol} GET {path} -> {m.group(1).decode()}, body {'ok' if expect_body in r.stdout else 'wrong'}"
            return None
        argv = ["h2load", "-n1", "-c1"] + (["--npn-list=h2"] if protocol != "h2c" else []) + [url]
        r = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
        h = loads.parse_h2load(r.stdout)
        want = "h2c" if protocol == "h2c" else "h2"
        if h.get("protocol") != want:
            return f"{protocol} GET {path}: {want} not negotiated (h2load: {h.get('protocol')})"
        if h.get("status", {}).get("2xx") != 1 or (expect_size is not None and h.get("bytes_data") != expect_size):
            return (f"{protocol} GET {path} -> status {h.get('status')}, {h.get('bytes_data')} bytes of data "
                    f"(want 1 2xx{'' if expect_size is None else f', {expect_size} bytes'})")
        return None
    except (OSError, subprocess.SubprocessError) as e:
        return f"{protocol} GET {path}: {e}"


def https_get(port, path, timeout=5.0, host="127.0.0.1"):
    """As http_get over TLS, certificate not verified (like wrk): (status, body, tls version, cipher) or None."""
    import ssl
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                s.sendall(f"GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
                data = b""
                while True:
                    try:
                        chunk = s.recv(65536)
                    except ssl.SSLError:
                        break  # a close without close_notify after a complete response
                    if not chunk:
                        break
                    data += chunk
                    head, sep, body = data.partition(b"\r\n\r\n")
                    m = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head) if sep else None
                    if m and len(body) >= int(m.group(1)):
                        break
                version, cipher = s.version(), (s.cipher() or ("?",))[0]
        head, _, body = data.partition(b"\r\n\r\n")
        return int(head.split(b" ", 2)[1]), body, version, cipher
    except (OSError, ValueError, IndexError):
        return None


def make_pem(workdir, keystore):
    """The run's key and certificate as PEM files, for nginx and h2o (openssl pkcs12). Returns
    (certificate, key) paths, or None without openssl."""
    openssl = which("openssl")
    if not openssl:
        return None
    cert, key = os.path.join(workdir, "bench-tls.crt"), os.path.join(workdir, "bench-tls.key")
    for out, flags in ((cert, ["-nokeys"]), (key, ["-nocerts", "-nodes"])):
        r = subprocess.run([openssl, "pkcs12", "-in", keystore, "-passin", f"pass:{KEYSTORE_PASSWORD}", *flags,
                            "-out", out], capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise RuntimeError(f"openssl pkcs12 failed: {(r.stderr or r.stdout).strip()[:300]}")
        # Only the PEM blocks: openssl puts "Bag Attributes" text before each, which not every PEM reader skips.
        text = open(out).read()
        blocks = re.findall(r"-----BEGIN [A-Z ]+-----\n.*?-----END [A-Z ]+-----\n?", text, re.S)
        with open(out, "w") as f:
            f.write("".join(b if b.endswith("\n") else b + "\n" for b in blocks))
    os.chmod(cert, 0o644)
    os.chmod(key, 0o600)  # read by the master process (root) before the workers drop privileges
    return cert, key


def make_keystore(workdir, jdk):
    """One self-signed EC P-256 certificate for localhost / 127.0.0.1 per run, in a PKCS#12 file that
    every HTTPS-capable app loads. Returns its path."""
    path = os.path.join(workdir, "bench-tls.p12")
    if os.path.exists(path):
        return path
    r = subprocess.run([os.path.join(jdk, "bin", "keytool"), "-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1",
                        "-alias", "bench", "-dname", "CN=localhost", "-ext", "san=dns:localhost,ip:127.0.0.1",
                        "-validity", "30", "-storetype", "PKCS12", "-keystore", path,
                        "-storepass", KEYSTORE_PASSWORD, "-keypass", KEYSTORE_PASSWORD],
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise RuntimeError(f"keytool failed: {(r.stderr or r.stdout).strip()[:300]}")
    os.chmod(path, 0o644)
    return path


def http_post(port, path, body, timeout=10.0):
    """POST on a new connection, sending and receiving at once (an echo streams back while the
    upload is still going: a client that sends everything first can deadlock with it)."""
    import threading
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            req = (f"POST {path} HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n"
                   f"Content-Type: application/octet-stream\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
            sender = threading.Thread(target=lambda: _send_quietly(s, req), daemon=True)
            sender.start()
            data = b""
            while True:
                chunk = s.recv(1 << 20)
                if not chunk:
                    break
                data += chunk
                head, sep, rest = data.partition(b"\r\n\r\n")
                m = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head) if sep else None
                if m and len(rest) >= int(m.group(1)):
                    break
            sender.join(timeout)
        head, _, rest = data.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        if re.search(rb"(?i)\r\ntransfer-encoding:\s*chunked", head):
            rest = _dechunk(rest)
        return status, rest
    except (OSError, ValueError, IndexError):
        return None


def _send_quietly(s, data):
    try:
        s.sendall(data)
    except OSError:
        pass


def _dechunk(data):
    out, i = bytearray(), 0
    while True:
        j = data.index(b"\r\n", i)
        size = int(data[i:j].split(b";")[0], 16)
        if size == 0:
            return bytes(out)
        out += data[j + 2:j + 2 + size]
        i = j + 2 + size + 2


class Running:
    """A started server process (for nginx, the master; its worker is a child)."""

    def __init__(self, sdef, proc, port, workdir, log_path, startup_ms, https_port=None, extra_ports=(),
                 udp_ports=()):
        self.udp_ports = tuple(udp_ports)  # the h3 launch's UDP port
        self.sdef = sdef
        self.proc = proc
        self.port = port
        self.https_port = https_port
        self.extra_ports = tuple(extra_ports)  # nginx's h2c port
        self.workdir = workdir
        self.log_path = log_path
        self.startup_ms = startup_ms
        self.tls = None  # "TLSv1.3 TLS_AES_256_GCM_SHA384": negotiated by validate() when HTTPS is on

    @property
    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc.poll() is None

    def pids(self):
        """The process and its descendants (nginx workers)."""
        children = {}
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    stat = open(f"/proc/{d}/stat").read()
                    ppid = int(stat[stat.rindex(")") + 2:].split()[1])
                    children.setdefault(ppid, []).append(int(d))
                except (OSError, ValueError, IndexError):
                    pass
        out, todo = [], [self.pid]
        while todo:
            p = todo.pop()
            out.append(p)
            todo.extend(children.get(p, []))
        return out

    def rss_kib(self):
        total = 0
        for p in self.pids():
            try:
                for line in open(f"/proc/{p}/status"):
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                pass
        return total

    def heap_rss_kib(self):
        """Resident part of the Java heap: the anonymous mapping(s) of at least -Xmx reserved at
        start (from /proc/PID/smaps). RSS minus this is the JVM's native memory."""
        total, size, anon = 0, 0, False
        try:
            with open(f"/proc/{self.pid}/smaps") as f:
                for line in f:
                    first = line.split(None, 1)[0]
                    if "-" in first and not first.endswith(":"):
                        parts = line.split()
                        anon = len(parts) < 6
                        size = 0
                    elif first == "Size:":
                        size = int(line.split()[1])
                    elif first == "Rss:" and anon and size >= HEAP_KIB:
                        total += int(line.split()[1])
        except OSError:
            return None
        return total

    def stop(self):
        if self.proc.poll() is None:
            # SIGTERM (nginx: fast shutdown; JVM: shutdown hooks), then SIGKILL.
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=8)
            except subprocess.TimeoutExpired:
                for p in reversed(self.pids()):
                    try:
                        os.kill(p, signal.SIGKILL)
                    except OSError:
                        pass
                self.proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        for port in filter(None, (self.port, self.https_port, *self.extra_ports)):
            while not port_free(port) and time.monotonic() < deadline:
                time.sleep(0.05)
        for port in self.udp_ports:
            while not udp_port_free(port) and time.monotonic() < deadline:
                time.sleep(0.05)

    def runq_wait_ns(self):
        """Time the process's threads (and its children's) were runnable but waiting for a CPU, in ns
        (/proc/PID/task/*/schedstat): the sign of something else on the server's CPU."""
        total = 0
        for p in self.pids():
            try:
                for t in os.listdir(f"/proc/{p}/task"):
                    try:
                        total += int(open(f"/proc/{p}/task/{t}/schedstat").read().split()[1])
                    except (OSError, ValueError, IndexError):
                        pass
            except OSError:
                pass
        return total

    def cpu_ticks(self):
        """User + system CPU of the process and its children so far, in clock ticks (/proc/PID/stat)."""
        total = 0
        for p in self.pids():
            try:
                stat = open(f"/proc/{p}/stat").read()
                f = stat[stat.rindex(")") + 2:].split()
                total += int(f[11]) + int(f[12])
            except (OSError, ValueError, IndexError):
                pass
        return total


class JavaTools:
    """jcmd/jstat for heap-after-GC figures."""

    def __init__(self, jdk):
        self.jcmd = os.path.join(jdk, "bin", "jcmd")
        self.jstat = os.path.join(jdk, "bin", "jstat")

    def heap_after_gc_kib(self, pid):
        """Runs a full GC (twice: the first may leave finalizable or reference-queued garbage),
        then sums the used space of every heap generation (jstat -gc, KiB)."""
        for _ in range(2):
            subprocess.run([self.jcmd, str(pid), "GC.run"], capture_output=True, timeout=60)
        r = subprocess.run([self.jstat, "-gc", str(pid)], capture_output=True, text=True, timeout=30)
        lines = r.stdout.strip().splitlines()
        if len(lines) < 2:
            return None
        cols = dict(zip(lines[0].split(), lines[1].split()))
        try:
            return sum(float(cols[k]) for k in ("S0U", "S1U", "EU", "OU") if k in cols)
        except ValueError:
            return None


def write_native_configs(workdir, port, files_dir, h2c=False, tls=None):
    """nginx and h2o configurations equivalent to the Java apps: nginx.conf and h2o.conf for the
    plain launch (with nginx's h2c port when `h2c`), and with `tls` = (https port, certificate PEM,
    key PEM) also nginx-tls.conf and h2o-tls.conf, which add the TLS listener (TLS 1.3, h2 and
    http/1.1 by ALPN) for the HTTPS launch."""
    static = os.path.join(workdir, "static")
    os.makedirs(static, exist_ok=True)
    with open(os.path.join(static, "plaintext.txt"), "wb") as f:
        f.write(HELLO)
    with open(os.path.join(static, "message.json"), "wb") as f:
        f.write(b'{"message":"Hello, World!"}')
    for d in (workdir, static):
        os.chmod(d, 0o755)  # the workers run as nobody
    nginx_tmp = os.path.join(workdir, "nginx-tmp")
    os.makedirs(nginx_tmp, exist_ok=True)
    nofile = 20000
    try:
        import resource
        nofile = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
        if nofile == resource.RLIM_INFINITY:
            nofile = 1048576
    except (ImportError, OSError):
        pass
    def nginx_conf(with_tls):
        listen = [f"listen 127.0.0.1:{port} backlog=1024;"]
        if h2c and not with_tls:  # the h2c rows run in the plain launch
            listen.append(f"listen 127.0.0.1:{NGINX_H2C_PORT} http2 backlog=1024;  # h2c, prior knowledge only")
        if with_tls:
            listen += [f"listen 127.0.0.1:{tls[0]} ssl http2 backlog=1024;",
                       f"ssl_certificate {tls[1]};", f"ssl_certificate_key {tls[2]};", "ssl_protocols TLSv1.3;"]
        return nginx.replace("        LISTEN\n", "".join(f"        {x}\n" for x in listen))

    nginx = f"""# nginx for the Peregrine side-by-side benchmark: one worker, like the one-CPU Java servers.
worker_processes 1;
daemon off;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log warn;
worker_rlimit_nofile {nofile};
events {{
    worker_connections {max(1024, nofile - 64)};
}}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 130s;
    keepalive_requests 100000000;
    client_body_temp_path {nginx_tmp}/body;
    proxy_temp_path {nginx_tmp}/proxy;
    fastcgi_temp_path {nginx_tmp}/fastcgi;
    uwsgi_temp_path {nginx_tmp}/uwsgi;
    scgi_temp_path {nginx_tmp}/scgi;
    server {{
        LISTEN
        location = /plaintext {{
            default_type "text/plain; charset=utf-8";
            return 200 "Hello, World!";
        }}
        location = /json {{
            default_type application/json;
            return 200 '{{"message":"Hello, World!"}}';
        }}
        location /file/ {{
            alias {files_dir}/;
            default_type application/octet-stream;
        }}
    }}
}}
"""
    with open(os.path.join(workdir, "nginx.conf"), "w") as f:
        f.write(nginx_conf(False))
    if tls:
        with open(os.path.join(workdir, "nginx-tls.conf"), "w") as f:
            f.write(nginx_conf(True))
    h2o = f"""# h2o for the Peregrine side-by-side benchmark: one thread, like the one-CPU Java servers.
num-threads: 1
max-connections: {max(1024, nofile - 64)}
http1-request-timeout: 130
error-log: {workdir}/h2o-error.log
{"user: nobody" if os.geteuid() == 0 else ""}
listen:
  host: 127.0.0.1
  port: {port}
TLS_LISTEN
hosts:
  default:
    paths:
      /plaintext:
        file.file: {static}/plaintext.txt
      /json:
        file.file: {static}/message.json
      /file:
        file.dir: {files_dir}
      /echo:
        mruby.handler: |
          Proc.new do |env|
            body = env["rack.input"] ? env["rack.input"].read : ""
            [200, {{"content-type" => "application/octet-stream", "content-length" => body.bytesize.to_s}}, [body]]
          end
"""
    with open(os.path.join(workdir, "h2o.conf"), "w") as f:
        f.write(h2o.replace("TLS_LISTEN\n", ""))
    if tls:
        # h2 and http/1.1 by ALPN are h2o's defaults on a TLS listener; no OCSP fetching (self-signed).
        with open(os.path.join(workdir, "h2o-tls.conf"), "w") as f:
            f.write(h2o.replace("TLS_LISTEN\n", f"""listen:
  host: 127.0.0.1
  port: {tls[0]}
  ssl:
    certificate-file: {tls[1]}
    key-file: {tls[2]}
    minimum-version: TLSv1.3
    ocsp-update-interval: 0
"""))


def command(sdef, jdk, cp, port, files_dir, workdir, https=None):
    """https: (port, keystore path) to give the app a TLS listener too (servers with a TLS protocol)."""
    tls_on = bool(https) and sdef.tls()
    if sdef.kind == "java":
        tls = []
        if tls_on:
            tls = [f"-Dbench.httpsPort={https[0]}", f"-Dbench.keystore={https[1]}",
                   f"-Dbench.keystorePassword={KEYSTORE_PASSWORD}"]
        return [os.path.join(jdk, "bin", "java"), *JVM_FLAGS, *tls, "-cp", cp, sdef.main, str(port), files_dir]
    if sdef.name == "nginx":
        return [which("nginx"), "-p", workdir, "-c", os.path.join(workdir, "nginx-tls.conf" if tls_on else "nginx.conf")]
    if sdef.name == "h2o":
        return [which("h2o"), "-c", os.path.join(workdir, "h2o-tls.conf" if tls_on else "h2o.conf")]
    raise ValueError(sdef.name)


def start(sdef, argv, port, workdir, timeout=60.0, https_port=None, extra_ports=()):
    """Starts a server and polls GET /plaintext until it answers 200 Hello, World!
    Returns a Running whose startup_ms is launch-to-first-successful-response."""
    for p in filter(None, (port, https_port, *extra_ports)):
        if not port_free(p):
            raise RuntimeError(f"port {p} is busy")
    log_path = os.path.join(workdir, f"{sdef.name}.log")
    logf = open(log_path, "ab")
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            cwd=workdir, start_new_session=True)
    logf.close()
    deadline = t0 + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{sdef.name} exited with {proc.returncode}; see {log_path}")
        r = http_get(port, "/plaintext", timeout=1.0)
        if r and r[0] == 200 and r[1] == HELLO:
            ms = (time.monotonic() - t0) * 1000
            return Running(sdef, proc, port, workdir, log_path, ms, https_port, extra_ports)
        time.sleep(0.002)
    Running(sdef, proc, port, workdir, log_path, None, https_port, extra_ports).stop()
    raise RuntimeError(f"{sdef.name} did not answer within {timeout}s; see {log_path}")


def validate(running, files_dir, h2=()):
    """Checks each endpoint answers what the scenarios expect. Returns {endpoint: problem}; HTTP/2
    endpoints (`h2`: (protocol, path) pairs the launch's scenarios use) as "h2c:/plaintext" etc."""
    problems = {}
    r = http_get(running.port, "/json")
    if not r or r[0] != 200 or b'"message"' not in r[1]:
        problems["json"] = f"GET /json -> {r[0] if r else 'no answer'}"
    r = http_get(running.port, "/file/1m", timeout=10)
    size = os.path.getsize(os.path.join(files_dir, "1m"))
    if not r or r[0] != 200 or len(r[1]) != size:
        problems["file"] = f"GET /file/1m -> {r[0] if r else 'no answer'} {len(r[1]) if r else 0} bytes"
    if "echo-1m" not in running.sdef.unsupported:
        payload = os.urandom(256 * 1024)
        r = http_post(running.port, "/echo", payload)
        if not r or r[0] != 200 or r[1] != payload:
            problems["echo"] = f"POST /echo -> {r[0] if r else 'no answer'}, {len(r[1]) if r else 0} bytes back"
    if running.https_port:
        # The HTTPS listener may come up a moment after the plain one: retry for a few seconds.
        deadline = time.monotonic() + 10
        r = https_get(running.https_port, "/plaintext")
        while (not r or r[0] != 200) and time.monotonic() < deadline and running.alive():
            time.sleep(0.1)
            r = https_get(running.https_port, "/plaintext")
        if not r or r[0] != 200 or r[1] != HELLO:
            problems["https"] = f"HTTPS GET /plaintext -> {r[0] if r else 'no answer'}"
        else:
            running.tls = f"{r[2]} {r[3]}"  # what an OpenSSL client (as wrk) negotiates
    for protocol, path in sorted(set(h2)):
        port = h2c_port(running.sdef, running.port) if protocol == "h2c" else running.https_port
        key = f"{protocol}:{path}"
        if not port:
            problems[key] = f"{protocol}: no port"
        elif protocol == "h2" and "https" in problems:
            problems[key] = f"h2: {problems['https']}"  # the TLS listener did not answer at all
        elif path == "/plaintext":
            why = h2_check(port, path, protocol, expect_body=HELLO)
            if why:
                problems[key] = why
        elif path.startswith("/file/"):
            why = h2_check(port, path, protocol, expect_size=os.path.getsize(os.path.join(files_dir, path[6:])))
            if why:
                problems[key] = why
    return problems


def write_caddyfile(workdir, port, files_dir, cert, key):
    """Caddy's configuration for the h3 rows: the same two endpoints as the apps on HTTPS (TCP) and
    HTTP/3 (UDP) at `port`, the run's certificate, nothing else (no admin API, no automatic HTTPS or
    redirects, no access log, errors only in its own log). Returns its path."""
    path = os.path.join(workdir, "Caddyfile")
    conf = f"""# Caddy for the Peregrine side-by-side benchmark's h3 rows (bench/run writes this per run).
{{
	admin off
	auto_https off
	default_sni localhost
	log {{
		output file {workdir}/caddy-error.log
		level ERROR
	}}
	servers {{
		protocols h1 h2 h3
	}}
}}
https://:{port} {{
	bind 127.0.0.1
	tls {cert} {key}
	header /plaintext Content-Type "text/plain; charset=utf-8"
	respond /plaintext "Hello, World!" 200
	handle_path /file/* {{
		root * {files_dir}
		file_server
	}}
}}
"""
    with open(path, "w") as f:
        f.write(conf)
    return path


def h3_command(sdef, jdk, cp, port, files_dir, workdir, pem=None, keystore=None):
    """The h3 launch: `pem` = (certificate, key) PEM paths, `keystore` = the PKCS#12 path.
    Java apps get `<port> <files-dir>` and their H3Launch args; Caddy its Caddyfile."""
    h3 = sdef.h3
    if sdef.kind == "java":
        props = []
        if h3.keystore:
            props = [f"-Dbench.keystore={keystore}", f"-Dbench.keystorePassword={KEYSTORE_PASSWORD}",
                     f"-Dbench.quicPemDir={os.path.join(workdir, sdef.name + '-quic-pem')}"]
        args = [a.format(cert=pem[0] if pem else "", key=pem[1] if pem else "") for a in h3.args]
        return [os.path.join(jdk, "bin", "java"), *JVM_FLAGS, *props, "-cp", cp, h3.main, str(port), files_dir, *args]
    if sdef.name == "caddy":
        conf = write_caddyfile(workdir, port, files_dir, *pem)
        return [which("caddy"), "run", "--config", conf, "--adapter", "caddyfile"]
    raise ValueError(sdef.name)


def h3_env(sdef, workdir):
    """Caddy keeps state under $XDG_DATA_HOME / $XDG_CONFIG_HOME: the run's work directory, not $HOME."""
    if sdef.name != "caddy":
        return None
    return dict(os.environ, XDG_DATA_HOME=os.path.join(workdir, "caddy-data"),
                XDG_CONFIG_HOME=os.path.join(workdir, "caddy-config"))


def start_h3(sdef, argv, port, workdir, client, timeout=H3_START_TIMEOUT, env=None):
    """Starts a server's HTTP/3 app and waits (H3Load --wait) until GET /plaintext over HTTP/3 answers
    200 Hello, World!. Returns a Running (startup_ms: launch to that first HTTP/3 response, including
    the client JVM's start) or raises RuntimeError with what went wrong."""
    if not udp_port_free(port):
        raise RuntimeError(f"UDP port {port} is busy")
    log_path = os.path.join(workdir, f"{sdef.name}-h3.log")
    logf = open(log_path, "ab")
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            cwd=workdir, start_new_session=True, env=env)
    logf.close()
    running = Running(sdef, proc, None, workdir, log_path, None, udp_ports=(port,))
    try:
        r = client.check(port, "/plaintext", wait=timeout, show_body=True, timeout=timeout + 30, alive=running.alive)
    except RuntimeError as e:
        running.stop()
        raise RuntimeError(f"{e}; see {log_path}")
    if not running.alive():
        running.stop()
        raise RuntimeError(f"{sdef.name} exited with {proc.returncode}; see {log_path}")
    if r.get("requests") != 1 or r.get("body") != HELLO.decode():
        running.stop()
        why = r.get("first_error") or r.get("error") or f"body {r.get('body')!r}"
        why = why.rsplit("Exception: ", 1)[-1]  # the innermost message, without the Java exception chain
        raise RuntimeError(f"no HTTP/3 answer on UDP {port} within {timeout:.0f} s ({why}); see {log_path}")
    running.startup_ms = (time.monotonic() - t0) * 1000
    return running


def validate_h3(running, files_dir, paths, client, port):
    """One GET of each /file/* path the launch's h3 rows use, over HTTP/3: status 200 and every byte
    (the body's length) there. /plaintext was checked by start_h3. Returns {"h3:<path>": problem}."""
    problems = {}
    for path in sorted(set(paths)):
        if not path.startswith("/file/"):
            continue
        size = os.path.getsize(os.path.join(files_dir, path[6:]))
        try:
            r = client.check(port, path, timeout=120)
        except RuntimeError as e:
            problems[f"h3:{path}"] = f"h3 GET {path}: {e}"
            continue
        if r.get("requests") != 1 or r.get("bytes") != size:
            problems[f"h3:{path}"] = (f"h3 GET {path}: {r.get('requests')} ok, {r.get('bytes')} bytes (want {size}), "
                                      f"{r.get('first_error') or r.get('error') or ''}".rstrip(", "))
    return problems
