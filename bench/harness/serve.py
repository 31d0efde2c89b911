"""The serve-* rows: static files from a docroot bench/run writes per run, served by `peregrine serve`
(the launcher users run: quiet, and with its access log) and by static-file peers (nginx, Caddy's
file_server, Jetty's ResourceHandler), each in a launch of its own on the plain port, checked once
with curl, then loaded with wrk (HTTP/1.1, plain TCP, keep-alive). See docs/benchmarks/README.md."""

import atexit
import gzip
import hashlib
import os
import random
import shutil
import subprocess
import tempfile
import time

import loads
import servers as srv
from env import ROOT, log, recorders, which

SERVE = srv.SERVE
# The servers of the serve-* rows, in report order (the default when only serve-* rows run).
DEFAULT_SERVERS = ["peregrine", "peregrine-log", "nginx", "caddy", "jetty"]
LAUNCHES = set(DEFAULT_SERVERS)
# Skip reason of the other servers' serve-* cells (report.py shows them as "–", not "n/a").
NOT_IN_SERVE = "not in the serve-* rows"
LAUNCHER = os.path.join(ROOT, "peregrine")
JETTY_MAIN = srv.APPS + "JettyStaticApp"
# `peregrine serve` gets the harness's JVM flags through the java launcher's own JDK_JAVA_OPTIONS
# (the command line stays the user's): the same heap and collector as the Jetty peer and every app row.
JVM_OPTIONS_ENV = "JDK_JAVA_OPTIONS"

MIB = 1024 * 1024
SEED = 20251202  # the docroot's bytes are the same in every run
SMALL = b"Hello world\n"  # 12 bytes
TEXT_SIZE = 100 * 1024
FILES = {  # name -> size; TEXT also gets a gzip sibling (TEXT.gz) for the servers that serve precompressed files
    "small.txt": len(SMALL),
    "1m.bin": MIB,
    "100m.bin": 100 * MIB,
    "text-100k.txt": TEXT_SIZE,
}
TEXT = "text-100k.txt"
WORDS = ("the a server sends each file from page cache when client asks for it over keep-alive connection and "
         "benchmark counts every response that arrives complete within measured seconds of static content "
         "directory request header body length type encoding gzip compressed bytes").split()

NOTES = {
    "peregrine": "`peregrine serve DOCROOT --port P --no-https --quiet` (the ./peregrine launcher, "
                 "peregrine-cli jar; StaticFiles; h2c on the port as by default)",
    "peregrine-log": "`peregrine serve DOCROOT --port P --no-https`: its default access log, one line per "
                     "request on stdout, which goes to /dev/null (the formatting and write(2) are paid, a "
                     "terminal's rendering is not)",
    "nginx": "1 worker, `root DOCROOT`, sendfile on, tcp_nopush on, tcp_nodelay on, open_file_cache "
             "max=1000 (valid 60 s), gzip_static on (serves TEXT.gz), access_log off (work/nginx-serve.conf)",
    "caddy": "`http://:P` with `root * DOCROOT` and `file_server { precompressed gzip }` (serves TEXT.gz), "
             "admin off, auto_https off, no access log, GOMAXPROCS=1 (work/Caddyfile-serve)",
    "jetty": "JettyStaticApp: Jetty 12 ResourceHandler at /, precompressed gzip (serves TEXT.gz), "
             "directory listing off, Jetty's defaults otherwise, handler declared non-blocking",
}


def expand(names):
    """`serve` in --scenarios stands for every serve-* row."""
    from scenarios import SCENARIOS
    out = []
    for n in names:
        out += [sc.name for sc in SCENARIOS if sc.protocol == SERVE] if n == SERVE else [n]
    return out


def make_docroot():
    """A fresh temporary docroot with deterministic content (seeded, the same every run): a 12-byte
    text file, 1 MiB and 100 MiB of pseudo-random bytes (incompressible), 100 KiB of word-salad text
    (gzip -9 makes it about a fifth) and its gzip sibling. Removed when the run ends. Returns (dir, manifest):
    name -> {size, sha256}."""
    root = tempfile.mkdtemp(prefix="peregrine-bench-docroot-")
    atexit.register(shutil.rmtree, root, True)
    os.chmod(root, 0o755)  # nginx's worker runs as nobody
    rng = random.Random(SEED)
    manifest = {}

    def write(name, chunks):
        h, n = hashlib.sha256(), 0
        path = os.path.join(root, name)
        with open(path, "wb") as f:
            for c in chunks:
                f.write(c)
                h.update(c)
                n += len(c)
        os.chmod(path, 0o644)
        manifest[name] = {"size": n, "sha256": h.hexdigest()}

    write("small.txt", [SMALL])
    write("1m.bin", [rng.randbytes(MIB)])
    write("100m.bin", (rng.randbytes(MIB) for _ in range(100)))
    text = _text(rng, TEXT_SIZE)
    write(TEXT, [text])
    write(TEXT + ".gz", [gzip.compress(text, compresslevel=9, mtime=0)])
    for name, size in FILES.items():
        assert manifest[name]["size"] == size, name
    return root, manifest


