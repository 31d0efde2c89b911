package dev.peregrine.http2;

import dev.peregrine.api.Protocol;
import dev.peregrine.exchange.ExchangeResponse;
import dev.peregrine.exchange.RequestFields;
import dev.peregrine.exchange.StreamExchange;
import dev.peregrine.exchange.StreamRequest;
import dev.peregrine.http2.frame.Http2ConnectionException;
import dev.peregrine.http2.frame.Http2ErrorCode;
import dev.peregrine.http2.frame.Http2Exception;
import dev.peregrine.http2.frame.Http2StreamException;
import dev.peregrine.http2.frame.StreamState;
import dev.peregrine.server.TimeoutKind;
import dev.peregrine.server.internal.ServerContext;
import java.io.IOException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One request stream: its §5.1 state, its request body pipe, its response and the handler that
 * runs on the stream's own virtual thread. The connection's reader thread feeds it frames; the
 * writer sends what {@link Http2Output} queued.
 */
final class Http2Stream implements Runnable, RequestBodyPipe.Consumer, java.util.function.BooleanSupplier {

    private static final System.Logger LOG = System.getLogger(Http2Stream.class.getName());

    final int id;
    /** RFC 9113 §5.1; guarded by the writer's lock (reader and writer threads both move it). */
    final StreamState state;
    final StreamOutput output;
    final RequestFields fields;
    final RequestBodyPipe body;
    private final Http2Connection connection;
    private final ServerContext context;
    private final Http2Output out;
    private final ExchangeResponse response;
    private final StreamRequest request;
    private final boolean expectContinue;
    /** Stream window credit the handler consumed that has not been given back yet. */
    private int unacknowledged;
    /** DATA octets received so far (reader thread), checked against content-length (§8.1.1). */
    long received;
    /** Guarded by the writer's lock. */
    boolean handlerDone;
    /** Non-zero: answer with this status instead of running the handler (431: fields too large). */
    private final int rejectStatus;
    /** The rule a rejected request broke, for its bad-request count; null with no rejectStatus. */
    private final String rejectReason;

    Http2Stream(int id, Http2Connection connection, ServerContext context, RequestFields fields, long sendWindow,
            boolean endStream, int rejectStatus, String rejectReason) {
        this.id = id;
        this.rejectStatus = rejectStatus;
        this.rejectReason = rejectReason;
        this.connection = connection;
        this.context = context;
        this.fields = fields;
        this.state = new StreamState(id);
        var h2 = context.options().http2();
        this.output = new StreamOutput(id, h2.streamOutputBufferBytes(), sendWindow);
        this.body = new RequestBodyPipe(this, h2.initialStreamWindow(), context.options().maxRequestBodyBytes(),
                fields.contentLength(), context.clock(), context.options().minRequestBodyBytesPerSecond(),
                context.options().minRequestBodyRateGracePeriod().toNanos());
        if (endStream) {
            body.end(null);
        }
        this.out = new Http2Output(connection.writer(), output, context.options().maxResponseBufferBytes());
        this.response = new ExchangeResponse(out);
        if (connection.transport().tls() != null) {
            response.advertiseAltSvc(context.altSvc()); // HTTP/3 on the same port (RFC 7838 §3)
        }
        String method = fields.method() == null ? "GET" : fields.method();
        response.reset(method.equals("HEAD"), method.equals("CONNECT"));
        var transport = connection.transport();
        this.request = new StreamRequest(fields, body, Protocol.HTTP_2, transport.tls(), transport.localAddress(),
                transport.remoteAddress());
        String expect = fields.headers().get("expect");
        this.expectContinue = !endStream && expect != null && expect.equalsIgnoreCase("100-continue");
    }

    /** The handler, then the end of the response whatever happened (RFC 9113 §8.1). */
    @Override
    public void run() {
        try {
            boolean complete;
            try {
                complete = StreamExchange.serve(context.handler(), context.connection(), request, response, rejectStatus,
                        rejectReason, this, this);
            } catch (VirtualMachineError fatal) {
                connection.abort();
                throw fatal;
            }
            if (!complete) {
                connection.resetStream(this, Http2ErrorCode.INTERNAL_ERROR);
            }
        } finally {
            connection.handlerDone(this);
        }
    }

    /** Whether the client reset the stream: nothing can be sent on it. */
    @Override
    public boolean getAsBoolean() {
        return output.dead;
    }

    @Override
    public void bodyReadStarting() throws IOException {
        if (expectContinue && !response.isCommitted()) {
            out.writeContinue();
        }
    }

    @Override
    public void consumed(int n) {
        int threshold = context.options().http2().initialStreamWindow() / 4;
        int credit;
        synchronized (this) {
            unacknowledged += n;
            if (unacknowledged < threshold || body.isEnded()) {
                credit = 0;
            } else {
                credit = unacknowledged;
                unacknowledged = 0;
            }
        }
        connection.bodyConsumed(this, n, credit);
    }

