"""First guesses at why Peregrine is behind a peer, shown next to each such row of the report.
Keyed by scenario, or by (scenario, peer) for a peer-specific reason. They come from reading the
code, not from a profile yet: confirm or replace them with JFR / async-profiler evidence."""

_WAKEUP = ("each request on an idle keep-alive connection wakes a parked virtual thread through the "
           "JDK's virtual-thread poller (master poller -> poller virtual thread -> scheduler -> mount), "
           "where event loops (Netty, Vert.x, nginx) handle readiness in place; under load the yield "
           "before an idle read hides this, at 1,000 req/s per connection it cannot. Untested: "
           "-Djdk.pollerMode=1 (platform poller threads, one hand-off fewer)")
_ROUTER = ("plus the app's per-request work (Router matching, Request/Response views) that the "
           "Netty/Vert.x apps skip by comparing the URI directly")

GUESSES = {
    "plaintext": f"{_WAKEUP}; {_ROUTER}.",
    "json": f"{_WAKEUP}; {_ROUTER}.",
    "pipeline": ("the per-request cost once the bytes are buffered: Router matching and its garbage, the "
                 "Request/Response objects and header maps per exchange, handler dispatch — Netty's codec "
                 "and its one flush per read batch do less per request."),
    "conn-close": ("per-connection set-up and tear-down: a virtual thread, ConnectionManager registration, "
                   "local/remote address look-ups and socket options per accept, and the close path "
                   "(graceful half-close, waiting for the client's FIN) before the next accept."),
    "file-1m": ("StaticFiles copies the file through user space (FileChannel.read into a buffer, then a "
                "socket write) where Netty, Vert.x and nginx use sendfile (zero copy); the 1 MiB case is "
                "dominated by that copy."),
    "file-100m": ("the same user-space copy as file-1m (no sendfile); at 100 MiB the copy, not request "
                  "handling, sets the pace."),
    "echo-1m": ("the streaming echo copies through the handler's InputStream/OutputStream (heap arrays, "
                "transferTo's 16 KiB steps, each read costing a system call when the body is not buffered); "
                "Netty forwards the received buffers without copying."),
    "latency": (f"{_WAKEUP}. At 1,000 req/s per connection every request meets an idle connection, so "
                "the wake-up is on every request's path."),
    "latency/p99_ms": ("tail: with one carrier thread, a request whose virtual thread is runnable waits behind "
                       "every other runnable one (the JDK scheduler is FIFO, not per-connection fair), and GC "
                       "pauses from per-request garbage land on it; check with JFR (jdk.VirtualThreadPinned, "
                       "GC pauses)."),
    "latency/p999_ms": ("as p99: scheduler queueing behind other virtual threads, GC pauses, and the "
                        "once-a-second heartbeat sweep over every connection on the same single CPU."),
    "idle-10k": ("RSS: each of the 10,000 connections arriving at once allocates its per-connection objects "
                 "(parser, buffers, about 10 KB) and a virtual thread stack before it parks; all of that is "
                 "garbage once parked (heap after GC is the lowest of the Java servers, about 1 KB each) but "
                 "the pages of the fixed -Xms2g heap it touched stay resident. Allocating those objects "
                 "lazily would cut it. Outside the heap: per-socket JDK state (socket adaptor for the timed "
                 "idle read, selector registration)."),
    "idle-50k": "as idle-10k.",
    "idle-1k": "as idle-10k (smoke size).",
    "https-plaintext": (f"not profiled yet. The TLS work is the JDK's SSLEngine in all three apps, so the "
                        f"plaintext gap is the first suspect: {_WAKEUP}; {_ROUTER}. Check too the cipher "
                        "suite each server negotiated (Method section): they differ by server default."),
    "https-conn-close": ("not profiled yet: per-connection set-up (see conn-close) plus the handshake, which is "
                         "the JDK's in all three apps (ECDHE + ECDSA P-256 signature dominate)."),
    "startup": "class loading and JIT warm-up of the server and router on first request.",
    # serve-*: `peregrine serve` (StaticFiles) against nginx, Caddy and Jetty's ResourceHandler.
    "serve-small": ("not the file system (StaticFiles caches metadata and small contents per path): the "
                    "per-request costs of the plaintext row plus the cached head's copy; rerun, this row "
                    "moves by 10-40% between runs here."),
    "serve-small-pipelined": "as serve-small, with the per-request work no longer hidden behind wake-ups.",
    "serve-1m": ("wrk-bound: the row measures how cheaply the client takes in each server's segments. "
                 "Peregrine writes from a mapping kept per cached file (docs/serve.md, \"Large files\"); "
                 "nginx's tcp_nopush (TCP_CORK) helps its sendfile; rerun, this row moves by 10-40%."),
    "serve-100m": ("wrk-bound like serve-1m: bytes written from memory (Peregrine's mapping, Jetty) reach the client more "
                   "cheaply than sendfile's segments; the server's own CPU is not the limit."),
    "serve-gzip-100k": ("a server marked [not compressed] sends four times the bytes (see the Method section's "
                        "gzip check); otherwise compressing per request against the peers' precompressed .gz."),
}