def _text(rng, size):
    lines, n = [], 0
    while n < size:
        line = (" ".join(rng.choice(WORDS) for _ in range(11)) + ".\n").capitalize().encode()
        lines.append(line)
        n += len(line)
    return b"".join(lines)[:size - 1] + b"\n"


def _nofile():
    import resource
    n = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    return 1048576 if n == resource.RLIM_INFINITY else n


def write_configs(workdir, port, docroot):
    """nginx-serve.conf and Caddyfile-serve in the run's work directory."""
    nofile = _nofile()
    tmp = os.path.join(workdir, "nginx-tmp")
    os.makedirs(tmp, exist_ok=True)
    nginx = f"""# nginx for bench/run's serve-* rows: a tuned but standard static-file server, one worker.
worker_processes 1;
daemon off;
pid {workdir}/nginx-serve.pid;
error_log {workdir}/nginx-serve-error.log warn;
worker_rlimit_nofile {nofile};
events {{
    worker_connections {max(1024, nofile - 64)};
}}
http {{
    types {{
        text/plain txt;
        application/octet-stream bin;
    }}
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 130s;
    keepalive_requests 100000000;
    open_file_cache max=1000 inactive=60s;
    open_file_cache_valid 60s;
    open_file_cache_errors on;
    gzip_static on;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    server {{
        listen 127.0.0.1:{port} backlog=1024;
        root {docroot};
    }}
}}
"""
    caddy = f"""# Caddy for bench/run's serve-* rows: file_server over plain HTTP (bench/run writes this per run).
{{
	admin off
	auto_https off
	log {{
		output file {workdir}/caddy-serve-error.log
		level ERROR
	}}
}}
http://:{port} {{
	bind 127.0.0.1
	root * {docroot}
	file_server {{
		precompressed gzip
	}}
}}
"""
    for name, text in (("nginx-serve.conf", nginx), ("Caddyfile-serve", caddy)):
        with open(os.path.join(workdir, name), "w") as f:
            f.write(text)


def launcher_version(timeout=900):
    """`./peregrine --version`, which also builds the command first when a source changed since its
    jar (the launcher's own rule), so no build lands inside a measured start. None if it failed."""
    try:
        r = subprocess.run([LAUNCHER, "--version"], capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    except (OSError, subprocess.SubprocessError) as e:
        log(f"peregrine launcher failed: {e}")
        return None
    if r.returncode != 0:
        log(f"peregrine launcher failed (exit {r.returncode}): {(r.stderr or r.stdout).strip()[-400:]}")
        return None
    return r.stdout.strip().splitlines()[-1] if r.stdout.strip() else "?"


def command(name, jdk, cp, port, docroot, workdir):
    """argv (unpinned) and environment of a server's serve launch."""
    if name in ("peregrine", "peregrine-log"):
        argv = [LAUNCHER, "serve", docroot, "--port", str(port), "--no-https"] + (["--quiet"] if name == "peregrine" else [])
        return argv, dict(os.environ, **{JVM_OPTIONS_ENV: " ".join(srv.JVM_FLAGS)})
    if name == "nginx":
        return [which("nginx"), "-p", workdir, "-c", os.path.join(workdir, "nginx-serve.conf")], None
    if name == "caddy":
        env = dict(srv.h3_env(srv.SERVERS["caddy"], workdir), GOMAXPROCS="1")
        return [which("caddy"), "run", "--config", os.path.join(workdir, "Caddyfile-serve"), "--adapter", "caddyfile"], env
    if name == "jetty":
        return [os.path.join(jdk, "bin", "java"), *srv.JVM_FLAGS, "-cp", cp, JETTY_MAIN, str(port), docroot], None
    raise ValueError(name)


def _shown(name, argv, env, docroot, workdir, cp):
    """A launch as a shell line for the report, with the paths that change per run shortened."""
    line = " ".join(argv)
    if cp:
        line = line.replace(cp, "<classpath>")
    line = line.replace(docroot, "DOCROOT").replace(workdir, "work").replace(ROOT + "/", "./")
    if env and JVM_OPTIONS_ENV in env:
        line = f"{JVM_OPTIONS_ENV}='{env[JVM_OPTIONS_ENV]}' {line}"
    if name == "caddy":
        line = f"GOMAXPROCS=1 {line}"
    return line + (" > /dev/null" if name == "peregrine-log" else "")


def wrk_command(sc, port, duration):
    """The wrk command line of a serve-* row, as the report shows it."""
    argv = ["wrk", "-t1", f"-c{sc.connections}", f"-d{max(1, int(round(duration)))}s", "--timeout", "10s"]
    if sc.script:
        argv += ["-s", f"bench/lua/{sc.script}"]
    for h in sc.headers:
        argv += ["-H", f"'{h}'"]
    argv.append(f"http://127.0.0.1:{port}{sc.path}")
    if sc.args:
        argv += ["--", *sc.args]
    return " ".join(argv)


def start(name, argv, port, workdir, env, timeout=60.0):
    """Starts a serve launch and polls GET /small.txt until it answers 200 with the file. The access
    log of peregrine-log goes to /dev/null; everything else a server prints to its log file."""
    if not srv.port_free(port):
        raise RuntimeError(f"port {port} is busy")
    log_path = os.path.join(workdir, f"{name}-serve.log")
    logf = open(log_path, "ab")
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL if name == "peregrine-log" else logf,
                            stderr=logf, stdin=subprocess.DEVNULL, cwd=workdir, start_new_session=True, env=env)
    logf.close()
    running = srv.Running(srv.SERVERS[name], proc, port, workdir, log_path, None)
    while time.monotonic() < t0 + timeout:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}; see {log_path}")
        r = srv.http_get(port, "/small.txt", timeout=1.0)
        if r and r[0] == 200 and r[1] == SMALL:
            running.startup_ms = (time.monotonic() - t0) * 1000
            return running
        time.sleep(0.01)
    running.stop()
    raise RuntimeError(f"{name} did not serve /small.txt within {timeout:.0f} s; see {log_path}")


