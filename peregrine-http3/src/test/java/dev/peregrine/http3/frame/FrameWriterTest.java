package dev.peregrine.http3.frame;

import static dev.peregrine.http3.frame.TestBytes.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Exact bytes of every frame the writer produces (RFC 9114 §7.2), to arrays and to a FrameBuffer. */
class FrameWriterTest {

    final byte[] out = new byte[64];

    String written(int end) {
        return hex(Arrays.copyOf(out, end));
    }

    @Test
    void dataHeader_7_2_1() {
        assertThat(written(FrameWriter.dataHeader(5, out, 0))).isEqualTo("0005");
        assertThat(written(FrameWriter.dataHeader(0, out, 0))).isEqualTo("0000");
        assertThat(written(FrameWriter.dataHeader(16_384, out, 0))).isEqualTo("0080004000");
        assertThat(written(FrameWriter.dataHeader(VarInt.MAX_VALUE, out, 0))).isEqualTo("00ffffffffffffffff");
    }

    @Test
    void headersHeader_7_2_2() {
        assertThat(written(FrameWriter.headersHeader(63, out, 0))).isEqualTo("013f");
        assertThat(written(FrameWriter.headersHeader(64, out, 0))).isEqualTo("014040");
    }

    @Test
    void headerAtAnOffsetReturnsTheOffsetAfterIt_7_1() {
        int end = FrameWriter.header(0x21, 300, out, 3);
        assertThat(end).isEqualTo(3 + 1 + 2);
        assertThat(hex(Arrays.copyOfRange(out, 3, end))).isEqualTo("21412c");
        assertThat(out[0]).isZero();
        assertThat(FrameWriter.headerLength(0x21, 300)).isEqualTo(3);
        assertThat(FrameWriter.headerLength(1L << 30, 1L << 30)).isEqualTo(FrameWriter.MAX_HEADER_LENGTH);
    }

    @Test
    void settingsFrame_7_2_4() {
        Http3Settings s = Http3Settings.DEFAULTS.withQpackMaxTableCapacity(4096).withQpackBlockedStreams(16);
        int end = FrameWriter.settings(s, false, out, 0);
        assertThat(written(end)).isEqualTo("04 05 015000 0710".replace(" ", ""));
        assertThat(FrameWriter.settingsLength(s, false)).isEqualTo(end);
        assertThat(written(FrameWriter.settings(Http3Settings.DEFAULTS, false, out, 0))).isEqualTo("0400");
    }

    @Test
    void settingsFrameWithGreaseParsesBack_7_2_4_1() throws Exception {
        Http3Settings s = Http3Settings.DEFAULTS.withEnableConnectProtocol(true);
        int end = FrameWriter.settings(s, true, out, 0);
        assertThat(end).isEqualTo(FrameWriter.settingsLength(s, true)).isEqualTo(2 + 2 + 5);
        assertThat(written(2)).isEqualTo("0407");
        assertThat(Http3Settings.parse(out, 2, end - 2)).isEqualTo(s);
    }

    @Test
    void goAway_7_2_6() {
        assertThat(written(FrameWriter.goAway(0, out, 0))).isEqualTo("070100");
        assertThat(written(FrameWriter.goAway(4, out, 0))).isEqualTo("070104");
        assertThat(written(FrameWriter.goAway((1L << 62) - 4, out, 0))).isEqualTo("0708fffffffffffffffc");
    }

    @Test
    void maxPushId_7_2_7() {
        assertThat(written(FrameWriter.maxPushId(100, out, 0))).isEqualTo("0d024064");
    }

    @Test
    void cancelPush_7_2_3() {
        assertThat(written(FrameWriter.cancelPush(7, out, 0))).isEqualTo("030107");
    }

    @Test
    void streamTypePrefixes_6_2() {
        assertThat(written(FrameWriter.streamType(StreamType.CONTROL, out, 0))).isEqualTo("00");
        assertThat(written(FrameWriter.streamType(StreamType.QPACK_DECODER, out, 0))).isEqualTo("03");
        assertThat(written(FrameWriter.streamType(0x1f * 3 + 0x21, out, 0))).isEqualTo("407e");
    }

