package dev.peregrine.http2.frame;

import static dev.peregrine.http2.frame.Http2ErrorCode.FRAME_SIZE_ERROR;
import static dev.peregrine.http2.frame.Http2ErrorCode.PROTOCOL_ERROR;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Parses HTTP/2 frames sent to a server (RFC 9113 §4–§6) out of a heap {@link ByteBuffer},
 * without doing any I/O: the caller reads from the socket, this turns bytes into
 * {@link FrameListener} calls.
 *
 * <h2>Use</h2>
 *
 * <pre>{@code
 * ByteBuffer in = ByteBuffer.allocate(FrameReader.bufferSizeFor(ourMaxFrameSize));
 * // fill `in` from the socket, then:
 * in.flip();
 * if (!prefaceDone) {
 *     prefaceDone = reader.readPreface(in);     // false: need more bytes
 * }
 * if (prefaceDone) {
 *     while (true) {
 *         try {
 *             reader.read(in, listener);        // every complete frame
 *             break;
 *         } catch (Http2StreamException e) {    // that frame is consumed: reset, go on
 *             writer.rstStream(e.streamId(), e.error());
 *         }
 *     }                                         // Http2ConnectionException: GOAWAY, close
 * }
 * in.compact();                                 // keep the partial frame, refill after it
 * }</pre>
 *
 * <h2>Buffer and partial frames</h2>
 *
 * {@link #read} consumes every complete frame from {@code position} to {@code limit} and leaves
 * {@code position} at the start of a trailing partial frame (header or payload), which it parses
 * on a later call once the caller has compacted and refilled the buffer. A frame is delivered
 * only when whole, so the buffer must hold one frame of the largest size we advertise: at least
 * {@link #bufferSizeFor(int) 9 + maxFrameSize} octets. The length check against that maximum
 * (§4.2) and every other check that needs only the 9-octet header are made as soon as the header
 * is in, so an oversized or misplaced frame fails before its payload is waited for.
 *
 * <h2>Field blocks</h2>
 *
 * The reader enforces §6.10 itself: after HEADERS without END_HEADERS, only CONTINUATION frames
 * on that stream may follow until one carries END_HEADERS; anything else (another stream, any
 * other type, an unknown type, §5.5) is a connection error PROTOCOL_ERROR, as is a CONTINUATION
 * that continues nothing. It does not reassemble or limit the block: fragments go to the listener
 * as they come, and {@link #headerBlockLength()} / {@link #headerBlockFrameCount()} give the size
 * and frame count of the block so far, so the connection can apply its own header-list budget
 * and stop floods of small CONTINUATION frames.
 *
 * <h2>Errors</h2>
 *
 * Each violation is thrown with the kind (connection or stream) and code RFC 9113 names. A
 * {@link Http2StreamException} is thrown with the offending frame consumed and the reader ready
 * to go on. After a {@link Http2ConnectionException}, from the reader or from the listener, the
 * reader is broken and {@code read} throws {@link IllegalStateException}: the connection must
 * send GOAWAY and close.
 *
 * <p>PUSH_PROMISE is a connection error PROTOCOL_ERROR as soon as its header is seen, since a
 * client cannot push (§8.4); {@link FrameListener#onPushPromise} is never called.
 *
 * <p>Parsing allocates nothing per frame: slices of the input array go to the listener, and
 * SETTINGS are parsed into one reused {@link Http2Settings}. Not thread-safe; one per connection.
 */
public final class FrameReader {

    /** The client connection preface, {@code PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n} (§3.4). */
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** Length of the client connection preface. */
    public static final int PREFACE_LENGTH = PREFACE.length;

    private static final int HEADER = FrameType.HEADER_LENGTH;

    private final Http2Settings receivedSettings = new Http2Settings();
    private int maxFrameSize;
    private int prefaceMatched;
    /** The stream whose field block awaits CONTINUATION frames, or 0 if none (§6.10). */
    private int continuationStream;
    private long headerBlockLength;
    private long headerBlockFrames;
    private long framesRead;
    private boolean broken;

    /**
     * @param maxFrameSize the SETTINGS_MAX_FRAME_SIZE we advertise (16384 until our SETTINGS say
     *     otherwise, §4.2): larger frames are a connection error FRAME_SIZE_ERROR
     */
    public FrameReader(int maxFrameSize) {
        setMaxFrameSize(maxFrameSize);
    }

    /**
     * The input buffer capacity that fits any frame up to {@code maxFrameSize}: header plus
     * payload.
     */
    public static int bufferSizeFor(int maxFrameSize) {
        return HEADER + maxFrameSize;
    }

    /**
     * Changes the largest payload accepted. Raise it when sending SETTINGS with a larger
     * MAX_FRAME_SIZE; lower it only once the peer acknowledged the smaller value, since frames
     * sent before the peer saw our SETTINGS may use the old one (§6.5.3).
     */
    public void setMaxFrameSize(int maxFrameSize) {
        if (maxFrameSize < Http2Settings.MIN_MAX_FRAME_SIZE || maxFrameSize > Http2Settings.MAX_MAX_FRAME_SIZE) {
            throw new IllegalArgumentException("MAX_FRAME_SIZE must be 16384..16777215 (§4.2): " + maxFrameSize);
        }
        this.maxFrameSize = maxFrameSize;
    }

    public int maxFrameSize() {
        return maxFrameSize;
    }

    /**
     * Consumes the 24-octet client connection preface (§3.4), possibly split across calls: each
     * call consumes the preface octets available and remembers how far it got.
     *
     * @return true once the whole preface has been read (the frames follow in {@code in}); false
     *     if {@code in} ran out first
     * @throws Http2ConnectionException PROTOCOL_ERROR at the first octet that differs (§3.4);
     *     {@code in} is left at that octet, the ones before it consumed
     */
    public boolean readPreface(ByteBuffer in) throws Http2ConnectionException {
        int pos = in.position();
        int limit = in.limit();
        while (prefaceMatched < PREFACE.length && pos < limit) {
            if (in.get(pos) != PREFACE[prefaceMatched]) {
                in.position(pos);
                broken = true;
                throw new Http2ConnectionException(PROTOCOL_ERROR, "§3.4: invalid client connection preface");
            }
            pos++;
            prefaceMatched++;
        }
        in.position(pos);
        return prefaceMatched == PREFACE.length;
    }

    /** Whether {@link #readPreface} has seen the whole preface. */
    public boolean prefaceReceived() {
        return prefaceMatched == PREFACE.length;
    }

    /** Whether a field block is open, so only CONTINUATION on {@link #continuationStream()} may come. */
    public boolean expectingContinuation() {
        return continuationStream != 0;
    }

    /** The stream whose field block awaits CONTINUATION frames, or 0. */
    public int continuationStream() {
        return continuationStream;
    }

    /**
     * Octets of field block fragment in the current (or last) field block: HEADERS plus the
     * CONTINUATION frames so far, padding and priority fields excluded. Read it inside
     * {@link FrameListener#onHeaders} / {@link FrameListener#onContinuation}, where it includes
     * the fragment being delivered.
     */
    public long headerBlockLength() {
        return headerBlockLength;
    }

    /** Frames (the HEADERS plus its CONTINUATIONs so far) of the current (or last) field block. */
    public long headerBlockFrameCount() {
        return headerBlockFrames;
    }

    /** Complete frames parsed since construction, of every type. */
    public long framesRead() {
        return framesRead;
    }

    /**
     * Parses every complete frame in {@code in} (position..limit) and calls {@code listener} for
     * each; leaves {@code position} at the start of a trailing partial frame, if any.
     *
     * @param in a heap buffer ({@link ByteBuffer#hasArray()})
     * @throws Http2ConnectionException for a connection error; the reader is then unusable
     * @throws Http2StreamException for a stream error; the frame is consumed, call again
     */
    public void read(ByteBuffer in, FrameListener listener) throws Http2Exception {
        if (broken) {
            throw new IllegalStateException("a connection error was already raised; send GOAWAY and close");
        }
        if (!in.hasArray()) {
            throw new IllegalArgumentException("FrameReader needs a heap buffer with an accessible array");
        }
        byte[] a = in.array();
        int base = in.arrayOffset();
        int pos = in.position();
        int limit = in.limit();
        try {
            while (limit - pos >= HEADER) {
                int i = base + pos;
                int length = (a[i] & 0xff) << 16 | (a[i + 1] & 0xff) << 8 | (a[i + 2] & 0xff);
                int type = a[i + 3] & 0xff;
                int flags = a[i + 4] & 0xff;
                int streamId = int32(a, i + 5) & FrameType.STREAM_ID_MASK;
                checkHeader(length, type, flags, streamId);
                if (limit - pos - HEADER < length) {
                    break; // partial payload: wait for the rest
                }
                // Consume before dispatching, so that a stream error leaves `in` after this frame.
                pos += HEADER + length;
                in.position(pos);
                framesRead++;
                dispatch(type, flags, streamId, a, i + HEADER, length, listener);
            }
            in.position(pos);
        } catch (Http2ConnectionException e) {
            broken = true;
            throw e;
        }
    }

    /** The checks that need only the frame header: all are connection errors. */
    private void checkHeader(int length, int type, int flags, int streamId) throws Http2ConnectionException {
        if (length > maxFrameSize) {
            throw connectionError(FRAME_SIZE_ERROR, "§4.2: frame longer than SETTINGS_MAX_FRAME_SIZE");
        }
        if (continuationStream != 0) {
            if (type != FrameType.CONTINUATION) {
                throw connectionError(PROTOCOL_ERROR,
                        "§6.10: a field block is open; only CONTINUATION may follow HEADERS without END_HEADERS");
            }
            if (streamId != continuationStream) {
                throw connectionError(PROTOCOL_ERROR, "§6.10: CONTINUATION on a different stream than its HEADERS");
            }
        }
        switch (type) {
            case FrameType.DATA -> {
                requireStream(streamId, "§6.1: DATA on stream 0");
                if ((flags & FrameFlags.PADDED) != 0 && length < 1) {
                    throw connectionError(FRAME_SIZE_ERROR, "§6.1: PADDED DATA too short for its Pad Length");
                }
            }
            case FrameType.HEADERS -> {
                requireStream(streamId, "§6.2: HEADERS on stream 0");
                int fixed = ((flags & FrameFlags.PADDED) != 0 ? 1 : 0) + ((flags & FrameFlags.PRIORITY) != 0 ? 5 : 0);
                if (length < fixed) {
                    // §4.2: a frame carrying a field block too small for its fields is a connection error.
                    throw connectionError(FRAME_SIZE_ERROR, "§6.2: HEADERS too short for its padding/priority fields");
                }
            }
            case FrameType.PRIORITY -> requireStream(streamId, "§6.3: PRIORITY on stream 0");
            case FrameType.RST_STREAM -> {
                requireStream(streamId, "§6.4: RST_STREAM on stream 0");
                if (length != 4) {
                    throw connectionError(FRAME_SIZE_ERROR, "§6.4: RST_STREAM length other than 4");
                }
            }
            case FrameType.SETTINGS -> {
                requireConnection(streamId, "§6.5: SETTINGS on a stream other than 0");
                if ((flags & FrameFlags.ACK) != 0 && length != 0) {
                    throw connectionError(FRAME_SIZE_ERROR, "§6.5: SETTINGS with ACK and a payload");
                }
                if (length % 6 != 0) {
                    throw connectionError(FRAME_SIZE_ERROR, "§6.5: SETTINGS length not a multiple of 6");
                }
            }
            case FrameType.PUSH_PROMISE ->
                    throw connectionError(PROTOCOL_ERROR,
                            "§8.4: a client cannot push; PUSH_PROMISE received by a server");
            case FrameType.PING -> {
                requireConnection(streamId, "§6.7: PING on a stream other than 0");
                if (length != 8) {
                    throw connectionError(FRAME_SIZE_ERROR, "§6.7: PING length other than 8");
                }
            }
            case FrameType.GOAWAY -> {
                requireConnection(streamId, "§6.8: GOAWAY on a stream other than 0");
                if (length < 8) {
                    throw connectionError(FRAME_SIZE_ERROR, "§6.8: GOAWAY shorter than 8");
                }
            }
            case FrameType.WINDOW_UPDATE -> {
                if (length != 4) {
                    throw connectionError(FRAME_SIZE_ERROR, "§6.9: WINDOW_UPDATE length other than 4");
                }
            }
            case FrameType.CONTINUATION -> {
                requireStream(streamId, "§6.10: CONTINUATION on stream 0");
                if (continuationStream == 0) {
                    throw connectionError(PROTOCOL_ERROR,
                            "§6.10: CONTINUATION not preceded by HEADERS or CONTINUATION without END_HEADERS");
                }
            }
            default -> {
                // Unknown type: no rules (§5.5) beyond the field-block one checked above.
            }
        }
    }

    private void dispatch(int type, int flags, int streamId, byte[] a, int off, int length, FrameListener l)
            throws Http2Exception {
        switch (type) {
            case FrameType.DATA -> readData(flags, streamId, a, off, length, l);
            case FrameType.HEADERS -> readHeaders(flags, streamId, a, off, length, l);
            case FrameType.PRIORITY -> {
                if (length != 5) {
                    throw new Http2StreamException(streamId, FRAME_SIZE_ERROR, "§6.3: PRIORITY length other than 5");
                }
                if ((int32(a, off) & FrameType.STREAM_ID_MASK) == streamId) {
                    throw new Http2StreamException(streamId, PROTOCOL_ERROR,
                            "RFC 7540 §5.3.1: PRIORITY makes a stream depend on itself");
                }
                l.onPriority(streamId);
            }
            case FrameType.RST_STREAM -> l.onRstStream(streamId, int32(a, off));
            case FrameType.SETTINGS -> readSettings(flags, a, off, length, l);
            case FrameType.PING -> l.onPing(int64(a, off), (flags & FrameFlags.ACK) != 0);
            case FrameType.GOAWAY ->
                    l.onGoAway(int32(a, off) & FrameType.STREAM_ID_MASK, int32(a, off + 4), a, off + 8, length - 8);
            case FrameType.WINDOW_UPDATE -> {
                int increment = int32(a, off) & FrameType.STREAM_ID_MASK;
                if (increment == 0) {
                    if (streamId == 0) {
                        throw connectionError(PROTOCOL_ERROR,
                                "§6.9: WINDOW_UPDATE with increment 0 on the connection");
                    }
                    throw new Http2StreamException(streamId, PROTOCOL_ERROR, "§6.9: WINDOW_UPDATE with increment 0");
                }
                l.onWindowUpdate(streamId, increment);
            }
            case FrameType.CONTINUATION -> {
                boolean endHeaders = (flags & FrameFlags.END_HEADERS) != 0;
                headerBlockLength += length;
                headerBlockFrames++;
                if (endHeaders) {
                    continuationStream = 0;
                }
                l.onContinuation(streamId, a, off, length, endHeaders);
            }
            default -> l.onUnknownFrame(type, streamId, length);
        }
    }

    private static void readData(int flags, int streamId, byte[] a, int off, int length, FrameListener l)
            throws Http2Exception {
        int p = off;
        int pad = 0;
        if ((flags & FrameFlags.PADDED) != 0) {
            pad = a[p++] & 0xff;
            if (pad >= length) {
                throw connectionError(PROTOCOL_ERROR, "§6.1: DATA padding as long as the payload or longer");
            }
        }
        l.onData(streamId, a, p, off + length - p - pad, (flags & FrameFlags.END_STREAM) != 0, length);
    }

    private void readHeaders(int flags, int streamId, byte[] a, int off, int length, FrameListener l)
            throws Http2Exception {
        int p = off;
        int end = off + length;
        int pad = 0;
        if ((flags & FrameFlags.PADDED) != 0) {
            pad = a[p++] & 0xff;
        }
        boolean dependsOnItself = false;
        if ((flags & FrameFlags.PRIORITY) != 0) {
            dependsOnItself = (int32(a, p) & FrameType.STREAM_ID_MASK) == streamId;
            p += 5; // Exclusive + Stream Dependency (4), Weight (1): parsed for the check, dropped.
        }
        if (pad > end - p) {
            throw connectionError(PROTOCOL_ERROR, "§6.2: HEADERS padding longer than the room for it");
        }
        boolean endHeaders = (flags & FrameFlags.END_HEADERS) != 0;
        // Sequencing state first: even if the listener throws a stream error, the CONTINUATION
        // frames of this block still follow and must still be recognised as such.
        continuationStream = endHeaders ? 0 : streamId;
        int fragment = end - p - pad;
        headerBlockLength = fragment;
        headerBlockFrames = 1;
        l.onHeaders(streamId, a, p, fragment, (flags & FrameFlags.END_STREAM) != 0, endHeaders);
        if (dependsOnItself) {
            // After delivery: the fragment had to reach the HPACK decoder anyway (§4.3).
            throw new Http2StreamException(streamId, PROTOCOL_ERROR,
                    "RFC 7540 §5.3.1: HEADERS makes a stream depend on itself");
        }
    }

    private void readSettings(int flags, byte[] a, int off, int length, FrameListener l) throws Http2Exception {
        if ((flags & FrameFlags.ACK) != 0) {
            l.onSettingsAck();
            return;
        }
        Http2Settings s = receivedSettings;
        s.reset();
        // §6.5.3: processed in order; the last value of a repeated identifier wins.
        for (int p = off, end = off + length; p < end; p += 6) {
            int id = (a[p] & 0xff) << 8 | (a[p + 1] & 0xff);
            s.set(id, Integer.toUnsignedLong(int32(a, p + 2)));
        }
        l.onSettings(s);
    }

    private static void requireStream(int streamId, String rule) throws Http2ConnectionException {
        if (streamId == 0) {
            throw connectionError(PROTOCOL_ERROR, rule);
        }
    }

    private static void requireConnection(int streamId, String rule) throws Http2ConnectionException {
        if (streamId != 0) {
            throw connectionError(PROTOCOL_ERROR, rule);
        }
    }

    private static Http2ConnectionException connectionError(Http2ErrorCode code, String rule) {
        return new Http2ConnectionException(code, rule);
    }

    private static int int32(byte[] a, int i) {
        return (a[i] & 0xff) << 24 | (a[i + 1] & 0xff) << 16 | (a[i + 2] & 0xff) << 8 | (a[i + 3] & 0xff);
    }

    private static long int64(byte[] a, int i) {
        return (long) int32(a, i) << 32 | (int32(a, i + 4) & 0xffff_ffffL);
    }
}
