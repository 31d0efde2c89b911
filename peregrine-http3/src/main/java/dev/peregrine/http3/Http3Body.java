package dev.peregrine.http3;

import dev.peregrine.api.BadRequestException;
import dev.peregrine.api.Headers;
import dev.peregrine.exchange.StreamBody;
import dev.peregrine.http3.frame.FrameInput;
import dev.peregrine.http3.frame.Http3ErrorCode;
import dev.peregrine.http3.frame.Http3Exception;
import dev.peregrine.http3.frame.Http3StreamException;
import dev.peregrine.http3.frame.RequestStreamRules;
import java.io.IOException;
import java.util.Objects;

/**
 * A request body read straight off its QUIC stream on the handler's thread: DATA payloads are
 * copied from the stream into the handler's array, with no pipe between, because the transport
 * already buffers (boundedly) and applies flow control. The trailer section, if any, is decoded
 * when the body reaches it (RFC 9114 §4.1). Content-Length is checked against the DATA received
 * (§4.1.2: a mismatch is malformed, H3_MESSAGE_ERROR).
 */
final class Http3Body extends StreamBody {

    /** What the body asks of its stream. */
    interface Events {
        /** The first read (the time for {@code 100 Continue}). */
        void bodyReadStarting() throws IOException;

        /** Decodes the trailer section; returns the fields or throws the stream error. */
        Headers trailers(byte[] section) throws IOException;

        /**
         * The request broke an HTTP/3 rule while the handler read it: the stream (or the
         * connection) ends now, before the handler could answer a broken request.
         */
        void protocolError(Http3Exception e);
    }

    private final FrameInput in;
    private final RequestStreamRules rules;
    private final Events events;
    private final long declared;
    private final int maxSectionBytes;
    private long maxBytes;
    private long received;
    private boolean started;
    private boolean inData;
    private boolean ended;
    private Headers trailers;
    /** Why the body cannot go on; thrown again on every read. */
    private IOException failure;
    private final byte[] one = new byte[1];

    Http3Body(FrameInput in, RequestStreamRules rules, Events events, long declared, long maxBytes,
            int maxSectionBytes) {
        this.in = in;
        this.rules = rules;
        this.events = events;
        this.declared = declared;
        this.maxBytes = maxBytes;
        this.maxSectionBytes = maxSectionBytes;
    }

    @Override
    public long bytesRead() {
        return received;
    }

    @Override
    public void maxBodySize(long bytes) {
        if (started) {
            throw new IllegalStateException("the body is already being read");
        }
        maxBytes = bytes;
    }

    @Override
    public Headers trailers() {
        return trailers;
    }

    boolean isEnded() {
        return ended;
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (failure != null) {
            throw failure;
        }
        if (!started) {
            started = true;
            BadRequestException tooLarge = declaredTooLarge(declared, maxBytes);
            if (tooLarge != null) {
                throw failure = tooLarge;
            }
            events.bodyReadStarting();
        }
        if (ended) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        try {
            return readData(b, off, len);
        } catch (IOException e) {
            failure = e;
            if (e instanceof Http3Exception h3) {
                events.protocolError(h3);
            }
            throw e;
        }
    }

    private int readData(byte[] b, int off, int len) throws IOException {
        while (true) {
            if (inData) {
                int n = in.readPayload(b, off, len);
                if (n > 0) {
                    received += n;
                    if (declared >= 0 && received > declared) {
                        throw malformed("more DATA than content-length " + declared + " (RFC 9114 §4.1.2)");
                    }
                    BadRequestException tooLarge = readTooLarge(received, maxBytes);
                    if (tooLarge != null) {
                        throw tooLarge;
                    }
                    return n;
                }
                inData = false; // this DATA frame is done (-1) or empty
            }
            if (!in.nextFrame()) {
                rules.onEnd();
                end();
                return -1;
            }
            switch (rules.onFrame(in.type())) {
                case DATA -> inData = true;
                case TRAILERS -> {
                    trailers = events.trailers(in.payload(maxSectionBytes));
                    drainAfterTrailers();
                    return -1;
                }
                case SKIP -> in.skipPayload();
                case HEADERS -> throw new IllegalStateException("a second request header section");
            }
        }
    }

    /** After the trailers only unknown frames may come, then FIN (§4.1). */
    private void drainAfterTrailers() throws IOException {
        while (in.nextFrame()) {
            rules.onFrame(in.type()); // throws for anything but a reserved or unknown type
            in.skipPayload();
        }
        rules.onEnd();
        end();
    }

    private void end() throws IOException {
        if (declared >= 0 && received != declared) {
            throw malformed("DATA of " + received + " bytes with content-length " + declared + " (RFC 9114 §4.1.2)");
        }
        ended = true;
    }

    private static Http3StreamException malformed(String why) {
        return new Http3StreamException(Http3ErrorCode.H3_MESSAGE_ERROR, why);
    }
}
