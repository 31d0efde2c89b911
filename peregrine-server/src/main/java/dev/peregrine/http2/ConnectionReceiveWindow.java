package dev.peregrine.http2;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Our receive window for the whole connection (RFC 9113 §6.9.1): DATA spends it on the reader
 * thread; bytes the handlers consume, or that are discarded, give it back from any thread, and a
 * WINDOW_UPDATE goes out once a quarter of the window is due, so a body costs a few frames, not
 * one per read.
 */
final class ConnectionReceiveWindow {

    private final AtomicLong window;
    private final AtomicLong due = new AtomicLong();
    private final int threshold;
    private final Http2Writer writer;

    ConnectionReceiveWindow(int initial, Http2Writer writer) {
        this.window = new AtomicLong(initial);
        this.threshold = initial / 4;
        this.writer = writer;
    }

    /** DATA arrived; false when it went past the window (FLOW_CONTROL_ERROR). */
    boolean spend(int n) {
        return window.addAndGet(-n) >= 0;
    }

    /** Whether the client may send DATA at all (else a slow request body is not its fault). */
    boolean isOpen() {
        return window.get() > 0;
    }

    /** Gives {@code n} bytes back. */
    void credit(int n) {
        long now = due.addAndGet(n);
        if (now >= threshold && due.compareAndSet(now, 0)) {
            window.addAndGet(now);
            writer.queueControl(13, w -> w.windowUpdate(0, (int) now));
        }
    }
}
