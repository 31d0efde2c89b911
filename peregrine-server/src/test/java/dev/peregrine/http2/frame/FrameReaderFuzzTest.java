package dev.peregrine.http2.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Fuzz tests of HTTP/2 frame parsing ({@link FrameReader}, RFC 9113 §3.4, §4-§6) and of
 * {@link FrameWriter} against it; see docs/fuzzing.md. Without {@code JAZZER_FUZZ} they replay
 * the seeds under {@code FrameReaderFuzzTestInputs/}.
 */
class FrameReaderFuzzTest {

    static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    static final int GUARD = 16;
    static final HexFormat HEX = HexFormat.of();

    /**
     * Arbitrary bytes sent to a server. Input: one byte of options (bit 0: the client connection
     * preface comes first and is read with {@link FrameReader#readPreface}; bit 1: the largest
     * MAX_FRAME_SIZE instead of 16384), then the bytes.
     *
     * <p>Only {@link Http2Exception} is thrown, and after a connection error {@code read} refuses
     * to go on; every slice handed to the listener lies inside the buffer's position..limit; the
     * reader reads nothing outside it (the same bytes amid other guard bytes, and in a sliced
     * buffer with a non-zero array offset, give the same events); it stops at a partial frame;
     * {@link FrameReader#headerBlockLength()} adds up the fragments; and the events are the same
     * whether the bytes arrive at once or in random pieces, the buffer compacted in between.
     */
    @FuzzTest
    void arbitraryBytes(byte[] input) {
        if (input.length == 0) {
            return;
        }
        boolean preface = (input[0] & 1) != 0;
        int maxFrameSize = (input[0] & 2) != 0 ? Http2Settings.MAX_MAX_FRAME_SIZE : Http2Settings.MIN_MAX_FRAME_SIZE;
        byte[] bytes = Arrays.copyOfRange(input, 1, input.length);
        List<String> whole = atOnce(bytes, preface, maxFrameSize, (byte) 0);
        assertThat(atOnce(bytes, preface, maxFrameSize, (byte) 0xFF)).as("the guard bytes changed the outcome")
                .isEqualTo(whole);
        assertThat(inPieces(bytes, preface, maxFrameSize, new Random(Arrays.hashCode(input))))
                .as("in pieces").isEqualTo(whole);
    }

    /**
     * Fuzzer-chosen frames written with {@link FrameWriter}, read back in random pieces: every
     * frame arrives with what was written, and nothing is left over.
     */
    @FuzzTest
    void roundTrip(FuzzedDataProvider data) {
        ByteBuffer out = ByteBuffer.allocate(1 << 17);
        FrameWriter writer = new FrameWriter(out);
        List<String> expected = new ArrayList<>();
        for (int frames = data.consumeInt(0, 16); frames > 0 && out.remaining() > 50_000; frames--) {
            int stream = data.consumeInt(1, Integer.MAX_VALUE);
            switch (data.consumeInt(0, 8)) {
                case 0 -> {
                    byte[] payload = data.consumeBytes(data.consumeInt(0, 2000));
                    boolean endStream = data.consumeBoolean();
                    writer.data(stream, payload, 0, payload.length, endStream);
                    expected.add("DATA " + stream + " " + HEX.formatHex(payload) + " es=" + endStream
                            + " fc=" + payload.length);
                }
                case 1 -> {
                    byte[] block = data.consumeBytes(data.consumeInt(0, 40_000));
                    boolean endStream = data.consumeBoolean();
                    int max = Http2Settings.MIN_MAX_FRAME_SIZE;
                    writer.headers(stream, block, 0, block.length, endStream, max);
                    int first = Math.min(block.length, max);
                    expected.add("HEADERS " + stream + " " + HEX.formatHex(block, 0, first) + " es=" + endStream
                            + " eh=" + (first == block.length));
                    for (int done = first; done < block.length; done += max) {
                        int n = Math.min(max, block.length - done);
                        expected.add("CONTINUATION " + stream + " " + HEX.formatHex(block, done, done + n)
                                + " eh=" + (done + n == block.length));
                    }
                }
                case 2 -> {
                    Http2Settings settings = new Http2Settings();
                    StringBuilder sb = new StringBuilder("SETTINGS");
                    for (int id = Http2Settings.HEADER_TABLE_SIZE; id <= Http2Settings.ENABLE_CONNECT_PROTOCOL; id++) {
                        if (Http2Settings.isKnown(id) && data.consumeBoolean()) {
                            long value = switch (id) {
                                case Http2Settings.ENABLE_PUSH, Http2Settings.ENABLE_CONNECT_PROTOCOL ->
                                        data.consumeInt(0, 1);
                                case Http2Settings.INITIAL_WINDOW_SIZE -> data.consumeInt(0, Integer.MAX_VALUE);
                                case Http2Settings.MAX_FRAME_SIZE -> data.consumeInt(
                                        Http2Settings.MIN_MAX_FRAME_SIZE, Http2Settings.MAX_MAX_FRAME_SIZE);
                                default -> data.consumeLong(0, 0xffff_ffffL);
                            };
                            try {
                                settings.set(id, value);
                            } catch (Http2ConnectionException e) {
                                throw new AssertionError("a valid value was refused", e);
                            }
                            sb.append(' ').append(id).append('=').append(value);
                        }
                    }
                    writer.settings(settings);
                    expected.add(sb.toString());
                }
                case 3 -> {
                    writer.settingsAck();
                    expected.add("SETTINGS_ACK");
                }
                case 4 -> {
                    long payload = data.consumeLong();
                    boolean ack = data.consumeBoolean();
                    writer.ping(payload, ack);
                    expected.add("PING " + Long.toHexString(payload) + " ack=" + ack);
                }
                case 5 -> {
                    int last = data.consumeInt(0, Integer.MAX_VALUE);
                    Http2ErrorCode code = data.pickValue(Http2ErrorCode.values());
                    byte[] debug = data.consumeBytes(data.consumeInt(0, 100));
                    writer.goAway(last, code, debug);
                    expected.add("GOAWAY " + last + " " + code.code() + " " + HEX.formatHex(debug));
                }
                case 6 -> {
                    Http2ErrorCode code = data.pickValue(Http2ErrorCode.values());
                    writer.rstStream(stream, code);
                    expected.add("RST_STREAM " + stream + " " + code.code());
                }
                case 7 -> {
                    int windowStream = data.consumeBoolean() ? 0 : stream;
                    int increment = data.consumeInt(1, Integer.MAX_VALUE);
                    writer.windowUpdate(windowStream, increment);
                    expected.add("WINDOW_UPDATE " + windowStream + " +" + increment);
                }
                default -> {
                    // A frame type RFC 9113 does not define (§5.5), through the header primitive.
                    int type = data.consumeInt(FrameType.CONTINUATION + 1, 0xff);
                    byte[] payload = data.consumeBytes(data.consumeInt(0, 100));
                    writer.frameHeader(payload.length, type, data.consumeInt(0, 0xff), stream);
                    out.put(payload);
                    expected.add("UNKNOWN " + type + " " + stream + " len=" + payload.length);
                }
            }
        }
        byte[] wire = Arrays.copyOf(out.array(), out.position());
        assertThat(inPieces(wire, false, Http2Settings.MIN_MAX_FRAME_SIZE, new Random(data.consumeLong())))
                .isEqualTo(expected);
    }