    @Test
    void refusesToSendHttp2OnlyTypes_7_2_8() {
        for (long t : new long[] {0x02, 0x06, 0x08, 0x09}) {
            assertThatThrownBy(() -> FrameWriter.header(t, 0, out, 0)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(out).containsOnly(0);
    }

    @Test
    void aFrameThatDoesNotFitWritesNothing() {
        byte[] small = new byte[3];
        assertThatThrownBy(() -> FrameWriter.goAway(64, small, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> FrameWriter.dataHeader(64, small, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        Http3Settings s = Http3Settings.DEFAULTS.withQpackBlockedStreams(1);
        assertThatThrownBy(() -> FrameWriter.settings(s, false, small, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(small).containsOnly(0);
    }

    @Test
    void frameBufferCollectsAControlStreamAndGrows() {
        FrameBuffer buf = new FrameBuffer(1);
        FrameWriter.streamType(StreamType.CONTROL, buf);
        FrameWriter.settings(Http3Settings.DEFAULTS.withQpackBlockedStreams(16), false, buf);
        FrameWriter.maxPushId(3, buf);
        FrameWriter.cancelPush(2, buf);
        FrameWriter.goAway(8, buf);
        assertThat(hex(buf.toByteArray())).isEqualTo("00 0402 0710 0d0103 030102 070108".replace(" ", ""));
        assertThat(buf.length()).isEqualTo(14);
    }

    @Test
    void frameBufferHeaderThenPayloadWithoutACopyOfTheFrame() {
        FrameBuffer buf = new FrameBuffer(0);
        byte[] body = "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        FrameWriter.headersHeader(2, buf);
        buf.write(hex("0000"), 0, 2);
        FrameWriter.dataHeader(body.length, buf);
        buf.write(body, 0, body.length);
        FrameWriter.header(0x21, 0, buf);
        assertThat(hex(buf.toByteArray())).isEqualTo("010200000005" + hex(body) + "2100");
        buf.clear();
        assertThat(buf.length()).isZero();
        assertThat(buf.toByteArray()).isEmpty();
    }

    @Test
    void frameBufferReserveKeepsContentAcrossGrowth() {
        FrameBuffer buf = new FrameBuffer(2);
        buf.write(hex("aabb"), 0, 2);
        int at = buf.reserve(100);
        assertThat(at).isEqualTo(2);
        assertThat(buf.array().length).isGreaterThanOrEqualTo(102);
        assertThat(buf.array()[1]).isEqualTo((byte) 0xbb);
        assertThatThrownBy(() -> buf.setLength(buf.array().length + 1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void everyFrameBufferFormMatchesTheArrayFormEvenWhenTheBufferMustGrow() {
        Http3Settings s = Http3Settings.DEFAULTS.withQpackMaxTableCapacity(1 << 20);
        java.util.List<java.util.Map.Entry<java.util.function.Consumer<FrameBuffer>, String>> cases = java.util.List.of(
                java.util.Map.entry(b -> FrameWriter.header(0x21, 70, b), written(FrameWriter.header(0x21, 70, out, 0))),
                java.util.Map.entry(b -> FrameWriter.dataHeader(70, b), written(FrameWriter.dataHeader(70, out, 0))),
                java.util.Map.entry(b -> FrameWriter.headersHeader(70, b), written(FrameWriter.headersHeader(70, out, 0))),
                java.util.Map.entry(b -> FrameWriter.settings(s, false, b), written(FrameWriter.settings(s, false, out, 0))),
                java.util.Map.entry(b -> FrameWriter.goAway(1L << 40, b), written(FrameWriter.goAway(1L << 40, out, 0))),
                java.util.Map.entry(b -> FrameWriter.maxPushId(1L << 40, b), written(FrameWriter.maxPushId(1L << 40, out, 0))),
                java.util.Map.entry(b -> FrameWriter.cancelPush(1L << 40, b), written(FrameWriter.cancelPush(1L << 40, out, 0))),
                java.util.Map.entry(b -> FrameWriter.streamType(1L << 40, b), written(FrameWriter.streamType(1L << 40, out, 0))));
        for (var c : cases) {
            FrameBuffer buf = new FrameBuffer(0);
            c.getKey().accept(buf);
            assertThat(hex(buf.toByteArray())).isEqualTo(c.getValue());
        }
    }
}
