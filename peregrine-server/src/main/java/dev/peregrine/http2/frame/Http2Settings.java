package dev.peregrine.http2.frame;

/**
 * The SETTINGS parameters of RFC 9113 §6.5.2 plus SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 8441
 * §3), each holding its RFC default until set, and a record of which ones were set.
 *
 * <p>One class serves three uses:
 *
 * <ul>
 *   <li>what we advertise: configure with the typed setters (which throw
 *       {@link IllegalArgumentException} on out-of-range values) and hand to
 *       {@link FrameWriter#settings(Http2Settings)}, which writes only the parameters set;
 *   <li>what one SETTINGS frame carried: {@link FrameReader} fills a reused instance through
 *       {@link #set(int, long)}, which validates per §6.5.2 with the error codes the RFC names,
 *       and passes it to {@link FrameListener#onSettings}; {@link #isSet(int)} tells which
 *       parameters the frame had;
 *   <li>the peer's settings in force: start from {@code new Http2Settings()} (RFC defaults) and
 *       {@link #mergeFrom} every received frame.
 * </ul>
 *
 * <p>Values are unsigned 32-bit on the wire, hence the {@code long}s. "Unlimited" (the initial
 * value of MAX_CONCURRENT_STREAMS and MAX_HEADER_LIST_SIZE) is {@link #UNLIMITED}, so that
 * {@code count < maxConcurrentStreams()} needs no special case.
 *
 * <p>Not thread-safe; a connection owns its instances.
 */
public final class Http2Settings {

    public static final int HEADER_TABLE_SIZE = 0x1;
    public static final int ENABLE_PUSH = 0x2;
    public static final int MAX_CONCURRENT_STREAMS = 0x3;
    public static final int INITIAL_WINDOW_SIZE = 0x4;
    public static final int MAX_FRAME_SIZE = 0x5;
    public static final int MAX_HEADER_LIST_SIZE = 0x6;
    /** RFC 8441 §3: extended CONNECT (WebSockets over HTTP/2). */
    public static final int ENABLE_CONNECT_PROTOCOL = 0x8;

    /** The value of a parameter that has no limit (never on the wire). */
    public static final long UNLIMITED = Long.MAX_VALUE;

    public static final int DEFAULT_HEADER_TABLE_SIZE = 4096;
    public static final int DEFAULT_INITIAL_WINDOW_SIZE = 65_535;
    /** Both the initial value and the smallest legal value of MAX_FRAME_SIZE (§4.2). */
    public static final int MIN_MAX_FRAME_SIZE = 1 << 14;
    /** The largest legal value of MAX_FRAME_SIZE, 2^24-1 (§4.2). */
    public static final int MAX_MAX_FRAME_SIZE = (1 << 24) - 1;
    /** The largest flow-control window, 2^31-1 (§6.9.1). */
    public static final int MAX_WINDOW_SIZE = Integer.MAX_VALUE;

    private static final long MAX_UINT32 = 0xffff_ffffL;
    // Indexed by identifier; index 0 and 7 are unused (0x7 is not assigned in the IANA registry).
    private static final int SLOTS = ENABLE_CONNECT_PROTOCOL + 1;
    private static final long[] DEFAULTS = new long[SLOTS];

    static {
        DEFAULTS[HEADER_TABLE_SIZE] = DEFAULT_HEADER_TABLE_SIZE;
        DEFAULTS[ENABLE_PUSH] = 1;
        DEFAULTS[MAX_CONCURRENT_STREAMS] = UNLIMITED;
        DEFAULTS[INITIAL_WINDOW_SIZE] = DEFAULT_INITIAL_WINDOW_SIZE;
        DEFAULTS[MAX_FRAME_SIZE] = MIN_MAX_FRAME_SIZE;
        DEFAULTS[MAX_HEADER_LIST_SIZE] = UNLIMITED;
        DEFAULTS[ENABLE_CONNECT_PROTOCOL] = 0;
    }

    private final long[] values = DEFAULTS.clone();
    private int setMask;

    /** RFC defaults, nothing set. */
    public Http2Settings() {}

