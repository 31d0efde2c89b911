package dev.peregrine.http2.frame;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;

/**
 * Writes HTTP/2 frames (RFC 9113 §4.1, §6) at the position of a caller-provided
 * {@link ByteBuffer}, advancing it; no I/O, no allocation.
 *
 * <h2>Sizing the buffer</h2>
 *
 * Every method first checks that the whole frame (or, for {@link #headers}, the whole frame
 * sequence) fits in {@code target().remaining()} and otherwise throws
 * {@link BufferOverflowException} having written nothing, so the caller can flush and retry.
 * Frame sizes are the 9-octet header plus the payload:
 *
 * <table>
 *   <caption>Octets written</caption>
 *   <tr><th>frame</th><th>octets</th></tr>
 *   <tr><td>DATA</td><td>9 + len</td></tr>
 *   <tr><td>HEADERS + CONTINUATION</td><td>{@link #headersSize(int, int)}</td></tr>
 *   <tr><td>SETTINGS</td><td>9 + 6 &times; {@link Http2Settings#countSet()}</td></tr>
 *   <tr><td>SETTINGS ACK</td><td>9</td></tr>
 *   <tr><td>PING</td><td>17</td></tr>
 *   <tr><td>GOAWAY</td><td>17 + debug length</td></tr>
 *   <tr><td>RST_STREAM, WINDOW_UPDATE</td><td>13</td></tr>
 * </table>
 *
 * <p>A buffer of {@code 9 + peer MAX_FRAME_SIZE} octets holds any single frame. The writer does
 * not split DATA (that is the flow-control scheduler's job, which knows the windows and the peer's
 * MAX_FRAME_SIZE), nor does it check DATA against the peer's maximum. To send a DATA payload
 * without copying it, write only its header with {@link #frameHeader} and gather-write the
 * payload from where it is.
 *
 * <p>A field block written with {@link #headers} (or {@link #headersFrame} plus
 * {@link #continuation}) must reach the wire with no other frame in between (§4.3), so a
 * connection writing them piecewise must not interleave another stream's frames.
 *
 * <p>Not thread-safe; one per connection, pointed at the current output buffer.
 */
public final class FrameWriter {

    private static final int HEADER = FrameType.HEADER_LENGTH;

    private ByteBuffer target;

    /** @param target where frames go; may be swapped with {@link #target(ByteBuffer)} */
    public FrameWriter(ByteBuffer target) {
        this.target = target;
    }

    public ByteBuffer target() {
        return target;
    }

    /** Points the writer at another buffer, e.g. after handing the full one to the transport. */
    public FrameWriter target(ByteBuffer target) {
        this.target = target;
        return this;
    }

    /**
     * Octets {@link #headers} writes for a block of {@code blockLength} octets split at
     * {@code maxFrameSize}: one 9-octet header per frame plus the block.
     */
    public static int headersSize(int blockLength, int maxFrameSize) {
        int frames = blockLength == 0 ? 1 : (blockLength + maxFrameSize - 1) / maxFrameSize;
        return frames * HEADER + blockLength;
    }

    /**
     * The 9-octet frame header alone (§4.1), the reserved bit cleared: the primitive under every
     * other method, and the way to send a payload kept elsewhere.
     */
    public void frameHeader(int length, int type, int flags, int streamId) {
        requireLength(length);
        if (streamId < 0) {
            throw new IllegalArgumentException("stream id must be 0..2^31-1: " + streamId);
        }
        ensure(HEADER);
        putHeader(length, type, flags, streamId);
    }

    /** A DATA frame (§6.1), unpadded. */
    public void data(int streamId, byte[] src, int off, int len, boolean endStream) {
        requireStream(streamId);
        requireLength(len);
        ensure(HEADER + len);
        putHeader(len, FrameType.DATA, endStream ? FrameFlags.END_STREAM : 0, streamId);
        target.put(src, off, len);
    }

    /**
     * A whole field block (§4.3): one HEADERS frame, followed by as many CONTINUATION frames as
     * needed when the block exceeds {@code maxFrameSize} (§6.10). END_STREAM goes on the HEADERS
     * frame (it applies to the block, §6.2), END_HEADERS on the last frame.
     *
     * @param maxFrameSize the peer's SETTINGS_MAX_FRAME_SIZE
     * @throws BufferOverflowException if {@link #headersSize} octets do not fit; nothing written
     */
    public void headers(int streamId, byte[] block, int off, int len, boolean endStream, int maxFrameSize) {
        requireStream(streamId);
        if (maxFrameSize < Http2Settings.MIN_MAX_FRAME_SIZE || maxFrameSize > Http2Settings.MAX_MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("maxFrameSize must be 16384..16777215: " + maxFrameSize);
        }
        ensure(headersSize(len, maxFrameSize));
        int first = Math.min(len, maxFrameSize);
        int flags = (endStream ? FrameFlags.END_STREAM : 0) | (first == len ? FrameFlags.END_HEADERS : 0);
        putHeader(first, FrameType.HEADERS, flags, streamId);
        target.put(block, off, first);
        for (int done = first; done < len; ) {
            int n = Math.min(len - done, maxFrameSize);
            putHeader(n, FrameType.CONTINUATION, done + n == len ? FrameFlags.END_HEADERS : 0, streamId);
            target.put(block, off + done, n);
            done += n;
        }
    }

