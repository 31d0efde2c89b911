package dev.peregrine.bench.h3load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3ClientConnectionHandler;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.http3.Http3RequestStreamInboundHandler;
import io.netty.handler.codec.quic.EpollQuicUtils;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamLimitChangedEvent;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;

/**
 * A closed-loop HTTP/3 load generator on Netty's HTTP/3 client codec (codec-http3 over Netty QUIC,
 * quiche + BoringSSL), the one client bench/run's {@code h3-*} rows use for every server.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp ... dev.peregrine.bench.h3load.H3Load \
 *     --url https://127.0.0.1:18443/plaintext --insecure \
 *     --connections 4 --streams 64 (--duration 10 | --requests 100000) [--warmup 5]
 * </pre>
 *
 * <p>Opens {@code --connections} QUIC connections, each on a UDP socket of its own with a client
 * codec of its own (the codec is not sharable), and keeps {@code --streams} GET requests in flight
 * on each: a request stream is opened the moment one completes (or, past the peer's stream limit,
 * as soon as the peer grants more). Each request is one HEADERS frame and FIN; a response counts
 * when its stream's FIN arrives, with status 200; anything else is a status error, a stream or
 * connection that fails is an error. Latency is from opening the stream to the response's FIN.
 * Response body bytes are counted as they arrive, so a download still under way when the run ends
 * counts its bytes (as wrk does) but not as a request.
 *
 * <p>{@code --warmup S} loads for S seconds first, then counters and histogram start from zero.
 * {@code --duration S} measures for S seconds and then stops, abandoning what is in flight;
 * {@code --requests N} instead measures until N requests completed after the warm-up.
 *
 * <p>It prints one JSON line on stdout at the end (everything else goes to stderr) and exits 0 if
 * at least one request succeeded and none failed, 1 otherwise. {@code --wait S} retries the first
 * connection for up to S seconds (bench/run's readiness check), {@code --show-body} adds the first
 * response's body (at most 1 KiB) to the JSON.
 *
 * <p>Kept cheap so the server, not the client, is what is measured: one event loop thread by
 * default (bench/run pins the client to one CPU), epoll with recvmmsg and GSO where available,
 * Netty's pooled direct buffers, no allocation per request beyond the headers frame, the stream
 * channel and its handler, no logging per request. The JSON's {@code client_cpu} is the share of
 * one core the client used while measuring: near 1.0 means the client may be the limit.
 */
public final class H3Load {

    private static final AsciiString GET = AsciiString.cached("GET");
    private static final AsciiString HTTPS = AsciiString.cached("https");
    private static final int BODY_SAMPLE = 1024;

    private H3Load() {}

    /** Command-line options; see the class comment. */
    static final class Options {
        URI url;
        int connections = 1;
        int streams = 1;
        double duration = -1;
        long requests = -1;
        double warmup = 0;
        boolean insecure;
        String sni;
        int threads = 1;
        double wait = 0;
        double connectTimeout = 10;
        double maxTime = 600;
        boolean showBody;
        boolean gso = true;
        int socketBuffer = 4 << 20;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--url" -> o.url = URI.create(args[++i]);
                    case "--connections", "-c" -> o.connections = Integer.parseInt(args[++i]);
                    case "--streams", "-m" -> o.streams = Integer.parseInt(args[++i]);
                    case "--duration", "-d" -> o.duration = Double.parseDouble(args[++i]);
                    case "--requests", "-n" -> o.requests = Long.parseLong(args[++i]);
                    case "--warmup" -> o.warmup = Double.parseDouble(args[++i]);
                    case "--insecure", "-k" -> o.insecure = true;
                    case "--sni" -> o.sni = args[++i];
                    case "--threads" -> o.threads = Integer.parseInt(args[++i]);
                    case "--wait" -> o.wait = Double.parseDouble(args[++i]);
                    case "--connect-timeout" -> o.connectTimeout = Double.parseDouble(args[++i]);
                    case "--max-time" -> o.maxTime = Double.parseDouble(args[++i]);
                    case "--show-body" -> o.showBody = true;
                    case "--no-gso" -> o.gso = false;
                    case "--socket-buffer" -> o.socketBuffer = Integer.parseInt(args[++i]);
                    case "--help", "-h" -> {
                        System.err.println("usage: H3Load --url https://HOST:PORT/PATH [--insecure] [--connections N] "
                                + "[--streams M] (--duration S | --requests N) [--warmup S] [--sni NAME] [--threads T] "
                                + "[--wait S] [--connect-timeout S] [--max-time S] [--show-body] [--no-gso] "
                                + "[--socket-buffer BYTES]");
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (o.url == null || !"https".equals(o.url.getScheme())) {
                throw new IllegalArgumentException("--url https://HOST:PORT/PATH is required");
            }
            if (o.duration < 0 && o.requests < 0) {
                o.requests = 1;
            }
            if (o.connections < 1 || o.streams < 1 || o.threads < 1) {
                throw new IllegalArgumentException("--connections, --streams and --threads must be >= 1");
            }
            if (o.sni == null) {
                // Certificates are for names: an IP literal gets SNI "localhost" (what bench/run's
                // certificate and Caddy's default_sni are for); a name is sent as it is.
                String host = o.url.getHost();
                o.sni = host.matches("[0-9.]+") || host.contains(":") ? "localhost" : host;
            }
            return o;
        }

