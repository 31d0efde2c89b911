package dev.peregrine.http3.frame;

import static dev.peregrine.http3.frame.Http3ErrorCode.H3_FRAME_UNEXPECTED;
import static dev.peregrine.http3.frame.Http3ErrorCode.H3_REQUEST_INCOMPLETE;

/**
 * The frame sequence of a request on a client-initiated bidirectional stream, as a server sees it
 * (RFC 9114 §4.1): one HEADERS (the header section), then any number of DATA (the content), then
 * optionally one HEADERS (the trailer section). Reserved and unknown frames may come anywhere
 * (§4.1, §9) and are skipped.
 *
 * <p>{@link #onFrame} names what the next frame is or throws. Sequence errors are connection
 * errors H3_FRAME_UNEXPECTED (§4.1: "Receipt of an invalid sequence of frames MUST be treated as
 * a connection error"), as are frames that belong on the control stream (SETTINGS §7.2.4,
 * GOAWAY §7.2.6, MAX_PUSH_ID §7.2.7, CANCEL_PUSH §7.2.3), PUSH_PROMISE (§7.2.5: a client never
 * sends one) and HTTP/2-only types (§7.2.8). The one stream error is a stream that ends before
 * its header section: H3_REQUEST_INCOMPLETE (§4.1).
 *
 * <p>Interim responses concern only clients and are not modelled. Not thread-safe; one per
 * request stream.
 */
public final class RequestStreamRules {

    /** What an accepted frame carries. */
    public enum Action {
        /** The request's header section: decode it with QPACK. */
        HEADERS,
        /** Request content: stream it ({@link FrameInput#readPayload}). */
        DATA,
        /** The trailer section; nothing but reserved or unknown frames may follow it. */
        TRAILERS,
        /** A reserved or unknown frame: {@link FrameInput#skipPayload()}. */
        SKIP
    }

    private enum State { BEFORE_HEADERS, CONTENT, TUNNEL, AFTER_TRAILERS, ENDED }

    private State state = State.BEFORE_HEADERS;
    private boolean headers;
    private boolean trailers;

    /**
     * Decides what the next frame on the request stream is.
     *
     * @throws Http3ConnectionException H3_FRAME_UNEXPECTED for a frame out of sequence or not
     *     allowed on a request stream
     * @throws IllegalStateException after {@link #onEnd}
     */
    public Action onFrame(long type) throws Http3ConnectionException {
        if (state == State.ENDED) {
            throw new IllegalStateException("the request stream has ended");
        }
        if (type == FrameType.HEADERS) {
            return switch (state) {
                case BEFORE_HEADERS -> {
                    state = State.CONTENT;
                    headers = true;
                    yield Action.HEADERS;
                }
                case CONTENT -> {
                    state = State.AFTER_TRAILERS;
                    trailers = true;
                    yield Action.TRAILERS;
                }
                case TUNNEL -> throw unexpected("§4.4: HEADERS on a CONNECT stream after the tunnel opened");
                default -> throw unexpected("§4.1: HEADERS after the trailer section");
            };
        }
        if (type == FrameType.DATA) {
            return switch (state) {
                case CONTENT, TUNNEL -> Action.DATA;
                case BEFORE_HEADERS -> throw unexpected("§4.1: DATA before the HEADERS frame");
                default -> throw unexpected("§4.1: DATA after the trailer section");
            };
        }
        if (type == FrameType.SETTINGS) {
            throw unexpected("§7.2.4: SETTINGS on a request stream");
        } else if (type == FrameType.GOAWAY) {
            throw unexpected("§7.2.6: GOAWAY on a request stream");
        } else if (type == FrameType.MAX_PUSH_ID) {
            throw unexpected("§7.2.7: MAX_PUSH_ID on a request stream");
        } else if (type == FrameType.CANCEL_PUSH) {
            throw unexpected("§7.2.3: CANCEL_PUSH on a request stream");
        } else if (type == FrameType.PUSH_PROMISE) {
            throw unexpected("§7.2.5: a server received PUSH_PROMISE");
        } else if (FrameType.isHttp2Only(type)) {
            throw unexpected("§7.2.8: an HTTP/2 frame type on a request stream");
        }
        return Action.SKIP;
    }

    /**
     * Marks the stream a CONNECT tunnel, once the server accepted the CONNECT (§4.4): from then on
     * only DATA (and reserved or unknown frames) may come, so trailers are H3_FRAME_UNEXPECTED.
     *
     * @throws IllegalStateException unless the header section came and no trailers did
     */
    public void tunnel() {
        if (state != State.CONTENT) {
            throw new IllegalStateException("a tunnel opens after the request header section: " + state);
        }
        state = State.TUNNEL;
    }

    /**
     * The stream ended cleanly (FIN between frames; {@link FrameInput} reports a FIN inside one).
     *
     * @throws Http3StreamException H3_REQUEST_INCOMPLETE if no header section came (§4.1: "If a
     *     client-initiated stream terminates without enough of the HTTP message to provide a
     *     complete response, the server SHOULD abort its response stream"); a stream error,
     *     since only this request is lost
     */
    public void onEnd() throws Http3StreamException {
        State was = state;
        state = State.ENDED;
        if (was == State.BEFORE_HEADERS) {
            throw new Http3StreamException(H3_REQUEST_INCOMPLETE, "§4.1: the request stream ended before HEADERS");
        }
    }

    /** Whether the header section has arrived. */
    public boolean headersReceived() {
        return headers;
    }

    /** Whether the trailer section has arrived. */
    public boolean trailersReceived() {
        return trailers;
    }

    private static Http3ConnectionException unexpected(String rule) {
        return new Http3ConnectionException(H3_FRAME_UNEXPECTED, rule);
    }
}
