package dev.peregrine.http3.frame;

import static dev.peregrine.http3.frame.Http3ErrorCode.H3_EXCESSIVE_LOAD;
import static dev.peregrine.http3.frame.Http3ErrorCode.H3_FRAME_ERROR;

import java.io.IOException;
import java.util.Objects;

/**
 * A pull parser for the frames of one HTTP/3 stream (RFC 9114 §7.1) read from a
 * {@link ByteSource}.
 *
 * <pre>{@code
 * FrameInput in = new FrameInput(source);
 * long streamType = in.streamType();          // unidirectional streams only (§6.2)
 * while (in.nextFrame()) {
 *     switch (rules.onFrame(in.type())) {
 *         case HEADERS -> decode(in.payload(maxFieldSection));
 *         case DATA -> { int n; while ((n = in.readPayload(buf, 0, buf.length)) > 0) consume(buf, n); }
 *         case SKIP -> in.skipPayload();
 *     }
 * }
 * rules.onEnd();                                // the FIN came between two frames
 * }</pre>
 *
 * <h2>Memory</h2>
 *
 * One buffer, allocated once ({@value #DEFAULT_BUFFER_SIZE} bytes by default) and reused for every
 * frame. DATA payloads stream through {@link #readPayload} (straight into the caller's array once
 * the buffer is drained and the caller asks for at least a buffer's worth), and unknown frames are
 * skipped through the buffer, so neither is ever held whole however long the peer declares it.
 * Only {@link #payload(int)} materialises a payload, within a bound the caller sets: frame lengths
 * are 62-bit and chosen by the peer, so a server must cap control frames and HEADERS, and answers
 * a longer one with H3_EXCESSIVE_LOAD (§10.5) before reading any of it.
 *
 * <h2>Errors</h2>
 *
 * A FIN inside a frame header or payload is a connection error H3_FRAME_ERROR (§7.1), thrown by
 * whichever call runs into it; a FIN between frames is a clean end ({@link #nextFrame} returns
 * false). A reset is whatever the {@link ByteSource} throws.
 *
 * <p>Not thread-safe; one per stream.
 */
public final class FrameInput {

    public static final int DEFAULT_BUFFER_SIZE = 16 * 1024;

    private final ByteSource source;
    private final byte[] buf;
    private int pos;
    private int lim;
    private boolean eof;
    private boolean started;
    private boolean inFrame;
    private long type;
    private long length;
    private long remaining;

    public FrameInput(ByteSource source) {
        this(source, DEFAULT_BUFFER_SIZE);
    }

    /** @param bufferSize at least {@link FrameWriter#MAX_HEADER_LENGTH}, so any header fits */
    public FrameInput(ByteSource source, int bufferSize) {
        this.source = Objects.requireNonNull(source, "source");
        if (bufferSize < FrameWriter.MAX_HEADER_LENGTH) {
            throw new IllegalArgumentException("buffer must hold a frame header (16 bytes): " + bufferSize);
        }
        this.buf = new byte[bufferSize];
    }

    /**
     * Reads the stream type that opens a unidirectional stream (§6.2). Call it once, before the
     * first {@link #nextFrame}, and only on unidirectional streams.
     *
     * @return the type, or -1 if the stream ended before the whole type arrived, which §6.2 says
     *     a receiver "MUST tolerate": not an error, just a stream to forget
     */
    public long streamType() throws IOException {
        if (started) {
            throw new IllegalStateException("the stream type precedes all frames");
        }
        started = true;
        if (!fill(1)) {
            return -1;
        }
        int n = VarInt.encodedLength(buf[pos]);
        if (!fill(n)) {
            return -1;
        }
        long v = VarInt.read(buf, pos, n);
        pos += n;
        return v;
    }

    /**
     * Reads the next frame header; any payload of the previous frame not yet read is skipped.
     *
     * @return false if the stream ended cleanly between frames
     * @throws Http3ConnectionException H3_FRAME_ERROR if it ended inside the header or inside the
     *     skipped payload (§7.1)
     */
    public boolean nextFrame() throws IOException {
        started = true;
        if (inFrame) {
            skipPayload();
            inFrame = false;
        }
        if (!fill(1)) {
            return false;
        }
        long t = headerVarInt();
        if (!fill(1)) {
            throw truncated("a frame header");
        }
        long len = headerVarInt();
        type = t;
        length = len;
        remaining = len;
        inFrame = true;
        return true;
    }

    /** The current frame's type; see {@link FrameType}. */
    public long type() {
        requireFrame();
        return type;
    }

    /** The current frame's payload length, as the peer declared it. */
    public long length() {
        requireFrame();
        return length;
    }

    /** Payload bytes of the current frame not yet read or skipped. */
    public long remaining() {
        requireFrame();
        return remaining;
    }

