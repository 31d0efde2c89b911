package dev.peregrine.e2e.abuse;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.peregrine.api.Handler;
import dev.peregrine.server.Server;
import dev.peregrine.server.ServerOptions;
import dev.peregrine.transport.Endpoint;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Shared pieces of the abuse tests: a server on loopback whose timeouts stay out of the way
 * except the one under test, bounded waits, and the file-descriptor check.
 */
final class Abuse {

    /** A deadline no test comes near: tests of one defence relax the others to this. */
    static final Duration LONG = Duration.ofSeconds(60);
    /** How long a defence may take to fire under load before the test fails (several heartbeats). */
    static final Duration FIRE = Duration.ofSeconds(15);

    private Abuse() {}

    static ServerOptions.Builder lenient() {
        return ServerOptions.builder()
                .keepAliveTimeout(LONG)
                .requestHeadersTimeout(LONG)
                .minRequestBodyBytesPerSecond(0)
                .minResponseBytesPerSecond(0);
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

    /** Returns once {@code condition} holds; fails after {@code max}. */
    static void awaitCondition(BooleanSupplier condition, Duration max, java.util.function.Supplier<String> what) {
        dev.peregrine.testkit.Await.until(what, max, condition);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * Skips the test (with the numbers) when this process cannot open {@code needed} more file
     * descriptors: client and server sockets of one test live in this one JVM. Nothing is raised.
     */
    static void assumeFileDescriptors(long needed) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof UnixOperatingSystemMXBean unix) {
            long free = unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount();
            assumeTrue(free >= needed, () -> "needs " + needed + " free file descriptors, the limit leaves "
                    + free + " (max " + unix.getMaxFileDescriptorCount() + "; see ulimit -n)");
        }
    }

    /** A deterministic body of {@code n} letters, so misplaced or missing bytes show. */
    static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        int x = seed * 7919 + 1;
        for (int i = 0; i < n; i++) {
            x = x * 1103515245 + 12345;
            b[i] = (byte) ('a' + ((x >>> 16) & 0x7FFF) % 26);
        }
        return b;
    }
}
