package dev.peregrine.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** One direction of an in-memory connection: an unbounded byte queue with EOF and abort. */
public final class BytePipe {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Condition readerWaits = lock.newCondition();
    /** Readers blocked on an empty pipe right now. */
    private int waitingReaders;
    private byte[] data = new byte[1024];
    private int head;
    private int tail;
    private boolean eof;
    private boolean aborted;

    public void write(byte[] b, int off, int len) throws IOException {
        lock.lock();
        try {
            if (eof || aborted) {
                throw new IOException("pipe closed");
            }
            if (tail + len > data.length) {
                byte[] grown = new byte[Math.max(data.length * 2, tail - head + len)];
                System.arraycopy(data, head, grown, 0, tail - head);
                tail -= head;
                head = 0;
                data = grown;
            }
            System.arraycopy(b, off, data, tail, len);
            tail += len;
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Blocks until bytes, EOF (-1) or abort; bounded by {@code timeoutMillis} (0 = forever). */
    public int read(ByteBuffer dst, long timeoutMillis) throws IOException {
        lock.lock();
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (head == tail && !eof && !aborted) {
                waitingReaders++;
                readerWaits.signalAll();
                try {
                    if (timeoutMillis == 0) {
                        readable.await();
                    } else {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            throw new java.net.SocketTimeoutException("no bytes within " + timeoutMillis + " ms");
                        }
                        readable.awaitNanos(left);
                    }
                } finally {
                    waitingReaders--;
                }
            }
            if (aborted) {
                throw new AsynchronousCloseException();
            }
            if (head == tail) {
                return -1;
            }
            int n = Math.min(dst.remaining(), tail - head);
            dst.put(data, head, n);
            head += n;
            return n;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until a reader is blocked on this pipe with nothing to read (e.g. a server connection
     * waiting for its next request); false when none did within {@code timeoutMillis}.
     */
    public boolean awaitReaderWaiting(long timeoutMillis) throws InterruptedException {
        lock.lock();
        try {
            long left = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            // Bytes pending mean a counted reader was signalled but has not taken them yet: not waiting.
            while (waitingReaders == 0 || head != tail) {
                if (left <= 0) {
                    return false;
                }
                left = readerWaits.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    public void closeWrite() {
        lock.lock();
        try {
            eof = true;
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public void abort() {
        lock.lock();
        try {
            aborted = true;
            readable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public boolean isEof() {
        lock.lock();
        try {
            return eof || aborted;
        } finally {
            lock.unlock();
        }
    }
}
