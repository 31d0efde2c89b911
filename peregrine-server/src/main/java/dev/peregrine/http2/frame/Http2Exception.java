package dev.peregrine.http2.frame;

/**
 * A violation of RFC 9113 detected while reading frames or moving a stream's state, carrying the
 * error code to report (§7). It is one of exactly two kinds (§5.4), so a {@code switch} over it is
 * exhaustive:
 *
 * <ul>
 *   <li>{@link Http2ConnectionException}: the connection is unusable; send GOAWAY with
 *       {@link #error()} and close (§5.4.1);
 *   <li>{@link Http2StreamException}: only one stream is affected; send RST_STREAM for
 *       {@link Http2StreamException#streamId()} and carry on (§5.4.2).
 * </ul>
 *
 * <p>Thrown on peer-controlled input in the hot path, so it is built without a stack trace and
 * without suppression: creating one costs about as much as any small object. Messages name the
 * RFC rule that was broken and never echo peer bytes.
 */
public abstract sealed class Http2Exception extends Exception
        permits Http2ConnectionException, Http2StreamException {

    private static final long serialVersionUID = 1L;

    private final Http2ErrorCode error;

    Http2Exception(Http2ErrorCode error, String message) {
        super(message, null, false, false);
        this.error = error;
    }

    /** The error code to put in the GOAWAY or RST_STREAM frame. */
    public Http2ErrorCode error() {
        return error;
    }
}
