package dev.peregrine.e2e;

import dev.peregrine.api.Handler;
import dev.peregrine.server.Server;
import dev.peregrine.server.ServerOptions;
import dev.peregrine.transport.Endpoint;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Small shared pieces of the end-to-end tests: starting servers, test bodies, bounded waits. */
final class E2e {

    /** The longest any single wait in these tests may take before the test fails. */
    static final Duration WAIT = Duration.ofSeconds(10);
    /** A deadline the client keeps far from: tests of one timeout relax the others to this. */
    static final Duration LONG = Duration.ofSeconds(60);
    /** Answers with the size of the body it read whole. */
    static final Handler READ_ALL = (req, res) -> res.send("read " + req.bodyBytes().length);

    /** Options whose timeouts stay out of the way, for tests that exercise one deadline at a time. */
    static ServerOptions.Builder lenient() {
        return ServerOptions.builder()
                .keepAliveTimeout(LONG)
                .requestHeadersTimeout(LONG)
                .minRequestBodyBytesPerSecond(0);
    }

    private E2e() {}

    /** A server on an ephemeral loopback port with default options. */
    static Server start(Handler handler) throws IOException {
        return start(handler, ServerOptions.defaults());
    }

    static Server start(Handler handler, ServerOptions options) throws IOException {
        return Server.builder()
                .listen(Endpoint.tcp("127.0.0.1", 0))
                .handler(handler)
                .options(options)
                .start();
    }

    static void stop(Server server) {
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    /** A deterministic, non-repeating-looking body of {@code n} bytes, so misplaced bytes show. */
    static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        int x = seed * 7919 + 1;
        for (int i = 0; i < n; i++) {
            x = x * 1103515245 + 12345;
            b[i] = (byte) ('a' + ((x >>> 16) & 0x7FFF) % 26);
        }
        return b;
    }

    /** Polls {@code condition} until it holds; fails after {@link #WAIT}. */
    static void awaitCondition(BooleanSupplier condition, String what) {
        dev.peregrine.testkit.Await.until(what, WAIT, condition);
    }

    /** Awaits a latch for at most {@link #WAIT}; fails the test otherwise. */
    static void await(CountDownLatch latch, String what) {
        try {
            if (!latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("timed out waiting for " + what + " (" + latch.getCount() + " left)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + what, e);
        }
    }

    /** For handlers: waits on a latch for at most {@code max}; true if it opened. */
    static boolean awaitQuietly(CountDownLatch latch, Duration max) {
        try {
            return latch.await(max.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
