package dev.peregrine.http1;

import dev.peregrine.api.BadRequestException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The request body as the handler reads it: Content-Length or chunked framing decoded straight
 * from the connection's read buffer, reading the socket only when the handler asks (that is the
 * backpressure: unread bytes stay in the kernel's window). Large reads bypass the buffer.
 * One instance per connection, reset per request.
 */
final class RequestBodyStream extends InputStream {

    /** Reads at least this large go straight from the socket into the caller's array. */
    private static final int DIRECT_READ_THRESHOLD = 8192;

    private enum Mode { NONE, FIXED, CHUNKED }

    private final Http1Connection connection;
    private final ChunkedDecoder chunked;
    private Mode mode = Mode.NONE;
    private long remaining;
    private long total;
    private long maxBytes;
    private boolean started;
    private boolean ended;
    private IOException failure;
    private final byte[] one = new byte[1];

    RequestBodyStream(Http1Connection connection, ChunkedDecoder chunked) {
        this.connection = connection;
        this.chunked = chunked;
    }

    void reset(RequestHead head, long maxBodyBytes) {
        chunked.reset();
        total = 0;
        maxBytes = maxBodyBytes;
        started = false;
        failure = null;
        if (head.chunked()) {
            mode = Mode.CHUNKED;
            ended = false;
        } else if (head.contentLength() > 0) {
            mode = Mode.FIXED;
            remaining = head.contentLength();
            ended = false;
        } else {
            mode = Mode.NONE;
            ended = true;
        }
    }

    void maxBodySize(long bytes) {
        maxBytes = bytes;
    }

    /** Body bytes read so far (by the handler, or drained), framing excluded. */
    long bytesRead() {
        return total;
    }

    boolean hasBody() {
        return mode != Mode.NONE;
    }

    boolean isEnded() {
        return ended;
    }

    boolean isStarted() {
        return started;
    }

    /** The error that broke the body's framing, or null: the connection must then close. */
    IOException failure() {
        return failure;
    }

    /** Bytes of a Content-Length body not yet read, or -1 for chunked. */
    long remainingDeclared() {
        return mode == Mode.FIXED ? remaining : mode == Mode.NONE ? 0 : -1;
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (failure != null) {
            throw failure;
        }
        if (ended) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        try {
            if (!started) {
                start();
            }
            int n = mode == Mode.FIXED ? readFixed(b, off, len) : readChunked(b, off, len);
            if (n > 0) {
                total += n;
                if (maxBytes >= 0 && total > maxBytes) {
                    throw new BadRequestException(413, "request body larger than " + maxBytes + " bytes");
                }
            }
            return n;
        } catch (BadRequestException e) {
            throw fail(e);
        } catch (HttpParseException e) {
            throw fail(new BadRequestException(e.status(), e.getMessage()));
        }
    }

    private void start() throws IOException {
        started = true;
        if (mode == Mode.FIXED && maxBytes >= 0 && remaining > maxBytes) {
            throw new BadRequestException(413, "request body of " + remaining + " bytes is larger than " + maxBytes);
        }
        connection.bodyReadStarting();
    }

    private BadRequestException fail(BadRequestException e) {
        failure = e;
        ended = true;
        connection.bodyFailed();
        return e;
    }

    private int readFixed(byte[] b, int off, int len) throws IOException {
        int want = (int) Math.min(len, remaining);
        int n;
        if (connection.buffered() > 0) {
            n = connection.takeBuffered(b, off, want);
        } else if (want >= DIRECT_READ_THRESHOLD) {
            n = connection.readDirect(b, off, want);
        } else {
            connection.fill();
            n = connection.takeBuffered(b, off, want);
        }
        remaining -= n;
        if (remaining == 0) {
            end();
        }
        return n;
    }

    private int readChunked(byte[] b, int off, int len) throws IOException {
        while (true) {
            if (chunked.isDone()) {
                end(); // the decoder may finish in the same call that produced the last data
                return -1;
            }
            int before = connection.buffered();
            if (before > 0) {
                int produced = connection.decodeChunked(chunked, b, off, len);
                if (produced > 0) {
                    return produced;
                }
                int after = connection.buffered();
                if (chunked.isDone() || (after > 0 && after < before)) {
                    continue; // framing only was consumed; look again before reading the socket
                }
            }
            connection.fill();
        }
    }

    private void end() {
        ended = true;
        connection.bodyEnded(mode == Mode.CHUNKED ? chunked.trailers() : null);
    }

    /** Skips what is left, up to {@code limit} bytes; false if more remained (the caller closes). */
    boolean drain(long limit) throws IOException {
        if (ended) {
            return failure == null;
        }
        long saved = maxBytes;
        maxBytes = -1; // draining is bounded by the drain limit, not the body limit
        byte[] scratch = connection.scratch();
        // Bytes already in the buffer cost nothing to skip: the limit is on what must still be read.
        long budget = limit + connection.buffered();
        long drained = 0;
        try {
            while (!ended) {
                if (mode == Mode.FIXED && remaining > budget - drained) {
                    return false;
                }
                int n = read(scratch, 0, scratch.length);
                if (n < 0) {
                    break;
                }
                drained += n;
                if (drained > budget) {
                    return false;
                }
            }
            return failure == null;
        } finally {
            maxBytes = saved;
        }
    }
}
