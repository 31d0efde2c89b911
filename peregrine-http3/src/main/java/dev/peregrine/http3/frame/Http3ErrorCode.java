package dev.peregrine.http3.frame;

/**
 * The HTTP/3 error codes of RFC 9114 §8.1, carried by QUIC's CONNECTION_CLOSE (connection
 * errors), RESET_STREAM and STOP_SENDING (stream errors), and by {@link Http3Exception}.
 *
 * <p>The code space is an open 62-bit range shared with extensions: QPACK (RFC 9204 §6) adds
 * 0x200..0x202, given here as plain constants, and {@code 0x1f * N + 0x21} is reserved for
 * greasing (§8.1). §8 says an unknown code "MUST be treated as equivalent to H3_NO_ERROR", which
 * is what {@link #of(long)} does; {@link #name(long)} keeps the raw value visible for logs.
 */
public enum Http3ErrorCode {
    H3_NO_ERROR(0x100),
    H3_GENERAL_PROTOCOL_ERROR(0x101),
    H3_INTERNAL_ERROR(0x102),
    H3_STREAM_CREATION_ERROR(0x103),
    H3_CLOSED_CRITICAL_STREAM(0x104),
    H3_FRAME_UNEXPECTED(0x105),
    H3_FRAME_ERROR(0x106),
    H3_EXCESSIVE_LOAD(0x107),
    H3_ID_ERROR(0x108),
    H3_SETTINGS_ERROR(0x109),
    H3_MISSING_SETTINGS(0x10a),
    H3_REQUEST_REJECTED(0x10b),
    H3_REQUEST_CANCELLED(0x10c),
    H3_REQUEST_INCOMPLETE(0x10d),
    H3_MESSAGE_ERROR(0x10e),
    H3_CONNECT_ERROR(0x10f),
    H3_VERSION_FALLBACK(0x110);

    /** RFC 9204 §6: the field section could not be decoded. */
    public static final long QPACK_DECOMPRESSION_FAILED = 0x200;
    /** RFC 9204 §6: an instruction on the peer's encoder stream could not be interpreted. */
    public static final long QPACK_ENCODER_STREAM_ERROR = 0x201;
    /** RFC 9204 §6: an instruction on the peer's decoder stream could not be interpreted. */
    public static final long QPACK_DECODER_STREAM_ERROR = 0x202;

    private static final long FIRST = 0x100;
    // values() copies on every call; the codes are dense from 0x100, so index by code - 0x100.
    private static final Http3ErrorCode[] BY_CODE = values();

    private final long code;

    Http3ErrorCode(long code) {
        this.code = code;
    }

    /** The wire value. */
    public long code() {
        return code;
    }

    /** Whether RFC 9114 §8.1 defines {@code code}. */
    public static boolean isKnown(long code) {
        return code >= FIRST && code < FIRST + BY_CODE.length;
    }

    /**
     * The constant for a received code; any code §8.1 does not define maps to
     * {@link #H3_NO_ERROR}, as §8 requires ("equivalent to H3_NO_ERROR").
     */
    public static Http3ErrorCode of(long code) {
        return isKnown(code) ? BY_CODE[(int) (code - FIRST)] : H3_NO_ERROR;
    }

    /**
     * A readable name for any code: the RFC 9114 or RFC 9204 name, else {@code 0x} and the hex
     * value (reserved and extension codes included).
     */
    public static String name(long code) {
        if (isKnown(code)) {
            return BY_CODE[(int) (code - FIRST)].name();
        }
        if (code == QPACK_DECOMPRESSION_FAILED) {
            return "QPACK_DECOMPRESSION_FAILED";
        }
        if (code == QPACK_ENCODER_STREAM_ERROR) {
            return "QPACK_ENCODER_STREAM_ERROR";
        }
        if (code == QPACK_DECODER_STREAM_ERROR) {
            return "QPACK_DECODER_STREAM_ERROR";
        }
        return "0x" + Long.toHexString(code);
    }

    /** Whether {@code code} is one of the {@code 0x1f * N + 0x21} values reserved for greasing (§8.1). */
    public static boolean isReserved(long code) {
        return Reserved.is(code);
    }
}
