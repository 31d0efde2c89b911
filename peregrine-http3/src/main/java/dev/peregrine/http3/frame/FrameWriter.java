package dev.peregrine.http3.frame;

import java.util.Objects;

/**
 * Writes HTTP/3 frames (RFC 9114 §7) and unidirectional stream type prefixes (§6.2), either into
 * a caller's array at an offset (returning the offset after what was written) or appended to a
 * {@link FrameBuffer}. No I/O, and no allocation for the array forms.
 *
 * <p>Each array method first checks that everything fits and otherwise throws
 * {@link IndexOutOfBoundsException} having written nothing. {@link #MAX_HEADER_LENGTH} bytes
 * hold any frame header; {@link #headerLength} gives the exact size.
 *
 * <p>DATA and HEADERS are written as a header alone ({@link #dataHeader}, {@link #headersHeader}):
 * the payload follows it unchanged, so the caller can send the header and then the payload from
 * wherever it already is, without a copy. Lengths are written in the shortest encoding.
 *
 * <p>The HTTP/2-only types (§7.2.8) "MUST NOT be sent": {@link #header} refuses them.
 */
public final class FrameWriter {

    /** The longest frame header: an 8-byte type and an 8-byte length. */
    public static final int MAX_HEADER_LENGTH = 2 * VarInt.MAX_LENGTH;

    private FrameWriter() {}

    /** The size of the header of a frame of {@code type} with {@code payloadLength} bytes. */
    public static int headerLength(long type, long payloadLength) {
        return VarInt.length(type) + VarInt.length(payloadLength);
    }

    /**
     * A frame header (§7.1): Type, then Length; the payload is the caller's to write next.
     *
     * @throws IllegalArgumentException for an HTTP/2-only type, or a type or length out of the
     *     variable-length integer range
     */
    public static int header(long type, long payloadLength, byte[] dst, int off) {
        if (FrameType.isHttp2Only(type)) {
            throw new IllegalArgumentException("§7.2.8: HTTP/2 frame types must not be sent: " + FrameType.name(type));
        }
        Objects.checkFromIndexSize(off, headerLength(type, payloadLength), dst.length);
        return VarInt.write(payloadLength, dst, VarInt.write(type, dst, off));
    }

    /** The header of a DATA frame (§7.2.1) carrying {@code payloadLength} bytes of content. */
    public static int dataHeader(long payloadLength, byte[] dst, int off) {
        return header(FrameType.DATA, payloadLength, dst, off);
    }

    /** The header of a HEADERS frame (§7.2.2) carrying an encoded field section of that length. */
    public static int headersHeader(long payloadLength, byte[] dst, int off) {
        return header(FrameType.HEADERS, payloadLength, dst, off);
    }

    /** The size of {@link #settings}' output. */
    public static int settingsLength(Http3Settings settings, boolean grease) {
        int payload = settings.encodedLength(grease);
        return headerLength(FrameType.SETTINGS, payload) + payload;
    }

    /**
     * A whole SETTINGS frame (§7.2.4), the first frame of our control stream.
     *
     * @param grease add one reserved setting (§7.2.4.1); see {@link Http3Settings#encode}
     */
    public static int settings(Http3Settings settings, boolean grease, byte[] dst, int off) {
        Objects.checkFromIndexSize(off, settingsLength(settings, grease), dst.length);
        int payload = settings.encodedLength(grease);
        return settings.encode(dst, header(FrameType.SETTINGS, payload, dst, off), grease);
    }

    /**
     * A GOAWAY frame (§7.2.6, §5.2). From a server, {@code id} is a client-initiated
     * bidirectional stream ID (a multiple of 4): requests on it and above were not processed.
     */
    public static int goAway(long id, byte[] dst, int off) {
        return idFrame(FrameType.GOAWAY, id, dst, off);
    }

    /** A MAX_PUSH_ID frame (§7.2.7); only a client sends one. */
    public static int maxPushId(long pushId, byte[] dst, int off) {
        return idFrame(FrameType.MAX_PUSH_ID, pushId, dst, off);
    }

    /** A CANCEL_PUSH frame (§7.2.3). */
    public static int cancelPush(long pushId, byte[] dst, int off) {
        return idFrame(FrameType.CANCEL_PUSH, pushId, dst, off);
    }

    /** The stream type that opens a unidirectional stream (§6.2), e.g. {@link StreamType#CONTROL}. */
    public static int streamType(long type, byte[] dst, int off) {
        return VarInt.write(type, dst, off);
    }

    public static void header(long type, long payloadLength, FrameBuffer out) {
        int at = out.reserve(MAX_HEADER_LENGTH); // before array(): reserving may replace the array
        out.setLength(header(type, payloadLength, out.array(), at));
    }

    public static void dataHeader(long payloadLength, FrameBuffer out) {
        header(FrameType.DATA, payloadLength, out);
    }

    public static void headersHeader(long payloadLength, FrameBuffer out) {
        header(FrameType.HEADERS, payloadLength, out);
    }

    public static void settings(Http3Settings settings, boolean grease, FrameBuffer out) {
        int at = out.reserve(settingsLength(settings, grease));
        out.setLength(settings(settings, grease, out.array(), at));
    }

    public static void goAway(long id, FrameBuffer out) {
        int at = out.reserve(MAX_HEADER_LENGTH + VarInt.MAX_LENGTH);
        out.setLength(goAway(id, out.array(), at));
    }

    public static void maxPushId(long pushId, FrameBuffer out) {
        int at = out.reserve(MAX_HEADER_LENGTH + VarInt.MAX_LENGTH);
        out.setLength(maxPushId(pushId, out.array(), at));
    }

    public static void cancelPush(long pushId, FrameBuffer out) {
        int at = out.reserve(MAX_HEADER_LENGTH + VarInt.MAX_LENGTH);
        out.setLength(cancelPush(pushId, out.array(), at));
    }

    public static void streamType(long type, FrameBuffer out) {
        int at = out.reserve(VarInt.MAX_LENGTH);
        out.setLength(streamType(type, out.array(), at));
    }

    private static int idFrame(long type, long id, byte[] dst, int off) {
        int n = VarInt.length(id);
        Objects.checkFromIndexSize(off, headerLength(type, n) + n, dst.length);
        return VarInt.write(id, dst, header(type, n, dst, off));
    }
}
