"""The servers under test: how to start each one, wait for it, measure its memory, stop it."""

import os
import re
import signal
import socket
import subprocess
import time

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


class ServerDef:
    def __init__(self, name, kind, main=None, protocols=("h1",), notes="", unsupported=None):
        self.name = name
        self.kind = kind            # "java" or "native"
        self.main = main            # Java main class
        self.protocols = set(protocols)
        self.notes = notes
        # scenario name -> reason, for what this server cannot do as configured
        self.unsupported = unsupported or {}


APPS = "dev.peregrine.bench.apps."
SERVERS = {
    "peregrine": ServerDef("peregrine", "java", APPS + "PeregrineApp", protocols=("h1", "https"),
                           notes="Router, StaticFiles, streaming echo; ServerOptions.defaults(); "
                                 "HTTPS: TlsOptions with the key store (JDK SSLEngine)"),
    "netty": ServerDef("netty", "java", APPS + "NettyApp", protocols=("h1", "https"),
                       notes="codec-http, epoll, 1 event loop per CPU, flush per read batch, FileRegion; "
                             "HTTPS: SslHandler with SslProvider.JDK (not OpenSSL)"),
    "jetty": ServerDef("jetty", "java", APPS + "JettyApp", protocols=("h1", "https"),
                       notes="Jetty 12 core handler, ResourceHandler, Content.copy echo; "
                             "HTTPS: SslConnectionFactory over SslContextFactory.Server (JDK TLS)"),
    "undertow": ServerDef("undertow", "java", APPS + "UndertowApp",
                          notes="IO-thread sends, ResourceHandler, blocking echo on a worker; BUFFER_PIPELINED_DATA"),
    "helidon": ServerDef("helidon", "java", APPS + "HelidonApp",
                         notes="Helidon SE 4 (virtual threads), FileChannel files, blocking echo"),
    "vertx": ServerDef("vertx", "java", APPS + "VertxApp",
                       notes="1 event loop per CPU, native transport, sendFile, pipeTo echo"),
    "jdk": ServerDef("jdk", "java", APPS + "JdkApp",
                     notes="com.sun.net.httpserver with a virtual-thread executor"),
    "nginx": ServerDef("nginx", "native",
                       notes="1 worker, `return 200` for plaintext/json (constants), sendfile for files",
                       unsupported={"echo-1m": "nginx-light has no handler that streams a request body back"}),
    "h2o": ServerDef("h2o", "native",
                     notes="1 thread, file.file for plaintext/json (constants), file.dir, mruby echo (buffers the body)"),
}

DEFAULT_ORDER = ["peregrine", "netty", "jetty", "undertow", "helidon", "vertx", "jdk", "nginx", "h2o"]


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

    def __init__(self, sdef, proc, port, workdir, log_path, startup_ms, https_port=None):
        self.sdef = sdef
        self.proc = proc
        self.port = port
        self.https_port = https_port
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
        for port in filter(None, (self.port, self.https_port)):
            while not port_free(port) and time.monotonic() < deadline:
                time.sleep(0.05)


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


def write_native_configs(workdir, port, files_dir):
    """nginx and h2o configurations equivalent to the Java apps."""
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
        listen 127.0.0.1:{port} backlog=1024;
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
        f.write(nginx)
    h2o = f"""# h2o for the Peregrine side-by-side benchmark: one thread, like the one-CPU Java servers.
num-threads: 1
max-connections: {max(1024, nofile - 64)}
http1-request-timeout: 130
error-log: {workdir}/h2o-error.log
{"user: nobody" if os.geteuid() == 0 else ""}
listen:
  host: 127.0.0.1
  port: {port}
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
        f.write(h2o)


def command(sdef, jdk, cp, port, files_dir, workdir, https=None):
    """https: (port, keystore path) to give the app an HTTPS listener too (servers listing "https")."""
    if sdef.kind == "java":
        tls = []
        if https and "https" in sdef.protocols:
            tls = [f"-Dbench.httpsPort={https[0]}", f"-Dbench.keystore={https[1]}",
                   f"-Dbench.keystorePassword={KEYSTORE_PASSWORD}"]
        return [os.path.join(jdk, "bin", "java"), *JVM_FLAGS, *tls, "-cp", cp, sdef.main, str(port), files_dir]
    if sdef.name == "nginx":
        return [which("nginx"), "-p", workdir, "-c", os.path.join(workdir, "nginx.conf")]
    if sdef.name == "h2o":
        return [which("h2o"), "-c", os.path.join(workdir, "h2o.conf")]
    raise ValueError(sdef.name)


def start(sdef, argv, port, workdir, timeout=60.0, https_port=None):
    """Starts a server and polls GET /plaintext until it answers 200 Hello, World!
    Returns a Running whose startup_ms is launch-to-first-successful-response."""
    for p in filter(None, (port, https_port)):
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
            return Running(sdef, proc, port, workdir, log_path, ms, https_port)
        time.sleep(0.002)
    Running(sdef, proc, port, workdir, log_path, None, https_port).stop()
    raise RuntimeError(f"{sdef.name} did not answer within {timeout}s; see {log_path}")


def validate(running, files_dir):
    """Checks each endpoint answers what the scenarios expect. Returns {endpoint: problem}."""
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
    return problems
