"""bench/run: the side-by-side benchmark of Peregrine and its peers. See docs/benchmarks/README.md."""

import argparse
import datetime
import json
import os
import resource
import statistics
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import env  # noqa: E402
import loads  # noqa: E402
import report  # noqa: E402
import serve  # noqa: E402
import servers as srv  # noqa: E402
from env import log, recorders  # noqa: E402
from scenarios import BY_NAME, SCENARIOS, LATENCY_RPS_PER_CONNECTION  # noqa: E402

PORT = 18080
HTTPS_PORT = 18443  # the apps' second, TLS listener (only when an https or h2 scenario is selected)
FILES_DIR = "/tmp/peregrine-bench/files"
MIB = 1024 * 1024
MODE = "full"  # set by main()

MODES = {
    #        rounds duration warmup  idle scenarios (the rest as selected)
    "full": dict(rounds=3, duration=10, warmup=5, h3_warmup=25),
    "quick": dict(rounds=1, duration=2, warmup=1, h3_warmup=1),
    "smoke": dict(rounds=1, duration=1, warmup=0, h3_warmup=0),
}
# h3_warmup: the first HTTP/3 endpoint of each server process is warmed this long. Under H3Load the C2
# compiler thread of both JVM HTTP/3 servers (Peregrine, Netty) still takes 8-50% of the server's CPU
# for the first 15-20 s and under 3% from 25 s on (docs/http3.md, "JIT warm-up"), so a 5 s warm-up
# compares JITs, not servers. Later endpoints on the same process get the ordinary warm-up.


def parse_args(argv):
    p = argparse.ArgumentParser(prog="bench/run", description=__doc__)
    p.add_argument("--quick", action="store_true", help="1 round, 2 s per scenario: under 5 minutes")
    p.add_argument("--smoke", action="store_true", help="CI: ~1 s per scenario, Peregrine and Netty, small idle test")
    p.add_argument("--servers", help="comma-separated, default: " + ",".join(srv.DEFAULT_ORDER)
                   + " (+ " + ",".join(srv.H3_EXTRA) + " when an h3 scenario runs); only serve-* rows: "
                   + ",".join(serve.DEFAULT_SERVERS))
    p.add_argument("--scenarios", help="comma-separated, default: " + ",".join(s.name for s in SCENARIOS if s.default)
                   + "; opt-in: " + ",".join(s.name for s in SCENARIOS if not s.default) + " (`serve`: all serve-*)")
    p.add_argument("--rounds", type=int)
    p.add_argument("--duration", type=float, help="seconds measured per scenario")
    p.add_argument("--warmup", type=float, help="seconds of warm-up before the first scenario on each endpoint")
    p.add_argument("--h3-warmup", type=float, help="seconds of warm-up before the first HTTP/3 scenario of each "
                   "server process (default: 25 in full runs; --warmup when that is given)")
    p.add_argument("--no-build", action="store_true", help="use peregrine-benchmarks/target as it is")
    p.add_argument("--no-install", action="store_true", help="do not apt-get missing load tools or servers")
    p.add_argument("--no-pin", action="store_true", help="do not pin server and load generator to CPUs")
    p.add_argument("--publish", dest="publish", action="store_true", default=None,
                   help="write the report to docs/benchmarks/ (default for full and --quick runs)")
    p.add_argument("--no-publish", dest="publish", action="store_false")
    p.add_argument("--out", help="results directory (default peregrine-benchmarks/target/bench-results/<time>)")
    p.add_argument("--port", type=int, help=f"plain port (default {PORT}; the TLS port is this + {HTTPS_PORT - PORT}, "
                   f"nginx's h2c port this + {srv.NGINX_H2C_PORT - PORT})")
    p.add_argument("--max-minutes", type=float, help="stop starting new rounds/servers after this long")
    p.add_argument("--list", action="store_true", help="list servers and scenarios, then exit")
    p.add_argument("--render", metavar="RESULTS_JSON",
                   help="only re-render report.md and charts next to RESULTS_JSON (e.g. after editing guesses.py)")
    return p.parse_args(argv)


