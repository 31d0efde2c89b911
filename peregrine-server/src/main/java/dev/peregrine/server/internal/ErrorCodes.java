package dev.peregrine.server.internal;

/**
 * Names of HTTP/2 (RFC 9113 §7) and HTTP/3 (RFC 9114 §8.1, RFC 9204 §6) error codes, and the
 * small index metrics count them under; any other code (an extension's, or a GREASE value,
 * RFC 9114 §8.1) counts as {@code OTHER}, so a peer cannot create series at will.
 */
final class ErrorCodes {

    private static final String[] H2 = {"NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR",
        "SETTINGS_TIMEOUT", "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR",
        "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"};
    private static final String[] H3 = {"H3_NO_ERROR", "H3_GENERAL_PROTOCOL_ERROR", "H3_INTERNAL_ERROR",
        "H3_STREAM_CREATION_ERROR", "H3_CLOSED_CRITICAL_STREAM", "H3_FRAME_UNEXPECTED", "H3_FRAME_ERROR",
        "H3_EXCESSIVE_LOAD", "H3_ID_ERROR", "H3_SETTINGS_ERROR", "H3_MISSING_SETTINGS", "H3_REQUEST_REJECTED",
        "H3_REQUEST_CANCELLED", "H3_REQUEST_INCOMPLETE", "H3_MESSAGE_ERROR", "H3_CONNECT_ERROR",
        "H3_VERSION_FALLBACK"};
    private static final String[] QPACK = {"QPACK_DECOMPRESSION_FAILED", "QPACK_ENCODER_STREAM_ERROR",
        "QPACK_DECODER_STREAM_ERROR"};
    /** Indexes per protocol: every named code, then OTHER. */
    static final int SLOTS = H3.length + QPACK.length + 1;
    static final String OTHER = "OTHER";
    static final int H2_ENHANCE_YOUR_CALM = 0xb;

    private ErrorCodes() {}

    /** The index of {@code code} for HTTP/2 ({@code h3} false) or HTTP/3. */
    static int index(boolean h3, long code) {
        if (!h3) {
            return code >= 0 && code < H2.length ? (int) code : SLOTS - 1;
        }
        if (code >= 0x100 && code < 0x100 + H3.length) {
            return (int) (code - 0x100);
        }
        if (code >= 0x200 && code < 0x200 + QPACK.length) {
            return H3.length + (int) (code - 0x200);
        }
        return SLOTS - 1;
    }

    /** The name at {@code index}; {@code null} for an index no code of that protocol uses. */
    static String nameAt(boolean h3, int index) {
        if (index == SLOTS - 1) {
            return OTHER;
        }
        if (!h3) {
            return index < H2.length ? H2[index] : null;
        }
        return index < H3.length ? H3[index] : QPACK[index - H3.length];
    }

    /** The name of {@code code}, {@code OTHER} when it has none here. */
    static String name(boolean h3, long code) {
        return nameAt(h3, index(h3, code));
    }
}
