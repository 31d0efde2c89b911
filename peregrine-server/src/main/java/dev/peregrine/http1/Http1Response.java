package dev.peregrine.http1;

import dev.peregrine.api.Headers;
import dev.peregrine.api.Response;
import dev.peregrine.api.Upgraded;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The {@link Response} of the current HTTP/1.x exchange, and the encoder of its head and body
 * framing. One per connection, reset per request.
 *
 * <p>Body bytes written before the head is committed wait in a pending buffer; if the handler
 * returns before it fills, the length is known and the response gets a Content-Length instead of
 * chunked encoding. Committed bytes go to the connection's output buffer, which is flushed when
 * full or when the connection is about to wait for input, so pipelined responses leave together.
 */
final class Http1Response implements Response {

    private static final byte[] CONTENT_LENGTH = "content-length: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHUNKED = "transfer-encoding: chunked\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "connection: close\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE = "connection: keep-alive\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Writes at least this large skip the output buffer and go out in one gathering write. */
    private static final int DIRECT_WRITE_THRESHOLD = 8192;

    private enum Framing { LENGTH, CHUNKED, CLOSE_DELIMITED, NONE }

    private final Http1Connection connection;
    private final Headers headers = new Headers();
    private final WriteBuffer pending = new WriteBuffer(256);
    private final Body body = new Body();
    private final HeaderLineCache lineCache = new HeaderLineCache();
    private Headers trailers;
    private int status;
    private long contentLength;
    private boolean committed;
    private boolean finished;
    private Framing framing;
    private long written;
    private boolean headRequest;
    private boolean http10;
    private Upgraded upgraded;

    Http1Response(Http1Connection connection) {
        this.connection = connection;
    }

    void reset(boolean headRequest, boolean http10) {
        headers.clear();
        pending.clear();
        trailers = null;
        status = 200;
        contentLength = -1;
        committed = false;
        finished = false;
        framing = null;
        written = 0;
        upgraded = null;
        body.closed = false;
        this.headRequest = headRequest;
        this.http10 = http10;
    }

    /** Gives back the pending buffer's memory when the connection goes idle. */
    void shrink() {
        pending.shrinkTo(256);
    }

    @Override
    public int status() {
        return status;
    }

    @Override
    public Response status(int status) {
        if (status < 200 || status > 599) {
            // 1xx are interim answers, not a response a handler can end with; 101 goes through upgrade().
            throw new IllegalArgumentException("status must be 200-599 (use upgrade() for 101): " + status);
        }
        checkNotCommitted();
        this.status = status;
        return this;
    }

    @Override
    public Headers headers() {
        return headers;
    }

    @Override
    public Response contentLength(long length) {
        if (length < -1) {
            throw new IllegalArgumentException("content length must be >= 0 (or -1 for unknown)");
        }
        checkNotCommitted();
        contentLength = length;
        return this;
    }

    @Override
    public OutputStream body() {
        return body;
    }

    @Override
    public Headers trailers() {
        if (trailers == null) {
            trailers = new Headers(4);
        }
        return trailers;
    }

    @Override
    public boolean isCommitted() {
        return committed;
    }

    boolean isFinished() {
        return finished;
    }

    Upgraded upgraded() {
        return upgraded;
    }

    @Override
    public void upgrade(Upgraded upgraded) {
        checkNotCommitted();
        this.upgraded = java.util.Objects.requireNonNull(upgraded);
        this.status = 101;
    }

    private void checkNotCommitted() {
        if (committed) {
            throw new IllegalStateException("response already committed");
        }
    }

    /** Whether this status may carry content at all (RFC 9110 §6.4.1). */
    private boolean statusAllowsBody() {
        return status >= 200 && status != 204 && status != 304;
    }

    /**
     * Writes the head into the connection's output: status line, fields, Date, framing. All or
     * nothing: a field the writer refuses (CR/LF injection, a bad name, a bad Content-Length)
     * leaves the response uncommitted and the output as it was, so the handler's failure can
     * still become a clean 500 and earlier pipelined responses are not disturbed.
     */
    private void commit(boolean complete) throws IOException {
        WriteBuffer out = connection.out();
        int mark = out.size();
        long declared = contentLength;
        try {
            writeHead(out, complete);
        } catch (RuntimeException e) {
            out.truncate(mark);
            contentLength = declared;
            framing = null;
            throw e;
        }
        committed = true;
        if (status != 101) {
            connection.responseHeadWritten(framing != Framing.NONE);
        }
        if (pending.size() > 0) {
            byte[] p = pending.array();
            int n = pending.size();
            pending.clear();
            emit(p, 0, n);
        }
    }

