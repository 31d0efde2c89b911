package dev.peregrine.http2.frame;

/**
 * A connection error (RFC 9113 §5.4.1): the frame layer or shared connection state (field
 * compression, flow control, settings) can no longer be trusted. The endpoint sends GOAWAY with
 * {@link #error()} and the last stream it processed, then closes the TCP connection.
 *
 * <p>After a {@link FrameReader} throws one it refuses further input.
 */
public final class Http2ConnectionException extends Http2Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param error the code for the GOAWAY frame
     * @param message which RFC rule was broken; fixed text, never peer bytes
     */
    public Http2ConnectionException(Http2ErrorCode error, String message) {
        super(error, message);
    }

    @Override
    public String toString() {
        return "Http2ConnectionException[" + error() + "]: " + getMessage();
    }
}