    /**
     * Reads some of the current frame's payload, blocking until at least one byte is available;
     * never reads past the frame's end into {@code b}.
     *
     * @return bytes read, 0 only if {@code len} is 0, or -1 once the whole payload has been read
     * @throws Http3ConnectionException H3_FRAME_ERROR if the stream ends first (§7.1)
     */
    public int readPayload(byte[] b, int off, int len) throws IOException {
        requireFrame();
        Objects.checkFromIndexSize(off, len, b.length);
        if (remaining == 0) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        int want = (int) Math.min(len, remaining);
        int n;
        if (pos < lim) {
            n = Math.min(want, lim - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
        } else if (want >= buf.length && !eof) {
            // Buffer empty and a big read: straight into the caller's array, no copy.
            do {
                n = source.read(b, off, want);
            } while (n == 0);
            if (n < 0) {
                eof = true;
                throw truncated("a frame payload");
            }
        } else {
            if (!fill(1)) {
                throw truncated("a frame payload");
            }
            n = Math.min(want, lim - pos);
            System.arraycopy(buf, pos, b, off, n);
            pos += n;
        }
        remaining -= n;
        return n;
    }

    /**
     * Reads the rest of the current frame's payload into a new array: for HEADERS and the
     * control frames, whose payload must be whole before it means anything. Not for DATA, which
     * {@link #readPayload} streams.
     *
     * @param max the largest payload accepted: the server's bound on field sections for HEADERS,
     *     a small one (a few KiB) for SETTINGS and other control frames
     * @throws Http3ConnectionException H3_EXCESSIVE_LOAD if more than {@code max} bytes remain,
     *     before reading any (§10.5); H3_FRAME_ERROR if the stream ends first (§7.1)
     * @throws IllegalStateException for a DATA frame
     */
    public byte[] payload(int max) throws IOException {
        requireFrame();
        if (type == FrameType.DATA) {
            throw new IllegalStateException("stream DATA with readPayload; payload(max) would buffer it whole");
        }
        if (remaining > max) {
            throw new Http3ConnectionException(H3_EXCESSIVE_LOAD,
                    "§10.5: " + FrameType.name(type) + " payload longer than this endpoint accepts");
        }
        byte[] p = new byte[(int) remaining];
        for (int got = 0; got < p.length; ) {
            got += readPayload(p, got, p.length - got);
        }
        return p;
    }

    /** {@link #payload(int)} parsed as SETTINGS (§7.2.4); see {@link Http3Settings#parse}. */
    public Http3Settings settingsPayload(int max) throws IOException {
        byte[] p = payload(max);
        return Http3Settings.parse(p, 0, p.length);
    }

    /**
     * Discards the rest of the current frame's payload, a buffer at a time: for unknown and
     * reserved frames (§9, §7.2.8), whatever length they declare.
     *
     * @throws Http3ConnectionException H3_FRAME_ERROR if the stream ends first (§7.1)
     */
    public void skipPayload() throws IOException {
        requireFrame();
        while (remaining > 0) {
            if (pos == lim && !fill(1)) {
                throw truncated("a frame payload");
            }
            int n = (int) Math.min(remaining, lim - pos);
            pos += n;
            remaining -= n;
        }
    }

    /**
     * Reads the payload of GOAWAY (§7.2.6), MAX_PUSH_ID (§7.2.7) or CANCEL_PUSH (§7.2.3), which
     * is exactly one variable-length integer.
     *
     * @throws Http3ConnectionException H3_FRAME_ERROR if the payload is empty, longer or shorter
     *     than the integer it starts with (§7.1), or cut short by the end of the stream
     */
    public long idPayload() throws IOException {
        requireFrame();
        if (remaining < 1 || remaining > VarInt.MAX_LENGTH) {
            throw notOneVarInt(type);
        }
        int n = (int) remaining;
        if (!fill(n)) {
            throw truncated("a frame payload");
        }
        long id = parseId(type, buf, pos, n);
        pos += n;
        remaining = 0;
        return id;
    }

    /**
     * {@link #idPayload()} for a payload already in an array.
     *
     * @param type the frame type, for the message only
     */
    public static long parseId(long type, byte[] payload, int off, int len) throws Http3ConnectionException {
        Objects.checkFromIndexSize(off, len, payload.length);
        if (len < 1 || VarInt.encodedLength(payload[off]) != len) {
            throw notOneVarInt(type);
        }
        return VarInt.read(payload, off, len);
    }

    /** Reads a type or length varint of a header whose first byte is buffered. */
    private long headerVarInt() throws IOException {
        int n = VarInt.encodedLength(buf[pos]);
        if (!fill(n)) {
            throw truncated("a frame header");
        }
        long v = VarInt.read(buf, pos, n);
        pos += n;
        return v;
    }

    /** Makes {@code n <= buf.length} bytes available at {@code pos}; false if the stream ends first. */
    private boolean fill(int n) throws IOException {
        while (lim - pos < n) {
            if (eof) {
                return false;
            }
            if (pos == lim) {
                pos = 0;
                lim = 0;
            } else if (buf.length - pos < n) {
                System.arraycopy(buf, pos, buf, 0, lim - pos);
                lim -= pos;
                pos = 0;
            }
            int r = source.read(buf, lim, buf.length - lim);
            if (r < 0) {
                eof = true;
                return false;
            }
            lim += r;
        }
        return true;
    }

    private void requireFrame() {
        if (!inFrame) {
            throw new IllegalStateException("no current frame: call nextFrame() first");
        }
    }

    private static Http3ConnectionException truncated(String where) {
        return new Http3ConnectionException(H3_FRAME_ERROR, "§7.1: the stream ended inside " + where);
    }

    private static Http3ConnectionException notOneVarInt(long type) {
        return new Http3ConnectionException(H3_FRAME_ERROR,
                "§7.1: " + FrameType.name(type) + " payload is not exactly one variable-length integer");
    }
}
