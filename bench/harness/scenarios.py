"""The scenarios: each one a row of the report. A scenario names its load tool, the protocol it
speaks and the metrics it yields; a new protocol is a new Scenario with another protocol (h2c and
h2 run with the h2load runner), and a server opts in by listing the protocol in servers.py."""


class Metric:
    def __init__(self, key, label, unit, better, fmt="{:,.0f}"):
        self.key = key
        self.label = label
        self.unit = unit
        self.better = better  # "higher" or "lower"
        self.fmt = fmt

    def format(self, v):
        return "–" if v is None else self.fmt.format(v)


RPS = Metric("rps", "requests/s", "req/s", "higher")
MIBPS = Metric("mibps", "throughput", "MiB/s", "higher")
LAT = [Metric("p50_ms", "p50", "ms", "lower", "{:,.3f}"),
       Metric("p99_ms", "p99", "ms", "lower", "{:,.3f}"),
       Metric("p999_ms", "p99.9", "ms", "lower", "{:,.3f}")]
IDLE = [Metric("heap_per_conn_b", "heap after GC per connection", "bytes", "lower"),
        Metric("rss_per_conn_b", "RSS per connection", "bytes", "lower"),
        Metric("native_rss_per_conn_b", "RSS outside the Java heap per connection", "bytes", "lower"),
        Metric("heap_after_gc_mib", "heap after GC, all connections open", "MiB", "lower", "{:,.1f}")]
STARTUP = Metric("startup_ms", "launch to first response", "ms", "lower", "{:,.0f}")


class Scenario:
    def __init__(self, name, title, runner, metrics, protocol="h1", path="/plaintext", connections=64,
                 args=(), headers=(), script=None, size=None, warm_key=None, default=True, notes="",
                 streams=1):
        self.name = name
        self.title = title
        self.runner = runner          # "wrk", "latency", "idle", "startup", "h2load", "h3load"
        self.metrics = metrics
        self.protocol = protocol      # "h1", "https" (HTTP/1.1 over TLS), "h2c", "h2" (TLS, ALPN), "h3",
                                      # "serve" (HTTP/1.1 to a static-file server's own launch)
        self.path = path
        self.connections = connections
        self.args = list(args)
        self.headers = list(headers)
        self.script = script          # wrk Lua script under bench/lua
        self.size = size              # bytes per response, for throughput scenarios
        self.warm_key = warm_key or path
        self.default = default        # part of a run unless --scenarios says otherwise
        self.notes = notes
        self.streams = streams        # h2load -m / H3Load --streams: concurrent streams per connection


# Closed-loop HTTP/2 runs: h2load's per-request log gives the latency under that load.
H2LAT = LAT[:2]

MIB = 1024 * 1024
LATENCY_CONNECTIONS = 10
LATENCY_RPS_PER_CONNECTION = 1000   # 10,000 req/s in all: moderate for every server here

