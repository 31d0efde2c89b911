package dev.peregrine.server.internal;

/**
 * The heartbeat's clock for arming deadlines: one volatile read instead of a clock call per
 * request. Deadlines are checked once a tick anyway, so a finer clock buys nothing.
 *
 * <p>{@link #nanoTime()} returns the last tick's time plus one interval, an upper bound of the
 * real time, so a deadline armed with it never fires early (it may fire up to two ticks late).
 * Before the first tick, and in tests without a heartbeat, it reads {@link System#nanoTime()}.
 */
public final class CoarseClock {

    private static final long UNSET = Long.MIN_VALUE;

    private final long intervalNanos;
    private volatile long tick = UNSET;

    public CoarseClock(long intervalNanos) {
        this.intervalNanos = intervalNanos;
    }

    /** A clock that is never ticked: every call reads the system clock. */
    public static CoarseClock system() {
        return new CoarseClock(0);
    }

    public long nanoTime() {
        long t = tick;
        return t == UNSET ? System.nanoTime() : t + intervalNanos;
    }

    public void advance(long nowNanos) {
        tick = nowNanos;
    }
}
