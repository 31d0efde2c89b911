package dev.peregrine.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for something another thread makes true, such as a count recorded just after the client
 * saw the response. The bound guards against a hang; it is not a timing assertion.
 */
public final class Await {

    /** How long {@link #until} waits before failing. */
    public static final Duration MAX = Duration.ofSeconds(10);

    private Await() {
    }

    /** Returns once {@code condition} holds; an {@link AssertionError} naming {@code what} after {@link #MAX}. */
    public static void until(String what, BooleanSupplier condition) {
        until(what, MAX, condition);
    }

    /** As {@link #until(String, BooleanSupplier)}, failing after {@code max}. */
    public static void until(String what, Duration max, BooleanSupplier condition) {
        until(() -> what, max, condition);
    }

    /** As {@link #until(String, Duration, BooleanSupplier)}; {@code what} is asked for only on failure. */
    public static void until(Supplier<String> what, Duration max, BooleanSupplier condition) {
        long deadline = System.nanoTime() + max.toNanos();
        for (int i = 0; !condition.getAsBoolean(); i++) {
            if (System.nanoTime() - deadline > 0 || i > 100_000) {
                throw new AssertionError("timed out after " + max + " waiting for " + what.get());
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what.get(), e);
            }
        }
    }
}