        String path() {
            String p = url.getRawPath();
            if (p == null || p.isEmpty()) {
                p = "/";
            }
            return url.getRawQuery() == null ? p : p + "?" + url.getRawQuery();
        }

        int port() {
            return url.getPort() > 0 ? url.getPort() : 443;
        }
    }

    /** Phases every connection goes through; set on its event loop. */
    enum Phase { WARMUP, MEASURE, DONE }

    /** One QUIC connection and its streams; touched only on its event loop. */
    static final class Conn {
        final Run run;
        final int id;
        Channel udp;
        QuicChannel quic;
        EventLoop loop;
        int inFlight;
        boolean blocked;       // the peer's stream limit is reached: wait for QuicStreamLimitChangedEvent
        boolean dead;
        Phase phase = Phase.WARMUP;
        long quota = Long.MAX_VALUE;   // requests this connection may still start while measuring (--requests)
        // counters of the current phase
        long ok;
        long statusErrors;
        long errors;
        long bytes;
        final LatencyHistogram latency = new LatencyHistogram();
        long warmupOk;
        long creditWaits;      // times the peer's stream limit held a request back
        long openFailures;     // stream creations that failed (retried)
        String firstError;

        Conn(Run run, int id) {
            this.run = run;
            this.id = id;
        }

        void fill() {
            while (!dead && phase != Phase.DONE && !blocked && inFlight < run.opts.streams && quota > 0) {
                if (quic.peerAllowedStreams(io.netty.handler.codec.quic.QuicStreamType.BIDIRECTIONAL) <= 0) {
                    blocked = true;
                    creditWaits++;
                    return;
                }
                start();
            }
        }

        private void start() {
            inFlight++;
            if (phase == Phase.MEASURE && quota != Long.MAX_VALUE) {
                quota--;
            }
            Request req = new Request(this, System.nanoTime());
            Future<QuicStreamChannel> f = Http3.newRequestStream(quic, req);
            if (f.isDone()) {
                opened(f, req);
            } else {
                f.addListener(x -> opened(f, req));
            }
        }

        private void opened(Future<QuicStreamChannel> f, Request req) {
            if (!f.isSuccess()) {
                // Usually the stream limit raced with us: not the server's fault, retry on the next grant.
                inFlight--;
                if (phase == Phase.MEASURE && quota != Long.MAX_VALUE) {
                    quota++;
                }
                openFailures++;
                if (!quic.isActive()) {
                    connectionLost(f.cause());
                } else {
                    blocked = true;
                }
                return;
            }
            Http3HeadersFrame h = new DefaultHttp3HeadersFrame();
            h.headers().method(GET).path(run.path).authority(run.authority).scheme(HTTPS);
            f.getNow().writeAndFlush(h).addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
        }