SCENARIOS = [
    Scenario("plaintext", "HTTP/1.1 plaintext, 64 keep-alive connections", "wrk", [RPS]),
    Scenario("pipeline", "HTTP/1.1 plaintext, 64 connections, 16-deep pipelining", "wrk", [RPS],
             script="pipeline.lua", args=["16"]),
    Scenario("conn-close", "HTTP/1.1 plaintext, one new connection per request (32 clients)", "wrk", [RPS],
             connections=32, headers=["Connection: close"]),
    Scenario("json", "HTTP/1.1 JSON (serialized per request), 64 keep-alive connections", "wrk", [RPS],
             path="/json"),
    Scenario("file-1m", "Download 1 MiB static file, 16 connections", "wrk", [MIBPS], path="/file/1m",
             connections=16, size=MIB),
    Scenario("file-100m", "Download 100 MiB static file, 4 connections", "wrk", [MIBPS], path="/file/100m",
             connections=4, size=100 * MIB, warm_key="/file/1m"),
    Scenario("echo-1m", "POST 1 MiB, streamed back (echo), 16 connections", "wrk", [MIBPS], path="/echo",
             connections=16, size=MIB, script="post.lua", args=[str(MIB)]),
    Scenario("latency", f"Latency at a fixed {LATENCY_CONNECTIONS * LATENCY_RPS_PER_CONNECTION:,} req/s "
             f"(h2load, {LATENCY_CONNECTIONS} connections, plaintext)", "latency", LAT,
             connections=LATENCY_CONNECTIONS, warm_key="/plaintext"),
    Scenario("idle-10k", "10,000 idle keep-alive connections", "idle", IDLE, connections=10_000),
    Scenario("idle-50k", "50,000 idle keep-alive connections (several source addresses)", "idle", IDLE,
             connections=50_000),
    Scenario("startup", "Launch to first successful response", "startup", [STARTUP]),
    # HTTPS (HTTP/1.1 over TLS 1.3): only on servers that list "https" in servers.py; each app listens
    # on a second port with the run's self-signed key store, all through the JDK's TLS (SunJSSE).
    Scenario("https-plaintext", "HTTPS (TLS 1.3) plaintext, 64 keep-alive connections", "wrk", [RPS],
             protocol="https", warm_key="https:/plaintext"),
    Scenario("https-conn-close", "HTTPS (TLS 1.3) plaintext, one new TLS connection (full handshake) per "
             "request (32 clients)", "wrk", [RPS], protocol="https", connections=32,
             headers=["Connection: close"], warm_key="https:handshake"),  # own warm-up: JIT the handshake path
    # HTTP/2 (h2load, closed loop, one thread): h2c by prior knowledge on the plain port, h2 by ALPN
    # on the TLS port of the HTTPS launch. Only on servers that list the protocol in servers.py.
    Scenario("h2c-hello", "h2c (prior knowledge) plaintext, 64 connections x 16 streams", "h2load",
             [RPS] + H2LAT, protocol="h2c", connections=64, streams=16, warm_key="h2c:/plaintext"),
    Scenario("h2c-streams", "h2c plaintext, 100 concurrent streams on one connection", "h2load",
             [RPS] + H2LAT, protocol="h2c", connections=1, streams=100, warm_key="h2c:/plaintext"),
    Scenario("h2-hello", "h2 (TLS 1.3, ALPN) plaintext, 64 connections x 16 streams", "h2load",
             [RPS] + H2LAT, protocol="h2", connections=64, streams=16, warm_key="h2:/plaintext"),
    Scenario("h2-file-1m", "h2 (TLS 1.3, ALPN) download 1 MiB static file, 16 connections x 1 stream",
             "h2load", [RPS, MIBPS], protocol="h2", path="/file/1m", connections=16, streams=1, size=MIB,
             warm_key="h2:/file/1m"),
    # HTTP/3 (H3Load, the harness's own client on Netty's HTTP/3 codec, closed loop, one thread): on a
    # launch of its own, UDP on the TLS port, for the servers that list "h3" in servers.py (Peregrine,
    # Netty, Jetty, Caddy). In a default full run; not in --quick or --smoke unless named.
    Scenario("h3-hello", "HTTP/3 plaintext, 4 connections x 64 streams (H3Load)", "h3load",
             [RPS] + H2LAT, protocol="h3", connections=4, streams=64, warm_key="h3:/plaintext"),
    Scenario("h3-file-100m", "HTTP/3 download 100 MiB static file, 2 connections x 1 stream (H3Load)", "h3load",
             [MIBPS], protocol="h3", path="/file/100m", connections=2, streams=1, size=100 * MIB,
             warm_key="h3:/file/100m"),
    # Static files (serve.py): `peregrine serve` (quiet, and with its access log) beside nginx, Caddy's
    # file_server and Jetty's ResourceHandler, each in a launch of its own on the plain port with a
    # docroot the harness writes; HTTP/1.1 over plain TCP, wrk, keep-alive. Opt-in: named with
    # --scenarios (`serve` names all five).
    Scenario("serve-small", "Static 12-byte file, 64 keep-alive connections", "wrk", [RPS],
             protocol="serve", path="/small.txt", default=False),
    Scenario("serve-small-pipelined", "Static 12-byte file, 64 connections, 16-deep pipelining", "wrk", [RPS],
             protocol="serve", path="/small.txt", script="pipeline.lua", args=["16"], default=False),
    Scenario("serve-1m", "Static 1 MiB file, 16 connections", "wrk", [MIBPS], protocol="serve", path="/1m.bin",
             connections=16, size=MIB, default=False),
    Scenario("serve-100m", "Static 100 MiB file, 4 connections", "wrk", [MIBPS], protocol="serve",
             path="/100m.bin", connections=4, size=100 * MIB, warm_key="/1m.bin", default=False),
    Scenario("serve-gzip-100k", "Static 100 KiB text file with Accept-Encoding: gzip, 16 connections", "wrk",
             [RPS], protocol="serve", path="/text-100k.txt", connections=16, headers=["Accept-Encoding: gzip"],
             warm_key="gzip:/text-100k.txt", default=False),
]

BY_NAME = {s.name: s for s in SCENARIOS}
