package dev.peregrine.exchange;

import dev.peregrine.api.BadRequestException;
import dev.peregrine.api.Handler;
import dev.peregrine.server.internal.ConnectionMetrics;
import dev.peregrine.server.internal.RequestError;
import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * Runs one request of a multiplexed protocol (HTTP/2, HTTP/3) through the handler and ends its
 * response whatever happened, so that what a failure becomes is decided once: a handler that
 * throws before the head is out gets a 500 (or the status of its {@link BadRequestException});
 * after the head, or when an answer fails, the caller resets the stream, the only way left to
 * tell the client the response is broken (RFC 9113 §8.1, RFC 9114 §4.1.1). The request's
 * metrics and events are recorded here, once for both protocols.
 */
public final class StreamExchange {

    private static final System.Logger LOG = System.getLogger(StreamExchange.class.getName());

    private StreamExchange() {}

    /**
     * Serves the request. Returns true when a complete response went out (or the client is gone
     * and nothing is owed), false when the caller must reset the stream. A
     * {@link VirtualMachineError} from the handler is rethrown after its 500 was attempted: the
     * caller should abort the connection.
     *
     * @param metrics the connection's metrics context
     * @param rejectStatus non-zero to answer with this status instead of running the handler (431)
     * @param streamGone whether the client already reset the stream (nothing can be sent)
     * @param name the stream, for log lines (its {@code toString()} is called only when one is written)
     */
    public static boolean serve(Handler handler, ConnectionMetrics metrics, StreamRequest request,
            ExchangeResponse response, int rejectStatus, BooleanSupplier streamGone, Object name) {
        return serve(handler, metrics, request, response, rejectStatus, null, streamGone, name);
    }

    /**
     * As {@link #serve(Handler, ConnectionMetrics, StreamRequest, ExchangeResponse, int, BooleanSupplier, Object)},
     * with the rule a rejected request broke as the bad request's reason (metrics, JFR); null: the
     * status's reason phrase. The client gets the phrase either way.
     */
    public static boolean serve(Handler handler, ConnectionMetrics metrics, StreamRequest request,
            ExchangeResponse response, int rejectStatus, String rejectReason, BooleanSupplier streamGone, Object name) {
        long started = metrics.requestStarted(request);
        request.started(started);
        boolean complete = false;
        Throwable failure = null;
        try {
            if (rejectStatus != 0) {
                metrics.badRequest(request.protocol(), rejectStatus,
                        rejectReason != null ? rejectReason : reason(rejectStatus));
                response.sendError(rejectStatus, reason(rejectStatus));
            } else {
                handler.handle(request, response);
            }
            complete = response.finish();
        } catch (Throwable t) {
            failure = t;
        }
        RequestError error = RequestError.NONE;
        if (failure != null) {
            complete = answerFailure(failure, metrics, request, response, streamGone, name);
            if (!complete) {
                error = RequestError.HANDLER_EXCEPTION;
            } else if (!response.isFinished()) {
                error = RequestError.ABORTED; // the client reset the stream
            }
        } else if (!complete) {
            error = RequestError.RESPONSE_INCOMPLETE;
            LOG.log(System.Logger.Level.WARNING, name + ": response to " + request
                    + " ended before its content-length; resetting it");
        }
        metrics.requestEnded(started, request, response.isCommitted() ? response.status() : 0,
                request.bodyBytesRead(), response.bodyBytesSent(), error);
        if (failure instanceof VirtualMachineError fatal) {
            throw fatal;
        }
        return complete;
    }

    private static boolean answerFailure(Throwable t, ConnectionMetrics metrics, StreamRequest request,
            ExchangeResponse response, BooleanSupplier streamGone, Object name) {
        if (streamGone.getAsBoolean()) {
            LOG.log(System.Logger.Level.DEBUG, () -> name + ": client gone during " + request + ": " + t);
            return true; // nothing to send: the stream is already reset
        }
        int status = 500;
        if (t instanceof BadRequestException bad) {
            metrics.badRequest(request.protocol(), bad.status(), bad.getMessage());
            LOG.log(System.Logger.Level.DEBUG, () -> name + ": bad request body: " + bad.getMessage());
            status = bad.status();
        } else {
            metrics.handlerError();
            LOG.log(System.Logger.Level.ERROR, "handler failed for " + request + " on " + name, t);
        }
        if (response.isCommitted()) {
            return false;
        }
        try {
            response.sendError(status, reason(status));
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 408 -> "Request Timeout";
            case 413 -> "Content Too Large";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            default -> "Error";
        };
    }
}