        void completed(Request req, boolean statusOk, boolean failed, Throwable cause) {
            inFlight--;
            if (phase == Phase.MEASURE || phase == Phase.WARMUP) {
                if (failed) {
                    errors++;
                    if (firstError == null) {
                        firstError = String.valueOf(cause);
                    }
                } else if (!statusOk) {
                    statusErrors++;
                    if (firstError == null) {
                        firstError = "status " + req.status;
                    }
                } else {
                    ok++;
                    latency.record(System.nanoTime() - req.started);
                }
            }
            if (phase == Phase.MEASURE && quota == 0 && inFlight == 0) {
                finish();
                return;
            }
            blocked = false; // a stream ended: look at the peer's stream credit again
            fill();
        }

        void data(int n) {
            // Counted as they arrive, whichever phase the request started in (as wrk counts bytes).
            if (phase != Phase.DONE) {
                bytes += n;
            }
        }

        void connectionLost(Throwable cause) {
            if (dead) {
                return;
            }
            dead = true;
            if (phase != Phase.DONE) {
                errors += Math.max(1, inFlight);
                if (firstError == null) {
                    firstError = "connection lost: " + cause;
                }
                finish();
            }
        }

        void beginMeasure(long quota) {
            warmupOk = ok;
            ok = statusErrors = errors = bytes = 0;
            latency.reset();
            phase = Phase.MEASURE;
            this.quota = quota;
            if (quota == 0) {
                finish();
            } else {
                blocked = false;
                fill();
            }
        }

        void finish() {
            if (phase != Phase.DONE) {
                phase = Phase.DONE;
                run.finished.countDown();
            }
        }
    }

    /** One request stream. */
    static final class Request extends Http3RequestStreamInboundHandler {
        final Conn conn;
        final long started;
        CharSequence status;
        boolean done;

        Request(Conn conn, long started) {
            this.conn = conn;
            this.started = started;
        }

        @Override
        protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
            if (status == null) {
                status = frame.headers().status();
            }
            ReferenceCountUtil.release(frame);
        }