    /** Back to the RFC defaults with nothing set; the reader does this before each frame. */
    public void reset() {
        System.arraycopy(DEFAULTS, 0, values, 0, SLOTS);
        setMask = 0;
    }

    /**
     * Applies one parameter as received in a SETTINGS frame (§6.5.1), validating per §6.5.2.
     * Unknown identifiers are ignored, as §6.5.2 requires.
     *
     * @param id the 16-bit identifier
     * @param value the unsigned 32-bit value, 0..2^32-1
     * @throws Http2ConnectionException PROTOCOL_ERROR for ENABLE_PUSH or ENABLE_CONNECT_PROTOCOL
     *     other than 0 or 1 and for MAX_FRAME_SIZE outside 2^14..2^24-1; FLOW_CONTROL_ERROR for
     *     INITIAL_WINDOW_SIZE above 2^31-1
     */
    public void set(int id, long value) throws Http2ConnectionException {
        if (value < 0 || value > MAX_UINT32) {
            throw new IllegalArgumentException("a setting value is an unsigned 32-bit integer: " + value);
        }
        switch (id) {
            case ENABLE_PUSH -> {
                if (value > 1) {
                    throw new Http2ConnectionException(Http2ErrorCode.PROTOCOL_ERROR,
                            "§6.5.2: SETTINGS_ENABLE_PUSH must be 0 or 1");
                }
            }
            case INITIAL_WINDOW_SIZE -> {
                if (value > MAX_WINDOW_SIZE) {
                    throw new Http2ConnectionException(Http2ErrorCode.FLOW_CONTROL_ERROR,
                            "§6.5.2: SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1");
                }
            }
            case MAX_FRAME_SIZE -> {
                if (value < MIN_MAX_FRAME_SIZE || value > MAX_MAX_FRAME_SIZE) {
                    throw new Http2ConnectionException(Http2ErrorCode.PROTOCOL_ERROR,
                            "§6.5.2: SETTINGS_MAX_FRAME_SIZE outside 2^14..2^24-1");
                }
            }
            case ENABLE_CONNECT_PROTOCOL -> {
                if (value > 1) {
                    throw new Http2ConnectionException(Http2ErrorCode.PROTOCOL_ERROR,
                            "RFC 8441 §3: SETTINGS_ENABLE_CONNECT_PROTOCOL must be 0 or 1");
                }
            }
            case HEADER_TABLE_SIZE, MAX_CONCURRENT_STREAMS, MAX_HEADER_LIST_SIZE -> {
                // Any 32-bit value is legal.
            }
            default -> {
                return; // §6.5.2: an unknown or unsupported identifier MUST be ignored.
            }
        }
        values[id] = value;
        setMask |= 1 << id;
    }

    /** Whether parameter {@code id} was set since construction or {@link #reset()}. */
    public boolean isSet(int id) {
        return isKnown(id) && (setMask & (1 << id)) != 0;
    }

    /** Whether this class holds parameter {@code id}. */
    public static boolean isKnown(int id) {
        return id >= HEADER_TABLE_SIZE && id <= ENABLE_CONNECT_PROTOCOL && id != 0x7;
    }

    /** The value of a known parameter (its default if not set); {@link #UNLIMITED} for no limit. */
    public long get(int id) {
        if (!isKnown(id)) {
            throw new IllegalArgumentException("unknown setting 0x" + Integer.toHexString(id));
        }
        return values[id];
    }

    /** Copies every parameter set in {@code received} into this one and marks it set. */
    public void mergeFrom(Http2Settings received) {
        for (int id = HEADER_TABLE_SIZE; id < SLOTS; id++) {
            if (received.isSet(id)) {
                values[id] = received.values[id];
                setMask |= 1 << id;
            }
        }
    }

    /** An independent copy, for keeping what a reused instance held past a callback. */
    public Http2Settings copy() {
        Http2Settings c = new Http2Settings();
        System.arraycopy(values, 0, c.values, 0, SLOTS);
        c.setMask = setMask;
        return c;
    }

    /** How many parameters are set; {@link FrameWriter#settings} writes 6 octets for each. */
    public int countSet() {
        return Integer.bitCount(setMask);
    }

