package dev.peregrine.http2.frame;

/**
 * The frame types of RFC 9113 §6 and the fixed parts of the frame format (§4.1).
 *
 * <p>Plain {@code int} constants rather than an enum: the type is a byte on the wire, unknown
 * types must flow through untouched (§4.1, §5.5), and the reader switches on the raw value.
 *
 * <pre>
 * HTTP Frame {
 *   Length (24),
 *   Type (8),
 *   Flags (8),
 *   Reserved (1),
 *   Stream Identifier (31),
 *   Frame Payload (..),
 * }
 * </pre>
 */
public final class FrameType {

    public static final int DATA = 0x0;
    public static final int HEADERS = 0x1;
    public static final int PRIORITY = 0x2;
    public static final int RST_STREAM = 0x3;
    public static final int SETTINGS = 0x4;
    public static final int PUSH_PROMISE = 0x5;
    public static final int PING = 0x6;
    public static final int GOAWAY = 0x7;
    public static final int WINDOW_UPDATE = 0x8;
    public static final int CONTINUATION = 0x9;

    /** The 9-octet frame header that precedes every payload (§4.1). */
    public static final int HEADER_LENGTH = 9;

    /** The largest payload length the 24-bit Length field can express (§4.1). */
    public static final int MAX_LENGTH = (1 << 24) - 1;

    /** Masks the reserved high bit off a 31-bit stream identifier; it MUST be ignored (§4.1). */
    public static final int STREAM_ID_MASK = 0x7fff_ffff;

    private static final String[] NAMES = {
        "DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS",
        "PUSH_PROMISE", "PING", "GOAWAY", "WINDOW_UPDATE", "CONTINUATION",
    };

    private FrameType() {}

    /** The RFC name of {@code type}, or {@code UNKNOWN(0x..)} for an extension type. */
    public static String name(int type) {
        return type >= 0 && type < NAMES.length ? NAMES[type] : "UNKNOWN(0x" + Integer.toHexString(type) + ")";
    }
}
