package dev.peregrine.http3.frame;

import static dev.peregrine.http3.frame.Http3ErrorCode.H3_CLOSED_CRITICAL_STREAM;
import static dev.peregrine.http3.frame.Http3ErrorCode.H3_STREAM_CREATION_ERROR;

/**
 * What a server does with each unidirectional stream the client opens, by its stream type
 * (RFC 9114 §6.2), as a pure decision.
 *
 * <ul>
 *   <li>the control stream (§6.2.1) and the QPACK encoder and decoder streams (RFC 9204 §4.2):
 *       one of each per connection; a second is a connection error H3_STREAM_CREATION_ERROR, and
 *       any of them ending is H3_CLOSED_CRITICAL_STREAM;
 *   <li>a push stream: only servers push, so one from a client is H3_STREAM_CREATION_ERROR
 *       (§6.2.2);
 *   <li>reserved and unknown types: {@link Kind#DISCARD}. §6.2 says "MUST NOT consider unknown
 *       stream types to be a connection error of any kind"; the receiver discards the data or
 *       stops reading, with H3_STREAM_CREATION_ERROR if it says why.
 * </ul>
 *
 * Not thread-safe; one per connection.
 */
public final class UniStreamRules {

    /** What the stream is. */
    public enum Kind {
        /** The client's control stream: read it with {@link ControlStreamRules}. */
        CONTROL,
        /** The client's QPACK encoder stream: instructions for our decoder. */
        QPACK_ENCODER,
        /** The client's QPACK decoder stream: acknowledgements for our encoder. */
        QPACK_DECODER,
        /** A reserved or unknown type: discard its data or stop reading it. */
        DISCARD
    }

    private boolean control;
    private boolean encoder;
    private boolean decoder;

    /**
     * Decides what a new unidirectional stream of {@code type} is.
     *
     * @throws Http3ConnectionException H3_STREAM_CREATION_ERROR for a second critical stream of
     *     the same type or for a push stream
     */
    public Kind onStreamType(long type) throws Http3ConnectionException {
        if (type == StreamType.CONTROL) {
            control = once(control, "§6.2.1: a second control stream");
            return Kind.CONTROL;
        } else if (type == StreamType.QPACK_ENCODER) {
            encoder = once(encoder, "RFC 9204 §4.2: a second QPACK encoder stream");
            return Kind.QPACK_ENCODER;
        } else if (type == StreamType.QPACK_DECODER) {
            decoder = once(decoder, "RFC 9204 §4.2: a second QPACK decoder stream");
            return Kind.QPACK_DECODER;
        } else if (type == StreamType.PUSH) {
            throw new Http3ConnectionException(H3_STREAM_CREATION_ERROR, "§6.2.2: a client opened a push stream");
        }
        return Kind.DISCARD;
    }

    /**
     * A stream of {@code kind} ended, by FIN or by reset.
     *
     * @throws Http3ConnectionException H3_CLOSED_CRITICAL_STREAM for the control stream (§6.2.1)
     *     and the QPACK streams (RFC 9204 §4.2); nothing for {@link Kind#DISCARD}
     */
    public void onEnd(Kind kind) throws Http3ConnectionException {
        switch (kind) {
            case CONTROL -> throw closed("§6.2.1: the peer's control stream closed");
            case QPACK_ENCODER -> throw closed("RFC 9204 §4.2: the peer's QPACK encoder stream closed");
            case QPACK_DECODER -> throw closed("RFC 9204 §4.2: the peer's QPACK decoder stream closed");
            case DISCARD -> {
                // §6.2.3: reserved and unknown streams may end or be reset at any time.
            }
        }
    }

    private static boolean once(boolean seen, String rule) throws Http3ConnectionException {
        if (seen) {
            throw new Http3ConnectionException(H3_STREAM_CREATION_ERROR, rule);
        }
        return true;
    }

    private static Http3ConnectionException closed(String rule) {
        return new Http3ConnectionException(H3_CLOSED_CRITICAL_STREAM, rule);
    }
}
