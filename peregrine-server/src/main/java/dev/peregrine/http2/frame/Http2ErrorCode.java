package dev.peregrine.http2.frame;

/**
 * The error codes of RFC 9113 §7, carried by RST_STREAM and GOAWAY frames and by
 * {@link Http2Exception}.
 *
 * <p>Error codes are an extensible 32-bit space (§5.5): a received code this enum does not know
 * "MUST NOT trigger any special behavior" and may be treated as {@link #INTERNAL_ERROR} (§7).
 * {@link #of(int)} does exactly that for reporting, which is why the frame callbacks
 * ({@link FrameListener#onRstStream}, {@link FrameListener#onGoAway}) hand over the raw int: a
 * log line or a proxy can still show the code the peer actually sent.
 */
public enum Http2ErrorCode {
    NO_ERROR(0x0),
    PROTOCOL_ERROR(0x1),
    INTERNAL_ERROR(0x2),
    FLOW_CONTROL_ERROR(0x3),
    SETTINGS_TIMEOUT(0x4),
    STREAM_CLOSED(0x5),
    FRAME_SIZE_ERROR(0x6),
    REFUSED_STREAM(0x7),
    CANCEL(0x8),
    COMPRESSION_ERROR(0x9),
    CONNECT_ERROR(0xa),
    ENHANCE_YOUR_CALM(0xb),
    INADEQUATE_SECURITY(0xc),
    HTTP_1_1_REQUIRED(0xd);

    // values() copies the array on every call; the codes are dense from 0, so index by code.
    private static final Http2ErrorCode[] BY_CODE = values();

    private final int code;

    Http2ErrorCode(int code) {
        this.code = code;
    }

    /** The 32-bit wire value. */
    public int code() {
        return code;
    }

    /**
     * The constant for a wire value; codes this enum does not define (including values above
     * 2^31 that arrive as negative ints) map to {@link #INTERNAL_ERROR}, as §7 allows.
     */
    public static Http2ErrorCode of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : INTERNAL_ERROR;
    }

    /** Whether RFC 9113 §7 defines {@code code}; {@link #of(int)} is lossy for the others. */
    public static boolean isKnown(int code) {
        return code >= 0 && code < BY_CODE.length;
    }
}
