package dev.peregrine.http2;

import dev.peregrine.api.Protocol;
import dev.peregrine.exchange.ExchangeResponse;
import dev.peregrine.exchange.RequestFields;
import dev.peregrine.exchange.StreamExchange;
import dev.peregrine.exchange.StreamRequest;
import dev.peregrine.http2.frame.Http2ConnectionException;
import dev.peregrine.http2.frame.Http2ErrorCode;
import dev.peregrine.http2.frame.Http2StreamException;
import dev.peregrine.http2.frame.StreamState;
import dev.peregrine.server.internal.ServerContext;
import java.io.IOException;

/**
 * One request stream: its §5.1 state, its request body pipe, its response and the handler that
 * runs on the stream's own virtual thread. The connection's reader thread feeds it frames; the
 * writer sends what {@link Http2Output} queued.
 */
final class Http2Stream implements Runnable, RequestBodyPipe.Consumer, java.util.function.BooleanSupplier {

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

    Http2Stream(int id, Http2Connection connection, ServerContext context, RequestFields fields, long sendWindow,
            boolean endStream, int rejectStatus) {
        this.id = id;
        this.rejectStatus = rejectStatus;
        this.connection = connection;
        this.context = context;
        this.fields = fields;
        this.state = new StreamState(id);
        var h2 = context.options().http2();
        this.output = new StreamOutput(id, h2.streamOutputBufferBytes(), sendWindow);
        this.body = new RequestBodyPipe(this, h2.initialStreamWindow(), context.options().maxRequestBodyBytes(),
                fields.contentLength());
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
                        this, this);
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
            throw new Http2StreamException(id, Http2ErrorCode.PROTOCOL_ERROR,
                    "DATA (" + received + " bytes) does not match content-length " + declared + " (RFC 9113 §8.1.1)");
        }
    }
}
