package dev.peregrine.http3.frame;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Frame types (RFC 9114 §7.2, §7.2.8) and unidirectional stream types (§6.2). */
class FrameTypeTest {

    @Test
    void frameTypeValues_7_2() {
        assertThat(FrameType.DATA).isEqualTo(0x00);
        assertThat(FrameType.HEADERS).isEqualTo(0x01);
        assertThat(FrameType.CANCEL_PUSH).isEqualTo(0x03);
        assertThat(FrameType.SETTINGS).isEqualTo(0x04);
        assertThat(FrameType.PUSH_PROMISE).isEqualTo(0x05);
        assertThat(FrameType.GOAWAY).isEqualTo(0x07);
        assertThat(FrameType.MAX_PUSH_ID).isEqualTo(0x0d);
    }

    @Test
    void reservedTypesAre0x1fTimesNPlus0x21_7_2_8() {
        assertThat(FrameType.isReserved(0x21)).isTrue();
        assertThat(FrameType.isReserved(0x40)).isTrue();
        assertThat(FrameType.isReserved(0x5f)).isTrue();
        assertThat(FrameType.isReserved(0x1fL * 1_000_000_007L + 0x21)).isTrue();
        assertThat(FrameType.isReserved(0x1fL * 148_764_065_110_560_898L + 0x21)).isTrue(); // near 2^62
        assertThat(FrameType.isReserved(0x00)).isFalse();
        assertThat(FrameType.isReserved(0x02)).isFalse();
        assertThat(FrameType.isReserved(0x20)).isFalse();
        assertThat(FrameType.isReserved(0x22)).isFalse();
        assertThat(FrameType.isReserved(0x41)).isFalse();
        for (long t = 0; t <= 0x0d; t++) {
            assertThat(FrameType.isReserved(t)).isFalse();
        }
    }

    @Test
    void http2OnlyTypesArePriorityPingWindowUpdateContinuation_7_2_8() {
        for (long t = 0; t < 0x40; t++) {
            boolean expected = t == 0x02 || t == 0x06 || t == 0x08 || t == 0x09;
            assertThat(FrameType.isHttp2Only(t)).as("type 0x%x", t).isEqualTo(expected);
        }
    }

    @Test
    void names() {
        assertThat(FrameType.name(FrameType.MAX_PUSH_ID)).isEqualTo("MAX_PUSH_ID");
        assertThat(FrameType.name(0x06)).isEqualTo("HTTP2_ONLY(0x6)");
        assertThat(FrameType.name(0x21)).isEqualTo("RESERVED(0x21)");
        assertThat(FrameType.name(0x0c)).isEqualTo("UNKNOWN(0xc)");
        assertThat(FrameType.isKnown(FrameType.GOAWAY)).isTrue();
        assertThat(FrameType.isKnown(0x02)).isFalse();
        assertThat(FrameType.isKnown(0x21)).isFalse();
    }

    @Test
    void streamTypes_6_2() {
        assertThat(StreamType.CONTROL).isEqualTo(0x00);
        assertThat(StreamType.PUSH).isEqualTo(0x01);
        assertThat(StreamType.QPACK_ENCODER).isEqualTo(0x02);
        assertThat(StreamType.QPACK_DECODER).isEqualTo(0x03);
        assertThat(StreamType.name(StreamType.QPACK_DECODER)).isEqualTo("QPACK_DECODER");
        assertThat(StreamType.name(0x54)).isEqualTo("UNKNOWN(0x54)");
        assertThat(StreamType.name(0x1f * 2 + 0x21)).isEqualTo("RESERVED(0x5f)");
    }

    @Test
    void reservedStreamTypes_6_2_3() {
        assertThat(StreamType.isReserved(0x21)).isTrue();
        assertThat(StreamType.isReserved(0x1f * 3 + 0x21)).isTrue();
        assertThat(StreamType.isReserved(0x03)).isFalse();
        assertThat(StreamType.isReserved(0x23)).isFalse();
    }
}
