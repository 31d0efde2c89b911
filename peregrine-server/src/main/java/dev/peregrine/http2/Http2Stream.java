package dev.peregrine.http2;

import dev.peregrine.api.BadRequestException;
import dev.peregrine.exchange.ExchangeResponse;
import dev.peregrine.http2.frame.Http2ErrorCode;
import dev.peregrine.http2.frame.StreamState;
import dev.peregrine.server.ServerContext;
import java.io.IOException;

/**
 * One request stream: its §5.1 state, its request body pipe, its response and the handler that
 * runs on the stream's own virtual thread. The connection's reader thread feeds it frames; the
 * writer sends what {@link Http2Output} queued.
 */
final class Http2Stream implements Runnable, RequestBodyPipe.Consumer {

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
    private final Http2Request request;
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
        String method = fields.method() == null ? "GET" : fields.method();
        response.reset(method.equals("HEAD"), method.equals("CONNECT"));
        this.request = new Http2Request(fields, body, connection.transport());
        String expect = fields.headers().get("expect");
        this.expectContinue = !endStream && expect != null && expect.equalsIgnoreCase("100-continue");
    }

    /** The handler, then the end of the response whatever happened (RFC 9113 §8.1). */
    @Override
    public void run() {
        try {
            context.metrics().requestHandled();
            boolean complete = false;
            Throwable failure = null;
            try {
                if (rejectStatus != 0) {
                    context.metrics().badRequest();
                    response.sendError(rejectStatus, "Request Header Fields Too Large");
                } else {
                    context.handler().handle(request, response);
                }
                complete = response.finish();
            } catch (Throwable t) {
                failure = t;
            }
            if (failure != null) {
                complete = handleFailure(failure);
            }
            if (!complete) {
                if (failure == null) {
                    LOG.log(System.Logger.Level.WARNING, "stream " + id + ": response to " + request
                            + " ended before its content-length; resetting it");
                }
                connection.resetStream(this, Http2ErrorCode.INTERNAL_ERROR);
            }
            if (failure instanceof VirtualMachineError fatal) {
                connection.abort();
                throw fatal;
            }
        } finally {
            connection.handlerDone(this);
        }
    }

    /** A handler threw: answer if nothing was sent. True when a complete response went out. */
    private boolean handleFailure(Throwable t) {
        if (output.dead) {
            LOG.log(System.Logger.Level.DEBUG, () -> "stream " + id + ": client gone during " + request + ": " + t);
            return true; // nothing to send: the stream is already reset
        }
        int status = 500;
        if (t instanceof BadRequestException bad) {
            context.metrics().badRequest();
            LOG.log(System.Logger.Level.DEBUG, () -> "stream " + id + ": bad request body: " + bad.getMessage());
            status = bad.status();
        } else {
            context.metrics().handlerError();
            LOG.log(System.Logger.Level.ERROR, "handler failed for " + request + " on stream " + id, t);
        }
        if (response.isCommitted()) {
            return false; // the head is out: only a reset tells the client the response is broken
        }
        try {
            response.sendError(status, status == 500 ? "Internal Server Error" : reason(status));
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 408 -> "Request Timeout";
            case 413 -> "Content Too Large";
            default -> "Error";
        };
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
}
