package dev.peregrine.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.api.Handler;
import dev.peregrine.server.Server;
import dev.peregrine.server.ServerOptions;
import dev.peregrine.testkit.RawClient;
import dev.peregrine.testkit.RawResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Graceful stop under concurrent load: no response that began may be cut short, in-flight
 * requests finish with {@code Connection: close}, idle connections close at once, the listener
 * refuses new connections, and only what outlives the deadline is aborted.
 */
@Timeout(90)
class ShutdownTest {

    private static final int BODY = 32 * 1024;
    private static final int PIECES = 4;

    private Server server;
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void cleanUp() {
        release.countDown(); // never leave a handler blocked
        E2e.stop(server);
    }

    /** Streams a known body in flushed pieces: with a Content-Length, or chunked for {@code ?chunked}. */
    private static void streamBody(dev.peregrine.api.Request req, dev.peregrine.api.Response res, int seed)
            throws IOException {
        byte[] body = E2e.pattern(BODY, seed);
        if (req.query() == null || !req.query().contains("chunked")) {
            res.contentLength(BODY);
        }
        OutputStream out = res.body();
        int piece = BODY / PIECES;
        for (int i = 0; i < PIECES; i++) {
            out.write(body, i * piece, piece);
            out.flush();
        }
    }

    private static void assertCompleteBody(RawResponse r, int seed, boolean chunked) {
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.framing()).isEqualTo(chunked ? RawResponse.Framing.CHUNKED : RawResponse.Framing.LENGTH);
        assertThat(r.body().length).isEqualTo(BODY);
        assertThat(Arrays.equals(r.body(), E2e.pattern(BODY, seed))).as("body content").isTrue();
    }

    // ---------------------------------------------------------------- under load

    @Test
    void stopUnderConcurrentLoadCompletesEveryResponseThatBegan() throws Exception {
        Handler handler = (req, res) -> {
            Thread.sleep(2); // keeps requests in flight when stop comes
            streamBody(req, res, 1);
        };
        server = E2e.start(handler);
        int port = server.port();
        int clients = 32;
        AtomicInteger completed = new AtomicInteger();
        AtomicInteger closeAnnounced = new AtomicInteger();
        CountDownLatch warmedUp = new CountDownLatch(clients * 2);
        Queue<String> failures = new ConcurrentLinkedQueue<>();

        List<Future<?>> running = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < clients; i++) {
                boolean chunked = i % 2 == 1;
                int id = i;
                running.add(pool.submit(() -> {
                    try (RawClient c = RawClient.tcp(port)) {
                        String request = "GET /load/" + id + (chunked ? "?chunked" : "") + " HTTP/1.1\r\nHost: t\r\n\r\n";
                        for (int n = 0; n < 2000; n++) {
                            if (!c.trySend(request)) {
                                return; // the server closed an idle connection: nothing had begun
                            }
                            RawResponse r = c.readResponseOrNull(false);
                            if (r == null) {
                                return; // closed before a response began: allowed, the request was not taken
                            }
                            assertCompleteBody(r, 1, chunked);
                            completed.incrementAndGet();
                            warmedUp.countDown();
                            if (r.connectionClose()) {
                                closeAnnounced.incrementAndGet();
                                byte[] after = c.readUntilClosed();
                                if (after.length > 0) {
                                    failures.add("client " + id + ": bytes after Connection: close: "
                                            + RawClient.printable(after));
                                }
                                return;
                            }
                        }
                        failures.add("client " + id + ": the server never closed the connection");
                    } catch (Throwable t) {
                        failures.add("client " + id + ": " + t);
                    }
                }));
            }
            E2e.await(warmedUp, "every client to complete a couple of requests");

            boolean stopped = server.stop(Duration.ofSeconds(10));

            for (Future<?> f : running) {
                f.get(30, TimeUnit.SECONDS);
            }
            assertThat(failures).isEmpty();
            assertThat(stopped).as("everything drained before the deadline").isTrue();
        }
        assertThat(completed.get()).isGreaterThanOrEqualTo(clients * 2);
        assertThat(server.connectionCount()).isZero();
        assertThat(server.metrics().activeConnections()).isZero();
        assertThatThrownBy(() -> RawClient.tcp(port)).isInstanceOf(ConnectException.class);
        assertThat(server.metrics().handlerErrors()).isZero();
    }

    // ---------------------------------------------------------------- deterministic drain

    @Test
    void inFlightRequestsFinishWithConnectionCloseWhileIdleConnectionsClose() throws Exception {
        int gated = 8;
        CountDownLatch started = new CountDownLatch(gated);
        CountDownLatch midStreamStarted = new CountDownLatch(1);
        CountDownLatch uploadStarted = new CountDownLatch(1);
        Handler handler = (req, res) -> {
            switch (req.path()) {
                case "/gate" -> {
                    started.countDown();
                    E2e.awaitQuietly(release, E2e.WAIT);
                    streamBody(req, res, 2);
                }
                case "/mid-stream" -> {
                    // The head and a first piece leave before stop: this response began earlier.
                    byte[] body = E2e.pattern(BODY, 3);
                    res.contentLength(BODY);
                    res.body().write(body, 0, 100);
                    res.body().flush();
                    midStreamStarted.countDown();
                    E2e.awaitQuietly(release, E2e.WAIT);
                    res.body().write(body, 100, BODY - 100);
                }
                case "/upload" -> {
                    // Half of the body is read before stop; the client sends the rest after it.
                    byte[] first = req.body().readNBytes(1000);
                    uploadStarted.countDown();
                    res.send("read " + (first.length + req.bodyBytes().length));
                }
                default -> res.send("quick");
            }
        };
        // A short park delay lets one idle connection be parked thread-less, the other not.
        server = E2e.start(handler, ServerOptions.builder().idleParkDelay(Duration.ofMillis(10)).idleParkMinConnections(0).build());
        int port = server.port();

        List<RawClient> clients = new ArrayList<>();
        try {
            // Idle connections, one created first and one last (lowest and highest connection id).
            RawClient idleFirst = RawClient.tcp(port);
            clients.add(idleFirst);
            assertThat(idleFirst.request("GET /q HTTP/1.1\r\nHost: t\r\n\r\n").bodyText()).isEqualTo("quick");
            assertThat(idleFirst.awaitReadable(Duration.ofMillis(100))).isFalse(); // idles past the park delay

            List<RawClient> inFlight = new ArrayList<>();
            for (int i = 0; i < gated; i++) {
                RawClient c = RawClient.tcp(port);
                clients.add(c);
                inFlight.add(c);
                String request = "GET /gate" + (i % 2 == 1 ? "?chunked" : "") + " HTTP/1.1\r\nHost: t\r\n\r\n";
                // Half of them pipeline a second request, which must not be taken after stop.
                c.send(i < gated / 2 ? request : request + "GET /q HTTP/1.1\r\nHost: t\r\n\r\n");
            }
            RawClient midStream = RawClient.tcp(port);
            clients.add(midStream);
            midStream.send("GET /mid-stream HTTP/1.1\r\nHost: t\r\n\r\n");
            RawClient upload = RawClient.tcp(port);
            clients.add(upload);
            upload.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 2000\r\n\r\n" + "u".repeat(1000));
            E2e.await(started, "the gated handlers to start");
            E2e.await(midStreamStarted, "the streaming handler to start");
            E2e.await(uploadStarted, "the upload handler to start reading");

            RawClient idleLast = RawClient.tcp(port);
            clients.add(idleLast);
            assertThat(idleLast.request("GET /q HTTP/1.1\r\nHost: t\r\n\r\n").bodyText()).isEqualTo("quick");

            // The connection manager walks its map of small ascending ids (a ConcurrentHashMap of
            // Long keys iterates them in order), so once the last-created idle connection has been
            // closed, every earlier connection has been told to stop; that is what makes the
            // "Connection: close" assertions below deterministic. The first-created idle connection
            // covers the opposite order.
            CompletableFuture<Boolean> stop = CompletableFuture.supplyAsync(() -> server.stop(Duration.ofSeconds(20)));

            // Idle connections are closed at once, without a response.
            assertThat(idleFirst.readUntilClosed()).isEmpty();
            assertThat(idleLast.readUntilClosed()).isEmpty();
            assertThat(stop).isNotDone();
            // The listener is closed before the connections are told to stop.
            assertThatThrownBy(() -> RawClient.tcp(port)).isInstanceOf(ConnectException.class);

            // A request whose body is still arriving is in flight too: it completes.
            upload.send("u".repeat(1000));
            RawResponse uploaded = upload.readResponse();
            assertThat(uploaded.bodyText()).isEqualTo("read 2000");
            assertThat(uploaded.connectionClose()).isTrue();
            assertThat(upload.readUntilClosed()).isEmpty();

            release.countDown();

            for (int i = 0; i < gated; i++) {
                RawClient c = inFlight.get(i);
                RawResponse r = c.readResponse();
                assertCompleteBody(r, 2, i % 2 == 1);
                assertThat(r.connectionClose()).as("in-flight response %d after stop announces the close", i).isTrue();
                assertThat(c.readUntilClosed()).as("no second response on connection %d", i).isEmpty();
            }
            RawResponse began = midStream.readResponse();
            assertCompleteBody(began, 3, false);
            assertThat(midStream.readUntilClosed()).isEmpty();

            assertThat(stop.get(20, TimeUnit.SECONDS)).isTrue();
        } finally {
            clients.forEach(RawClient::close);
        }
        assertThat(server.connectionCount()).isZero();
        // 2 idle + 8 gated + 1 streaming + 1 upload: the pipelined second requests were never handled.
        assertThat(server.metrics().requests()).isEqualTo(gated + 4);
    }

    // ---------------------------------------------------------------- deadline

    @Test
    void handlerBlockedPastTheDeadlineIsAborted() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        server = E2e.start((req, res) -> {
            started.countDown();
            E2e.awaitQuietly(release, Duration.ofSeconds(30));
            res.send("too late");
        });
        int port = server.port();
        try (RawClient c = RawClient.tcp(port)) {
            c.send("GET /block HTTP/1.1\r\nHost: t\r\n\r\n");
            E2e.await(started, "the handler to start");

            boolean drained = server.stop(Duration.ofSeconds(1));

            assertThat(drained).isFalse();
            assertThat(c.readUntilClosed()).as("aborted: the connection ends with no response").isEmpty();
        } finally {
            release.countDown();
        }
        E2e.awaitCondition(() -> server.connectionCount() == 0, "the aborted connection to be unregistered");
        assertThat(server.stop(Duration.ofSeconds(1))).as("stop is idempotent; now nothing is left").isTrue();
    }

    @Test
    void stopWithNoConnectionsReturnsTrueAndRefusesNewOnes() throws Exception {
        server = E2e.start((req, res) -> res.send("x"));
        int port = server.port();
        try (RawClient c = RawClient.tcp(port)) {
            RawResponse r = c.request("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            assertThat(r.connectionClose()).isTrue();
            assertThat(c.readUntilClosed()).isEmpty();
        }
        E2e.awaitCondition(() -> server.connectionCount() == 0, "the closed connection to be unregistered");
        assertThat(server.stop(Duration.ofSeconds(5))).isTrue();
        assertThatThrownBy(() -> RawClient.tcp(port)).isInstanceOf(ConnectException.class);
    }

    @Test
    void thePortCanBeBoundAgainRightAfterStop() throws Exception {
        server = E2e.start((req, res) -> res.send("first"));
        int port = server.port();
        for (int i = 0; i < 3; i++) {
            // Server-side closes leave TIME_WAIT sockets on the port; rebinding must still work.
            try (RawClient c = RawClient.tcp(port)) {
                c.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
                assertThat(c.readResponse().bodyText()).isEqualTo("first");
                assertThat(c.readUntilClosed()).isEmpty();
            }
        }
        assertThat(server.stop(Duration.ofSeconds(5))).isTrue();
        server = dev.peregrine.server.Server.builder()
                .listen(dev.peregrine.transport.Endpoint.tcp("127.0.0.1", port))
                .handler((req, res) -> res.send("second"))
                .start();
        try (RawClient c = RawClient.tcp(port)) {
            assertThat(c.request("GET / HTTP/1.1\r\nHost: t\r\n\r\n").bodyText()).isEqualTo("second");
        }
    }
}
