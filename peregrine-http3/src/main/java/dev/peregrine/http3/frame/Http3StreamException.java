package dev.peregrine.http3.frame;

/**
 * A stream error (RFC 9114 §8): one request stream is unusable, the connection is not. The
 * endpoint resets the stream's sending side and asks the peer to stop sending (RESET_STREAM and
 * STOP_SENDING) with {@link #code()}.
 *
 * <p>It names no stream: the rules that throw it are per stream, and the caller knows which one
 * it fed. §8 lets an endpoint escalate any stream error to a connection error.
 */
public final class Http3StreamException extends Http3Exception {

    private static final long serialVersionUID = 1L;

    /**
     * @param error the code to reset the stream with
     * @param message which RFC rule was broken; fixed text, never peer bytes
     */
    public Http3StreamException(Http3ErrorCode error, String message) {
        super(error.code(), message);
    }

    /** For codes outside RFC 9114 §8.1: extension or reserved codes (§8.1, §9). */
    public Http3StreamException(long code, String message) {
        super(code, message);
    }

    @Override
    public boolean isConnectionError() {
        return false;
    }
}
