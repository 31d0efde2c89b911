package dev.peregrine.exchange;

import dev.peregrine.api.Headers;
import dev.peregrine.api.Response;
import dev.peregrine.api.Upgraded;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The {@link Response} of one exchange, whatever the protocol: the rules of RFC 9110 that do not
 * depend on the wire live here once, above a {@link ResponseOutput} per protocol.
 *
 * <ul>
 *   <li>Status and header changes are refused once the head is committed.
 *   <li>Body bytes written before the head wait in a pending buffer; a handler that returns
 *       before it fills gets a computed {@code content-length} instead of a streamed body.
 *   <li>The head is committed all or nothing: a field the protocol refuses leaves nothing
 *       written, so the failure can still become a 500.
 *   <li>HEAD, 204, 304 and a 2xx to CONNECT send no body ({@link FramingRules}); bytes a handler
 *       writes anyway are counted and dropped.
 *   <li>A declared length is enforced: more bytes fail the write, fewer make {@link #finish}
 *       report a broken response, which the protocol must abort.
 * </ul>
 *
 * <p>One instance per connection (HTTP/1.1) or per stream (HTTP/2, HTTP/3), reset per request.
 */
public final class ExchangeResponse implements Response {

    private static final int PENDING_INITIAL_BYTES = 256;

    private final ResponseOutput output;
    private final Headers headers = new Headers();
    private final WriteBuffer pending = new WriteBuffer(PENDING_INITIAL_BYTES);
    private final Body body = new Body();
    private Headers trailers;
    private int status;
    private long contentLength;
    private boolean committed;
    private boolean finished;
    private BodyMode mode;
    /** The head went out but no body may follow (HEAD, 204, 304, CONNECT 2xx). */
    private boolean bodySuppressed;
    private long written;
    private boolean headRequest;
    private boolean connectRequest;
    private Upgraded upgraded;
    private String altSvc;

    public ExchangeResponse(ResponseOutput output) {
        this.output = output;
    }

    /**
     * Advertises an alternative service (RFC 7838 §3: {@code h3=":443"; ma=86400}) on every
     * response of this output's connection that does not set its own; null for none.
     */
    public void advertiseAltSvc(String value) {
        this.altSvc = value;
    }

    /** Starts a new exchange for a request with this method. */
    public void reset(boolean headRequest, boolean connectRequest) {
        headers.clear();
        pending.clear();
        trailers = null;
        status = 200;
        contentLength = -1;
        committed = false;
        finished = false;
        mode = null;
        bodySuppressed = false;
        written = 0;
        upgraded = null;
        body.closed = false;
        this.headRequest = headRequest;
        this.connectRequest = connectRequest;
    }

    /** Gives back the pending buffer's memory when the connection goes idle. */
    public void shrink() {
        pending.shrinkTo(PENDING_INITIAL_BYTES);
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

    public boolean isFinished() {
        return finished;
    }

    /** The upgrade the handler asked for, or {@code null}. */
    public Upgraded upgraded() {
        return upgraded;
    }

    /** Body bytes that went (or are queued) to the wire: none before the head, none for HEAD, 204, 304. */
    public long bodyBytesSent() {
        return committed && !bodySuppressed ? written : 0;
    }

    /** Bytes of body the handler has written so far. */
    public long bodyBytesWritten() {
        return written;
    }

    @Override
    public void upgrade(Upgraded upgraded) {
        if (!output.supportsUpgrade()) {
            throw new UnsupportedOperationException("this protocol has no upgrade (HTTP/1.1 only)");
        }
        checkNotCommitted();
        this.upgraded = Objects.requireNonNull(upgraded);
        this.status = 101;
    }

    private void checkNotCommitted() {
        if (committed) {
            throw new IllegalStateException("response already committed");
        }
    }

    private boolean statusAllowsContent() {
        return FramingRules.statusAllowsContent(connectRequest, status);
    }

    /** Commits the head; {@code complete}: the handler is done, so the pending bytes are the whole body. */
    private void commit(boolean complete) throws IOException {
        if (status == 101) {
            output.writeUpgradeHead(headers);
            committed = true;
            mode = BodyMode.NONE;
            bodySuppressed = true;
            return;
        }
        long length = contentLength;
        String userLength = headers.get("content-length");
        if (userLength != null && length < 0) {
            length = parseLength(userLength);
        }
        boolean hasTrailers = trailers != null && !trailers.isEmpty();
        BodyMode m = FramingRules.bodyMode(connectRequest, status, length, hasTrailers, complete ? pending.size() : -1);
        long headLength = switch (m) {
            case LENGTH -> length >= 0 ? length : pending.size();
            case STREAMED -> -1;
            case NONE -> status == 304 && FramingRules.mayDeclareLength(connectRequest, status) ? length : -1;
        };
        if (altSvc != null && !headers.contains("alt-svc")) {
            headers.add("alt-svc", altSvc);
        }
        // All or nothing: the output leaves nothing behind if it refuses a field, and nothing here changes.
        output.writeHead(status, headers, m, headLength, headRequest);
        committed = true;
        mode = m;
        if (m == BodyMode.LENGTH) {
            contentLength = headLength;
        } else if (length >= 0) {
            contentLength = length;
        }
        bodySuppressed = m == BodyMode.NONE || headRequest;
        if (pending.size() > 0) {
            int n = pending.size();
            pending.clear();
            emit(pending.array(), 0, n);
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

    private void emit(byte[] b, int off, int len) throws IOException {
        if (len > 0 && !bodySuppressed) {
            output.writeBody(b, off, len);
        }
    }

    private void write(byte[] b, int off, int len) throws IOException {
        if (finished || body.closed) {
            throw new IOException("response body already closed");
        }
        if (status == 101) {
            throw new IOException("write to the upgraded streams, not the 101 response");
        }
        if (contentLength >= 0 && written + len > contentLength && statusAllowsContent()) {
            throw new IOException("response body exceeds Content-Length " + contentLength);
        }
        written += len;
        if (committed) {
            emit(b, off, len);
        } else if (contentLength >= 0 || pending.size() + len > output.maxPendingBytes()) {
            commit(false);
            emit(b, off, len);
        } else {
            pending.put(b, off, len);
        }
    }

    @Override
    public void send(java.nio.ByteBuffer body) throws IOException {
        if (written > 0 || committed || finished || this.body.closed) {
            throw new IllegalStateException("send(ByteBuffer) needs a response with nothing written yet");
        }
        java.nio.ByteBuffer b = body.duplicate();
        int count = b.remaining();
        contentLength = count;
        commit(false);
        written = count;
        if (!bodySuppressed && count > 0) {
            output.writeBuffer(b);
        }
        if (!finish()) {
            throw new IOException("buffer response ended short of its length"); // unreachable: written == count
        }
    }

    @Override
    public void sendFile(FileChannel file, long position, long count) throws IOException {
        if (position < 0 || count < 0) {
            throw new IllegalArgumentException("negative position or count");
        }
        if (written > 0 || committed || finished || body.closed) {
            throw new IllegalStateException("sendFile needs a response with nothing written yet");
        }
        contentLength = count;
        commit(false);
        written = count;
        if (!bodySuppressed && count > 0) {
            output.writeFile(file, position, count);
        }
        if (!finish()) {
            throw new IOException("file response ended short of its length"); // unreachable: written == count
        }
    }

    /** Sends what is buffered: commits the head if the handler has not. */
    private void flush() throws IOException {
        if (!committed) {
            commit(false);
        }
        output.flush();
    }

    /**
     * Ends the response when the handler returns or closes the body. Returns false when the
     * response is broken (fewer bytes than its Content-Length): the protocol must then abort the
     * connection or stream, since the client cannot otherwise tell the body is short.
     */
    public boolean finish() throws IOException {
        if (finished) {
            return true;
        }
        if (!committed) {
            commit(true);
        }
        finished = true;
        body.closed = true;
        if (status == 101) {
            return true;
        }
        if (mode == BodyMode.LENGTH && !bodySuppressed && written < contentLength) {
            return false;
        }
        output.finish(mode == BodyMode.STREAMED && !bodySuppressed ? trailers : null);
        return true;
    }

    /** Replaces whatever the handler had set with a short text response (it was not committed). */
    public void sendError(int status, String message) throws IOException {
        reset(headRequest, connectRequest);
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
            ExchangeResponse.this.write(one, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            ExchangeResponse.this.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            if (!closed) {
                ExchangeResponse.this.flush();
            }
        }

        @Override
        public void close() throws IOException {
            if (!closed && !finish()) {
                throw new IOException("response closed after " + written + " of " + contentLength + " bytes");
            }
        }
    }
}
