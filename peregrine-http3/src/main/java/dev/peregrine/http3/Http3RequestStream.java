package dev.peregrine.http3;

import dev.peregrine.api.Headers;
import dev.peregrine.api.Protocol;
import dev.peregrine.exchange.ExchangeResponse;
import dev.peregrine.exchange.RequestFields;
import dev.peregrine.exchange.StreamExchange;
import dev.peregrine.exchange.StreamRequest;
import dev.peregrine.http3.frame.FrameInput;
import dev.peregrine.http3.frame.Http3ErrorCode;
import dev.peregrine.http3.frame.Http3Exception;
import dev.peregrine.http3.frame.Http3StreamException;
import dev.peregrine.http3.frame.RequestStreamRules;
import dev.peregrine.qpack.QpackDecoder;
import dev.peregrine.qpack.QpackException;
import dev.peregrine.server.internal.ServerContext;
import dev.peregrine.transport.MultiplexedStream;
import dev.peregrine.transport.StreamAbortedException;
import java.io.IOException;

/**
 * One request stream on its own virtual thread: reads the request's HEADERS frame, decodes it
 * with QPACK and checks it (RFC 9114 §4.1-§4.3), runs the handler through the protocol-neutral
 * exchange, and ends the stream: FIN after a complete response, a reset with the error code
 * otherwise (H3_MESSAGE_ERROR for a malformed request, H3_INTERNAL_ERROR for a broken response).
 */
final class Http3RequestStream implements Runnable, Http3Body.Events {

    private static final System.Logger LOG = System.getLogger(Http3RequestStream.class.getName());
    /** Enough for a typical request's HEADERS frame; bigger sections are read whole anyway. */
    private static final int INPUT_BUFFER_BYTES = 2048;

    private final Http3Connection connection;
    private final MultiplexedStream stream;
    private final ServerContext context;
    private final Http3Options options;
    private final FrameInput in;
    private final RequestStreamRules rules = new RequestStreamRules();
    private Http3Output output;
    private ExchangeResponse response;
    private boolean expectContinue;
    private volatile boolean abandoned;
    private boolean badRequestCounted; // this stream's thread only

    Http3RequestStream(Http3Connection connection, MultiplexedStream stream, ServerContext context,
            Http3Options options) {
        this.connection = connection;
        this.stream = stream;
        this.context = context;
        this.options = options;
        this.in = new FrameInput(stream::read, INPUT_BUFFER_BYTES);
    }

