"""Load runners: wrk (HTTP/1.1 throughput), h2load (fixed-rate HTTP/1.1 latency; h2c and h2 load),
the idle-connection client, and the memory measurements around it."""

import json
import math
import os
import re
import select
import subprocess
import sys
import time

from env import log

LUA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "lua")
IDLE_CLIENT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "idle_client.py")
MIB = 1024 * 1024


class Skip(Exception):
    """A scenario that cannot run for a server here; the message says why."""


def _wrk_script(sc, workdir):
    parts = []
    if sc.script:
        parts.append(open(os.path.join(LUA, sc.script)).read())
    parts.append(open(os.path.join(LUA, "report.lua")).read())
    path = os.path.join(workdir, f"wrk-{sc.name}.lua")
    with open(path, "w") as f:
        f.write("\n".join(parts))
    return path


def run_wrk(sc, port, duration, pin, workdir):
    """One wrk run; returns the scenario's metrics and the raw summary."""
    script = _wrk_script(sc, workdir)
    argv = ["wrk", "-t1", f"-c{sc.connections}", f"-d{max(1, int(round(duration)))}s", "--timeout", "10s",
            "-s", script]
    for h in sc.headers:
        argv += ["-H", h]
    # https: wrk speaks TLS through OpenSSL and does not verify the (self-signed) certificate.
    argv.append(f"{'https' if sc.protocol == 'https' else 'http'}://127.0.0.1:{port}{sc.path}")
    if sc.args:
        argv += ["--", *sc.args]
    r = subprocess.run(pin.load(argv), capture_output=True, text=True, timeout=duration + 60)
    line = next((ln for ln in r.stdout.splitlines() if ln.startswith("BENCHJSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no result (exit {r.returncode}): {r.stderr.strip()[:300]}")
    raw = json.loads(line[len("BENCHJSON "):])
    secs = raw["duration_us"] / 1e6
    n = raw["requests"]
    err = raw["errors"]
    bad = err["status"] + err["timeout"] + err["connect"] + err["write"]
    if n == 0 and not (sc.size and raw["bytes"] > 0):
        raise RuntimeError(f"no request completed (errors {err})")
    if bad > max(10, 0.01 * n):
        raise RuntimeError(f"{bad} errors in {n} requests ({err})")
    if sc.size:
        # Bytes received, not requests completed: a 100 MiB download may still be under way when the
        # run ends. The few hundred bytes of response heads per MiB are in the count.
        metrics = {"mibps": raw["bytes"] / MIB / secs}
    else:
        metrics = {"rps": n / secs}
    return metrics, raw


def run_latency(sc, port, duration, warmup, pin, workdir, rps_per_conn):
    """Open-model load at a fixed rate with h2load; percentiles from its per-request log.
    Requests that started during the warm-up are left out."""
    logf = os.path.join(workdir, f"h2load-{sc.name}.log")
    if os.path.exists(logf):
        os.remove(logf)
    total = duration + warmup
    argv = ["h2load", "--h1", "-t1", f"-c{sc.connections}", f"--rps={rps_per_conn}",
            f"-D{max(1, int(round(total)))}", f"--log-file={logf}", f"http://127.0.0.1:{port}/plaintext"]
    r = subprocess.run(pin.load(argv), capture_output=True, text=True, timeout=total + 60)
    if r.returncode != 0 or not os.path.exists(logf):
        raise RuntimeError(f"h2load failed (exit {r.returncode}): {(r.stderr or r.stdout).strip()[:300]}")
    rows = []
    with open(logf) as f:
        for line in f:
            p = line.split("\t")
            if len(p) >= 3:
                rows.append((int(p[0]), int(p[1]), int(p[2])))
    if not rows:
        raise RuntimeError("h2load logged no request")
    t0 = min(x[0] for x in rows) + int(warmup * 1e6)
    measured = [x for x in rows if x[0] >= t0]
    ok = sorted(x[2] for x in measured if x[1] == 200)
    failed = sum(1 for x in measured if x[1] != 200)
    if not ok or failed > max(10, 0.01 * len(measured)):
        raise RuntimeError(f"{failed} failed of {len(measured)} requests")

    def pct(q):
        return ok[min(len(ok) - 1, max(0, math.ceil(q / 100 * len(ok)) - 1))] / 1000.0

    span = (max(x[0] for x in measured) - t0) / 1e6 if len(measured) > 1 else 0
    raw = {"requests": len(ok), "failed": failed, "achieved_rps": len(measured) / span if span else None}
    return {"p50_ms": pct(50), "p99_ms": pct(99), "p999_ms": pct(99.9)}, raw


def fd_limit(pid):
    try:
        for line in open(f"/proc/{pid}/limits"):
            if line.startswith("Max open files"):
                v = line.split()[3]
                return 1 << 30 if v == "unlimited" else int(v)
    except (OSError, IndexError, ValueError):
        pass
    return None


def run_idle(sc, running, pin, javatools, workdir, settle=1.0):
    """Opens sc.connections keep-alive connections (one request each), holds them, and measures the
    server's heap after GC (Java) and RSS before and after. Per-connection figures are deltas."""
    n = sc.connections
    pids = running.pids()
    limit = min(filter(None, (fd_limit(p) for p in pids)), default=None)
    if limit is not None and limit < n + 64:
        raise Skip(f"the server process may open {limit:,} files (RLIMIT_NOFILE); {n:,} connections need more")
    import resource
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    per_proc = max(1000, min(n, (hard if hard != resource.RLIM_INFINITY else 1 << 20) - 200))
    nprocs = math.ceil(n / per_proc)
    java = running.sdef.kind == "java"

    def memory():
        """(heap after GC, RSS, resident heap pages), KiB. After a GC, direct buffers are freed by
        the cleaner thread a moment later: wait before reading RSS."""
        heap = javatools.heap_after_gc_kib(running.pid) if java else None
        time.sleep(0.5)
        return heap, running.rss_kib(), running.heap_rss_kib() if java else None

    heap0, rss0, hrss0 = memory()

    clients = []
    src = 2
    deadline_s = 30 + n / 500  # generous: ~500 connections/s at the very least
    try:
        for i in range(nprocs):
            share = min(per_proc, n - i * per_proc)
            nsrc = math.ceil(share / 25000)
            sources = ",".join(f"127.0.0.{src + j}" for j in range(nsrc))
            src += nsrc
            argv = pin.load([sys.executable, IDLE_CLIENT, "127.0.0.1", str(running.port), str(share), sources,
                             str(deadline_s)])
            clients.append(subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True))
        opened, failed = 0, 0
        for c in clients:
            line = _readline(c, deadline_s + 30)
            st = json.loads(line)
            opened += st["open"]
            failed += st["failed"]
        if opened == 0:
            raise RuntimeError(f"no connection opened ({failed} failed)")
        time.sleep(settle)
        heap1, rss1, hrss1 = memory()
        still = 0
        for c in clients:
            c.stdin.write("check\n")
            c.stdin.flush()
            still += json.loads(_readline(c, 60))["open"]
    finally:
        for c in clients:
            try:
                c.stdin.write("close\n")
                c.stdin.close()
            except OSError:
                pass
        for c in clients:
            try:
                c.wait(timeout=30)
            except subprocess.TimeoutExpired:
                c.kill()
    left = wait_for_quiet(running.port)
    if left:
        log(f"  {left} connections still not closed by the server 30 s after the idle clients left")
    if opened < n * 0.99:
        raise RuntimeError(f"only {opened:,} of {n:,} connections opened ({failed:,} failed)")
    if still < opened * 0.99:
        raise RuntimeError(f"the server closed {opened - still:,} of {opened:,} idle connections")
    metrics = {
        "heap_per_conn_b": (heap1 - heap0) * 1024 / opened if java and heap0 is not None and heap1 is not None else None,
        "rss_per_conn_b": (rss1 - rss0) * 1024 / opened,
        "native_rss_per_conn_b": ((rss1 - hrss1) - (rss0 - hrss0)) * 1024 / opened
        if java and hrss0 is not None and hrss1 is not None else (rss1 - rss0) * 1024 / opened,
        "heap_after_gc_mib": heap1 / 1024 if java and heap1 is not None else None,
    }
    raw = {"opened": opened, "failed": failed, "still_open": still, "heap0_kib": heap0, "heap1_kib": heap1,
           "rss0_kib": rss0, "rss1_kib": rss1,
           "heap_rss0_kib": hrss0, "heap_rss1_kib": hrss1}
    return metrics, raw


def server_connections(port):
    """Sockets on the server side of `port` that are not LISTEN or TIME_WAIT (from /proc/net/tcp*)."""
    n = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    p = line.split()
                    local, state = p[1], p[3]
                    if int(local.rsplit(":", 1)[1], 16) == port and state not in ("0A", "06"):
                        n += 1
        except (OSError, StopIteration, ValueError, IndexError):
            pass
    return n


def wait_for_quiet(port, timeout=30.0):
    """After the idle clients close, a one-CPU server may take seconds to close 10,000 sockets: let
    it finish before the next scenario measures anything."""
    deadline = time.monotonic() + timeout
    left = server_connections(port)
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        left = server_connections(port)
    return left


def _readline(proc, timeout):
    r, _, _ = select.select([proc.stdout], [], [], timeout)
    if not r:
        raise RuntimeError("idle client did not answer in time")
    line = proc.stdout.readline()
    if not line:
        raise RuntimeError(f"idle client ended (exit {proc.poll()})")
    return line


H2LOAD_ALPN = {"h2": "h2", "h3": "h3"}  # TLS protocols: offer only this one, so h2load never falls back


def h2load_argv(sc, port, requests, logf=None):
    """The h2load command line of an h2c/h2/h3 scenario: `requests` in all (count-based; see
    run_h2load for why not -D)."""
    scheme = "http" if sc.protocol == "h2c" else "https"
    argv = ["h2load", "-t1", f"-c{sc.connections}", f"-m{sc.streams}", f"-n{requests}"]
    if sc.protocol in H2LOAD_ALPN:
        argv.append(f"--npn-list={H2LOAD_ALPN[sc.protocol]}")
    if logf:
        argv.append(f"--log-file={logf}")
    argv.append(f"{scheme}://127.0.0.1:{port}{sc.path}")
    return argv


def parse_h2load(out):
    """h2load's summary as numbers; None where a line is missing."""
    def num(v):
        return float(v)

    res = {}
    m = re.search(r"finished in ([\d.]+)(us|ms|s), ([\d.]+) req/s", out)
    if m:
        res["elapsed_s"] = num(m.group(1)) / {"us": 1e6, "ms": 1e3, "s": 1}[m.group(2)]
        res["rps"] = num(m.group(3))
    m = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, "
                  r"(\d+) errored(?:, (\d+) timeout)?", out)
    if m:
        res.update(started=int(m.group(2)), done=int(m.group(3)), succeeded=int(m.group(4)),
                   failed=int(m.group(5)), errored=int(m.group(6)), timeout=int(m.group(7) or 0))
    m = re.search(r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", out)
    if m:
        res["status"] = {k: int(v) for k, v in zip(("2xx", "3xx", "4xx", "5xx"), m.groups())}
    m = re.search(r"traffic: \S+ \((\d+)\) total, \S+ \((\d+)\) headers.*?, \S+ \((\d+)\) data", out)
    if m:
        res.update(bytes_total=int(m.group(1)), bytes_headers=int(m.group(2)), bytes_data=int(m.group(3)))
    m = re.search(r"Application protocol: (\S+)", out)
    res["protocol"] = m.group(1) if m else None
    return res


def _h2load(sc, port, requests, pin, logf=None, timeout=60.0):
    """One h2load run; (parsed summary, argv, stdout). Raises if h2load hangs or prints no summary."""
    argv = h2load_argv(sc, port, requests, logf)
    try:
        r = subprocess.run(pin.load(argv), capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"h2load did not finish {requests:,} requests in {timeout:.0f} s")
    h = parse_h2load(r.stdout)
    if r.returncode != 0 or "rps" not in h or "succeeded" not in h:
        raise RuntimeError(f"h2load failed (exit {r.returncode}): {(r.stderr or r.stdout).strip()[-300:]}")
    return h, argv, r.stdout


def run_h2load(sc, port, duration, pin, workdir, warmup=0.0, calibrate=True):
    """Closed-loop HTTP/2 load with h2load: sc.connections connections x sc.streams concurrent streams,
    h2c by prior knowledge (http://) or h2 by ALPN (https://, only "h2" offered). requests/s from
    h2load's summary; p50/p99 from its per-request log; MiB/s of response bodies (DATA payload) for
    download scenarios.

    Count-based (-n), not timed (-D): Debian's h2load 1.52 can hang for good after "Stopping all
    clients" of a -D run over TLS when the server is still behind (a cold JVM), and counts no request
    at all with --warm-up-time. So the request count is sized to the duration from the rate of the
    run before it: the warm-up runs (count-based too) or, without warm-up, one request per stream.
    A measured run over in less than 0.7 x duration (the server got faster) is run again with the
    count scaled up, at most three times. With calibrate=False (smoke) a single run of one request
    per stream is all."""
    per_round = sc.connections * sc.streams
    rate, warm_runs = None, []
    deadline = time.monotonic() + warmup
    n = per_round
    while warmup > 0 and time.monotonic() < deadline:
        h, _, _ = _h2load(sc, port, n, pin, timeout=max(60.0, 6 * warmup))
        rate = h["rps"] or rate
        warm_runs.append(h["rps"])
        left = deadline - time.monotonic()
        n = max(per_round, int((rate or 0) * min(left, warmup)))
        if left < 0.2:
            break
    if calibrate and rate is None:
        h, _, _ = _h2load(sc, port, per_round, pin)
        rate = h["rps"]
    requests = max(per_round, int(round(rate * duration))) if calibrate and rate else per_round
    want_lat = any(m.key in ("p50_ms", "p99_ms", "p999_ms") for m in sc.metrics)
    logf = os.path.join(workdir, f"h2load-{sc.name}.log") if want_lat else None
    if logf and os.path.exists(logf):
        os.remove(logf)
    h, argv, out = _h2load(sc, port, requests, pin, logf, timeout=max(60.0, 6 * duration + 30))
    short = []
    # A server still warming up outruns the count sized from its earlier rate: such a run is over too
    # soon to be a measurement of `duration`; it becomes warm-up and the count is sized again.
    while calibrate and h.get("elapsed_s") and h["elapsed_s"] < 0.7 * duration and len(short) < 3:
        short.append({"requests": requests, "elapsed_s": h["elapsed_s"], "rps": h["rps"]})
        requests = max(per_round, int(round(requests * duration / h["elapsed_s"])))
        h, argv, out = _h2load(sc, port, requests, pin, logf, timeout=max(60.0, 6 * duration + 30))
    raw = {"command": " ".join(argv), "calibration_rps": rate, "warmup_rps": warm_runs, "too_short": short, **h}
    expected = "h2c" if sc.protocol == "h2c" else H2LOAD_ALPN.get(sc.protocol)
    if h["protocol"] != expected:
        raise RuntimeError(f"h2load negotiated {h['protocol'] or 'nothing'}, not {expected}")
    done, ok = h["done"], h["status"]["2xx"] if "status" in h else 0
    bad = h["failed"] + h["errored"] + h["timeout"] + (done - ok if done > ok else 0)
    if ok == 0 or bad > max(10, 0.01 * done):
        raise RuntimeError(f"{bad} failed, errored or non-2xx of {done} requests "
                           f"({h['failed']} failed, {h['errored']} errored, status {h.get('status')})")
    metrics = {"rps": h["rps"]}
    if sc.size:
        secs = h.get("elapsed_s") or (h["succeeded"] / h["rps"] if h["rps"] > 0 else duration)
        metrics["mibps"] = h.get("bytes_data", 0) / MIB / secs
    if want_lat:
        lat = []
        if os.path.exists(logf):
            with open(logf) as f:
                for line in f:
                    p = line.split("\t")
                    if len(p) >= 3 and p[1].startswith("2"):
                        lat.append(int(p[2]))
        if not lat:
            raise RuntimeError("h2load logged no successful request")
        lat.sort()

        def pct(q):
            return lat[min(len(lat) - 1, max(0, math.ceil(q / 100 * len(lat)) - 1))] / 1000.0

        for m in sc.metrics:
            if m.key in ("p50_ms", "p99_ms", "p999_ms"):
                metrics[m.key] = pct({"p50_ms": 50, "p99_ms": 99, "p999_ms": 99.9}[m.key])
        raw["logged"] = len(lat)
    return metrics, raw


# The HTTP/3 load client (peregrine-benchmarks: dev.peregrine.bench.h3load.H3Load, on Netty's HTTP/3
# client codec), the same for every server in the h3 rows. Its JVM: a fixed heap, no leak detection
# (Netty samples buffers for leaks by default: a cost per allocation the client does not need).
H3LOAD_MAIN = "dev.peregrine.bench.h3load.H3Load"
H3LOAD_JVM = ["-Xms1g", "-Xmx1g", "-XX:+UseParallelGC", "--enable-native-access=ALL-UNNAMED",
              "--sun-misc-unsafe-memory-access=allow", "-Dio.netty.leakDetection.level=disabled"]


class H3Client:
    """Runs H3Load (pinned to the load CPU) and returns its JSON result line as a dict."""

    def __init__(self, jdk, cp, pin):
        self.java = os.path.join(jdk, "bin", "java")
        self.cp = cp
        self.pin = pin

    def argv(self, port, path, *opts, pinned=True):
        argv = [self.java, *H3LOAD_JVM, "-cp", self.cp, H3LOAD_MAIN, "--url", f"https://127.0.0.1:{port}{path}",
                "--insecure", *opts]
        return self.pin.load(argv) if pinned else argv

    def run(self, argv, timeout, alive=None):
        """Runs argv; gives up (kills it) after `timeout` s or as soon as `alive()` turns false."""
        p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                             text=True)
        deadline = time.monotonic() + timeout
        while True:
            try:
                out, err = p.communicate(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                gone = alive is not None and not alive()
                if gone or time.monotonic() > deadline:
                    p.kill()
                    p.communicate()
                    raise RuntimeError("the server process exited" if gone else
                                       f"H3Load did not finish within {timeout:.0f} s")
        line = next((ln for ln in reversed(out.splitlines()) if ln.startswith("{")), None)
        if line is None:
            raise RuntimeError(f"H3Load gave no result (exit {p.returncode}): {(err or out).strip()[-300:]}")
        return json.loads(line)

    def check(self, port, path, wait=0.0, show_body=False, timeout=60.0, alive=None):
        """One GET on one connection: readiness (`wait`: retry the connection that long) and checks."""
        opts = ["--connections", "1", "--streams", "1", "--requests", "1"]
        if wait:
            opts += ["--wait", f"{wait:g}"]
        if show_body:
            opts.append("--show-body")
        return self.run(self.argv(port, path, *opts), timeout, alive)


def h3load_argv(client, sc, port, duration, warmup, pinned=True):
    return client.argv(port, sc.path, "--connections", str(sc.connections), "--streams", str(sc.streams),
                       "--duration", f"{duration:g}", "--warmup", f"{warmup:g}", pinned=pinned)


def run_h3load(sc, port, duration, client, warmup=0.0, running=None):
    """Closed-loop HTTP/3 load with H3Load: sc.connections QUIC connections x sc.streams concurrent
    request streams, `warmup` s of load first (inside the same client process, so its JIT warms too),
    then `duration` s measured. requests/s and p50/p99 from its result; MiB/s of response bodies for
    download scenarios (bytes as they arrive, a download cut by the end of the run included). The
    server's CPU share over the client's run (warm-up included) and the client's own while measuring
    go into the raw figures: a client near 1.0 CPU is a sign the client, not the server, was the limit."""
    argv = h3load_argv(client, sc, port, duration, warmup)
    ticks0 = running.cpu_ticks() if running else None
    wait0 = running.runq_wait_ns() if running else None
    r = client.run(argv, timeout=duration + warmup + 90, alive=running.alive if running else None)
    raw = {"command": " ".join(argv), **r}
    if running and r.get("elapsed_s"):
        raw["server_cpu"] = (running.cpu_ticks() - ticks0) / os.sysconf("SC_CLK_TCK") / r["elapsed_s"]
        raw["server_runq_wait"] = (running.runq_wait_ns() - wait0) / 1e9 / r["elapsed_s"]
    if "error" in r:
        raise RuntimeError(f"H3Load: {r['error']}")
    ok, bad = r["requests"], r["errors"] + r["status_errors"]
    if ok == 0 and not (sc.size and r["bytes"] > 0):
        raise RuntimeError(f"no request completed ({r.get('first_error') or 'no error reported'})")
    if bad > max(10, 0.01 * ok):
        raise RuntimeError(f"{r['errors']} errors and {r['status_errors']} non-200 responses in {ok} requests "
                           f"({r.get('first_error')})")
    metrics = {}
    for m in sc.metrics:
        if m.key in r:
            metrics[m.key] = r[m.key] if r[m.key] is None or r[m.key] >= 0 else None
    return metrics, raw
