package dev.peregrine.http3.frame;

/**
 * The frame types of RFC 9114 §7.2 and the type ranges §7.2.8 reserves.
 *
 * <p>Plain {@code long} constants rather than an enum: a type is a variable-length integer on the
 * wire, and unknown types must pass through untouched (§9), so code switches on the raw value.
 *
 * <pre>
 * HTTP/3 Frame {
 *   Type (i),
 *   Length (i),
 *   Frame Payload (..),
 * }
 * </pre>
 */
public final class FrameType {

    public static final long DATA = 0x00;
    public static final long HEADERS = 0x01;
    public static final long CANCEL_PUSH = 0x03;
    public static final long SETTINGS = 0x04;
    public static final long PUSH_PROMISE = 0x05;
    public static final long GOAWAY = 0x07;
    public static final long MAX_PUSH_ID = 0x0d;

    private FrameType() {}

    /**
     * Whether {@code type} is a {@code 0x1f * N + 0x21} type, reserved for greasing: it has no
     * meaning, may appear on any stream that carries frames and is skipped (§7.2.8).
     */
    public static boolean isReserved(long type) {
        return Reserved.is(type);
    }

    /**
     * Whether {@code type} is an HTTP/2 frame type with no HTTP/3 counterpart (PRIORITY 0x02,
     * PING 0x06, WINDOW_UPDATE 0x08, CONTINUATION 0x09): receiving one is a connection error
     * H3_FRAME_UNEXPECTED on any stream (§7.2.8, §11.2.1).
     */
    public static boolean isHttp2Only(long type) {
        return type == 0x02 || type == 0x06 || type == 0x08 || type == 0x09;
    }

    /** Whether RFC 9114 §7.2 defines {@code type}. */
    public static boolean isKnown(long type) {
        return type == DATA || type == HEADERS || type == CANCEL_PUSH || type == SETTINGS
                || type == PUSH_PROMISE || type == GOAWAY || type == MAX_PUSH_ID;
    }

    /** The RFC name of {@code type}, {@code RESERVED(0x..)} or {@code UNKNOWN(0x..)}. */
    public static String name(long type) {
        if (type == DATA) {
            return "DATA";
        } else if (type == HEADERS) {
            return "HEADERS";
        } else if (type == CANCEL_PUSH) {
            return "CANCEL_PUSH";
        } else if (type == SETTINGS) {
            return "SETTINGS";
        } else if (type == PUSH_PROMISE) {
            return "PUSH_PROMISE";
        } else if (type == GOAWAY) {
            return "GOAWAY";
        } else if (type == MAX_PUSH_ID) {
            return "MAX_PUSH_ID";
        }
        String hex = "(0x" + Long.toHexString(type) + ")";
        if (isHttp2Only(type)) {
            return "HTTP2_ONLY" + hex;
        }
        return (isReserved(type) ? "RESERVED" : "UNKNOWN") + hex;
    }
}