def main(argv=None):
    a = parse_args(sys.argv[1:] if argv is None else argv)
    if a.list:
        for s in srv.DEFAULT_ORDER + srv.H3_EXTRA + ["peregrine-log"]:
            print(f"server   {s:13} {srv.SERVERS[s].notes}")
        for s in serve.DEFAULT_SERVERS:
            print(f"serve    {s:13} {serve.NOTES[s].replace('TEXT', serve.TEXT)}")
        for sc in SCENARIOS:
            tag = "(opt-in) " if not sc.default else "(full runs) " if sc.protocol == srv.H3 else ""
            print(f"scenario {sc.name:21} {tag}{sc.title}")
        return 0
    if a.render:
        return render(a.render)
    if a.port:
        global PORT, HTTPS_PORT
        PORT, HTTPS_PORT, srv.NGINX_H2C_PORT = a.port, a.port + (HTTPS_PORT - PORT), a.port + (srv.NGINX_H2C_PORT - PORT)
    mode = "smoke" if a.smoke else "quick" if a.quick else "full"
    global MODE
    MODE = mode
    cfg = dict(MODES[mode])
    for k in ("rounds", "duration", "warmup", "h3_warmup"):
        if getattr(a, k) is not None:
            cfg[k] = getattr(a, k)
    if a.warmup is not None and a.h3_warmup is None:
        cfg["h3_warmup"] = a.warmup
    max_minutes = a.max_minutes or {"full": 180, "quick": 4.2, "smoke": 2.5}[mode]
    publish = a.publish if a.publish is not None else mode != "smoke"

    if a.scenarios:
        scenario_names = serve.expand(a.scenarios.split(","))
        for s in scenario_names:
            if s not in BY_NAME:
                sys.exit(f"unknown scenario {s!r}; known: {', '.join(BY_NAME)}")
    else:
        scenario_names = [s.name for s in SCENARIOS if s.default]
        if mode == "quick":
            scenario_names.remove("idle-50k")
        if mode != "full":
            # The h3 rows need a launch of their own per server (and Caddy): named runs only in --quick
            # and --smoke, which keeps CI's smoke run to what .ci/run installs and under its time budget.
            scenario_names = [n for n in scenario_names if BY_NAME[n].protocol != srv.H3]
    scenarios = [BY_NAME[n] for n in scenario_names]
    h3_selected = any(sc.protocol == srv.H3 for sc in scenarios)
    serve_selected = any(sc.protocol == srv.SERVE for sc in scenarios)
    if a.servers:
        server_names = a.servers.split(",")
    elif all(sc.protocol == srv.SERVE for sc in scenarios):
        server_names = list(serve.DEFAULT_SERVERS)
    else:
        server_names = ["peregrine", "netty"] if mode == "smoke" else list(srv.DEFAULT_ORDER)
        if h3_selected and mode != "smoke":
            server_names += srv.H3_EXTRA
        if serve_selected:
            server_names += [s for s in serve.DEFAULT_SERVERS if s not in server_names]
    for s in server_names:
        if s not in srv.SERVERS:
            sys.exit(f"unknown server {s!r}; known: {', '.join(srv.DEFAULT_ORDER + srv.H3_EXTRA + ['peregrine-log'])}")
    if mode == "smoke":
        # A smoke run proves the idle machinery works without holding thousands of sockets.
        scenarios = [_resized(sc, 1000) if sc.runner == "idle" else sc for sc in scenarios if sc.name != "idle-50k"]

    t_start = time.monotonic()
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = a.out or os.path.join(env.BENCH_MODULE, "target", "bench-results", stamp)
    workdir = os.path.join(out, "work")
    os.makedirs(workdir, exist_ok=True)
    os.chmod(out, 0o755)
    os.chmod(workdir, 0o755)

    pin = env.Pinning(not a.no_pin)
    try:  # the driver itself stays off the server's CPU
        os.sched_setaffinity(0, {pin.load_cpu} if pin.enabled else set(env.cpus()))
    except (AttributeError, OSError):
        pass
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # servers and clients inherit it

    log(f"mode {mode}: {cfg['rounds']} round(s), {cfg['duration']} s per scenario, {cfg['warmup']} s warm-up; "
        f"servers {','.join(server_names)}; scenarios {','.join(s.name for s in scenarios)}")
    log(f"results in {out}; {pin.describe()}")

    tls_selected = any(sc.protocol in srv.TLS_PROTOCOLS for sc in scenarios)
    tools = set()
    if any(s.runner == "wrk" for s in scenarios):
        tools.add("wrk")
    if any(s.runner in ("latency", "h2load") for s in scenarios):
        tools.add("h2load")
    if any(s.runner == "h2load" for s in scenarios):
        tools.add("nghttp")  # the h2 endpoint check
    tools |= {s for s in server_names if srv.SERVERS[s].kind == "native"
              and (not srv.SERVERS[s].no_app or (h3_selected and srv.SERVERS[s].h3)
                   or (serve_selected and s in serve.LAUNCHES))}
    if serve_selected:
        tools.add("curl")  # the serve-* rows' pre-flight check
    if tls_selected and any(srv.SERVERS[s].kind == "native" and srv.SERVERS[s].tls() for s in server_names):
        tools.add("openssl")  # PEM key and certificate for nginx and h2o
    if h3_selected and any(srv.SERVERS[s].h3 and srv.SERVERS[s].h3.pem for s in server_names):
        tools.add("openssl")  # PEM key and certificate for the HTTP/3 apps and Caddy
    missing = env.ensure_tools(tools, install=not a.no_install)
    skipped = {}  # scenario -> server -> reason
    for s in list(server_names):
        if s in missing:
            log(f"{s} is not installed: left out")
            server_names.remove(s)
            for sc in scenarios:
                skipped.setdefault(sc.name, {})[s] = f"{s} not installed"
    for sc in scenarios:
        tool = {"wrk": "wrk", "latency": "h2load", "h2load": "h2load"}.get(sc.runner)
        if tool == "h2load" and sc.runner == "h2load" and "nghttp" in missing:
            tool = "nghttp"
        if sc.protocol == srv.SERVE and "curl" in missing:
            tool = "curl"
        if tool in missing:
            for s in server_names:
                skipped.setdefault(sc.name, {})[s] = f"{tool} not installed"

    jdk = env.find_jdk()
    # The h3 rows' load client (H3Load) lives in peregrine-benchmarks too.
    java_servers = [s for s in server_names if srv.SERVERS[s].kind == "java"] or (["h3load"] if h3_selected else [])
    if java_servers and not a.no_build:
        env.build()
    cp = env.classpath()
    if java_servers and cp is None:
        sys.exit("bench: peregrine-benchmarks is not built (run without --no-build)")
    make_files()
    javatools = srv.JavaTools(jdk)
    https, pem = None, None
    if tls_selected or h3_selected:
        # Only then: a TLS listener (and loading its key) would otherwise add to every startup figure.
        keystore = srv.make_keystore(workdir, jdk)
        https = (HTTPS_PORT, keystore) if tls_selected else None
        log(f"{'HTTPS' if tls_selected else 'HTTP/3'} on port {HTTPS_PORT}{' (and HTTP/3 on UDP)' if tls_selected and h3_selected else ''} "
            f"with {keystore} (self-signed EC P-256, localhost)")
        if (tls_selected and any(srv.SERVERS[s].kind == "native" and srv.SERVERS[s].tls() for s in server_names)) \
                or (h3_selected and any(srv.SERVERS[s].h3 and srv.SERVERS[s].h3.pem for s in server_names)):
            pem = srv.make_pem(workdir, keystore)
            if pem is None:
                log("no openssl: nginx, h2o and the PEM-keyed HTTP/3 servers get no TLS listener")
    srv.write_native_configs(workdir, PORT, FILES_DIR, h2c=any(sc.protocol == "h2c" for sc in scenarios),
                             tls=(HTTPS_PORT, *pem) if pem and tls_selected else None)
    h3 = None
    if h3_selected:
        h3 = dict(client=loads.H3Client(jdk, cp, pin), pem=pem, keystore=keystore)
    served = serve.prepare(workdir, PORT) if serve_selected else None

    meta = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "mode": mode,
        "config": cfg,
        "machine": env.machine(),
        "versions": env.versions(jdk),
        "jvm_flags": srv.JVM_FLAGS,
        "pinning": pin.describe(),
        "latency_rate": f"{LATENCY_RPS_PER_CONNECTION} req/s per connection",
        # A serve-only run's servers are their static-file launches (serve.py), not the apps.
        "servers": {s: serve.NOTES.get(s, srv.SERVERS[s].notes).replace("TEXT", serve.TEXT)
                    if all(sc.protocol == srv.SERVE for sc in scenarios) else srv.SERVERS[s].notes
                    for s in server_names},
        "scenarios": {sc.name: sc.title for sc in scenarios},
        "command": "bench/run " + " ".join(sys.argv[1:] if argv is None else argv),
        "tls": {},  # server -> TLS version and cipher suite an OpenSSL client negotiated
        "h2load": {sc.name: " ".join(loads.h2load_argv(sc, HTTPS_PORT if sc.protocol in srv.TLS_PROTOCOLS else PORT,
                                                       "N", f"h2load-{sc.name}.log"
                                                       if any(m.key.startswith("p") for m in sc.metrics) else None))
                   for sc in scenarios if sc.runner == "h2load"},
        "h3load": {sc.name: " ".join(loads.h3load_argv(h3["client"], sc, HTTPS_PORT, cfg["duration"], cfg["h3_warmup"],
                                                       pinned=False)).replace(cp or "", "<classpath>")
                   for sc in scenarios if sc.runner == "h3load"} if h3 else {},
    }
    if served:
        meta["versions"]["peregrine-cli"] = served["version"] or "launcher failed"
    samples = {}  # scenario -> server -> metric -> [values]
    raw = []
    results = {"meta": meta, "samples": samples, "skipped": skipped, "raw": raw}

    def save():
        results["summary"] = summarize(samples)
        if served:
            meta["serve"] = serve.meta(served)
        with open(os.path.join(out, "results.json"), "w") as f:
            json.dump(results, f, indent=1)

    stopped_early = False
    for rnd in range(cfg["rounds"]):
        order = server_names if rnd % 2 == 0 else list(reversed(server_names))
        for name in order:
            if (time.monotonic() - t_start) / 60 > max_minutes:
                stopped_early = True
                log(f"time budget of {max_minutes} min reached: stopping")
                break
            # HTTPS and h2 rows on a launch of their own with the TLS listener on: the other rows
            # (startup, idle memory) then measure the same plain app as for every other server.
            sdef = srv.SERVERS[name]
            plain = [sc for sc in scenarios if sc.protocol not in srv.TLS_PROTOCOLS + (srv.H3, srv.SERVE)]
            tls = [sc for sc in scenarios if sc.protocol in srv.TLS_PROTOCOLS]
            h3_rows = [sc for sc in scenarios if sc.protocol == srv.H3]
            if plain and sdef.no_app:
                for sc in plain:
                    skipped.setdefault(sc.name, {})[name] = sdef.reason(sc.protocol)
            elif plain:
                run_server(name, rnd, plain, cfg, jdk, cp, pin, javatools, workdir, samples, skipped, raw)
            tls_ok = sdef.kind == "java" or pem is not None
            if tls and tls_ok and any(sc.protocol in sdef.protocols for sc in tls):
                run_server(name, rnd, tls, cfg, jdk, cp, pin, javatools, workdir, samples, skipped, raw,
                           https, meta["tls"])
            elif tls:
                for sc in tls:
                    skipped.setdefault(sc.name, {})[name] = (
                        no_https(sdef) if sc.protocol == "https"
                        else sdef.reason(sc.protocol) if sc.protocol not in sdef.protocols
                        else "no openssl to make its PEM key")
            if h3_rows and sdef.h3 and (pem is not None or not sdef.h3.pem):
                run_h3_server(name, rnd, h3_rows, cfg, jdk, cp, pin, workdir, samples, skipped, raw, h3)
            elif h3_rows:
                for sc in h3_rows:
                    skipped.setdefault(sc.name, {})[name] = (sdef.reason(sc.protocol) if not sdef.h3
                                                             else "no openssl to make its PEM key")
            # serve-* rows: the server's static-file launch (serve.py), for the servers that have one.
            serve_rows = [sc for sc in scenarios if sc.protocol == srv.SERVE]
            if serve_rows and name in serve.LAUNCHES:
                serve.run_server(name, rnd, serve_rows, cfg, jdk, cp, pin, workdir, served, samples, skipped, raw,
                                 PORT)
            elif serve_rows:
                for sc in serve_rows:
                    skipped.setdefault(sc.name, {})[name] = f"{serve.NOT_IN_SERVE}: no static-file launch of {name}"
            save()
        if stopped_early:
            break
    meta["stopped_early"] = stopped_early
    meta["elapsed_s"] = round(time.monotonic() - t_start, 1)
    save()
    paths = report.write(results, scenarios, server_names, out)
    log(f"report: {paths['markdown']}")
    if publish:
        dest = os.path.join(env.ROOT, "docs", "benchmarks")
        if all(sc.protocol == srv.SERVE for sc in scenarios):
            dest = os.path.join(dest, "serve")  # a serve-only run has a report of its own
        report.publish(results, scenarios, server_names, out, dest)
        log(f"published to {dest}")
    print(open(paths["markdown"]).read().split("## Details")[0])
    log(f"done in {meta['elapsed_s']} s")
    return 0