    /**
     * Heartbeat: a request body the client sends below {@code minRequestBodyBytesPerSecond} while
     * the handler waits for it, past the grace period ({@link RequestBodyPipe#belowMinimumRate}),
     * resets this stream with CANCEL and fails the handler's read; other streams go on.
     *
     * <p>Why the stream and not the connection (Kestrel aborts the connection, GOAWAY
     * INTERNAL_ERROR): the rate is a property of one upload, a browser multiplexes healthy requests
     * beside it, and what a stalled stream holds is bounded by its window. Why CANCEL (RFC 9113 §7:
     * the stream is no longer needed), as for a stream below the response rate: the server gives
     * up on this request. ENHANCE_YOUR_CALM says the peer generates excessive load, which a slow
     * upload does not, and clients read it as a reason to back off the whole connection;
     * INTERNAL_ERROR would blame the server. A reset for the rate does not spend the reset budget:
     * each one took a stream slot for at least the grace period, which bounds them already.
     */
    void checkBodyRate(long nowNanos, boolean connectionWindowOpen) {
        if (body.belowMinimumRate(nowNanos, connectionWindowOpen)) {
            context.connection().timedOut(TimeoutKind.REQUEST_BODY_RATE);
            LOG.log(System.Logger.Level.DEBUG, () -> "HTTP/2 stream " + id + ": request body below "
                    + context.options().minRequestBodyBytesPerSecond() + " bytes/s; reset (CANCEL)");
            connection.resetStream(this, Http2ErrorCode.CANCEL);
        }
    }

    @Override
    public String toString() {
        return "stream " + id + " " + state;
    }

    /** Frames after the client's END_STREAM closed the stream: a connection error (RFC 9113 §5.1, closed). */
    void requireNotEndedByClient(String what) throws Http2ConnectionException {
        if (state.isClosed() && !state.isReset()) {
            throw new Http2ConnectionException(Http2ErrorCode.STREAM_CLOSED,
                    what + " on stream " + id + " after its END_STREAM (RFC 9113 §5.1)");
        }
    }

    /** The DATA received so far against a declared content-length (RFC 9113 §8.1.1): a stream error when past it or, at the end, short of it. */
    void checkContentLength(boolean ended) throws Http2StreamException {
        long declared = fields.contentLength();
        if (declared >= 0 && (received > declared || ended && received != declared)) {
            throw malformed(context, id, 400,
                    "DATA (" + received + " bytes) does not match content-length " + declared + " (RFC 9113 §8.1.1)");
        }
    }

    /** DATA that flow control let through (reader thread): checked against content-length, then to the handler. */
    void receiveData(byte[] data, int off, int len, boolean endStream) throws Http2StreamException {
        received += len;
        checkContentLength(endStream);
        if (!body.offer(data, off, len)) {
            throw new Http2StreamException(id, Http2ErrorCode.FLOW_CONTROL_ERROR,
                    "DATA beyond the stream window (RFC 9113 §6.9.1)");
        }
        if (endStream) {
            body.end(null);
        }
    }

    /**
     * The trailers, a second field block, decoded into {@code fields} ({@code complete}: within
     * the header list limit). They must end the stream (RFC 9113 §8.1) and hold no pseudo-header;
     * a violation makes the request malformed (§8.1.1), counted once as a bad request.
     */
    void receiveTrailers(RequestFields trailers, boolean complete, boolean endStream, ReentrantLock lock)
            throws Http2Exception {
        lock.lock();
        try {
            requireNotEndedByClient("HEADERS");
            if (!state.recvHeaders(endStream)) {
                return; // we reset the stream: ignored (§5.1)
            }
        } catch (Http2StreamException e) {
            if (e.error() == Http2ErrorCode.PROTOCOL_ERROR) { // the one §8.1 rule the state machine enforces here
                context.connection().badRequest(Protocol.HTTP_2, 400, "trailers without END_STREAM (RFC 9113 §8.1)");
            }
            throw e;
        } finally {
            lock.unlock();
        }
        if (!complete) {
            throw malformed(context, id, 431, "trailers larger than SETTINGS_MAX_HEADER_LIST_SIZE (RFC 9113 §10.5.1)");
        }
        String rule = trailers.finish();
        if (rule != null) {
            throw malformed(context, id, 400, "trailers: " + rule);
        }
        checkContentLength(true);
        body.end(trailers.headers());
    }

    /**
     * A malformed request (RFC 9113 §8.1.1), answered with a stream error PROTOCOL_ERROR: counted
     * here as a bad request with the rule it broke (400; 431 for a field section over the limit,
     * which a reset cannot say but the count can), once, as HTTP/1.1 counts the requests it refuses.
     */
    static Http2StreamException malformed(ServerContext context, int streamId, int status, String rule) {
        context.connection().badRequest(Protocol.HTTP_2, status, rule);
        return new Http2StreamException(streamId, Http2ErrorCode.PROTOCOL_ERROR, "malformed request: " + rule);
    }
}
