package dev.peregrine.http2;

import dev.peregrine.api.BadRequestException;
import dev.peregrine.api.Headers;
import dev.peregrine.exchange.StreamBody;
import dev.peregrine.server.internal.CoarseClock;
import java.io.IOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A request body as its handler reads it: the connection's reader thread appends DATA payloads,
 * the handler's thread takes them. Nothing bounds it but flow control: the client may send only
 * what our stream window allows, and the window reopens as the handler consumes (RFC 9113
 * §6.9), so an unread body holds at most one window of memory and a slow handler slows its
 * client, not the server.
 *
 * <p><b>Minimum data rate</b> ({@code minRequestBodyBytesPerSecond} after
 * {@code minRequestBodyRateGracePeriod}, per stream): time counts only while the handler is
 * blocked in a read with nothing buffered, from when it starts waiting until bytes, the end or a
 * failure arrive, so a slow handler is never blamed on its client. Bytes count as they arrive,
 * read or not. The stream window cannot be what holds the client back while the handler waits:
 * the buffer is empty, so all but less than a quarter of the window was given back (see
 * {@link Http2Stream#consumed}); the connection window can be (other streams' unread bodies), so
 * the heartbeat says whether it is open and a tick with it closed does not count (to within one
 * tick, as every deadline here). The heartbeat and the handler meet under the pipe's lock, which
 * the handler takes for every read anyway; the clock is read only when a read has to wait.
 */
final class RequestBodyPipe extends StreamBody {

    /** What the pipe tells its stream. */
    interface Consumer {
        /** The first read of the body (the time for {@code 100 Continue}). */
        void bodyReadStarting() throws IOException;

        /** The handler took {@code n} bytes: their window may reopen. */
        void consumed(int n);
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Consumer consumer;
    private final int capacity;
    private byte[] ring = new byte[0];
    private int head;
    private int size;
    private boolean ended;
    private Headers trailers;
    private IOException failure;
    private boolean started;
    private long total;
    private long maxBytes;
    private final long declared;
    private final byte[] one = new byte[1];
    private final CoarseClock clock;
    private final long minBytesPerSecond;
    private final long graceNanos;
    /** Body bytes received so far (the rate's numerator). */
    private long arrived;
    /** Time the handler spent waiting for bytes, waits that ended. */
    private long waitedNanos;
    /** When the handler's current wait began (the coarse clock, odd); 0: it is not waiting. */
    private long waitingSince;
    /** The rate was missed: the stream is being reset, the handler's read fails saying why. */
    private boolean rateMissed;

    /**
     * @param capacity the stream's receive window: more unread bytes than this is the client's
     *     flow-control error
     * @param declared the request's content-length, or -1
     * @param minBytesPerSecond the minimum data rate, 0: none
     */
    RequestBodyPipe(Consumer consumer, int capacity, long maxBytes, long declared, CoarseClock clock,
            long minBytesPerSecond, long graceNanos) {
        this.consumer = consumer;
        this.clock = clock;
        this.minBytesPerSecond = minBytesPerSecond;
        this.graceNanos = graceNanos;
        this.capacity = capacity;
        this.maxBytes = maxBytes;
        this.declared = declared;
    }

    @Override
    public long bytesRead() {
        lock.lock();
        try {
            return total;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void maxBodySize(long bytes) {
        lock.lock();
        try {
            if (started) {
                throw new IllegalStateException("the body is already being read");
            }
            maxBytes = bytes;
        } finally {
            lock.unlock();
        }
    }

    boolean isStarted() {
        lock.lock();
        try {
            return started;
        } finally {
            lock.unlock();
        }
    }

    /** Reader thread: appends a DATA payload. False if it overflows the window (§6.9.1). */
    boolean offer(byte[] b, int off, int len) {
        lock.lock();
        try {
            if (ended || failure != null) {
                return true; // a body nobody reads any more: the caller gives the window back
            }
            if (size + len > capacity) {
                return false;
            }
            if (len == 0) {
                return true; // an empty DATA frame; the ring may not exist yet (% 0)
            }
            if (size + len > ring.length) {
                grow(size + len);
            }
            int tail = (head + size) % ring.length;
            int first = Math.min(len, ring.length - tail);
            System.arraycopy(b, off, ring, tail, first);
            System.arraycopy(b, off + first, ring, 0, len - first);
            size += len;
            arrived += len;
            stopWaiting();
            readable.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void grow(int needed) {
        int n = Math.max(4096, ring.length);
        while (n < needed) {
            n *= 2;
        }
        n = Math.min(n, Math.max(capacity, needed));
        byte[] bigger = new byte[n];
        for (int i = 0; i < size; i++) {
            bigger[i] = ring[(head + i) % ring.length];
        }
        ring = bigger;
        head = 0;
    }

    /** Reader thread: END_STREAM, with the trailer fields if any. */
    void end(Headers trailersOrNull) {
        lock.lock();
        try {
            ended = true;
            trailers = trailersOrNull;
            stopWaiting();
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Any thread: the body cannot complete (reset, connection closed, malformed). */
    void fail(IOException e) {
        lock.lock();
        try {
            if (failure == null && !(ended && size == 0)) {
                failure = rateMissed ? new IOException("request body slower than " + minBytesPerSecond
                        + " bytes/s after the grace period: HTTP/2 stream reset (CANCEL)", e) : e;
            }
            stopWaiting();
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Lock held: the handler's wait for bytes ended (they came, or the end, or a failure). */
    private void stopWaiting() {
        long since = waitingSince;
        if (since != 0) {
            waitedNanos += Math.max(0, clock.nanoTime() - since);
            waitingSince = 0;
        }
    }

    /**
     * Heartbeat: whether the client sends this body below the minimum rate — the handler is waiting
     * for bytes now, and over all its waits, longer than the grace period, fewer bytes came than the
     * rate asks. True once; the caller resets the stream. {@code connectionWindowOpen} false: the
     * client could not send (our connection window is spent), so the wait since the last tick is
     * not counted.
     */
    boolean belowMinimumRate(long nowNanos, boolean connectionWindowOpen) {
        if (minBytesPerSecond <= 0) {
            return false; // no minimum: the heartbeat need not take every stream's lock
        }
        lock.lock();
        try {
            long since = waitingSince;
            if (since == 0 || rateMissed || ended || failure != null) {
                return false; // not waiting for the client (the handler is slow, or the body is done)
            }
            long waiting = Math.max(0, nowNanos - since);
            if (!connectionWindowOpen) {
                waitingSince = (since + waiting) | 1; // restart the wait from now
                waiting = 0;
            }
            long time = waitedNanos + waiting;
            if (time <= graceNanos || arrived * 1e9 / time >= minBytesPerSecond) {
                return false;
            }
            rateMissed = true;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Drops what is buffered; returns how many bytes that was (their window goes back to the connection). */
    int discard() {
        lock.lock();
        try {
            int n = size;
            size = 0;
            ring = new byte[0];
            head = 0;
            return n;
        } finally {
            lock.unlock();
        }
    }

    boolean isEnded() {
        lock.lock();
        try {
            return ended;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Headers trailers() {
        lock.lock();
        try {
            return trailers;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        boolean first = false;
        lock.lock();
        try {
            if (!started) {
                started = true;
                first = true;
                failure = declaredTooLarge(declared, maxBytes);
            }
        } finally {
            lock.unlock();
        }
        if (first) {
            consumer.bodyReadStarting();
        }
        if (len == 0) {
            return 0;
        }
        int n;
        lock.lock();
        try {
            while (size == 0 && !ended && failure == null) {
                if (waitingSince == 0 && minBytesPerSecond > 0) {
                    waitingSince = clock.nanoTime() | 1;
                }
                readable.awaitUninterruptibly();
            }
            stopWaiting();
            if (failure != null) {
                throw failure;
            }
            if (size == 0) {
                return -1;
            }
            n = Math.min(len, size);
            int first1 = Math.min(n, ring.length - head);
            System.arraycopy(ring, head, b, off, first1);
            System.arraycopy(ring, 0, b, off + first1, n - first1);
            head = (head + n) % ring.length;
            size -= n;
            total += n;
            BadRequestException tooLarge = readTooLarge(total, maxBytes);
            if (tooLarge != null) {
                failure = tooLarge;
                throw tooLarge;
            }
        } finally {
            lock.unlock();
        }
        consumer.consumed(n);
        return n;
    }

    @Override
    public int available() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }
}
