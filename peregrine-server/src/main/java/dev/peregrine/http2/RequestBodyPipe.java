package dev.peregrine.http2;

import dev.peregrine.api.BadRequestException;
import dev.peregrine.api.Headers;
import dev.peregrine.exchange.StreamBody;
import java.io.IOException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A request body as its handler reads it: the connection's reader thread appends DATA payloads,
 * the handler's thread takes them. Nothing bounds it but flow control: the client may send only
 * what our stream window allows, and the window reopens as the handler consumes (RFC 9113
 * §6.9), so an unread body holds at most one window of memory and a slow handler slows its
 * client, not the server.
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

    /**
     * @param capacity the stream's receive window: more unread bytes than this is the client's
     *     flow-control error
     * @param declared the request's content-length, or -1
     */
    RequestBodyPipe(Consumer consumer, int capacity, long maxBytes, long declared) {
        this.consumer = consumer;
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
                failure = e;
            }
            readable.signalAll();
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
                readable.awaitUninterruptibly();
            }
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