    /** Reads {@code bytes} from one sliced buffer (array offset {@link #GUARD}) among {@code guard} bytes. */
    static List<String> atOnce(byte[] bytes, boolean preface, int maxFrameSize, byte guard) {
        byte[] array = new byte[bytes.length + 2 * GUARD];
        Arrays.fill(array, guard);
        System.arraycopy(bytes, 0, array, GUARD, bytes.length);
        byte[] before = array.clone();
        ByteBuffer in = ByteBuffer.wrap(array, GUARD, bytes.length).slice();
        FrameReader reader = new FrameReader(maxFrameSize);
        Events events = new Events(reader);
        try {
            if (preface && !reader.readPreface(in)) {
                return events.list;
            }
            readAll(reader, in, events);
        } catch (Http2ConnectionException e) {
            events.connectionError(e, reader, in);
        }
        assertThat(array).as("the input was written to").isEqualTo(before);
        return events.list;
    }

    /**
     * Reads {@code bytes} arriving in random pieces into a buffer just large enough for all of
     * them, compacted after every read, as a connection does.
     */
    static List<String> inPieces(byte[] bytes, boolean preface, int maxFrameSize, Random random) {
        ByteBuffer in = ByteBuffer.allocate(bytes.length + 1);
        FrameReader reader = new FrameReader(maxFrameSize);
        Events events = new Events(reader);
        boolean prefaceDone = !preface;
        try {
            for (int sent = 0; sent < bytes.length; ) {
                int n = Math.min(bytes.length - sent, 1 + random.nextInt(random.nextBoolean() ? 8 : 600));
                in.put(bytes, sent, n).flip();
                sent += n;
                if (!prefaceDone) {
                    prefaceDone = reader.readPreface(in);
                }
                if (prefaceDone) {
                    readAll(reader, in, events);
                }
                in.compact();
            }
        } catch (Http2ConnectionException e) {
            events.connectionError(e, reader, in);
        }
        return events.list;
    }