def render(path):
    """Re-renders the report and charts of an earlier run from its results.json."""
    results = json.load(open(path))
    scenarios = []
    for name, title in results["meta"]["scenarios"].items():
        sc = BY_NAME.get(name) or _resized(BY_NAME["idle-10k"], int(name.split("-")[1].rstrip("k")) * 1000)
        scenarios.append(sc)
    servers = list(results["meta"]["servers"])
    out = os.path.dirname(os.path.abspath(path))
    paths = report.write(results, scenarios, servers, out)
    log(f"re-rendered {paths['markdown']} and {paths['charts']}")
    return 0


def _resized(sc, n):
    import copy
    c = copy.copy(sc)
    c.connections = n
    c.name = f"idle-{n // 1000}k"
    c.title = f"{n:,} idle keep-alive connections (smoke)"
    return c


def make_files():
    os.makedirs(FILES_DIR, exist_ok=True)
    os.chmod(os.path.dirname(FILES_DIR), 0o755)
    os.chmod(FILES_DIR, 0o755)
    for name, size in (("1m", MIB), ("100m", 100 * MIB)):
        path = os.path.join(FILES_DIR, name)
        if not os.path.exists(path) or os.path.getsize(path) != size:
            with open(path, "wb") as f:
                block = os.urandom(MIB)  # incompressible, so no layer can cheat
                for _ in range(size // MIB):
                    f.write(block)
        os.chmod(path, 0o644)


def run_server(name, rnd, scenarios, cfg, jdk, cp, pin, javatools, workdir, samples, skipped, raw,
               https=None, tls_seen=None):
    sdef = srv.SERVERS[name]
    https = https if sdef.tls() else None
    # HTTP/2 endpoints this launch's scenarios use, checked over HTTP/2 before any load.
    h2 = {(sc.protocol, sc.path) for sc in scenarios if sc.runner == "h2load" and sc.protocol in sdef.protocols
          and sc.protocol in ("h2c", "h2")}
    extra_ports = [srv.h2c_port(sdef, PORT)] if any(p == "h2c" for p, _ in h2) and srv.h2c_port(sdef, PORT) != PORT else []

    record, skip = recorders(samples, raw, skipped, rnd, name)

    argv = pin.server(srv.command(sdef, jdk, cp, PORT, FILES_DIR, workdir, https))
    log(f"round {rnd + 1}: starting {name}{' with HTTPS' if https else ''}")
    try:
        running = srv.start(sdef, argv, PORT, workdir, https_port=https[0] if https else None, extra_ports=extra_ports)
    except RuntimeError as e:
        log(f"  {name} did not start: {e}")
        for sc in scenarios:
            skip(sc, f"did not start: {e}")
        return
    try:
        log(f"  up in {running.startup_ms:.0f} ms")
        problems = srv.validate(running, FILES_DIR, h2)
        for k, v in problems.items():
            log(f"  validation: {v}")
        if running.tls:
            log(f"  HTTPS: {running.tls}")
            if tls_seen is not None:
                tls_seen[name] = running.tls
        warmed = set()
        # Idle-connection scenarios first, on the fresh process: memory freed by earlier load
        # (buffers, allocator free lists) would otherwise be reused and hide what a connection costs.
        for sc in sorted(scenarios, key=lambda s: s.runner != "idle"):
            prior = skipped.get(sc.name, {}).get(name)
            if prior and not prior.startswith("failed"):
                continue  # not installed, not supported: said once
            if sc.name in sdef.unsupported:
                skip(sc, sdef.unsupported[sc.name])
                continue
            if sc.protocol == "https" and "https" not in sdef.protocols:
                skip(sc, no_https(sdef))  # shown as –: not applicable
                continue
            if sc.protocol not in sdef.protocols:
                skip(sc, sdef.reason(sc.protocol))
                continue
            endpoint = {"/json": "json", "/echo": "echo"}.get(sc.path, "file" if sc.path.startswith("/file") else None)
            if sc.protocol == "https":
                endpoint = "https"
            elif sc.protocol in ("h2c", "h2"):
                endpoint = f"{sc.protocol}:{sc.path}"
            if endpoint in problems:
                skip(sc, problems[endpoint])
                continue
            if not running.alive():
                skip(sc, "server process died")
                continue
            try:
                if sc.runner == "startup":
                    record(sc, {"startup_ms": running.startup_ms}, {})
                    continue
                if sc.runner in ("wrk", "latency") and cfg["warmup"] > 0 and sc.warm_key not in warmed:
                    warm = BY_NAME["file-1m"] if sc.warm_key == "/file/1m" else sc
                    if sc.runner == "latency":
                        warm = BY_NAME["plaintext"]
                    loads.run_wrk(warm, port_for(warm), cfg["warmup"], pin, workdir)
                    warmed.add(sc.warm_key)
                if sc.runner == "wrk":
                    metrics, extra = loads.run_wrk(sc, port_for(sc), cfg["duration"], pin, workdir)
                elif sc.runner == "latency":
                    metrics, extra = loads.run_latency(sc, PORT, cfg["duration"], min(1.0, cfg["duration"] / 2),
                                                       pin, workdir, LATENCY_RPS_PER_CONNECTION)
                elif sc.runner == "h2load":
                    warm = cfg["warmup"] if cfg["warmup"] > 0 and sc.warm_key not in warmed else 0
                    port = srv.h2c_port(sdef, PORT) if sc.protocol == "h2c" else HTTPS_PORT
                    metrics, extra = loads.run_h2load(sc, port, cfg["duration"], pin, workdir, warmup=warm,
                                                      calibrate=MODE != "smoke")
                    warmed.add(sc.warm_key)
                elif sc.runner == "idle":
                    metrics, extra = loads.run_idle(sc, running, pin, javatools, workdir)
                else:
                    skip(sc, f"runner {sc.runner} not implemented yet")
                    continue
                record(sc, metrics, extra)
                log(f"  {sc.name}: " + ", ".join(f"{k}={v:,.3f}" if isinstance(v, float) else f"{k}={v}"
                                                 for k, v in metrics.items() if v is not None))
            except loads.Skip as e:
                skip(sc, str(e))
            except Exception as e:  # a failed scenario is reported, never fatal
                log(f"  {sc.name}: failed: {e}")
                raw.append({"round": rnd, "server": name, "scenario": sc.name, "error": str(e)})
                if not samples.get(sc.name, {}).get(name):
                    skipped.setdefault(sc.name, {})[name] = f"failed: {e}"
    finally:
        running.stop()
    # a later successful round clears an earlier failure note
    for sc in scenarios:
        if samples.get(sc.name, {}).get(name) and skipped.get(sc.name, {}).get(name, "").startswith("failed"):
            del skipped[sc.name][name]


def run_h3_server(name, rnd, scenarios, cfg, jdk, cp, pin, workdir, samples, skipped, raw, h3):
    """The h3 rows of one server: its HTTP/3 app on UDP HTTPS_PORT, checked over HTTP/3 (GET
    /plaintext is the readiness check, each /file/* row's file is fetched whole once), then each row
    with H3Load. A server whose HTTP/3 app does not come up is "not available" for these rows."""
    sdef = srv.SERVERS[name]
    client = h3["client"]

    record, skip = recorders(samples, raw, skipped, rnd, name)

    todo = []
    for sc in scenarios:
        prior = skipped.get(sc.name, {}).get(name)
        if prior and not prior.startswith(("failed", "not available")):
            continue
        if sc.name in sdef.unsupported:
            skip(sc, sdef.unsupported[sc.name])
            continue
        todo.append(sc)
    if not todo:
        return
    argv = pin.server(srv.h3_command(sdef, jdk, cp, HTTPS_PORT, FILES_DIR, workdir, h3["pem"], h3["keystore"]))
    log(f"round {rnd + 1}: starting {name} (HTTP/3 on UDP {HTTPS_PORT})")
    try:
        running = srv.start_h3(sdef, argv, HTTPS_PORT, workdir, client, env=srv.h3_env(sdef, workdir))
    except RuntimeError as e:
        log(f"  {name} HTTP/3 not available: {e}")
        for sc in todo:
            if not samples.get(sc.name, {}).get(name):
                skip(sc, f"not available: {e}")
        return
    try:
        log(f"  up in {running.startup_ms:.0f} ms (first HTTP/3 response, client JVM start included)")
        problems = srv.validate_h3(running, FILES_DIR, [sc.path for sc in todo], client, HTTPS_PORT)
        for k, v in problems.items():
            log(f"  validation: {v}")
        warmed = set()
        for sc in todo:
            if f"h3:{sc.path}" in problems:
                skip(sc, problems[f"h3:{sc.path}"])
                continue
            if not running.alive():
                skip(sc, "server process died")
                continue
            try:
                warm = 0 if sc.warm_key in warmed else cfg["h3_warmup"] if not warmed else cfg["warmup"]
                metrics, extra = loads.run_h3load(sc, HTTPS_PORT, cfg["duration"], client, warmup=warm,
                                                  running=running)
                warmed.add(sc.warm_key)
                record(sc, metrics, extra)
                cpu = (f"; CPU server {extra['server_cpu']:.2f}, client {extra.get('client_cpu', 0):.2f}; "
                       f"waiting for a CPU: server {extra.get('server_runq_wait', 0):.2f}, "
                       f"client {extra.get('client_runq_wait', 0):.2f}" if "server_cpu" in extra else "")
                log(f"  {sc.name}: " + ", ".join(f"{k}={v:,.3f}" for k, v in metrics.items() if v is not None) + cpu)
            except Exception as e:  # a failed scenario is reported, never fatal
                log(f"  {sc.name}: failed: {e}")
                raw.append({"round": rnd, "server": name, "scenario": sc.name, "error": str(e)})
                if not samples.get(sc.name, {}).get(name):
                    skipped.setdefault(sc.name, {})[name] = f"failed: {e}"
    finally:
        running.stop()
    for sc in todo:
        if samples.get(sc.name, {}).get(name) and skipped.get(sc.name, {}).get(name, "").startswith(
                ("failed", "not available")):
            del skipped[sc.name][name]


def no_https(sdef):
    if sdef.no_app:
        return sdef.reason("https")
    if sdef.tls():
        return (f"{report.NOT_COMPARED}: its TLS listener is set up for the h2 rows; the https-* rows compare "
                "Peregrine, Netty and Jetty")
    return f"{report.NO_HTTPS} in the {sdef.name} app"


def port_for(sc):
    return HTTPS_PORT if sc.protocol == "https" else PORT


def summarize(samples):
    out = {}
    for sc, by_server in samples.items():
        for server, metrics in by_server.items():
            for k, vals in metrics.items():
                vals = [v for v in vals if v is not None]
                if vals:
                    out.setdefault(sc, {}).setdefault(server, {})[k] = {
                        "median": statistics.median(vals), "min": min(vals), "max": max(vals), "n": len(vals)}
    return out


if __name__ == "__main__":
    sys.exit(main())
