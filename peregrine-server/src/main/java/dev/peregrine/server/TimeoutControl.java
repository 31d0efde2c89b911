package dev.peregrine.server;

/**
 * One connection's deadlines, checked by the server's single heartbeat instead of a timer per
 * connection (Kestrel's TimeoutControl is the model).
 *
 * <p>The connection thread arms and disarms; the heartbeat thread reads and calls back. Fields
 * are volatile; a deadline missed by less than one tick is acceptable by design.
 */
public final class TimeoutControl {

    /** Why a connection's deadline fired. */
    public enum Reason {
        /** No new request within the keep-alive timeout. */
        KEEP_ALIVE,
        /** The request head took longer than the request-headers timeout. */
        REQUEST_HEADERS,
        /** The request body arrived below the minimum data rate after the grace period. */
        READ_DATA_RATE
    }

    private static final long NONE = Long.MAX_VALUE;

    private volatile long deadlineNanos = NONE;
    private volatile Reason reason;

    // Body data rate: time only counts while the handler is blocked reading the socket, so a slow
    // handler is never blamed on the client.
    private volatile long minBytesPerSecond;
    private volatile long graceNanos;
    private volatile long readStartedNanos = NONE;
    private volatile long readTimeNanos;
    private volatile long bytesRead;
    private volatile boolean rateTiming;

    /** Sets (or replaces) the one deadline. */
    public void arm(Reason why, long nowNanos, long timeoutNanos) {
        reason = why;
        deadlineNanos = nowNanos + timeoutNanos;
    }

    public void disarm() {
        deadlineNanos = NONE;
    }

    /** Starts minimum-data-rate accounting for a request body (0 bytes/s disables it). */
    public void startBodyRate(long bytesPerSecond, long graceNanos) {
        this.minBytesPerSecond = bytesPerSecond;
        this.graceNanos = graceNanos;
        this.readTimeNanos = 0;
        this.bytesRead = 0;
        this.readStartedNanos = NONE;
        this.rateTiming = bytesPerSecond > 0;
    }

    public void stopBodyRate() {
        rateTiming = false;
        readStartedNanos = NONE;
    }

    /** The connection thread is about to block reading body bytes. */
    public void bodyReadStarted(long nowNanos) {
        if (rateTiming) {
            readStartedNanos = nowNanos;
        }
    }

    /** The blocking read returned {@code n} bytes. */
    public void bodyReadEnded(long nowNanos, int n) {
        long started = readStartedNanos;
        if (started != NONE) {
            readTimeNanos += nowNanos - started;
            readStartedNanos = NONE;
        }
        if (n > 0) {
            bytesRead += n;
        }
    }

    /** Counts body bytes that arrived without blocking (already in the read buffer). */
    public void bodyBytesBuffered(int n) {
        bytesRead += n;
    }

    /** Asked by the heartbeat: the reason of a missed deadline, or {@code null}. */
    public Reason check(long nowNanos) {
        if (nowNanos - deadlineNanos >= 0 && deadlineNanos != NONE) {
            return reason;
        }
        if (rateTiming) {
            long started = readStartedNanos;
            long time = readTimeNanos + (started == NONE ? 0 : nowNanos - started);
            if (time > graceNanos && bytesRead * 1e9 / time < minBytesPerSecond) {
                return Reason.READ_DATA_RATE;
            }
        }
        return null;
    }
}
