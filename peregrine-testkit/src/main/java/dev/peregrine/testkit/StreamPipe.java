package dev.peregrine.testkit;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One direction of an in-memory QUIC-like stream: a bounded byte queue ended by FIN, or aborted
 * by its writer (RESET_STREAM) or its reader (STOP_SENDING), each with an error code. The bound
 * makes a writer block while the reader lags, as stream flow control does, so tests see the
 * same backpressure a real transport gives.
 */
public final class StreamPipe {

    /** A read or write after an abort: {@code reset} tells which side aborted. */
    public static final class AbortedException extends IOException {
        private static final long serialVersionUID = 1L;
        private final long code;
        private final boolean reset;

        AbortedException(String message, long code, boolean reset) {
            super(message + " (code 0x" + Long.toHexString(code) + ")");
            this.code = code;
            this.reset = reset;
        }

        public long code() {
            return code;
        }

        /** True for a reset by the writer, false for a stop-sending by the reader. */
        public boolean isReset() {
            return reset;
        }
    }

    private static final long WAIT_LIMIT_SECONDS = 30;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final byte[] ring;
    private int head;
    private int size;
    private boolean fin;
    private long resetCode = -1;
    private long stopCode = -1;
    private IOException closed;

    public StreamPipe(int capacity) {
        this.ring = new byte[capacity];
    }

    /** Writes every byte, blocking while the pipe is full, then FIN if asked. */
    public void write(byte[] b, int off, int len, boolean end) throws IOException {
        lock.lock();
        try {
            while (len > 0 || end) {
                failIfAbortedForWriter();
                if (fin) {
                    throw new IOException("write after FIN");
                }
                int room = ring.length - size;
                if (len > 0 && room == 0) {
                    await();
                    continue;
                }
                int n = Math.min(len, room);
                for (int i = 0; i < n; i++) {
                    ring[(head + size + i) % ring.length] = b[off + i];
                }
                size += n;
                off += n;
                len -= n;
                if (len == 0 && end) {
                    fin = true;
                    end = false;
                }
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Reads at least one byte, or -1 after FIN; fails after a reset or stop-sending. */
    public int read(byte[] b, int off, int len) throws IOException {
        lock.lock();
        try {
            while (true) {
                if (closed != null) {
                    throw closed;
                }
                if (resetCode >= 0) {
                    throw new AbortedException("stream reset by its writer", resetCode, true);
                }
                if (stopCode >= 0) {
                    throw new AbortedException("reading stopped", stopCode, false);
                }
                if (size > 0) {
                    int n = Math.min(len, size);
                    for (int i = 0; i < n; i++) {
                        b[off + i] = ring[(head + i) % ring.length];
                    }
                    head = (head + n) % ring.length;
                    size -= n;
                    changed.signalAll();
                    return n;
                }
                if (fin) {
                    return -1;
                }
                await();
            }
        } finally {
            lock.unlock();
        }
    }

    private void failIfAbortedForWriter() throws IOException {
        if (closed != null) {
            throw closed;
        }
        if (resetCode >= 0) {
            throw new AbortedException("stream was reset", resetCode, true);
        }
        if (stopCode >= 0) {
            throw new AbortedException("peer asked to stop sending", stopCode, false);
        }
    }

    private void await() throws IOException {
        try {
            if (!changed.await(WAIT_LIMIT_SECONDS, TimeUnit.SECONDS)) {
                throw new IOException("stream pipe waited " + WAIT_LIMIT_SECONDS + " s: test deadlock?");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException();
        }
    }

    /** The writer abandons the stream (RESET_STREAM): buffered bytes are dropped. */
    public void reset(long code) {
        lock.lock();
        try {
            if (resetCode < 0 && !(fin && size == 0)) {
                resetCode = code;
                size = 0;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The reader abandons the stream (STOP_SENDING): the writer's next write fails. */
    public void stopSending(long code) {
        lock.lock();
        try {
            if (stopCode < 0) {
                stopCode = code;
                size = 0;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The whole connection went away: every blocked call fails with this. */
    public void close(IOException cause) {
        lock.lock();
        try {
            if (closed == null) {
                closed = cause;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The writer's reset code, or -1. */
    public long resetCode() {
        lock.lock();
        try {
            return resetCode;
        } finally {
            lock.unlock();
        }
    }

    /** The reader's stop-sending code, or -1. */
    public long stopSendingCode() {
        lock.lock();
        try {
            return stopCode;
        } finally {
            lock.unlock();
        }
    }

    /** Bytes written and not read yet. */
    public int buffered() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    /** Whether FIN was written. */
    public boolean isFinished() {
        lock.lock();
        try {
            return fin;
        } finally {
            lock.unlock();
        }
    }
}