    // ---- typed getters

    public long headerTableSize() {
        return values[HEADER_TABLE_SIZE];
    }

    public boolean enablePush() {
        return values[ENABLE_PUSH] == 1;
    }

    public long maxConcurrentStreams() {
        return values[MAX_CONCURRENT_STREAMS];
    }

    public int initialWindowSize() {
        return (int) values[INITIAL_WINDOW_SIZE];
    }

    public int maxFrameSize() {
        return (int) values[MAX_FRAME_SIZE];
    }

    public long maxHeaderListSize() {
        return values[MAX_HEADER_LIST_SIZE];
    }

    public boolean enableConnectProtocol() {
        return values[ENABLE_CONNECT_PROTOCOL] == 1;
    }

    // ---- typed setters for what we advertise: our own configuration, so bad values are bugs

    public Http2Settings headerTableSize(long value) {
        return local(HEADER_TABLE_SIZE, checkUint32(value, "headerTableSize"));
    }

    /** A server MUST NOT set this to true (§6.5.2); the setter allows it for a client's use. */
    public Http2Settings enablePush(boolean value) {
        return local(ENABLE_PUSH, value ? 1 : 0);
    }

    /** {@link #UNLIMITED} restores the initial "no limit", which is then not written. */
    public Http2Settings maxConcurrentStreams(long value) {
        return value == UNLIMITED ? unset(MAX_CONCURRENT_STREAMS)
                : local(MAX_CONCURRENT_STREAMS, checkUint32(value, "maxConcurrentStreams"));
    }

    public Http2Settings initialWindowSize(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("initialWindowSize must be 0..2^31-1: " + value);
        }
        return local(INITIAL_WINDOW_SIZE, value);
    }

    public Http2Settings maxFrameSize(int value) {
        if (value < MIN_MAX_FRAME_SIZE || value > MAX_MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("maxFrameSize must be 16384..16777215: " + value);
        }
        return local(MAX_FRAME_SIZE, value);
    }

    /** {@link #UNLIMITED} restores the initial "no limit", which is then not written. */
    public Http2Settings maxHeaderListSize(long value) {
        return value == UNLIMITED ? unset(MAX_HEADER_LIST_SIZE)
                : local(MAX_HEADER_LIST_SIZE, checkUint32(value, "maxHeaderListSize"));
    }

    public Http2Settings enableConnectProtocol(boolean value) {
        return local(ENABLE_CONNECT_PROTOCOL, value ? 1 : 0);
    }

    private Http2Settings local(int id, long value) {
        values[id] = value;
        setMask |= 1 << id;
        return this;
    }

    private Http2Settings unset(int id) {
        values[id] = DEFAULTS[id];
        setMask &= ~(1 << id);
        return this;
    }

    private static long checkUint32(long value, String what) {
        if (value < 0 || value > MAX_UINT32) {
            throw new IllegalArgumentException(what + " must be 0..2^32-1: " + value);
        }
        return value;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Http2Settings{");
        String sep = "";
        for (int id = HEADER_TABLE_SIZE; id < SLOTS; id++) {
            if (isSet(id)) {
                sb.append(sep).append(name(id)).append('=').append(values[id]);
                sep = ", ";
            }
        }
        return sb.append('}').toString();
    }

    static String name(int id) {
        return switch (id) {
            case HEADER_TABLE_SIZE -> "HEADER_TABLE_SIZE";
            case ENABLE_PUSH -> "ENABLE_PUSH";
            case MAX_CONCURRENT_STREAMS -> "MAX_CONCURRENT_STREAMS";
            case INITIAL_WINDOW_SIZE -> "INITIAL_WINDOW_SIZE";
            case MAX_FRAME_SIZE -> "MAX_FRAME_SIZE";
            case MAX_HEADER_LIST_SIZE -> "MAX_HEADER_LIST_SIZE";
            case ENABLE_CONNECT_PROTOCOL -> "ENABLE_CONNECT_PROTOCOL";
            default -> "0x" + Integer.toHexString(id);
        };
    }
}