    /** Reads every complete frame, going on after stream errors as a connection does. */
    static void readAll(FrameReader reader, ByteBuffer in, Events events) throws Http2ConnectionException {
        for (int errors = 0; ; errors++) {
            assertThat(errors).as("stream errors without progress").isLessThanOrEqualTo(in.limit() / 9 + 1);
            int start = in.position();
            events.window(in);
            try {
                reader.read(in, events);
                assertThat(in.position()).as("position").isBetween(start, in.limit());
                int rest = in.remaining();
                if (rest >= FrameType.HEADER_LENGTH) {
                    int i = in.position();
                    int length = (in.get(i) & 0xff) << 16 | (in.get(i + 1) & 0xff) << 8 | (in.get(i + 2) & 0xff);
                    assertThat(length).as("left a complete frame unread").isGreaterThan(rest - FrameType.HEADER_LENGTH);
                }
                return;
            } catch (Http2StreamException e) {
                assertThat(in.position()).as("a stream error consumes its frame").isBetween(start + 9, in.limit());
                events.list.add("STREAM_ERROR " + e.streamId() + " " + e.error());
            } catch (Http2ConnectionException e) {
                throw e;
            } catch (Http2Exception e) {
                throw new AssertionError("neither kind", e);
            }
        }
    }

    /** Records callbacks as text, checking that each slice lies in the window being read. */
    static final class Events implements FrameListener {
        final List<String> list = new ArrayList<>();
        final FrameReader reader;
        int lo;
        int hi;
        long blockLength;
        long blockFrames;

        Events(FrameReader reader) {
            this.reader = reader;
        }

        void window(ByteBuffer in) {
            lo = in.arrayOffset() + in.position();
            hi = in.arrayOffset() + in.limit();
        }

        void connectionError(Http2ConnectionException e, FrameReader reader, ByteBuffer in) {
            list.add("CONNECTION_ERROR " + e.error());
            assertThatThrownBy(() -> reader.read(in, this)).isInstanceOf(IllegalStateException.class);
        }

        String slice(byte[] a, int off, int len) {
            assertThat(len).as("slice length").isNotNegative();
            assertThat(off).as("slice start").isBetween(lo, hi);
            assertThat(off + len).as("slice end").isBetween(lo, hi);
            return HEX.formatHex(a, off, off + len);
        }

        @Override
        public void onData(int streamId, byte[] data, int off, int len, boolean endStream, int flowControlledLength) {
            assertThat(streamId).isPositive();
            assertThat(flowControlledLength).as("flow-controlled length").isGreaterThanOrEqualTo(len);
            list.add("DATA " + streamId + " " + slice(data, off, len) + " es=" + endStream + " fc=" + flowControlledLength);
        }

        @Override
        public void onHeaders(int streamId, byte[] fragment, int off, int len, boolean endStream, boolean endHeaders) {
            assertThat(streamId).isPositive();
            blockLength = len;
            blockFrames = 1;
            checkBlock(streamId, endHeaders);
            list.add("HEADERS " + streamId + " " + slice(fragment, off, len) + " es=" + endStream + " eh=" + endHeaders);
        }

        @Override
        public void onContinuation(int streamId, byte[] fragment, int off, int len, boolean endHeaders) {
            blockLength += len;
            blockFrames++;
            checkBlock(streamId, endHeaders);
            list.add("CONTINUATION " + streamId + " " + slice(fragment, off, len) + " eh=" + endHeaders);
        }

        void checkBlock(int streamId, boolean endHeaders) {
            assertThat(reader.headerBlockLength()).as("header block length").isEqualTo(blockLength);
            assertThat(reader.headerBlockFrameCount()).as("header block frames").isEqualTo(blockFrames);
            assertThat(reader.continuationStream()).isEqualTo(endHeaders ? 0 : streamId);
        }

        @Override
        public void onPriority(int streamId) {
            list.add("PRIORITY " + streamId);
        }

        @Override
        public void onRstStream(int streamId, int errorCode) {
            list.add("RST_STREAM " + streamId + " " + errorCode);
        }

        @Override
        public void onSettings(Http2Settings received) {
            StringBuilder sb = new StringBuilder("SETTINGS");
            for (int id = Http2Settings.HEADER_TABLE_SIZE; id <= Http2Settings.ENABLE_CONNECT_PROTOCOL; id++) {
                if (received.isSet(id)) {
                    sb.append(' ').append(id).append('=').append(received.get(id));
                }
            }
            list.add(sb.toString());
        }

        @Override
        public void onSettingsAck() {
            list.add("SETTINGS_ACK");
        }

        @Override
        public void onPing(long payload, boolean ack) {
            list.add("PING " + Long.toHexString(payload) + " ack=" + ack);
        }

        @Override
        public void onGoAway(int lastStreamId, int errorCode, byte[] debug, int off, int len) {
            assertThat(lastStreamId).isNotNegative();
            list.add("GOAWAY " + lastStreamId + " " + errorCode + " " + slice(debug, off, len));
        }

        @Override
        public void onWindowUpdate(int streamId, int increment) {
            assertThat(increment).isPositive();
            list.add("WINDOW_UPDATE " + streamId + " +" + increment);
        }

        @Override
        public void onUnknownFrame(int type, int streamId, int length) {
            list.add("UNKNOWN " + type + " " + streamId + " len=" + length);
        }
    }
}
