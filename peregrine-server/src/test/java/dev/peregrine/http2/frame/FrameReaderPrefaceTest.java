package dev.peregrine.http2.frame;

import static dev.peregrine.testkit.H2Frames.concat;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.peregrine.testkit.H2Frames;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The client connection preface, RFC 9113 §3.4. */
class FrameReaderPrefaceTest {

    final FrameReader reader = new FrameReader(16_384);

    @Test
    void wholePrefaceThenFramesInOneBuffer_3_4() throws Exception {
        ByteBuffer in = ByteBuffer.wrap(concat(H2Frames.preface(), H2Frames.settings(), H2Frames.ping(9, false)));
        assertThat(reader.prefaceReceived()).isFalse();
        assertThat(reader.readPreface(in)).isTrue();
        assertThat(in.position()).isEqualTo(24);
        assertThat(reader.prefaceReceived()).isTrue();
        RecordingListener l = new RecordingListener();
        reader.read(in, l);
        assertThat(l.events).containsExactly("SETTINGS Http2Settings{}", "PING 9 ack=false");
    }

    @Test
    void prefaceSplitAtEveryPoint_3_4() throws Exception {
        byte[] all = concat(H2Frames.preface(), H2Frames.settingsAck());
        for (int split = 0; split <= FrameReader.PREFACE_LENGTH; split++) {
            FrameReader r = new FrameReader(16_384);
            ByteBuffer buf = ByteBuffer.allocate(64);
            buf.put(all, 0, split).flip();
            assertThat(r.readPreface(buf)).as("split %d", split).isEqualTo(split == 24);
            assertThat(buf.hasRemaining()).as("split %d consumed", split).isFalse();
            buf.compact().put(all, split, all.length - split).flip();
            assertThat(r.readPreface(buf)).as("split %d", split).isTrue();
            RecordingListener l = new RecordingListener();
            r.read(buf, l);
            assertThat(l.events).containsExactly("SETTINGS_ACK");
        }
    }

    @Test
    void prefaceOneByteAtATime_3_4() throws Exception {
        byte[] preface = H2Frames.preface();
        for (int i = 0; i < preface.length; i++) {
            assertThat(reader.readPreface(ByteBuffer.wrap(preface, i, 1))).isEqualTo(i == preface.length - 1);
        }
        // Once complete it consumes nothing more: frames that follow are left for read().
        ByteBuffer frames = ByteBuffer.wrap(H2Frames.ping(1, false));
        assertThat(reader.readPreface(frames)).isTrue();
        assertThat(frames.position()).isZero();
    }

    @Test
    void emptyInputNeedsMore_3_4() throws Exception {
        assertThat(reader.readPreface(ByteBuffer.allocate(0))).isFalse();
    }

    @Test
    void wrongPrefaceAtEveryPosition_3_4() throws Exception {
        byte[] preface = H2Frames.preface();
        for (int bad = 0; bad < preface.length; bad++) {
            FrameReader r = new FrameReader(16_384);
            byte[] wrong = preface.clone();
            wrong[bad] ^= 0x20;
            ByteBuffer in = ByteBuffer.wrap(wrong);
            Http2ConnectionException e = catchThrowableOfType(Http2ConnectionException.class, () -> r.readPreface(in));
            assertThat(e).as("mismatch at %d", bad).isNotNull();
            assertThat(e.error()).isEqualTo(Http2ErrorCode.PROTOCOL_ERROR);
            assertThat(in.position()).as("left at the differing octet").isEqualTo(bad);
            assertThatThrownBy(() -> r.read(ByteBuffer.wrap(H2Frames.settingsAck()), new RecordingListener()))
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void wrongPrefaceDetectedAcrossReads_3_4() throws Exception {
        assertThat(reader.readPreface(ByteBuffer.wrap("PRI * HTTP/2.0\r\n".getBytes(US_ASCII)))).isFalse();
        ByteBuffer rest = ByteBuffer.wrap("\r\nXX\r\n\r\n".getBytes(US_ASCII));
        Http2ConnectionException e = catchThrowableOfType(Http2ConnectionException.class, () -> reader.readPreface(rest));
        assertThat(e.error()).isEqualTo(Http2ErrorCode.PROTOCOL_ERROR);
        assertThat(rest.position()).isEqualTo(2);
    }

    @Test
    void anHttp11RequestIsNotAPreface_3_4() {
        ByteBuffer in = ByteBuffer.wrap("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(US_ASCII));
        assertThatThrownBy(() -> reader.readPreface(in)).isInstanceOf(Http2ConnectionException.class)
                .hasMessageContaining("§3.4");
    }

    @Test
    void prefaceWorksOnADirectBufferToo_3_4() throws Exception {
        ByteBuffer direct = ByteBuffer.allocateDirect(24).put(H2Frames.preface()).flip();
        assertThat(reader.readPreface(direct)).isTrue();
    }
}
