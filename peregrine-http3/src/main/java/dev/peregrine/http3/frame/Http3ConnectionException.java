package dev.peregrine.http3.frame;

/**
 * A connection error (RFC 9114 §8): state shared by all streams (the control stream, settings,
 * QPACK tables, the framing itself) can no longer be trusted, so the endpoint closes the QUIC
 * connection with {@link #code()}, ideally after a GOAWAY (§5.3).
 */
public final class Http3ConnectionException extends Http3Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param error the code to close with
     * @param message which RFC rule was broken; fixed text, never peer bytes
     */
    public Http3ConnectionException(Http3ErrorCode error, String message) {
        super(error.code(), message);
    }

    /** For codes outside RFC 9114 §8.1, such as the QPACK ones (RFC 9204 §6). */
    public Http3ConnectionException(long code, String message) {
        super(code, message);
    }

    @Override
    public boolean isConnectionError() {
        return true;
    }
}
