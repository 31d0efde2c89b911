package dev.peregrine.http1;

import dev.peregrine.exchange.WriteBuffer;
import dev.peregrine.server.internal.CoarseClock;
import dev.peregrine.server.internal.ConnectionMetrics;
import dev.peregrine.server.internal.TimeoutControl;
import dev.peregrine.transport.Connection;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The output side of one HTTP/1.1 connection: response bytes gather in one buffer and leave in
 * as few writes as possible — a pipelined batch in one, a large body beside the buffered head in
 * one gathering write, a file region by sendfile right after it. Remembers whether the transport
 * failed, so a handler's exception can be told apart from a client that went away.
 *
 * <p>Every blocking write is timed against the minimum response data rate ({@link TimeoutControl}):
 * its deadline is set from its size when it starts, so writes are split at {@value #MAX_WRITE_BYTES}
 * bytes to bound how long a client that stopped reading can hold the connection.
 */
final class ResponseWrites {

    /** What the buffer shrinks back to while the connection idles. */
    private static final int IDLE_BYTES = 1024;
    /** A buffer grown past this (a large head, a batch) is given back when idle. */
    private static final int SHRINK_ABOVE_BYTES = 16 * 1024;

    /** The largest single write or sendfile call; see the class comment. */
    static final int MAX_WRITE_BYTES = 1024 * 1024;

    private final Connection transport;
    private final TimeoutControl timeouts;
    private final CoarseClock clock;
    /** Told after each write of the buffer: the responses complete in it have been answered. */
    private final ConnectionMetrics metrics;
    private final int flushAtBytes;
    private final WriteBuffer out = new WriteBuffer(IDLE_BYTES);
    private ByteBuffer outView = ByteBuffer.wrap(out.array());
    private boolean failed;

    ResponseWrites(Connection transport, TimeoutControl timeouts, CoarseClock clock, ConnectionMetrics metrics,
            int flushAtBytes) {
        this.transport = transport;
        this.timeouts = timeouts;
        this.clock = clock;
        this.metrics = metrics;
        this.flushAtBytes = flushAtBytes;
    }

    /** Where heads and small bodies are assembled; {@link #flush()} sends it. */
    WriteBuffer buffer() {
        return out;
    }

    /** Whether a read or write on the transport failed: the peer is gone. */
    boolean transportFailed() {
        return failed;
    }

    void markFailed() {
        failed = true;
    }

    /** The buffered bytes have reached the response buffer size: send them. */
    void flushIfFull() throws IOException {
        if (out.size() >= flushAtBytes) {
            flush();
        }
    }

    /** Appends body bytes, or for large ones writes buffered output and them in one gathering write. */
    void writeBody(byte[] b, int off, int len, boolean direct) throws IOException {
        if (!direct) {
            out.put(b, off, len);
            flushIfFull();
            return;
        }
        ByteBuffer data = ByteBuffer.wrap(b, off, len);
        if (out.size() > 0 && out.size() + (long) len <= MAX_WRITE_BYTES) {
            ByteBuffer[] both = {view(), data};
            timeouts.writeStarted(clock.nanoTime(), out.size() + (long) len);
            try {
                transport.write(both);
            } catch (IOException e) {
                failed = true;
                throw e;
            } finally {
                timeouts.writeEnded();
            }
            out.clear();
            metrics.responsesWritten();
            return;
        }
        flush();
        send(data);
    }

    /** Writes every remaining byte of {@code data}, in timed writes of at most {@value #MAX_WRITE_BYTES}. */
    private void send(ByteBuffer data) throws IOException {
        int end = data.limit();
        try {
            while (data.position() < end) {
                int n = Math.min(end - data.position(), MAX_WRITE_BYTES);
                data.limit(data.position() + n);
                timeouts.writeStarted(clock.nanoTime(), n);
                try {
                    transport.write(data);
                } finally {
                    timeouts.writeEnded();
                }
            }
        } catch (IOException e) {
            failed = true;
            throw e;
        } finally {
            data.limit(end);
        }
    }

    /** Sends the buffered output, then {@code body}'s remaining bytes straight from it. */
    void writeThrough(ByteBuffer body) throws IOException {
        flush();
        send(body);
    }

    /** Sends the buffered output, then a file region by sendfile; false if the transport cannot (TLS). */
    boolean transferFile(FileChannel file, long position, long count) throws IOException {
        if (!transport.supportsFileTransfer()) {
            return false;
        }
        flush();
        try {
            for (long pos = position, end = position + count; pos < end; ) {
                long n = Math.min(end - pos, MAX_WRITE_BYTES);
                timeouts.writeStarted(clock.nanoTime(), n);
                try {
                    transport.transferFrom(file, pos, n);
                } finally {
                    timeouts.writeEnded();
                }
                pos += n;
            }
        } catch (EOFException e) {
            throw e; // the file shrank: the handler's failure, not the peer's
        } catch (IOException e) {
            failed = true;
            throw e;
        }
        return true;
    }

    void flush() throws IOException {
        if (out.size() > 0) {
            send(view());
            out.clear();
        }
        metrics.responsesWritten(); // also when a response left by direct writes alone
    }

    /** Gives memory back while the connection idles with nothing buffered. */
    void shrinkIfIdle() {
        if (out.size() == 0 && out.array().length > SHRINK_ABOVE_BYTES) {
            out.shrinkTo(IDLE_BYTES);
        }
    }

    private ByteBuffer view() {
        if (outView.array() != out.array()) {
            outView = ByteBuffer.wrap(out.array());
        }
        outView.limit(out.size()).position(0);
        return outView;
    }
}
