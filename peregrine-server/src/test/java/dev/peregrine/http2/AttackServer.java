package dev.peregrine.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.http2.H2Client.In;
import dev.peregrine.testkit.H2Frames;
import dev.peregrine.server.Http2Options;
import dev.peregrine.server.Server;
import dev.peregrine.server.ServerMetrics;
import dev.peregrine.server.ServerOptions;
import dev.peregrine.transport.Endpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A real {@link Server} on 127.0.0.1, port 0, for the attack tests: raw h2c attackers (prior
 * knowledge over a socket) and a legitimate client (the JDK's HttpClient, h2c by Upgrade) at the
 * same time. Every wait is bounded.
 *
 * <p>Paths: {@code /hold} blocks its handler until {@link #release} (at most 10 s) and counts the
 * handlers that ran; {@code /echo} answers {@code echo:} and the body; {@code /big} 64 KiB;
 * {@code /bomb} the number of {@code x-bomb} fields; anything else {@code ok <path>}.
 */
final class AttackServer implements AutoCloseable {

    /** Overall bound of one attack: until the attacker's connection has ended. */
    static final Duration ATTACK_WAIT = Duration.ofSeconds(15);

    final Server server;
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicInteger held = new AtomicInteger();
    private final List<AutoCloseable> clients = new ArrayList<>();

    AttackServer(Http2Options h2) throws IOException {
        this(ServerOptions.builder().http2(h2).build());
    }

    AttackServer(ServerOptions options) throws IOException {
        server = Server.builder()
                .listen(Endpoint.tcp("127.0.0.1", 0))
                .options(options)
                .handler((req, res) -> {
                    switch (req.path()) {
                        case "/hold" -> {
                            held.incrementAndGet();
                            release.await(10, TimeUnit.SECONDS);
                            res.send("held");
                        }
                        case "/echo" -> res.send("echo:" + req.bodyString());
                        case "/big" -> res.send(new byte[64 * 1024]);
                        case "/bomb" -> res.send("x-bomb=" + req.headers().count("x-bomb"));
                        default -> res.send("ok " + req.path());
                    }
                })
                .start();
    }

    ServerMetrics metrics() {
        return server.metrics();
    }

    /** A raw socket speaking h2c with prior knowledge; closed with the server. */
    H2Client attacker() throws IOException {
        return attacker(0);
    }

    /** As {@link #attacker()}, with a small socket receive buffer if {@code receiveBuffer > 0}. */
    H2Client attacker(int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
        H2Client c = H2Client.over(s);
        clients.add(c);
        return c;
    }

    LegitClient legit() {
        LegitClient c = new LegitClient(server.port());
        clients.add(c);
        return c;
    }

    @Override
    public void close() {
        release.countDown();
        for (AutoCloseable c : clients) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing anyway
            }
        }
        server.stop(Duration.ofSeconds(3));
    }

    // ---------------------------------------------------------------- the attack

    /** What the attacker's connection saw before it ended. */
    record Outcome(In goAway, int frames, Map<Integer, Integer> resetsByCode, boolean eof, int batchesSent) {

        int goAwayCode() {
            assertThat(goAway).as("a GOAWAY before the connection ended (frames: " + frames + ")").isNotNull();
            return goAway.errorCode();
        }

        int resets() {
            return resetsByCode.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /**
     * Writes {@code batch(0)}, {@code batch(1)}, ... (at most {@code maxBatches}) from a second
     * thread until the server stops taking them, while this thread reads the server's frames
     * until GOAWAY or end of stream, within {@link #ATTACK_WAIT}.
     */
    static Outcome flood(H2Client attacker, IntFunction<byte[]> batch, int maxBatches) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger sent = new AtomicInteger();
        Thread writer = Thread.ofVirtual().name("attacker-writer").start(() -> {
            for (int i = 0; i < maxBatches && !stop.get(); i++) {
                try {
                    attacker.send(batch.apply(i));
                    sent.incrementAndGet();
                } catch (IOException e) {
                    return; // the server closed the connection: the attack is over
                }
            }
        });
        try {
            return readUntilGoAway(attacker, sent);
        } finally {
            stop.set(true);
            assertThat(writer.join(Duration.ofSeconds(5))).as("the attacker's writer stopped").isTrue();
        }
    }

    /** Reads until GOAWAY or end of stream; bounded in time and in frames. */
    static Outcome readUntilGoAway(H2Client attacker, AtomicInteger sent) throws IOException {
        long deadline = System.nanoTime() + ATTACK_WAIT.toNanos();
        Map<Integer, Integer> resets = new TreeMap<>();
        for (int n = 0; n < H2Client.MAX_FRAMES; n++) {
            assertThat(System.nanoTime() - deadline).as("the attack ended within " + ATTACK_WAIT).isNegative();
            In f = attacker.read();
            if (f == null) {
                return new Outcome(null, n, resets, true, sent.get());
            }
            if (f.type() == H2Frames.RST_STREAM) {
                resets.merge(f.errorCode(), 1, Integer::sum);
            }
            if (f.type() == H2Frames.GOAWAY) {
                return new Outcome(f, n, resets, false, sent.get());
            }
        }
        throw new AssertionError("no GOAWAY in " + H2Client.MAX_FRAMES + " frames");
    }

    // ---------------------------------------------------------------- counters

    /** The metrics the attack tests look at, before and after. */
    enum Metric { ABUSIVE, PROTOCOL_ERRORS, STREAM_RESETS, TIMED_OUT, BAD_REQUESTS }

    Map<Metric, Long> snapshot() {
        ServerMetrics m = metrics();
        Map<Metric, Long> s = new EnumMap<>(Metric.class);
        s.put(Metric.ABUSIVE, m.abusiveConnections());
        s.put(Metric.PROTOCOL_ERRORS, m.protocolErrors());
        s.put(Metric.STREAM_RESETS, m.streamResets());
        s.put(Metric.TIMED_OUT, m.timedOutConnections());
        s.put(Metric.BAD_REQUESTS, m.badRequests());
        return s;
    }

    long delta(Map<Metric, Long> before, Metric metric) {
        return snapshot().get(metric) - before.get(metric);
    }

    // ---------------------------------------------------------------- the legitimate client

    /**
     * The JDK's HttpClient over h2c: the first request upgrades, the rest are streams of the same
     * HTTP/2 connection. {@link #start} runs requests on a thread of their own while the attack
     * goes on; {@link #finish} checks every one was answered 200 with its own body over HTTP/2.
     */
    static final class LegitClient implements AutoCloseable {

        private final HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        private final String base;
        private final List<Throwable> failures = new CopyOnWriteArrayList<>();
        private final AtomicInteger served = new AtomicInteger();
        private final CountDownLatch underway = new CountDownLatch(3);
        private Thread thread;
        private int planned;

        LegitClient(int port) {
            this.base = "http://127.0.0.1:" + port;
        }

        /** One GET, the h2c upgrade; after it the client speaks HTTP/2. */
        LegitClient connect() throws Exception {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/hello"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("ok /hello");
            assertThat(r.version()).as("h2c upgrade").isEqualTo(HttpClient.Version.HTTP_2);
            return this;
        }

        /** One POST /echo with a body of its own; asserts the answer. */
        void request(int i) throws Exception {
            String body = "legit-" + i + "-" + "x".repeat(i % 50);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/echo"))
                            .timeout(Duration.ofSeconds(10))
                            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("legitimate request " + i).isEqualTo(200);
            assertThat(r.body()).as("legitimate request " + i).isEqualTo("echo:" + body);
            assertThat(r.version()).as("legitimate request " + i).isEqualTo(HttpClient.Version.HTTP_2);
        }

        /** Starts {@code n} requests in the background; returns once a few have been answered. */
        LegitClient start(int n) throws InterruptedException {
            planned = n;
            thread = Thread.ofVirtual().name("legit-client").start(() -> {
                for (int i = 0; i < n; i++) {
                    try {
                        request(i);
                        served.incrementAndGet();
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                    underway.countDown();
                }
            });
            assertThat(underway.await(10, TimeUnit.SECONDS)).as("legitimate requests underway").isTrue();
            return this;
        }

        /** Waits for the background requests (bounded), then one more: all must have succeeded. */
        void finish() throws Exception {
            assertThat(thread.join(Duration.ofSeconds(30))).as("legitimate requests done").isTrue();
            if (!failures.isEmpty()) {
                AssertionError e = new AssertionError("legitimate requests failed: " + failures.size() + " of " + planned);
                failures.forEach(e::addSuppressed);
                throw e;
            }
            assertThat(served.get()).isEqualTo(planned);
            request(planned);
        }

        @Override
        public void close() {
            http.shutdownNow();
        }
    }
}