    private void writeHead(WriteBuffer out, boolean complete) {
        if (status == 101) {
            framing = Framing.NONE;
            ResponseHeadWriter.statusLine(out, 101, null);
            writeUserHeaders(out, true);
            ResponseHeadWriter.end(out);
            return;
        }
        String userLength = headers.get("content-length");
        if (userLength != null && contentLength < 0) {
            contentLength = parseLength(userLength);
        }
        if (headers.containsToken("connection", "close")) {
            connection.disableKeepAlive();
        }
        boolean hasTrailers = trailers != null && !trailers.isEmpty();
        if (!statusAllowsBody()) {
            framing = Framing.NONE;
        } else if (contentLength >= 0 && !hasTrailers) {
            framing = Framing.LENGTH;
        } else if (complete && !hasTrailers) {
            framing = Framing.LENGTH;
            contentLength = pending.size();
        } else if (http10) {
            framing = Framing.CLOSE_DELIMITED; // HTTP/1.0 knows no chunked: the close ends the body
            connection.disableKeepAlive();
        } else {
            framing = Framing.CHUNKED;
        }
        connection.beforeCommit();
        ResponseHeadWriter.statusLine(out, status, null);
        writeUserHeaders(out, false);
        if (!headers.contains("date")) {
            ResponseHeadWriter.rawLine(out, connection.dateLine());
        }
        switch (framing) {
            case LENGTH -> ResponseHeadWriter.header(out, CONTENT_LENGTH, contentLength);
            case CHUNKED -> ResponseHeadWriter.rawLine(out, CHUNKED);
            case NONE -> {
                if (status == 304 && contentLength >= 0) {
                    ResponseHeadWriter.header(out, CONTENT_LENGTH, contentLength);
                }
            }
            case CLOSE_DELIMITED -> { }
        }
        if (!connection.keepAliveAfterResponse()) {
            ResponseHeadWriter.rawLine(out, CLOSE);
        } else if (http10) {
            ResponseHeadWriter.rawLine(out, KEEP_ALIVE);
        }
        ResponseHeadWriter.end(out);
        if (headRequest) {
            framing = Framing.NONE;
        }
    }

    private static long parseLength(String v) {
        try {
            long n = Long.parseLong(v.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // fall through
        }
        throw new IllegalArgumentException("bad content-length header: " + v);
    }

    /** User fields, minus the framing fields the server writes itself (101 keeps Connection/Upgrade). */
    private void writeUserHeaders(WriteBuffer out, boolean upgrade) {
        for (int i = 0, n = headers.size(); i < n; i++) {
            String name = headers.name(i);
            if (name.equalsIgnoreCase("content-length") || name.equalsIgnoreCase("transfer-encoding")
                    || (!upgrade && name.equalsIgnoreCase("connection"))) {
                continue;
            }
            lineCache.write(out, name, headers.value(i));
        }
    }

    /** Body bytes after the head: framed and appended to the output, flushed when it fills. */
    private void emit(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        switch (framing) {
            case NONE -> { } // HEAD, 204, 304: the bytes are counted and dropped
            case LENGTH, CLOSE_DELIMITED -> connection.writeBody(b, off, len, len >= DIRECT_WRITE_THRESHOLD);
            case CHUNKED -> {
                WriteBuffer out = connection.out();
                ResponseHeadWriter.chunkHeader(out, len);
                if (len >= DIRECT_WRITE_THRESHOLD) {
                    connection.writeBody(b, off, len, true);
                } else {
                    out.put(b, off, len);
                }
                ResponseHeadWriter.chunkEnd(out);
                connection.flushIfFull();
            }
        }
    }

    private void write(byte[] b, int off, int len) throws IOException {
        if (finished || body.closed) {
            throw new IOException("response body already closed");
        }
        if (status == 101) {
            throw new IOException("write to the upgraded streams, not the 101 response");
        }
        if (contentLength >= 0 && written + len > contentLength && statusAllowsBody()) {
            throw new IOException("response body exceeds Content-Length " + contentLength);
        }
        written += len;
        if (committed) {
            emit(b, off, len);
        } else if (contentLength >= 0) {
            commit(false);
            emit(b, off, len);
        } else if (pending.size() + len <= connection.maxResponseBuffer()) {
            pending.put(b, off, len);
        } else {
            commit(false);
            emit(b, off, len);
        }
    }

    /** Sends what is buffered: commits the head if the handler has not. */
    private void flush() throws IOException {
        if (!committed) {
            commit(false);
        }
        connection.flush();
    }

    /**
     * Ends the response when the handler returns or closes the body. Returns false when the
     * response is broken (fewer bytes than its Content-Length): the connection must then abort,
     * since the client cannot otherwise tell the body is short.
     */
    boolean finish() throws IOException {
        if (finished) {
            return true;
        }
        if (!committed) {
            commit(true);
        }
        finished = true;
        body.closed = true;
        switch (framing) {
            case CHUNKED -> ResponseHeadWriter.lastChunk(connection.out(), trailers);
            case LENGTH -> {
                if (written < contentLength) {
                    return false;
                }
            }
            case CLOSE_DELIMITED, NONE -> { }
        }
        connection.responseDone();
        return true;
    }

    /** Replaces whatever the handler had set with a short error response (it was not committed). */
    void sendError(int status, String message) throws IOException {
        reset(headRequest, http10);
        this.status = status;
        byte[] text = (message + "\n").getBytes(StandardCharsets.UTF_8);
        headers.set("content-type", "text/plain; charset=utf-8");
        contentLength = text.length;
        write(text, 0, text.length);
        finish();
    }

    /** The handler's view of the body. */
    private final class Body extends OutputStream {
        boolean closed;
        private final byte[] one = new byte[1];

        @Override
        public void write(int b) throws IOException {
            one[0] = (byte) b;
            Http1Response.this.write(one, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            Http1Response.this.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            if (!closed) {
                Http1Response.this.flush();
            }
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                if (!finish()) {
                    throw new IOException("response closed after " + written + " of " + contentLength + " bytes");
                }
            }
        }
    }
}
