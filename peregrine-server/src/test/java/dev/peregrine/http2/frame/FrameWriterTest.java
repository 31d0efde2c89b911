package dev.peregrine.http2.frame;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.testkit.H2Frames.Flag;
import dev.peregrine.testkit.H2Frames.Frame;
import dev.peregrine.testkit.H2Frames;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exact bytes of every frame the writer produces, and each read back by {@link FrameReader}. */
class FrameWriterTest {

    final ByteBuffer out = ByteBuffer.allocate(70_000);
    final FrameWriter writer = new FrameWriter(out);

    static byte[] b(String s) {
        return s.getBytes(ISO_8859_1);
    }

    byte[] written() {
        return Arrays.copyOf(out.array(), out.position());
    }

    /** Reads what was written back through the reader. */
    List<String> readBack() throws Http2Exception {
        RecordingListener l = new RecordingListener();
        FrameReader reader = new FrameReader(16_384);
        reader.setMaxFrameSize(Http2Settings.MAX_MAX_FRAME_SIZE);
        ByteBuffer in = ByteBuffer.wrap(written());
        reader.read(in, l);
        assertThat(in.hasRemaining()).isFalse();
        return l.events;
    }

    @Test
    void frameHeaderLayout_4_1() {
        writer.frameHeader(0x010203, 0xfa, 0x5b, 0x7fff_fffe);
        assertThat(HexFormat.of().formatHex(written())).isEqualTo("010203fa5b7ffffffe");
    }

