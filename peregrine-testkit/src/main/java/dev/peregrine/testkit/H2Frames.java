package dev.peregrine.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Builds and parses raw HTTP/2 frames for protocol tests (RFC 9113 §4.1, §6), byte by byte and
 * independently of {@link FrameWriter} and {@link FrameReader}, so a test of those never checks
 * the code against itself. Header blocks are opaque bytes: HPACK is the caller's business.
 *
 * <pre>{@code
 * byte[] in = H2Frames.concat(
 *         H2Frames.preface(),
 *         H2Frames.settings(Http2Settings.INITIAL_WINDOW_SIZE, 1 << 20),
 *         H2Frames.headers(1, block, Flag.END_HEADERS),
 *         H2Frames.data(1, body, true));
 * List<H2Frames.Frame> out = H2Frames.parse(bytesTheServerWrote);
 * }</pre>
 *
 * Every builder writes exactly what it is told, so malformed frames (wrong lengths, stream 0,
 * stray flags) are one {@link #raw} call away.
 */
public final class H2Frames {

    /** Flags for {@link #headers(int, byte[], Flag...)}. */
    public enum Flag {
        END_STREAM,
        END_HEADERS,
        /** Pad Length 4 and four zero octets of padding. */
        PADDED,
        /** Priority fields: not exclusive, depends on stream 0, weight 16. */
        PRIORITY
    }

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

    public static final int END_STREAM = 0x1;
    public static final int ACK = 0x1;
    public static final int END_HEADERS = 0x4;
    public static final int PADDED = 0x8;
    public static final int PRIORITY_FLAG = 0x20;

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private H2Frames() {}

    /** The 24-octet client connection preface (§3.4). */
    public static byte[] preface() {
        return PREFACE.clone();
    }

    /** Any frame, exactly as given: the tool for malformed frames. The length is the payload's. */
    public static byte[] raw(int type, int flags, int streamId, byte[] payload) {
        return raw(payload.length, type, flags, streamId, payload);
    }

    /** A frame whose Length field says {@code length} whatever the payload is (for lying frames). */
    public static byte[] raw(int length, int type, int flags, int streamId, byte[] payload) {
        byte[] f = new byte[9 + payload.length];
        f[0] = (byte) (length >>> 16);
        f[1] = (byte) (length >>> 8);
        f[2] = (byte) length;
        f[3] = (byte) type;
        f[4] = (byte) flags;
        putInt(f, 5, streamId);
        System.arraycopy(payload, 0, f, 9, payload.length);
        return f;
    }

    /** SETTINGS with (identifier, value) pairs; values are written as unsigned 32-bit. */
    public static byte[] settings(long... idValuePairs) {
        if (idValuePairs.length % 2 != 0) {
            throw new IllegalArgumentException("settings take (id, value) pairs");
        }
        byte[] p = new byte[idValuePairs.length * 3];
        for (int i = 0, o = 0; i < idValuePairs.length; i += 2, o += 6) {
            p[o] = (byte) (idValuePairs[i] >>> 8);
            p[o + 1] = (byte) idValuePairs[i];
            putInt(p, o + 2, (int) idValuePairs[i + 1]);
        }
        return raw(SETTINGS, 0, 0, p);
    }

    public static byte[] settingsAck() {
        return raw(SETTINGS, ACK, 0, new byte[0]);
    }

    /** HEADERS with flags given as {@link Flag}s. */
    public static byte[] headers(int streamId, byte[] block, Flag... flags) {
        Headers h = headersFrame(streamId, block);
        for (Flag f : flags) {
            switch (f) {
                case END_STREAM -> h.endStream();
                case END_HEADERS -> h.endHeaders();
                case PADDED -> h.padding(4);
                case PRIORITY -> h.priority(0, 16, false);
            }
        }
        return h.build();
    }

    /** A fluent HEADERS builder, for explicit padding and priority fields. */
    public static Headers headersFrame(int streamId, byte[] block) {
        return new Headers(streamId, block);
    }

    public static byte[] continuation(int streamId, byte[] fragment, boolean endHeaders) {
        return raw(CONTINUATION, endHeaders ? END_HEADERS : 0, streamId, fragment);
    }

    public static byte[] data(int streamId, byte[] data, boolean endStream) {
        return raw(DATA, endStream ? END_STREAM : 0, streamId, data);
    }

    /** DATA with PADDED set, Pad Length {@code padding} and that many zero octets. */
    public static byte[] data(int streamId, byte[] data, boolean endStream, int padding) {
        byte[] p = new byte[1 + data.length + padding];
        p[0] = (byte) padding;
        System.arraycopy(data, 0, p, 1, data.length);
        return raw(DATA, PADDED | (endStream ? END_STREAM : 0), streamId, p);
    }

    public static byte[] ping(long payload, boolean ack) {
        byte[] p = new byte[8];
        putInt(p, 0, (int) (payload >>> 32));
        putInt(p, 4, (int) payload);
        return raw(PING, ack ? ACK : 0, 0, p);
    }

    public static byte[] goAway(int lastStreamId, int errorCode) {
        return goAway(lastStreamId, errorCode, new byte[0]);
    }

    public static byte[] goAway(int lastStreamId, int errorCode, byte[] debug) {
        byte[] p = new byte[8 + debug.length];
        putInt(p, 0, lastStreamId);
        putInt(p, 4, errorCode);
        System.arraycopy(debug, 0, p, 8, debug.length);
        return raw(GOAWAY, 0, 0, p);
    }

    public static byte[] rstStream(int streamId, int errorCode) {
        byte[] p = new byte[4];
        putInt(p, 0, errorCode);
        return raw(RST_STREAM, 0, streamId, p);
    }

    public static byte[] windowUpdate(int streamId, int increment) {
        byte[] p = new byte[4];
        putInt(p, 0, increment);
        return raw(WINDOW_UPDATE, 0, streamId, p);
    }

    /** PRIORITY (§6.3); {@code weight} 1..256 as in RFC 7540, written as weight - 1. */
    public static byte[] priority(int streamId, int dependency, int weight, boolean exclusive) {
        byte[] p = new byte[5];
        putInt(p, 0, dependency | (exclusive ? 0x8000_0000 : 0));
        p[4] = (byte) (weight - 1);
        return raw(PRIORITY, 0, streamId, p);
    }

    public static byte[] pushPromise(int streamId, int promisedStreamId, byte[] block, boolean endHeaders) {
        byte[] p = new byte[4 + block.length];
        putInt(p, 0, promisedStreamId);
        System.arraycopy(block, 0, p, 4, block.length);
        return raw(PUSH_PROMISE, endHeaders ? END_HEADERS : 0, streamId, p);
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /**
     * Splits {@code bytes} into frames, for asserting on what a server wrote.
     *
     * @throws IllegalArgumentException if the bytes end inside a frame
     */
    public static List<Frame> parse(byte[] bytes) {
        List<Frame> frames = new ArrayList<>();
        int p = 0;
        while (p < bytes.length) {
            if (bytes.length - p < 9) {
                throw new IllegalArgumentException("truncated frame header at offset " + p);
            }
            int length = (bytes[p] & 0xff) << 16 | (bytes[p + 1] & 0xff) << 8 | (bytes[p + 2] & 0xff);
            if (bytes.length - p - 9 < length) {
                throw new IllegalArgumentException("truncated frame payload at offset " + p);
            }
            frames.add(new Frame(bytes[p + 3] & 0xff, bytes[p + 4] & 0xff, getInt(bytes, p + 5) & 0x7fff_ffff,
                    Arrays.copyOfRange(bytes, p + 9, p + 9 + length)));
            p += 9 + length;
        }
        return frames;
    }

    /** One parsed frame; the stream id has its reserved bit cleared. Equality compares payloads. */
    public record Frame(int type, int flags, int streamId, byte[] payload) {

        public boolean has(int flag) {
            return (flags & flag) == flag;
        }

        /** The big-endian 32-bit value at {@code offset} of the payload. */
        public int intAt(int offset) {
            return getInt(payload, offset);
        }

        /** RST_STREAM's or GOAWAY's error code. */
        public int errorCode() {
            return switch (type) {
                case RST_STREAM -> intAt(0);
                case GOAWAY -> intAt(4);
                default -> throw new IllegalStateException("no error code in a " + name(type) + " frame");
            };
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Frame f && f.type == type && f.flags == flags && f.streamId == streamId
                    && Arrays.equals(f.payload, payload);
        }

        @Override
        public int hashCode() {
            return ((type * 31 + flags) * 31 + streamId) * 31 + Arrays.hashCode(payload);
        }

        @Override
        public String toString() {
            return name(type) + "[flags=0x" + Integer.toHexString(flags) + ", stream=" + streamId
                    + ", payload=" + HexFormat.of().formatHex(payload) + "]";
        }
    }

    /** Fluent HEADERS builder; see {@link #headersFrame}. */
    public static final class Headers {
        private final int streamId;
        private final byte[] block;
        private int flags;
        private int padding = -1;
        private int dependency;
        private int weight;
        private boolean exclusive;

        private Headers(int streamId, byte[] block) {
            this.streamId = streamId;
            this.block = block;
        }

        public Headers endStream() {
            flags |= END_STREAM;
            return this;
        }

        public Headers endHeaders() {
            flags |= END_HEADERS;
            return this;
        }

        /** PADDED with {@code n} zero octets of padding (Pad Length {@code n}). */
        public Headers padding(int n) {
            flags |= PADDED;
            padding = n;
            return this;
        }

        /** PRIORITY with the given fields; {@code weight} 1..256. */
        public Headers priority(int dependency, int weight, boolean exclusive) {
            flags |= PRIORITY_FLAG;
            this.dependency = dependency;
            this.weight = weight;
            this.exclusive = exclusive;
            return this;
        }

        public byte[] build() {
            ByteArrayOutputStream p = new ByteArrayOutputStream();
            if (padding >= 0) {
                p.write(padding);
            }
            if ((flags & PRIORITY_FLAG) != 0) {
                byte[] dep = new byte[5];
                putInt(dep, 0, dependency | (exclusive ? 0x8000_0000 : 0));
                dep[4] = (byte) (weight - 1);
                p.writeBytes(dep);
            }
            p.writeBytes(block);
            if (padding > 0) {
                p.writeBytes(new byte[padding]);
            }
            return raw(HEADERS, flags, streamId, p.toByteArray());
        }
    }

    public static String name(int type) {
        return switch (type) {
            case DATA -> "DATA";
            case HEADERS -> "HEADERS";
            case PRIORITY -> "PRIORITY";
            case RST_STREAM -> "RST_STREAM";
            case SETTINGS -> "SETTINGS";
            case PUSH_PROMISE -> "PUSH_PROMISE";
            case PING -> "PING";
            case GOAWAY -> "GOAWAY";
            case WINDOW_UPDATE -> "WINDOW_UPDATE";
            case CONTINUATION -> "CONTINUATION";
            default -> "UNKNOWN(0x" + Integer.toHexString(type) + ")";
        };
    }

    private static void putInt(byte[] a, int i, int v) {
        a[i] = (byte) (v >>> 24);
        a[i + 1] = (byte) (v >>> 16);
        a[i + 2] = (byte) (v >>> 8);
        a[i + 3] = (byte) v;
    }

    private static int getInt(byte[] a, int i) {
        return (a[i] & 0xff) << 24 | (a[i + 1] & 0xff) << 16 | (a[i + 2] & 0xff) << 8 | (a[i + 3] & 0xff);
    }
}
