package dev.peregrine.e2e.abuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.api.Handler;
import dev.peregrine.api.Request;
import dev.peregrine.api.Response;
import dev.peregrine.server.Server;
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
 * Graceful stop under load (issue 10 §6): 40 keep-alive clients, half waiting on slow handlers and
 * half in the middle of 4 MiB downloads, plus idle ones, when {@code stop} is called with a
 * deadline they can all meet. Every response that started must arrive whole (its full
 * Content-Length, byte for byte) and announce the close, idle connections close unanswered, new
 * connections are refused, and stop reports that everything drained. {@code e2e.ShutdownTest}
 * covers the drain rules one by one with small bodies; this is the loaded version.
 */
@Timeout(90)
class StopUnderLoadTest {

    private static final int SLOW = 20;
    private static final int DOWNLOADS = 20;
    private static final int IDLE = 10;
    private static final int SLOW_BODY = 8 * 1024;
    private static final int PIECE = 64 * 1024;
    private static final int PIECES = 64; // 4 MiB
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private Server server;
    /** Held by the first request of each busy client until stop has begun, so all are in flight then. */
    private final CountDownLatch stopBegun = new CountDownLatch(1);
    private final CountDownLatch inFlight = new CountDownLatch(SLOW + DOWNLOADS);

    @AfterEach
    void stop() {
        stopBegun.countDown(); // never leave a handler blocked
        Abuse.stop(server);
    }

    private static final byte[] SLOW_CONTENT = Abuse.pattern(SLOW_BODY, 1);
    private static final byte[] PIECE_CONTENT = Abuse.pattern(PIECE, 2);

    private void slow(Request req, Response res) throws Exception {
        inFlight.countDown();
        stopBegun.await(Abuse.FIRE.toMillis(), TimeUnit.MILLISECONDS);
        Thread.sleep(200 + (req.path().hashCode() & 0x1FF)); // still working well after stop began
        res.contentLength(SLOW_BODY);
        res.body().write(SLOW_CONTENT);
    }

    private void download(Request req, Response res) throws Exception {
        res.contentLength((long) PIECE * PIECES);
        try (OutputStream out = res.body()) {
            out.write(PIECE_CONTENT);
            out.flush(); // the response has begun on the wire
            inFlight.countDown();
            stopBegun.await(Abuse.FIRE.toMillis(), TimeUnit.MILLISECONDS);
            for (int i = 1; i < PIECES; i++) {
                out.write(PIECE_CONTENT);
                if (i % 8 == 0) {
                    out.flush();
                    Thread.sleep(20); // a download that takes a while
                }
            }
        }
    }

