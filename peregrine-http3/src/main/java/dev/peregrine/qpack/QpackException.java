package dev.peregrine.qpack;

/**
 * A QPACK failure, carrying the HTTP/3 error code to close the connection with (RFC 9204 §6).
 *
 * <p>Every QPACK error is a connection error: the decoder's dynamic table, or the encoder's view
 * of what the peer has acknowledged, can no longer be trusted. (The one stream-level case of
 * §2.2.3, a value too large to decode, does not arise here: sections too large for our limit are
 * reported as {@link QpackDecoder.Outcome#TOO_LARGE} rather than thrown.)
 *
 * <p>Raised on attacker-controlled input, so it is built without a stack trace and without
 * suppression, like {@code HpackException}.
 */
public class QpackException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The decoder could not interpret an encoded field section (§6). */
    public static final long QPACK_DECOMPRESSION_FAILED = 0x200;

    /** The decoder could not interpret an instruction on the peer's encoder stream (§6). */
    public static final long QPACK_ENCODER_STREAM_ERROR = 0x201;

    /** The encoder could not interpret an instruction on the peer's decoder stream (§6). */
    public static final long QPACK_DECODER_STREAM_ERROR = 0x202;

    private final long errorCode;

    /**
     * @param errorCode one of the three codes above
     * @param reason a short, fixed description — never echo field bytes into it
     */
    public QpackException(long errorCode, String reason) {
        super(reason, null, false, false);
        this.errorCode = errorCode;
    }

    /** The HTTP/3 error code for CONNECTION_CLOSE: 0x200, 0x201 or 0x202. */
    public long errorCode() {
        return errorCode;
    }
}