    @Override
    public void run() {
        try {
            serve();
        } catch (Http3Exception e) {
            fail(e);
        } catch (StreamAbortedException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> this + ": client reset the stream: " + e.getMessage());
            abandon(Http3ErrorCode.H3_REQUEST_CANCELLED.code(), true);
        } catch (QpackException e) {
            connection.connectionError(e.errorCode(), "stream " + stream.id() + ": " + e.getMessage());
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> this + ": " + e);
            abandon(Http3ErrorCode.H3_INTERNAL_ERROR.code());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandon(Http3ErrorCode.H3_INTERNAL_ERROR.code());
        } finally {
            connection.streamDone(this);
        }
    }

    private void serve() throws IOException, QpackException, InterruptedException {
        byte[] section = readHeaderSection();
        RequestFields fields = new RequestFields(false, false);
        int reject = 0;
        if (section == null) {
            reject = 431;
        } else if (decode(section, fields) == QpackDecoder.Outcome.TOO_LARGE) {
            reject = 431;
        }
        String malformed = reject == 0 ? fields.finish() : null;
        if (malformed != null) {
            badRequest(400, malformed);
            throw new Http3StreamException(Http3ErrorCode.H3_MESSAGE_ERROR, malformed);
        }
        String method = fields.method() == null ? "GET" : fields.method();
        var transport = connection.transport();
        Http3Body body = new Http3Body(in, rules, this, reject != 0 ? 0 : fields.contentLength(),
                context.options().maxRequestBodyBytes(), options.maxFieldSectionSize());
        StreamRequest request = new StreamRequest(fields, body, Protocol.HTTP_3, transport.tlsSession(),
                transport.localAddress(), transport.remoteAddress());
        output = new Http3Output(stream, connection.heads(), options.responseBufferBytes(),
                context.options().maxResponseBufferBytes());
        response = new ExchangeResponse(output);
        response.reset(method.equals("HEAD"), method.equals("CONNECT"));
        String expect = fields.headers().get("expect");
        expectContinue = expect != null && expect.equalsIgnoreCase("100-continue");
        boolean complete;
        try {
            complete = StreamExchange.serve(context.handler(), context.connection(), request, response, reject,
                    this::streamGone, this);
        } catch (VirtualMachineError fatal) {
            connection.abort();
            throw fatal;
        }
        if (abandoned) {
            return; // the request broke a rule while the handler read it: already reset
        }
        if (!complete) {
            abandon(Http3ErrorCode.H3_INTERNAL_ERROR.code());
        } else if (!body.isEnded()) {
            // The response is complete; the rest of the request is not needed (RFC 9114 §4.1.2). The
            // transport drops what still comes and sends STOP_SENDING only past its grace (QuicStreamAdapter).
            stream.stopSending(Http3ErrorCode.H3_NO_ERROR.code());
        }
    }

    /** The first HEADERS frame's payload, or null when it is larger than we accept (431). */
    private byte[] readHeaderSection() throws IOException {
        while (true) {
            if (!in.nextFrame()) {
                rules.onEnd(); // H3_REQUEST_INCOMPLETE
                throw new IllegalStateException("unreachable: a stream that ends before HEADERS is an error");
            }
            switch (rules.onFrame(in.type())) {
                case HEADERS -> {
                    if (in.length() > options.maxFieldSectionSize()) {
                        in.skipPayload();
                        return null;
                    }
                    return in.payload(options.maxFieldSectionSize());
                }
                case SKIP -> in.skipPayload();
                default -> throw new IllegalStateException("the rules allow only HEADERS first");
            }
        }
    }

    private QpackDecoder.Outcome decode(byte[] section, RequestFields fields)
            throws QpackException, InterruptedException {
        long deadline = System.nanoTime() + options.qpackBlockedTimeout().toNanos();
        return connection.qpackDecoder().decode(stream.id(), section, 0, section.length, fields::header, deadline);
    }

    private boolean streamGone() {
        return output.dead || abandoned;
    }

    @Override
    public void bodyReadStarting() throws IOException {
        if (expectContinue && !response.isCommitted()) {
            output.writeContinue();
        }
    }

    @Override
    public Headers trailers(byte[] section) throws IOException {
        RequestFields fields = new RequestFields(true, false);
        QpackDecoder.Outcome outcome;
        try {
            outcome = decode(section, fields);
        } catch (QpackException e) {
            connection.connectionError(e.errorCode(), "trailers on stream " + stream.id() + ": " + e.getMessage());
            throw new IOException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException();
        }
        boolean tooLarge = outcome == QpackDecoder.Outcome.TOO_LARGE;
        String malformed = tooLarge ? "trailer section too large" : fields.finish();
        if (malformed != null) {
            badRequest(tooLarge ? 431 : 400, "trailers: " + malformed);
            throw new Http3StreamException(Http3ErrorCode.H3_MESSAGE_ERROR, malformed);
        }
        return fields.headers();
    }

    /**
     * A rule the body broke while the handler read it. A malformed body (DATA against content-length,
     * RFC 9114 §4.1.2) counts as a bad request, as a malformed header section does; trailers counted
     * themselves, with their status.
     */
    @Override
    public void protocolError(Http3Exception e) {
        if (e.code() == Http3ErrorCode.H3_MESSAGE_ERROR.code()) {
            badRequest(400, e.getMessage());
        }
        fail(e);
    }

    /** Counts this stream's request as a bad request, once (as HTTP/1.1 and HTTP/2 count theirs). */
    private void badRequest(int status, String reason) {
        if (!badRequestCounted) {
            badRequestCounted = true;
            context.connection().badRequest(Protocol.HTTP_3, status, reason);
        }
    }

    /** A stream error ends this stream; a connection error ends them all (RFC 9114 §8). */
    private void fail(Http3Exception e) {
        if (e.isConnectionError()) {
            abandoned = true;
            connection.connectionError(e.code(), "stream " + stream.id() + ": " + e.getMessage());
            return;
        }
        LOG.log(System.Logger.Level.DEBUG, () -> this + ": " + e.getMessage());
        context.connection().protocolError(e.code());
        abandon(e.code());
    }

    /** Resets our side and stops the client's: the stream is over. */
    private void abandon(long code) {
        abandon(code, false);
    }

    private void abandon(long code, boolean byClient) {
        if (abandoned) {
            return;
        }
        abandoned = true;
        if (output != null) {
            output.dead = true;
        }
        context.connection().streamReset(stream.id(), code, byClient);
        connection.qpackDecoder().streamCancelled(stream.id());
        stream.reset(code);
        stream.stopSending(code);
    }

    long id() {
        return stream.id();
    }

    @Override
    public String toString() {
        return "h3 stream " + stream.id();
    }
}
