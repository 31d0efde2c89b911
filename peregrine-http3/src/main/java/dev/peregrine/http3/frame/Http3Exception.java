package dev.peregrine.http3.frame;

import java.io.IOException;

/**
 * A violation of RFC 9114 (or RFC 9204) by the peer, with the error code to report (§8). It is one
 * of exactly two kinds (§8), so a {@code switch} over it is exhaustive:
 *
 * <ul>
 *   <li>{@link Http3ConnectionException}: close the whole QUIC connection with {@link #code()};
 *   <li>{@link Http3StreamException}: reset (and stop reading) only the stream the error came
 *       from, with {@link #code()}; the connection carries on.
 * </ul>
 *
 * <p>An {@link IOException}, so that it passes through {@link ByteSource}-based reading code
 * unchanged. Thrown on peer-controlled input, so it is built without a stack trace; messages name
 * the RFC rule broken and never echo peer bytes.
 */
public abstract sealed class Http3Exception extends IOException
        permits Http3ConnectionException, Http3StreamException {

    private static final long serialVersionUID = 1L;

    private final long code;

    Http3Exception(long code, String message) {
        super(message);
        this.code = code;
    }

    /** The code for CONNECTION_CLOSE or RESET_STREAM / STOP_SENDING. */
    public long code() {
        return code;
    }

    /** The code as an RFC 9114 constant; QPACK and unknown codes map to H3_NO_ERROR (§8). */
    public Http3ErrorCode error() {
        return Http3ErrorCode.of(code);
    }

    /** True for a connection error, false for a stream error. */
    public abstract boolean isConnectionError();

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // cheap to throw on hostile input; the message names the rule
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + Http3ErrorCode.name(code) + "]: " + getMessage();
    }
}