def curl_check(port, name, manifest, workdir, pin, accept_gzip=False):
    """One `curl --http1.1` GET of /NAME (with Accept-Encoding: gzip if asked; curl does not decode
    it): status 200 and every byte of the file, decoded when gzip. Returns (problem or None, what was
    seen: status, content_encoding, bytes on the wire, chunked)."""
    heads = os.path.join(workdir, "curl-serve-headers.txt")
    argv = ["curl", "-sS", "--http1.1", "--max-time", "120", "-D", heads, "-o", "-"]
    if accept_gzip:
        argv += ["-H", "Accept-Encoding: gzip"]
    argv.append(f"http://127.0.0.1:{port}/{name}")
    h, body, n = hashlib.sha256(), bytearray(), 0
    try:
        p = subprocess.Popen(pin.load(argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for chunk in iter(lambda: p.stdout.read(1 << 20), b""):
            n += len(chunk)
            h.update(chunk)
            if accept_gzip and n <= 4 * MIB:
                body += chunk
        err = p.stderr.read().decode(errors="replace").strip()
        p.wait(timeout=30)
    except (OSError, subprocess.SubprocessError) as e:
        return f"curl GET /{name}: {e}", {}
    if p.returncode != 0:
        return f"curl GET /{name}: exit {p.returncode} {err[:200]}", {}
    fields = {}
    status = None
    for line in open(heads, encoding="latin-1").read().splitlines():
        if line.startswith("HTTP/"):
            status, fields = int(line.split()[1]), {}  # the last response (after any 100-continue)
        elif ":" in line:
            k, v = line.split(":", 1)
            fields[k.strip().lower()] = v.strip()
    seen = {"status": status, "content_encoding": fields.get("content-encoding", "identity"), "bytes": n,
            "chunked": "chunked" in fields.get("transfer-encoding", "").lower(),
            "content_type": fields.get("content-type")}
    want = manifest[name]
    if status != 200:
        return f"GET /{name} -> {status}", seen
    enc = seen["content_encoding"].lower()
    if enc == "gzip":
        try:
            decoded = gzip.decompress(bytes(body))
        except (OSError, EOFError) as e:
            return f"GET /{name}: gzip body does not decode ({e})", seen
        if hashlib.sha256(decoded).hexdigest() != want["sha256"]:
            return f"GET /{name}: gzip body decodes to {len(decoded)} bytes, not the file", seen
        gz = manifest.get(name + ".gz")
        seen["precompressed"] = bool(gz) and h.hexdigest() == gz["sha256"]
        return None, seen
    if enc != "identity":
        return f"GET /{name}: Content-Encoding {enc}, expected gzip or none", seen
    if n != want["size"] or h.hexdigest() != want["sha256"]:
        return f"GET /{name}: {n} bytes, not the file's {want['size']}", seen
    return None, seen


def describe_gzip(seen):
    """The gzip check's finding in words, for the report."""
    if seen.get("content_encoding", "").lower() != "gzip":
        return f"not compressed: Content-Encoding {seen.get('content_encoding')}, {seen.get('bytes', 0):,} bytes"
    how = "the precompressed .gz sibling" if seen.get("precompressed") else "compressed on the fly"
    return f"gzip, {seen['bytes']:,} bytes ({how}{', chunked' if seen.get('chunked') else ''})"


def prepare(workdir, port):
    """Once per run: the docroot, the nginx and Caddy configurations, the launcher's version (and
    build). Returns the context run_server needs, which main puts into results.json as meta.serve."""
    docroot, manifest = make_docroot()
    write_configs(workdir, port, docroot)
    log(f"serve docroot {docroot}: " + ", ".join(f"{k} {v['size']:,} B" for k, v in manifest.items()))
    return {"docroot": docroot, "manifest": manifest, "version": launcher_version(),
            "commands": {}, "wrk": {}, "gzip": {}, "cell_notes": {}, "servers": {}}


def run_server(name, rnd, rows, cfg, jdk, cp, pin, workdir, ctx, samples, skipped, raw, port):
    """The serve-* rows of one server in one round: start, check each row's file with curl, warm
    each endpoint, run the rows with wrk, stop."""
    from scenarios import SCENARIOS

    record, skip = recorders(samples, raw, skipped, rnd, name)

    todo = [sc for sc in rows if _retry(skipped.get(sc.name, {}).get(name))]
    if not todo:
        return
    if name.startswith("peregrine") and not ctx["version"]:
        for sc in todo:
            skip(sc, "did not start: the peregrine launcher failed (see the log above)")
        return
    argv, env = command(name, jdk, cp, port, ctx["docroot"], workdir)
    argv = pin.server(argv)
    ctx["servers"][name] = NOTES[name].replace("TEXT", TEXT)
    ctx["commands"][name] = _shown(name, argv, env, ctx["docroot"], workdir, cp)
    log(f"round {rnd + 1}: starting {name} (serve)")
    try:
        running = start(name, argv, port, workdir, env)
    except RuntimeError as e:
        log(f"  {name} did not start: {e}")
        for sc in todo:
            if not samples.get(sc.name, {}).get(name):
                skip(sc, f"did not start: {e}")
        return
    try:
        log(f"  up in {running.startup_ms:.0f} ms")
        problems = {}
        for sc in todo:
            key = (sc.path, bool(sc.headers))
            if key in problems:
                continue
            gz = any(h.lower().startswith("accept-encoding") for h in sc.headers)
            why, seen = curl_check(port, sc.path.lstrip("/"), ctx["manifest"], workdir, pin, gz)
            problems[key] = why
            if why:
                log(f"  check: {why}")
            if gz and not why:
                ctx["gzip"][name] = describe_gzip(seen)
                log(f"  gzip check: {ctx['gzip'][name]}")
                if seen["content_encoding"].lower() != "gzip":
                    ctx["cell_notes"].setdefault(sc.name, {})[name] = "not compressed"
        warmed = set()
        for sc in todo:
            if problems.get((sc.path, bool(sc.headers))):
                skip(sc, f"check failed: {problems[(sc.path, bool(sc.headers))]}")
                continue
            if not running.alive():
                skip(sc, "server process died")
                continue
            try:
                if cfg["warmup"] > 0 and sc.warm_key not in warmed:
                    warm = next((s for s in SCENARIOS if s.protocol == SERVE and s.path == sc.warm_key
                                 and not s.script), sc)
                    loads.run_wrk(warm, port, cfg["warmup"], pin, workdir)
                    warmed.add(sc.warm_key)
                metrics, extra = loads.run_wrk(sc, port, cfg["duration"], pin, workdir)
                if extra.get("requests"):
                    extra["bytes_per_response"] = extra["bytes"] / extra["requests"]
                ctx["wrk"][sc.name] = wrk_command(sc, port, cfg["duration"])
                record(sc, metrics, extra)
                log(f"  {sc.name}: " + ", ".join(f"{k}={v:,.3f}" for k, v in metrics.items() if v is not None)
                    + (f" ({extra['bytes_per_response']:,.0f} B per response)" if sc.headers else ""))
            except Exception as e:  # a failed row is reported, never fatal
                log(f"  {sc.name}: failed: {e}")
                raw.append({"round": rnd, "server": name, "scenario": sc.name, "error": str(e)})
                if not samples.get(sc.name, {}).get(name):
                    skipped.setdefault(sc.name, {})[name] = f"failed: {e}"
    finally:
        running.stop()
    for sc in todo:
        if samples.get(sc.name, {}).get(name) and skipped.get(sc.name, {}).get(name):
            del skipped[sc.name][name]  # a later round's figure clears an earlier failure


def _retry(why):
    """Whether a row skipped earlier is tried again next round (not for "not installed" and the like)."""
    return why is None or why.startswith(RETRIED)


RETRIED = ("failed", "check failed", "did not start", "server process died")


def meta(ctx):
    """What results.json keeps of a run's serve-* rows (report.py renders it)."""
    return {k: ctx[k] for k in ("manifest", "version", "commands", "wrk", "gzip", "cell_notes", "servers")}
