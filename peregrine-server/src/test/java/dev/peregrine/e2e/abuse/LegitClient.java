package dev.peregrine.e2e.abuse;

import dev.peregrine.testkit.RawClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The well-behaved client that runs beside an attack: one keep-alive connection on a virtual
 * thread, doing one exchange after another (each checked by {@link Step}) until closed. Every
 * exchange must succeed; the first failure stops it and {@link #close()} rethrows it.
 */
final class LegitClient implements AutoCloseable {

    /** One checked exchange on the connection; throws (an AssertionError) if anything is wrong. */
    @FunctionalInterface
    interface Step {
        void run(RawClient client, int n) throws Exception;
    }

    /** Most exchanges one client makes, so a test that forgets to close it still ends. */
    private static final int MAX_EXCHANGES = 100_000;

    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final String name;
    private final Thread thread;
    private volatile boolean stopping;

    /** Connects now (so the connection is registered before the attack) and starts exchanging. */
    LegitClient(String name, int port, Duration pause, Step step) throws Exception {
        this.name = name;
        RawClient client = RawClient.tcp(port);
        this.thread = Thread.ofVirtual().name("legit-" + name).start(() -> {
            try (client) {
                for (int n = 0; n < MAX_EXCHANGES && !stopping; n++) {
                    step.run(client, n);
                    completed.incrementAndGet();
                    if (!pause.isZero()) {
                        Thread.sleep(pause);
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
    }

    int completed() {
        return completed.get();
    }

    /** Waits until {@code more} exchanges beyond now have succeeded: proof of service during an attack. */
    void awaitProgress(int more, Duration max) {
        int target = completed() + more;
        Abuse.awaitCondition(() -> completed() >= target || failure.get() != null, max,
                () -> name + " to complete " + target + " exchanges (done " + completed() + ")");
        rethrow();
    }

    private void rethrow() {
        Throwable t = failure.get();
        if (t != null) {
            throw new AssertionError(name + ": exchange " + completed() + " failed: " + t, t);
        }
    }

    /** Stops after the exchange in progress and fails if any exchange failed. */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        if (!thread.join(Duration.ofSeconds(20))) {
            throw new AssertionError(name + " did not finish its last exchange");
        }
        rethrow();
    }
}