    @Test
    void stopUnderLoadCompletesEveryStartedResponseRefusesNewConnectionsAndDrainsInTime() throws Exception {
        Handler handler = (req, res) -> {
            if (req.path().startsWith("/slow/")) {
                slow(req, res);
            } else if (req.path().startsWith("/download/")) {
                download(req, res);
            } else {
                res.send("quick");
            }
        };
        server = Abuse.start(handler, Abuse.lenient().build());
        int port = server.port();

        List<RawClient> idle = new ArrayList<>();
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger inFlightCompleted = new AtomicInteger();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < IDLE; i++) {
                RawClient c = RawClient.tcp(port);
                idle.add(c);
                assertThat(c.request("GET /q HTTP/1.1\r\nHost: t\r\n\r\n").bodyText()).isEqualTo("quick");
            }
            List<Future<?>> clients = new ArrayList<>();
            for (int i = 0; i < SLOW + DOWNLOADS; i++) {
                boolean slow = i < SLOW;
                String path = (slow ? "/slow/" : "/download/") + i;
                clients.add(pool.submit(() -> {
                    try (RawClient c = RawClient.tcp(port).timeout(Abuse.FIRE)) {
                        for (int n = 0; n < 1000; n++) { // keep-alive until the server says close
                            c.send("GET " + path + "/" + n + " HTTP/1.1\r\nHost: t\r\n\r\n");
                            RawResponse r = c.readResponseOrNull(false); // null: closed before a response began
                            if (r == null) {
                                return;
                            }
                            String broken = check(r, slow);
                            if (broken != null) {
                                failures.add(path + "/" + n + ": " + broken);
                                return;
                            }
                            if (n == 0) {
                                inFlightCompleted.incrementAndGet(); // the response in flight at stop, whole
                                if (slow && !r.connectionClose()) {
                                    // Its head was written after stop began, so it must announce the close.
                                    failures.add(path + ": response after stop without Connection: close");
                                }
                            }
                            if (r.connectionClose()) {
                                byte[] after = c.readUntilClosed();
                                if (after.length > 0) {
                                    failures.add(path + ": bytes after Connection: close: " + RawClient.printable(after));
                                }
                                return;
                            }
                        }
                        failures.add(path + ": the server never closed the connection");
                    } catch (Throwable t) {
                        failures.add(path + ": " + t); // a truncated response ends here (EOF inside it)
                    }
                }));
            }
            inFlight.await(Abuse.FIRE.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(inFlight.getCount()).as("busy clients not in flight yet").isZero();

            // Registered after every busy one: the manager walks ascending ids, so once this one is
            // closed every busy connection has been told to stop (as e2e.ShutdownTest relies on).
            RawClient idleLast = RawClient.tcp(port);
            idle.add(idleLast);
            assertThat(idleLast.request("GET /q HTTP/1.1\r\nHost: t\r\n\r\n").bodyText()).isEqualTo("quick");

            CompletableFuture<Boolean> stop = CompletableFuture.supplyAsync(() -> server.stop(DEADLINE));
            assertThat(idleLast.readUntilClosed()).as("the last idle connection closes unanswered").isEmpty();
            assertThat(refused(port).getAsBoolean()).as("new connections are refused once stop began").isTrue();
            stopBegun.countDown();

            for (RawClient c : idle) {
                assertThat(c.readUntilClosed()).as("an idle connection closes unanswered").isEmpty();
            }
            for (Future<?> f : clients) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertThat(failures).isEmpty();
            assertThat(inFlightCompleted.get()).as("busy clients whose in-flight response arrived whole")
                    .isEqualTo(SLOW + DOWNLOADS);
            assertThat(stop.get(DEADLINE.toSeconds() + 10, TimeUnit.SECONDS)).as("drained before the deadline").isTrue();
        } finally {
            idle.forEach(RawClient::close);
        }
        assertThatThrownBy(() -> RawClient.tcp(port)).isInstanceOf(ConnectException.class);
        assertThat(server.connectionCount()).isZero();
        assertThat(server.metrics().activeConnections()).isZero();
        assertThat(server.metrics().handlerErrors()).isZero();
    }

    private static java.util.function.BooleanSupplier refused(int port) {
        return () -> {
            try (RawClient probe = RawClient.tcp(port)) {
                return false;
            } catch (ConnectException e) {
                return true;
            } catch (IOException e) {
                return false;
            }
        };
    }

    /** Null if the response is whole and right, else what is wrong with it. */
    private static String check(RawResponse r, boolean slow) {
        if (r.status() != 200 || r.framing() != RawResponse.Framing.LENGTH) {
            return "status " + r.status() + " framing " + r.framing();
        }
        byte[] body = r.body();
        if (slow) {
            return Arrays.equals(body, SLOW_CONTENT) ? null : "slow body of " + body.length + " bytes differs";
        }
        if (body.length != PIECE * PIECES) {
            return "download of " + body.length + " bytes";
        }
        for (int i = 0; i < PIECES; i++) {
            if (!Arrays.equals(body, i * PIECE, (i + 1) * PIECE, PIECE_CONTENT, 0, PIECE)) {
                return "download piece " + i + " differs";
            }
        }
        return null;
    }
}
