package dev.peregrine.http2.frame;

/**
 * A stream error (RFC 9113 §5.4.2): one stream is broken, the others are not. The endpoint sends
 * RST_STREAM for {@link #streamId()} with {@link #error()} and keeps the connection.
 *
 * <p>The connection may still escalate it to a connection error (§5.4.1 allows it), for example
 * for STREAM_CLOSED on a stream the peer had already ended (§5.1, "closed").
 *
 * <p>When {@link FrameReader#read} throws one, the offending frame has been consumed and the
 * reader's state is consistent: call {@code read} again to go on with the rest of the buffer.
 */
public final class Http2StreamException extends Http2Exception {

    private static final long serialVersionUID = 1L;

    private final int streamId;

    /**
     * @param streamId the stream to reset, greater than 0
     * @param error the code for the RST_STREAM frame
     * @param message which RFC rule was broken; fixed text, never peer bytes
     */
    public Http2StreamException(int streamId, Http2ErrorCode error, String message) {
        super(error, message);
        if (streamId <= 0) {
            throw new IllegalArgumentException("a stream error needs a stream, got id " + streamId);
        }
        this.streamId = streamId;
    }

    /** The stream to reset. */
    public int streamId() {
        return streamId;
    }

    @Override
    public String toString() {
        return "Http2StreamException[" + error() + ", stream " + streamId + "]: " + getMessage();
    }
}
