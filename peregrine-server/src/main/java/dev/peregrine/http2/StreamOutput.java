package dev.peregrine.http2;

import dev.peregrine.api.Headers;
import dev.peregrine.exchange.WriteBuffer;
import java.io.IOException;
import java.nio.channels.FileChannel;

/**
 * What one stream has queued for the {@link Http2Writer}: a head, body bytes, the end with its
 * trailers, a reset. Guarded by the writer's lock; the handler's thread fills it through
 * {@link Http2Output}, the writer's thread empties it within the flow-control windows.
 *
 * <p>The body buffer is bounded ({@code Http2Options.streamOutputBufferBytes}): a handler that
 * writes faster than the client reads blocks in {@link Http2Output#writeBody} — the
 * backpressure that Kestrel's Http2OutputProducer gets from its Pipe.
 */
final class StreamOutput {

    final int streamId;
    final int capacity;

    /** The response head waiting to be encoded (status 0: none). */
    int headStatus;
    Headers headFields;
    long headLength = -1;
    boolean headSent;
    /** A 100 Continue is to go out before the head. */
    boolean continuePending;

    final WriteBuffer data = new WriteBuffer(0);
    int dataRead;

    /**
     * A file region the writer frames after {@link #data} ({@link Http2Output#writeFile}): it
     * reads the bytes straight from the file as each DATA frame goes out, so a file body is never
     * copied through this buffer. {@code null} when none.
     */
    FileChannel file;
    long filePosition;
    long fileRemaining;
    /** Why reading the file failed (it shrank, or an I/O error): the handler's sendFile throws it. */
    IOException fileError;

    /** The handler finished the body; END_STREAM (or trailers) follows the last byte. */
    boolean endQueued;
    Headers trailers;
    boolean endSent;

    /** A reset to send (error code), or -1. */
    int resetCode = -1;
    boolean resetSent;
    /** The stream can no longer send: reset either way, or the connection closed. Read unlocked by its handler. */
    volatile boolean dead;
    /**
     * The writer may look at this stream. Until then its handler's thread owns the head and the
     * body buffer and fills them without the lock, so a small response costs one lock
     * acquisition (to publish it) instead of one per call; the writer only ever sees published
     * streams, and a reset meanwhile just marks it dead.
     */
    boolean published;

    /** Send window for this stream (RFC 9113 §6.9); may go negative after a SETTINGS change. */
    long window;
    /** In the writer's ready queue. */
    boolean queued;

    /** Minimum response data rate: when the current measuring period began and its bytes. */
    long rateStartNanos;
    long rateBytes;

    StreamOutput(int streamId, int capacity, long window) {
        this.streamId = streamId;
        this.capacity = capacity;
        this.window = window;
    }

    int buffered() {
        return data.size() - dataRead;
    }

    /** Body bytes still to frame: the buffer's, then the file region's. */
    long pendingBody() {
        return buffered() + fileRemaining;
    }

    int space() {
        return capacity - buffered();
    }

    void append(byte[] b, int off, int len) {
        if (dataRead > 0 && data.size() + len > data.capacity()) {
            int live = buffered();
            System.arraycopy(data.array(), dataRead, data.array(), 0, live);
            data.truncate(live);
            dataRead = 0;
        }
        data.put(b, off, len);
    }

    void consumed(int n) {
        dataRead += n;
        if (dataRead == data.size()) {
            data.clear();
            dataRead = 0;
        }
    }

    /** Drops queued body bytes and gives the buffer's memory back (reset, or done). */
    void discard() {
        data.clear();
        data.shrinkTo(0);
        dataRead = 0;
        file = null;
        fileRemaining = 0;
    }

    /** Whether the writer has something it may send now, windows allowing for data. */
    boolean hasWork(long connectionWindow) {
        if (dead) {
            return resetCode >= 0 && !resetSent;
        }
        if (continuePending || headStatus != 0) {
            return true;
        }
        if (pendingBody() > 0) {
            return window > 0 && connectionWindow > 0;
        }
        return endQueued && !endSent;
    }
}
