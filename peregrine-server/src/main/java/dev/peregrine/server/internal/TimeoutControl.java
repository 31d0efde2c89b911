package dev.peregrine.server.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One connection's deadlines, checked by the server's single heartbeat instead of a timer per
 * connection (Kestrel's TimeoutControl is the model).
 *
 * <p>The connection thread arms and disarms; the heartbeat thread reads and calls back. Fields
 * are volatile; a deadline missed by less than one tick is acceptable by design.
 *
 * <p><b>Only the deadline observed expires.</b> Every arm and disarm advances a generation
 * (odd while the connection thread is writing the deadline, even when it is stable: a seqlock
 * with one writer). The heartbeat {@link #observe observes} a missed deadline with its
 * generation and then {@link #claim claims} it: it records that generation as expired and reads
 * the generation again. If the connection armed a new deadline in between (a request began, so
 * the keep-alive deadline gave way to the request-headers one), the claim fails and the fresh
 * deadline stands. A plain "check, then disarm" would erase it and leave the connection waiting
 * with no deadline at all. Only the connection thread writes the generation, so arming needs no
 * atomic read-modify-write: ordered plain stores, which on x86 cost no fence. Arm and disarm run
 * for every request, and four locked adds there measured about 2% of pipelined hello.
 *
 * <p><b>Data rates</b> count time only while the connection thread is blocked on the socket, so
 * a client is never blamed for a slow handler. A request body is timed over all its blocking
 * reads. A response write of {@code n} bytes must finish within the grace period plus
 * {@code n} at the minimum rate (Kestrel's {@code MinResponseDataRate}): a blocking write
 * reports no progress until it returns, so the deadline is set when it starts, and callers
 * split large writes ({@code ResponseWrites} sends at most 1 MiB per call) so that a client
 * that stopped reading is cut within a bounded time.
 */
public final class TimeoutControl {

    /** Why a connection's deadline fired. */
    public enum Reason {
        /** No new request within the keep-alive timeout. */
        KEEP_ALIVE,
        /** The request head took longer than the request-headers timeout. */
        REQUEST_HEADERS,
        /** The request body arrived below the minimum data rate after the grace period. */
        READ_DATA_RATE,
        /** The client took response bytes below the minimum data rate after the grace period. */
        WRITE_DATA_RATE
    }

    private static final long NONE = Long.MAX_VALUE;
    private static final VarHandle GENERATION;
    private static final VarHandle DEADLINE;
    private static final VarHandle REASON;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            GENERATION = lookup.findVarHandle(TimeoutControl.class, "generation", long.class);
            DEADLINE = lookup.findVarHandle(TimeoutControl.class, "deadlineNanos", long.class);
            REASON = lookup.findVarHandle(TimeoutControl.class, "reason", Reason.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // The deadline: written by the connection thread inside the generation's odd phase, read by
    // the heartbeat between two reads of the generation. Opaque access: never torn, never cached.
    @SuppressWarnings("unused") // accessed through DEADLINE
    private long deadlineNanos = NONE;
    @SuppressWarnings("unused") // accessed through REASON
    private Reason reason;
    /** Advanced by every arm and disarm; odd while one is in progress. See the class comment. */
    @SuppressWarnings("unused") // accessed through GENERATION
    private long generation;
    /** The generation whose deadline the heartbeat already expired (never odd, so -1 is none). */
    private volatile long expiredGeneration = -1;

    // Response data rate: the deadline of the write in progress, if any.
    private volatile long minWriteBytesPerSecond;
    private volatile long writeGraceNanos;
    private volatile long writeDeadlineNanos = NONE;

    // Body data rate: time only counts while the handler is blocked reading the socket, so a slow
    // handler is never blamed on the client.
    private volatile long minBytesPerSecond;
    private volatile long graceNanos;
    private volatile long readStartedNanos = NONE;
    private volatile long readTimeNanos;
    private volatile long bytesRead;
    private volatile boolean rateTiming;

    /** Sets (or replaces) the one deadline. Connection thread only. */
    public void arm(Reason why, long nowNanos, long timeoutNanos) {
        write(why, nowNanos + timeoutNanos);
    }

    /** Clears the deadline. Connection thread only. */
    public void disarm() {
        write((Reason) REASON.getOpaque(this), NONE);
    }

    private void write(Reason why, long deadline) {
        long g = (long) GENERATION.getOpaque(this); // this thread is the only writer
        GENERATION.setOpaque(this, g + 1); // odd: a heartbeat that looks now skips this connection
        VarHandle.storeStoreFence(); // the odd generation is seen before the new deadline
        REASON.setOpaque(this, why);
        DEADLINE.setOpaque(this, deadline);
        GENERATION.setRelease(this, g + 2); // ... and the deadline before the even one
    }

    /**
     * Heartbeat, step one: the generation of a deadline missed at {@code nowNanos}, or -1 when
     * none is (or the connection thread is changing it right now).
     */
    public long observe(long nowNanos) {
        long g = (long) GENERATION.getAcquire(this);
        if ((g & 1) != 0 || g == expiredGeneration) {
            return -1;
        }
        long deadline = (long) DEADLINE.getOpaque(this);
        if (deadline == NONE || nowNanos - deadline < 0) {
            return -1;
        }
        VarHandle.loadLoadFence(); // the deadline was read before the generation is read again
        return (long) GENERATION.getAcquire(this) == g ? g : -1;
    }

    /**
     * Heartbeat, step two: expires the deadline observed with generation {@code g}; false when
     * the connection armed or disarmed since, and the deadline it set then stands.
     */
    public boolean claim(long g) {
        // Only the heartbeat writes this; the connection's next arm moves the generation past it.
        expiredGeneration = g;
        return (long) GENERATION.getVolatile(this) == g;
    }

    /**
     * Heartbeat: the deadline missed at {@code nowNanos}, expired now, or a data rate that fell
     * below its minimum; {@code null} for none. A deadline re-armed meanwhile is left alone.
     */
    public Reason expire(long nowNanos) {
        long g = observe(nowNanos);
        if (g >= 0) {
            Reason r = (Reason) REASON.getOpaque(this);
            if (claim(g)) {
                return r;
            }
        }
        return rateMissed(nowNanos);
    }

    /** Starts minimum-data-rate accounting for responses (0 bytes/s disables it). */
    public void startWriteRate(long bytesPerSecond, long graceNanos) {
        this.minWriteBytesPerSecond = bytesPerSecond;
        this.writeGraceNanos = graceNanos;
    }

    /** The connection thread is about to block writing {@code n} bytes to the socket. */
    public void writeStarted(long nowNanos, long n) {
        long rate = minWriteBytesPerSecond;
        if (rate > 0) {
            writeDeadlineNanos = nowNanos + writeGraceNanos + (long) (n * 1e9 / rate);
        }
    }

    /** The write returned. */
    public void writeEnded() {
        writeDeadlineNanos = NONE;
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

    /** Asked by the heartbeat: the reason of a missed deadline, or {@code null}; expires nothing. */
    public Reason check(long nowNanos) {
        long deadline = (long) DEADLINE.getOpaque(this);
        if (deadline != NONE && nowNanos - deadline >= 0) {
            return (Reason) REASON.getOpaque(this);
        }
        return rateMissed(nowNanos);
    }

    private Reason rateMissed(long nowNanos) {
        long writeDeadline = writeDeadlineNanos;
        if (writeDeadline != NONE && nowNanos - writeDeadline >= 0) {
            return Reason.WRITE_DATA_RATE;
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
