package dev.peregrine.http2.frame;

import static dev.peregrine.testkit.H2Frames.concat;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.peregrine.testkit.H2Frames.Flag;
import dev.peregrine.testkit.H2Frames;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Frames arriving in pieces: the reader consumes only whole frames and leaves a partial one at
 * the buffer's position, to be parsed once the caller compacted and refilled the buffer.
 */
class FrameReaderSplitTest {

    static byte[] b(String s) {
        return s.getBytes(ISO_8859_1);
    }

    /** One of each frame type a server accepts, including padded, priority and unknown frames. */
    static final byte[] MIXED = concat(
            H2Frames.settings(Http2Settings.INITIAL_WINDOW_SIZE, 1 << 20, Http2Settings.MAX_FRAME_SIZE, 32_768),
            H2Frames.settingsAck(),
            H2Frames.headersFrame(1, b("req-1")).padding(2).priority(0, 32, false).build(),
            H2Frames.continuation(1, b("more"), true),
            H2Frames.data(1, b("body"), false, 3),
            H2Frames.data(1, b(""), true),
            H2Frames.raw(0x0c, 0, 1, b("ext")),
            H2Frames.headers(3, b("req-3"), Flag.END_HEADERS, Flag.END_STREAM),
            H2Frames.priority(5, 3, 100, true),
            H2Frames.windowUpdate(0, 1000),
            H2Frames.windowUpdate(1, 7),
            H2Frames.ping(0x1122334455667788L, false),
            H2Frames.rstStream(3, 8),
            H2Frames.goAway(3, 0, b("done")));

    /** Offsets at which a frame of {@link #MIXED} starts, and its end. */
    static List<Integer> boundaries(byte[] frames) {
        List<Integer> starts = new ArrayList<>();
        int p = 0;
        while (p < frames.length) {
            starts.add(p);
            int length = (frames[p] & 0xff) << 16 | (frames[p + 1] & 0xff) << 8 | (frames[p + 2] & 0xff);
            p += 9 + length;
        }
        starts.add(p);
        return starts;
    }

    static List<String> readWhole(byte[] frames) throws Http2Exception {
        RecordingListener l = new RecordingListener();
        new FrameReader(16_384).read(ByteBuffer.wrap(frames), l);
        return l.events;
    }

    @Test
    void everySplitPointOfMixedFrames() throws Exception {
        List<String> expected = readWhole(MIXED);
        assertThat(expected).hasSize(14);
        List<Integer> starts = boundaries(MIXED);
        for (int split = 0; split <= MIXED.length; split++) {
            FrameReader reader = new FrameReader(16_384);
            RecordingListener l = new RecordingListener();
            ByteBuffer buf = ByteBuffer.allocate(MIXED.length);

            buf.put(MIXED, 0, split).flip();
            reader.read(buf, l);
            // Consumed exactly the whole frames before the split; the partial one is still there.
            int lastWhole = 0;
            for (int s : starts) {
                if (s <= split) {
                    lastWhole = s;
                }
            }
            assertThat(buf.position()).as("consumed at split %d", split).isEqualTo(lastWhole);
            assertThat(l.events).as("events at split %d", split).isEqualTo(expected.subList(0, starts.indexOf(lastWhole)));

            buf.compact();
            buf.put(MIXED, split, MIXED.length - split).flip();
            reader.read(buf, l);
            assertThat(buf.hasRemaining()).as("all consumed after split %d", split).isFalse();
            assertThat(l.events).as("split %d", split).isEqualTo(expected);
        }
    }

    @Test
    void oneByteAtATime() throws Exception {
        List<String> expected = readWhole(MIXED);
        FrameReader reader = new FrameReader(16_384);
        RecordingListener l = new RecordingListener();
        ByteBuffer buf = ByteBuffer.allocate(FrameReader.bufferSizeFor(16_384));
        for (byte x : MIXED) {
            buf.put(x).flip();
            reader.read(buf, l);
            buf.compact();
        }
        assertThat(buf.position()).as("nothing left over").isZero();
        assertThat(l.events).isEqualTo(expected);
    }

    @Test
    void everySplitPointOfAMaxSizedFrame_4_2() throws Exception {
        // A full 16 KiB DATA frame in a buffer of exactly 9 + 16384 octets, split anywhere in its
        // header or at a few places in its payload.
        byte[] body = new byte[16_384];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        byte[] frame = H2Frames.data(7, body, true);
        int[] splits = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 8_000, 16_392, 16_393};
        for (int split : splits) {
            FrameReader reader = new FrameReader(16_384);
            ByteBuffer buf = ByteBuffer.allocate(FrameReader.bufferSizeFor(16_384));
            int[] got = new int[2];
            FrameListener l = new RecordingListener() {
                @Override
                public void onData(int streamId, byte[] data, int off, int len, boolean endStream, int fc) {
                    got[0]++;
                    got[1] = len;
                    assertThat(data[off + len - 1]).isEqualTo(body[body.length - 1]);
                }
            };
            buf.put(frame, 0, split).flip();
            reader.read(buf, l);
            assertThat(got[0]).isEqualTo(split == frame.length ? 1 : 0);
            buf.compact().put(frame, split, frame.length - split).flip();
            reader.read(buf, l);
            assertThat(got).containsExactly(1, 16_384);
        }
    }

    @Test
    void errorInAFrameAfterASplitIsReportedOnceTheFrameIsThere() throws Exception {
        byte[] frames = concat(H2Frames.ping(1, false), H2Frames.windowUpdate(0, 0));
        for (int split = 0; split <= frames.length; split++) {
            FrameReader reader = new FrameReader(16_384);
            RecordingListener l = new RecordingListener();
            ByteBuffer buf = ByteBuffer.allocate(frames.length);
            buf.put(frames, 0, split).flip();
            if (split == frames.length) {
                assertThat(catchThrowableOfType(Http2ConnectionException.class, () -> reader.read(buf, l))).isNotNull();
                continue;
            }
            reader.read(buf, l);
            buf.compact().put(frames, split, frames.length - split).flip();
            Http2ConnectionException e = catchThrowableOfType(Http2ConnectionException.class, () -> reader.read(buf, l));
            assertThat(e.error()).as("split %d", split).isEqualTo(Http2ErrorCode.PROTOCOL_ERROR);
            assertThat(l.events).as("split %d", split).containsExactly("PING 1 ack=false");
        }
    }
}
