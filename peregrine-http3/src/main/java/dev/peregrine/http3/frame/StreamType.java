package dev.peregrine.http3.frame;

/**
 * The unidirectional stream types (RFC 9114 §6.2): the variable-length integer that opens every
 * unidirectional stream and says what follows. Bidirectional streams carry no type; they are
 * request streams (§6.1).
 *
 * <p>{@link UniStreamRules} says what a server does with each.
 */
public final class StreamType {

    /** The control stream: SETTINGS, then connection-level frames (§6.2.1). */
    public static final long CONTROL = 0x00;
    /** A push stream, followed by a push ID (§6.2.2); only a server opens one. */
    public static final long PUSH = 0x01;
    /** The QPACK encoder stream (RFC 9204 §4.2). */
    public static final long QPACK_ENCODER = 0x02;
    /** The QPACK decoder stream (RFC 9204 §4.2). */
    public static final long QPACK_DECODER = 0x03;

    private StreamType() {}

    /**
     * Whether {@code type} is a {@code 0x1f * N + 0x21} type: reserved for greasing, with no
     * meaning, its data discarded (§6.2.3).
     */
    public static boolean isReserved(long type) {
        return Reserved.is(type);
    }

    /** The RFC name of {@code type}, {@code RESERVED(0x..)} or {@code UNKNOWN(0x..)}. */
    public static String name(long type) {
        if (type == CONTROL) {
            return "CONTROL";
        } else if (type == PUSH) {
            return "PUSH";
        } else if (type == QPACK_ENCODER) {
            return "QPACK_ENCODER";
        } else if (type == QPACK_DECODER) {
            return "QPACK_DECODER";
        }
        return (isReserved(type) ? "RESERVED" : "UNKNOWN") + "(0x" + Long.toHexString(type) + ")";
    }
}