    @Test
    void frameHeaderClearsTheReservedBitAndChecksRanges_4_1() {
        assertThatThrownBy(() -> writer.frameHeader(1 << 24, 0, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> writer.frameHeader(-1, 0, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> writer.frameHeader(0, 0, 0, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(out.position()).isZero();
    }

    @Test
    void data_6_1() throws Exception {
        writer.data(1, b("xhellox"), 1, 5, false);
        writer.data(3, new byte[0], 0, 0, true);
        assertThat(written()).isEqualTo(H2Frames.concat(H2Frames.data(1, b("hello"), false), H2Frames.data(3, b(""), true)));
        assertThat(HexFormat.of().formatHex(written(), 0, 14)).isEqualTo("00000500000000000168656c6c6f");
        assertThat(readBack()).containsExactly("DATA 1 'hello' es=false fc=5", "DATA 3 '' es=true fc=0");
    }

    @Test
    void dataHeaderAloneForAGatheringWrite_6_1() throws Exception {
        writer.frameHeader(4, FrameType.DATA, FrameFlags.END_STREAM, 5);
        out.put(b("body"));
        assertThat(written()).isEqualTo(H2Frames.data(5, b("body"), true));
    }

    @Test
    void headersInOneFrame_6_2() throws Exception {
        writer.headers(1, b("-block-"), 1, 5, true, 16_384);
        assertThat(written()).isEqualTo(H2Frames.headers(1, b("block"), Flag.END_STREAM, Flag.END_HEADERS));
        assertThat(readBack()).containsExactly("HEADERS 1 'block' es=true eh=true");
    }

    @Test
    void emptyHeaderBlockIsOneEmptyFrame_6_2() throws Exception {
        writer.headers(1, new byte[0], 0, 0, false, 16_384);
        assertThat(written()).isEqualTo(H2Frames.headers(1, new byte[0], Flag.END_HEADERS));
        assertThat(FrameWriter.headersSize(0, 16_384)).isEqualTo(9);
    }

    @Test
    void headersOfExactlyMaxFrameSizeNeedNoContinuation_6_10() {
        writer.headers(1, new byte[16_384], 0, 16_384, false, 16_384);
        List<Frame> frames = H2Frames.parse(written());
        assertThat(frames).hasSize(1);
        assertThat(frames.getFirst().has(FrameFlags.END_HEADERS)).isTrue();
        assertThat(FrameWriter.headersSize(16_384, 16_384)).isEqualTo(16_393);
    }

    @Test
    void headersSplitIntoContinuationAtMaxFrameSize_6_10() throws Exception {
        byte[] block = new byte[2 * 16_384 + 1];
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) i;
        }
        writer.headers(7, block, 0, block.length, true, 16_384);
        assertThat(out.position()).isEqualTo(FrameWriter.headersSize(block.length, 16_384)).isEqualTo(3 * 9 + block.length);

        List<Frame> frames = H2Frames.parse(written());
        assertThat(frames).extracting(Frame::type)
                .containsExactly(H2Frames.HEADERS, H2Frames.CONTINUATION, H2Frames.CONTINUATION);
        assertThat(frames).extracting(Frame::streamId).containsOnly(7);
        assertThat(frames).extracting(f -> f.payload().length).containsExactly(16_384, 16_384, 1);
        // END_STREAM only on HEADERS (§6.2), END_HEADERS only on the last frame (§6.10).
        assertThat(frames).extracting(Frame::flags).containsExactly(H2Frames.END_STREAM, 0, H2Frames.END_HEADERS);
        byte[] joined = H2Frames.concat(frames.get(0).payload(), frames.get(1).payload(), frames.get(2).payload());
        assertThat(joined).isEqualTo(block);

        List<String> events = readBack();
        assertThat(events).hasSize(3);
        assertThat(events.get(2)).endsWith("eh=true");
    }

    @Test
    void headersSplitAtTheBiggerMaxFrameSizeOfThePeer_6_10() {
        writer.headers(1, new byte[40_000], 0, 40_000, false, 20_000);
        assertThat(H2Frames.parse(written())).extracting(f -> f.payload().length).containsExactly(20_000, 20_000);
    }

    @Test
    void headersRejectAnIllegalMaxFrameSize_4_2() {
        assertThatThrownBy(() -> writer.headers(1, new byte[1], 0, 1, false, 16_383))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void headersFrameAndContinuationPrimitives_6_10() throws Exception {
        writer.headersFrame(3, b("ab"), 0, 2, true, false);
        writer.continuation(3, b("cd"), 0, 2, false);
        writer.continuation(3, b("e"), 0, 1, true);
        assertThat(written()).isEqualTo(H2Frames.concat(
                H2Frames.headers(3, b("ab"), Flag.END_STREAM),
                H2Frames.continuation(3, b("cd"), false),
                H2Frames.continuation(3, b("e"), true)));
        assertThat(readBack()).containsExactly(
                "HEADERS 3 'ab' es=true eh=false", "CONTINUATION 3 'cd' eh=false", "CONTINUATION 3 'e' eh=true");
    }

    @Test
    void settingsWritesOnlyWhatIsSetInIdentifierOrder_6_5() throws Exception {
        Http2Settings s = new Http2Settings()
                .maxHeaderListSize(8192)
                .enablePush(false)
                .maxConcurrentStreams(100)
                .initialWindowSize(1 << 20)
                .enableConnectProtocol(true);
        writer.settings(s);
        assertThat(written()).isEqualTo(H2Frames.settings(
                Http2Settings.ENABLE_PUSH, 0,
                Http2Settings.MAX_CONCURRENT_STREAMS, 100,
                Http2Settings.INITIAL_WINDOW_SIZE, 1 << 20,
                Http2Settings.MAX_HEADER_LIST_SIZE, 8192,
                Http2Settings.ENABLE_CONNECT_PROTOCOL, 1));
        assertThat(out.position()).isEqualTo(9 + 6 * s.countSet());
        assertThat(readBack()).containsExactly("SETTINGS " + s);
    }

    @Test
    void settingsWithNothingSetIsEmpty_6_5() {
        writer.settings(new Http2Settings());
        assertThat(written()).isEqualTo(H2Frames.settings());
    }

    @Test
    void settingsWithLargeUnsignedValues_6_5_1() throws Exception {
        writer.settings(new Http2Settings().headerTableSize(0xffff_ffffL).maxFrameSize(16_777_215));
        assertThat(written()).isEqualTo(H2Frames.settings(
                Http2Settings.HEADER_TABLE_SIZE, 0xffff_ffffL, Http2Settings.MAX_FRAME_SIZE, 16_777_215));
        readBack();
    }

    @Test
    void settingsAck_6_5_3() throws Exception {
        writer.settingsAck();
        assertThat(HexFormat.of().formatHex(written())).isEqualTo("000000040100000000");
        assertThat(readBack()).containsExactly("SETTINGS_ACK");
    }

    @Test
    void ping_6_7() throws Exception {
        writer.ping(0x0102030405060708L, false);
        writer.ping(-2L, true);
        assertThat(written()).isEqualTo(H2Frames.concat(H2Frames.ping(0x0102030405060708L, false), H2Frames.ping(-2L, true)));
        assertThat(HexFormat.of().formatHex(written(), 0, 17)).isEqualTo("0000080600000000000102030405060708");
        assertThat(readBack()).containsExactly("PING 102030405060708 ack=false", "PING fffffffffffffffe ack=true");
    }

    @Test
    void goAway_6_8() throws Exception {
        writer.goAway(5, Http2ErrorCode.ENHANCE_YOUR_CALM, b("calm"));
        writer.goAway(Integer.MAX_VALUE, Http2ErrorCode.NO_ERROR);
        assertThat(written()).isEqualTo(H2Frames.concat(
                H2Frames.goAway(5, 0xb, b("calm")), H2Frames.goAway(Integer.MAX_VALUE, 0)));
        assertThat(readBack()).containsExactly("GOAWAY last=5 code=11 'calm'", "GOAWAY last=2147483647 code=0 ''");
    }

    @Test
    void rstStream_6_4() throws Exception {
        writer.rstStream(9, Http2ErrorCode.REFUSED_STREAM);
        assertThat(written()).isEqualTo(H2Frames.rstStream(9, 7));
        assertThat(HexFormat.of().formatHex(written())).isEqualTo("00000403000000000900000007");
        assertThat(readBack()).containsExactly("RST_STREAM 9 code=7");
    }

    @Test
    void windowUpdate_6_9() throws Exception {
        writer.windowUpdate(0, 1);
        writer.windowUpdate(11, Integer.MAX_VALUE);
        assertThat(written()).isEqualTo(H2Frames.concat(H2Frames.windowUpdate(0, 1), H2Frames.windowUpdate(11, Integer.MAX_VALUE)));
        assertThat(readBack()).containsExactly("WINDOW_UPDATE 0 +1", "WINDOW_UPDATE 11 +2147483647");
    }

    @Test
    void windowUpdateIncrementMustBePositive_6_9() {
        assertThatThrownBy(() -> writer.windowUpdate(1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> writer.windowUpdate(1, -5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void streamFramesNeedAStream_6_1_to_6_4() {
        assertThatThrownBy(() -> writer.data(0, new byte[0], 0, 0, true)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> writer.headers(0, new byte[0], 0, 0, true, 16_384)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> writer.rstStream(0, Http2ErrorCode.CANCEL)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> writer.continuation(0, new byte[0], 0, 0, true)).isInstanceOf(IllegalArgumentException.class);
        assertThat(out.position()).isZero();
    }

    @Test
    void overflowWritesNothingSoTheCallerCanFlushAndRetry() {
        ByteBuffer small = ByteBuffer.allocate(20);
        FrameWriter w = new FrameWriter(small);
        w.ping(1, false); // 17 octets
        assertThatThrownBy(() -> w.data(1, new byte[3], 0, 3, false)).isInstanceOf(BufferOverflowException.class);
        assertThatThrownBy(() -> w.rstStream(1, Http2ErrorCode.CANCEL)).isInstanceOf(BufferOverflowException.class);
        assertThat(small.position()).isEqualTo(17);
        // A field block that does not fit as a whole is not started.
        ByteBuffer mid = ByteBuffer.allocate(16_393 + 9);
        FrameWriter w2 = new FrameWriter(mid);
        assertThatThrownBy(() -> w2.headers(1, new byte[16_385], 0, 16_385, false, 16_384))
                .isInstanceOf(BufferOverflowException.class);
        assertThat(mid.position()).isZero();
        // Pointed at a fresh buffer, the same writer goes on.
        w.target(ByteBuffer.allocate(64)).data(1, new byte[3], 0, 3, false);
        assertThat(w.target().position()).isEqualTo(12);
    }

    @Test
    void bytesAreBigEndianWhateverTheBufferOrder_2_2() {
        ByteBuffer le = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        new FrameWriter(le).windowUpdate(0x01020304, 0x0a0b0c0d);
        assertThat(Arrays.copyOf(le.array(), le.position())).isEqualTo(H2Frames.windowUpdate(0x01020304, 0x0a0b0c0d));
    }

    @Test
    void writesIntoADirectBufferToo() {
        ByteBuffer direct = ByteBuffer.allocateDirect(32);
        new FrameWriter(direct).ping(7, true);
        byte[] got = new byte[direct.flip().remaining()];
        direct.get(got);
        assertThat(got).isEqualTo(H2Frames.ping(7, true));
    }
}