    /**
     * One HEADERS frame carrying {@code len} octets of a field block (§6.2), for a caller that
     * splits the block itself; without {@code endHeaders}, {@link #continuation} frames must
     * follow directly.
     */
    public void headersFrame(int streamId, byte[] fragment, int off, int len, boolean endStream, boolean endHeaders) {
        requireStream(streamId);
        requireLength(len);
        ensure(HEADER + len);
        int flags = (endStream ? FrameFlags.END_STREAM : 0) | (endHeaders ? FrameFlags.END_HEADERS : 0);
        putHeader(len, FrameType.HEADERS, flags, streamId);
        target.put(fragment, off, len);
    }

    /** One CONTINUATION frame (§6.10). */
    public void continuation(int streamId, byte[] fragment, int off, int len, boolean endHeaders) {
        requireStream(streamId);
        requireLength(len);
        ensure(HEADER + len);
        putHeader(len, FrameType.CONTINUATION, endHeaders ? FrameFlags.END_HEADERS : 0, streamId);
        target.put(fragment, off, len);
    }

    /**
     * A SETTINGS frame (§6.5) with the parameters set in {@code settings}, in identifier order;
     * parameters left at their defaults are not written (their value is already known).
     */
    public void settings(Http2Settings settings) {
        int n = settings.countSet();
        ensure(HEADER + 6 * n);
        putHeader(6 * n, FrameType.SETTINGS, 0, 0);
        for (int id = Http2Settings.HEADER_TABLE_SIZE; id <= Http2Settings.ENABLE_CONNECT_PROTOCOL; id++) {
            if (settings.isSet(id)) {
                put16(id);
                put32((int) settings.get(id));
            }
        }
    }

    /** An empty SETTINGS frame with ACK (§6.5.3). */
    public void settingsAck() {
        ensure(HEADER);
        putHeader(0, FrameType.SETTINGS, FrameFlags.ACK, 0);
    }

    /** A PING frame (§6.7); answer a PING with the same payload and {@code ack}. */
    public void ping(long payload, boolean ack) {
        ensure(HEADER + 8);
        putHeader(8, FrameType.PING, ack ? FrameFlags.ACK : 0, 0);
        put32((int) (payload >>> 32));
        put32((int) payload);
    }

    /** A GOAWAY frame (§6.8) without debug data. */
    public void goAway(int lastStreamId, Http2ErrorCode error) {
        goAway(lastStreamId, error, null);
    }

    /**
     * A GOAWAY frame (§6.8).
     *
     * @param lastStreamId the highest peer-initiated stream that was or may be processed
     * @param debug opaque diagnostic octets, or null; never anything secret (§6.8)
     */
    public void goAway(int lastStreamId, Http2ErrorCode error, byte[] debug) {
        if (lastStreamId < 0) {
            throw new IllegalArgumentException("last stream id must be 0..2^31-1: " + lastStreamId);
        }
        int debugLength = debug == null ? 0 : debug.length;
        requireLength(8 + debugLength);
        ensure(HEADER + 8 + debugLength);
        putHeader(8 + debugLength, FrameType.GOAWAY, 0, 0);
        put32(lastStreamId);
        put32(error.code());
        if (debugLength > 0) {
            target.put(debug);
        }
    }

    /** A RST_STREAM frame (§6.4). */
    public void rstStream(int streamId, Http2ErrorCode error) {
        requireStream(streamId);
        ensure(HEADER + 4);
        putHeader(4, FrameType.RST_STREAM, 0, streamId);
        put32(error.code());
    }

    /**
     * A WINDOW_UPDATE frame (§6.9); stream 0 for the connection window.
     *
     * @param increment 1..2^31-1 (§6.9: 0 is an error at the receiver)
     */
    public void windowUpdate(int streamId, int increment) {
        if (streamId < 0) {
            throw new IllegalArgumentException("stream id must be 0..2^31-1: " + streamId);
        }
        if (increment <= 0) {
            throw new IllegalArgumentException("window increment must be 1..2^31-1: " + increment);
        }
        ensure(HEADER + 4);
        putHeader(4, FrameType.WINDOW_UPDATE, 0, streamId);
        put32(increment);
    }

    private void ensure(int size) {
        if (target.remaining() < size) {
            throw new BufferOverflowException();
        }
    }

    private void putHeader(int length, int type, int flags, int streamId) {
        ByteBuffer t = target;
        t.put((byte) (length >>> 16));
        t.put((byte) (length >>> 8));
        t.put((byte) length);
        t.put((byte) type);
        t.put((byte) flags);
        put32(streamId & FrameType.STREAM_ID_MASK);
    }

    // Byte by byte rather than putInt: the result must not depend on the buffer's ByteOrder.
    private void put16(int v) {
        target.put((byte) (v >>> 8));
        target.put((byte) v);
    }

    private void put32(int v) {
        ByteBuffer t = target;
        t.put((byte) (v >>> 24));
        t.put((byte) (v >>> 16));
        t.put((byte) (v >>> 8));
        t.put((byte) v);
    }

    private static void requireLength(int length) {
        if (length < 0 || length > FrameType.MAX_LENGTH) {
            throw new IllegalArgumentException("frame payload length must be 0..2^24-1: " + length);
        }
    }

    private static void requireStream(int streamId) {
        if (streamId <= 0) {
            throw new IllegalArgumentException("this frame needs a stream id 1..2^31-1: " + streamId);
        }
    }
}