        @Override
        protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
            int n = frame.content().readableBytes();
            conn.data(n);
            if (conn.run.opts.showBody && conn.run.body.length() < BODY_SAMPLE) {
                conn.run.body.append(frame.content().toString(StandardCharsets.UTF_8),
                        0, Math.min(n, BODY_SAMPLE - conn.run.body.length()));
            }
            ReferenceCountUtil.release(frame);
        }

        @Override
        protected void channelInputClosed(ChannelHandlerContext ctx) {
            end(false, null);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            end(true, new IllegalStateException("stream closed before the response ended"));
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            end(true, cause);
            ctx.close();
        }

        private void end(boolean failed, Throwable cause) {
            if (done) {
                return;
            }
            done = true;
            boolean ok = status != null && status.length() == 3 && status.charAt(0) == '2'
                    && status.charAt(1) == '0' && status.charAt(2) == '0';
            conn.completed(this, ok, failed || status == null, cause);
        }
    }

    /** Watches the connection: stream credit from the peer, and its end. */
    static final class ConnWatcher extends ChannelInboundHandlerAdapter {
        private final Conn conn;

        ConnWatcher(Conn conn) {
            this.conn = conn;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof QuicStreamLimitChangedEvent && conn.blocked) {
                conn.blocked = false;
                conn.fill();
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            conn.connectionLost(new IllegalStateException("QUIC connection closed by the peer or timed out"));
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            conn.connectionLost(cause);
            ctx.close();
        }
    }

    /** The whole run. */
    static final class Run {
        final Options opts;
        final String path;
        final String authority;
        final CountDownLatch finished;
        final StringBuilder body = new StringBuilder();
        final List<Conn> conns = new ArrayList<>();

        Run(Options opts) {
            this.opts = opts;
            this.path = opts.path();
            this.authority = opts.url.getHost() + ":" + opts.port();
            this.finished = new CountDownLatch(opts.connections);
        }
    }

    public static void main(String[] args) throws Exception {
        Options opts;
        try {
            opts = Options.parse(args);
        } catch (RuntimeException e) {
            System.err.println("H3Load: " + e.getMessage() + " (--help for usage)");
            System.exit(2);
            return;
        }
        PrintStream out = System.out;
        System.setOut(System.err); // only the result line goes to stdout
        int rc;
        try {
            rc = run(opts, out);
        } catch (Exception e) {
            out.println("{\"error\":" + Json.str(String.valueOf(e)) + ",\"requests\":0,\"errors\":1}");
            out.flush();
            rc = 1;
        }
        out.flush();
        // Netty's threads are not daemons and quiche may hold a connection for its drain period: leave now.
        System.exit(rc);
    }

    static int run(Options opts, PrintStream out) throws Exception {
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(opts.threads,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        TrustManagerFactory tmf;
        if (opts.insecure) {
            tmf = InsecureTrustManagerFactory.INSTANCE;
        } else {
            tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((java.security.KeyStore) null);
        }
        QuicSslContext ssl = QuicSslContextBuilder.forClient()
                .trustManager(tmf)
                .applicationProtocols("h3")   // h3 only: no draft versions, so nothing else is negotiated
                .build();
        InetSocketAddress remote = new InetSocketAddress(InetAddress.getByName(opts.url.getHost()), opts.port());
        Run run = new Run(opts);
        boolean gso = opts.gso && epoll && EpollDatagramChannel.isSegmentedDatagramPacketSupported();
        long deadline = System.nanoTime() + (long) (opts.wait * 1e9);
        try {
            for (int i = 0; i < opts.connections; i++) {
                Conn conn = new Conn(run, i);
                Throwable last = null;
                while (true) {
                    try {
                        connect(conn, group, ssl, remote, opts, epoll, gso);
                        break;
                    } catch (Exception e) {
                        last = e;
                        if (conn.udp != null) {
                            conn.udp.close();
                        }
                        if (i > 0 || System.nanoTime() > deadline) {
                            throw new IllegalStateException("connection " + i + " to " + remote + " failed: " + e, last);
                        }
                        Thread.sleep(100);
                    }
                }
                run.conns.add(conn);
            }
            return measure(run, out, epoll, gso);
        } finally {
            for (Conn c : run.conns) {
                if (c.quic != null) {
                    c.quic.close();
                }
                if (c.udp != null) {
                    c.udp.close();
                }
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private static void connect(Conn conn, EventLoopGroup group, QuicSslContext ssl, InetSocketAddress remote,
                                Options opts, boolean epoll, boolean gso) throws Exception {
        // One codec per UDP socket: Http3.newQuicClientCodecBuilder().build() is not sharable.
        ChannelHandler codec = Http3.newQuicClientCodecBuilder()
                .sslEngineProvider(q -> ssl.newEngine(q.alloc(), opts.sni, opts.port()))
                .maxIdleTimeout(30, TimeUnit.SECONDS)
                // Windows big enough that flow control never limits a download on loopback; quiche
                // grows them further (autotuning) as the body is read.
                .initialMaxData(64L << 20)
                .initialMaxStreamDataBidirectionalLocal(16L << 20)
                .initialMaxStreamDataBidirectionalRemote(1L << 20)
                .build();
        // Socket buffers of a few MiB (the kernel caps them at net.core.rmem_max / wmem_max): a download
        // arrives in bursts of a congestion window, and a datagram the socket cannot hold is lost,
        // which QUIC then pays for with a retransmission and a smaller window.
        Bootstrap b = new Bootstrap().group(group).handler(codec)
                .option(ChannelOption.SO_RCVBUF, opts.socketBuffer)
                .option(ChannelOption.SO_SNDBUF, opts.socketBuffer);
        if (epoll) {
            // recvmmsg: a batch of datagrams per syscall (no GRO: the QUIC codec wants one packet per datagram).
            b.channel(EpollDatagramChannel.class)
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 1500);
        } else {
            b.channel(NioDatagramChannel.class);
        }
        conn.udp = b.bind(new InetSocketAddress(remote.getAddress().isLoopbackAddress()
                ? remote.getAddress() : InetAddress.getByName("0.0.0.0"), 0)).sync().channel();
        conn.loop = conn.udp.eventLoop();
        var qb = QuicChannel.newBootstrap(conn.udp)
                .handler(new ChannelInitializer<QuicChannel>() {
                    @Override
                    protected void initChannel(QuicChannel ch) {
                        ch.pipeline().addLast(new Http3ClientConnectionHandler(), new ConnWatcher(conn));
                    }
                })
                .remoteAddress(remote);
        if (gso) {
            qb.option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, EpollQuicUtils.newSegmentedAllocator(10));
        }
        Future<QuicChannel> f = qb.connect();
        // While waiting for a server to come up (--wait), each attempt gets a few seconds, then a fresh try.
        double timeout = opts.wait > 0 ? Math.min(opts.connectTimeout, 3) : opts.connectTimeout;
        if (!f.await((long) (timeout * 1000))) {
            f.cancel(false);
            throw new IllegalStateException("QUIC handshake timed out");
        }
        if (!f.isSuccess()) {
            throw new IllegalStateException("QUIC handshake failed: " + f.cause(), f.cause());
        }
        conn.quic = f.getNow();
        String alpn = conn.quic.sslEngine() == null ? null : conn.quic.sslEngine().getApplicationProtocol();
        if (alpn != null && !alpn.isEmpty() && !"h3".equals(alpn)) {
            throw new IllegalStateException("negotiated " + alpn + ", not h3");
        }
    }

    private static int measure(Run run, PrintStream out, boolean epoll, boolean gso) throws Exception {
        Options opts = run.opts;
        long t0 = System.nanoTime();
        if (opts.warmup > 0) {
            for (Conn c : run.conns) {
                c.loop.execute(c::fill);
            }
            Thread.sleep((long) (opts.warmup * 1000));
        }
        // Requests mode: each connection measures its share of the total.
        long total = opts.requests;
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long wait0 = runQueueWaitNanos();
        long m0 = System.nanoTime();
        CountDownLatch started = new CountDownLatch(run.conns.size());
        for (Conn c : run.conns) {
            long share = total < 0 ? Long.MAX_VALUE : total / run.conns.size() + (c.id < total % run.conns.size() ? 1 : 0);
            c.loop.execute(() -> {
                if (c.phase != Phase.DONE) {
                    c.beginMeasure(share);
                }
                started.countDown();
            });
        }
        started.await();
        boolean timedOut = false;
        if (opts.duration >= 0) {
            // Ends early only when every connection is lost.
            run.finished.await((long) (opts.duration * 1e9), TimeUnit.NANOSECONDS);
        } else if (!run.finished.await((long) (opts.maxTime * 1e9), TimeUnit.NANOSECONDS)) {
            timedOut = true;
        }
        // Stop every connection on its own loop and read its counters there.
        long[] end = new long[1];
        CountDownLatch stopped = new CountDownLatch(run.conns.size());
        for (Conn c : run.conns) {
            c.loop.execute(() -> {
                c.phase = Phase.DONE;
                synchronized (end) {
                    end[0] = Math.max(end[0], System.nanoTime());
                }
                stopped.countDown();
            });
        }
        stopped.await(10, TimeUnit.SECONDS);
        long m1;
        synchronized (end) {
            m1 = end[0] == 0 ? System.nanoTime() : end[0];
        }
        long cpu1 = os.getProcessCpuTime();
        long wait1 = runQueueWaitNanos();
        double secs = (m1 - m0) / 1e9;
        long ok = 0, statusErrors = 0, errors = 0, bytes = 0, warmupOk = 0, alive = 0, creditWaits = 0, openFailures = 0;
        String firstError = null;
        LatencyHistogram lat = new LatencyHistogram();
        for (Conn c : run.conns) {
            ok += c.ok;
            statusErrors += c.statusErrors;
            errors += c.errors;
            bytes += c.bytes;
            warmupOk += c.warmupOk;
            creditWaits += c.creditWaits;
            openFailures += c.openFailures;
            alive += c.dead ? 0 : 1;
            lat.add(c.latency);
            if (firstError == null) {
                firstError = c.firstError;
            }
        }
        if (timedOut) {
            errors++;
            firstError = firstError != null ? firstError : "did not finish in --max-time " + opts.maxTime + " s";
        }
        StringBuilder j = new StringBuilder(512).append('{');
        Json.field(j, "url", opts.url.toString());
        Json.field(j, "protocol", "h3");
        Json.field(j, "connections", opts.connections);
        Json.field(j, "streams", opts.streams);
        Json.field(j, "connections_alive", alive);
        Json.field(j, "warmup_s", opts.warmup);
        Json.field(j, "warmup_requests", warmupOk);
        Json.field(j, "duration_s", secs);
        Json.field(j, "requests", ok);
        Json.field(j, "status_errors", statusErrors);
        Json.field(j, "errors", errors);
        Json.field(j, "bytes", bytes);
        Json.field(j, "rps", secs > 0 ? ok / secs : 0);
        Json.field(j, "mibps", secs > 0 ? bytes / secs / (1024 * 1024) : 0);
        Json.field(j, "p50_ms", ms(lat.percentile(50)));
        Json.field(j, "p90_ms", ms(lat.percentile(90)));
        Json.field(j, "p99_ms", ms(lat.percentile(99)));
        Json.field(j, "p999_ms", ms(lat.percentile(99.9)));
        Json.field(j, "max_ms", ms(lat.count() == 0 ? -1 : lat.maxNanos()));
        Json.field(j, "stream_credit_waits", creditWaits);
        Json.field(j, "stream_open_failures", openFailures);
        Json.field(j, "client_cpu", secs > 0 ? (cpu1 - cpu0) / 1e9 / secs : 0);
        // Time this process's threads were ready to run but waited for a CPU (Linux schedstat): well
        // above 0 means something else ran on the client's CPU, and every figure of the run is suspect.
        Json.field(j, "client_runq_wait", secs > 0 && wait0 >= 0 && wait1 >= 0 ? (wait1 - wait0) / 1e9 / secs : -1.0);
        Json.field(j, "transport", epoll ? (gso ? "epoll+gso" : "epoll") : "nio");
        Json.field(j, "elapsed_s", (System.nanoTime() - t0) / 1e9);
        if (firstError != null) {
            Json.field(j, "first_error", firstError);
        }
        if (opts.showBody) {
            Json.field(j, "body", run.body.toString());
        }
        j.setLength(j.length() - 1);
        j.append('}');
        out.println(j);
        return ok > 0 && errors == 0 && statusErrors == 0 ? 0 : 1;
    }

    /** Sum over this process's threads of the time spent runnable but not running, or -1 (no /proc). */
    static long runQueueWaitNanos() {
        long total = 0;
        try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
            for (var t : (Iterable<java.nio.file.Path>) tasks::iterator) {
                try {
                    String[] f = java.nio.file.Files.readString(t.resolve("schedstat")).trim().split(" ");
                    total += Long.parseLong(f[1]);
                } catch (java.io.IOException | RuntimeException e) {
                    // a thread that ended meanwhile
                }
            }
            return total;
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    private static double ms(long nanos) {
        return nanos < 0 ? -1 : nanos / 1e6;
    }

    /** Just enough JSON for one flat object. */
    static final class Json {
        static void field(StringBuilder j, String k, Object v) {
            j.append(str(k)).append(':');
            if (v instanceof String s) {
                j.append(str(s));
            } else if (v instanceof Double d) {
                j.append(Double.isFinite(d) ? String.format(Locale.ROOT, "%.6f", d) : "null");
            } else {
                j.append(v);
            }
            j.append(',');
        }

        static String str(String s) {
            StringBuilder b = new StringBuilder(s.length() + 2).append('"');
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            b.append(String.format("\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                    }
                }
            }
            return b.append('"').toString();
        }
    }
}
