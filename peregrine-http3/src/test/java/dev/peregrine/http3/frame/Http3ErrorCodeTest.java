package dev.peregrine.http3.frame;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** RFC 9114 §8.1 error codes, the QPACK ones (RFC 9204 §6), and the two kinds of error (§8). */
class Http3ErrorCodeTest {

    @Test
    void everyCodeHasItsRfcValue_8_1() {
        assertThat(Http3ErrorCode.values()).hasSize(17);
        assertThat(Http3ErrorCode.H3_NO_ERROR.code()).isEqualTo(0x100);
        assertThat(Http3ErrorCode.H3_GENERAL_PROTOCOL_ERROR.code()).isEqualTo(0x101);
        assertThat(Http3ErrorCode.H3_INTERNAL_ERROR.code()).isEqualTo(0x102);
        assertThat(Http3ErrorCode.H3_STREAM_CREATION_ERROR.code()).isEqualTo(0x103);
        assertThat(Http3ErrorCode.H3_CLOSED_CRITICAL_STREAM.code()).isEqualTo(0x104);
        assertThat(Http3ErrorCode.H3_FRAME_UNEXPECTED.code()).isEqualTo(0x105);
        assertThat(Http3ErrorCode.H3_FRAME_ERROR.code()).isEqualTo(0x106);
        assertThat(Http3ErrorCode.H3_EXCESSIVE_LOAD.code()).isEqualTo(0x107);
        assertThat(Http3ErrorCode.H3_ID_ERROR.code()).isEqualTo(0x108);
        assertThat(Http3ErrorCode.H3_SETTINGS_ERROR.code()).isEqualTo(0x109);
        assertThat(Http3ErrorCode.H3_MISSING_SETTINGS.code()).isEqualTo(0x10a);
        assertThat(Http3ErrorCode.H3_REQUEST_REJECTED.code()).isEqualTo(0x10b);
        assertThat(Http3ErrorCode.H3_REQUEST_CANCELLED.code()).isEqualTo(0x10c);
        assertThat(Http3ErrorCode.H3_REQUEST_INCOMPLETE.code()).isEqualTo(0x10d);
        assertThat(Http3ErrorCode.H3_MESSAGE_ERROR.code()).isEqualTo(0x10e);
        assertThat(Http3ErrorCode.H3_CONNECT_ERROR.code()).isEqualTo(0x10f);
        assertThat(Http3ErrorCode.H3_VERSION_FALLBACK.code()).isEqualTo(0x110);
    }

    @Test
    void ofMapsEveryKnownCodeBackAndUnknownOnesToNoError_8() {
        for (Http3ErrorCode e : Http3ErrorCode.values()) {
            assertThat(Http3ErrorCode.of(e.code())).isSameAs(e);
            assertThat(Http3ErrorCode.isKnown(e.code())).isTrue();
        }
        assertThat(Http3ErrorCode.of(0xff)).isSameAs(Http3ErrorCode.H3_NO_ERROR);
        assertThat(Http3ErrorCode.of(0x111)).isSameAs(Http3ErrorCode.H3_NO_ERROR);
        assertThat(Http3ErrorCode.of(0x200)).isSameAs(Http3ErrorCode.H3_NO_ERROR);
        assertThat(Http3ErrorCode.of(-1)).isSameAs(Http3ErrorCode.H3_NO_ERROR);
        assertThat(Http3ErrorCode.isKnown(0x111)).isFalse();
        assertThat(Http3ErrorCode.isKnown(0xff)).isFalse();
    }

    @Test
    void namesRfc9114AndQpackCodesAndPrintsOthersInHex() {
        assertThat(Http3ErrorCode.name(0x105)).isEqualTo("H3_FRAME_UNEXPECTED");
        assertThat(Http3ErrorCode.name(0x110)).isEqualTo("H3_VERSION_FALLBACK");
        assertThat(Http3ErrorCode.name(0x200)).isEqualTo("QPACK_DECOMPRESSION_FAILED");
        assertThat(Http3ErrorCode.name(0x201)).isEqualTo("QPACK_ENCODER_STREAM_ERROR");
        assertThat(Http3ErrorCode.name(0x202)).isEqualTo("QPACK_DECODER_STREAM_ERROR");
        assertThat(Http3ErrorCode.name(0x203)).isEqualTo("0x203");
        assertThat(Http3ErrorCode.name(0x21)).isEqualTo("0x21");
    }

    @Test
    void reservedErrorCodes_8_1() {
        assertThat(Http3ErrorCode.isReserved(0x21)).isTrue();
        assertThat(Http3ErrorCode.isReserved(0x1f * 7 + 0x21)).isTrue();
        assertThat(Http3ErrorCode.isReserved(0x100)).isFalse();
    }

    @Test
    void connectionAndStreamErrorsCarryTheirCode_8() {
        Http3Exception c = new Http3ConnectionException(Http3ErrorCode.H3_FRAME_ERROR, "§7.1: rule");
        Http3Exception s = new Http3StreamException(Http3ErrorCode.H3_REQUEST_INCOMPLETE, "§4.1: rule");
        Http3Exception q = new Http3ConnectionException(Http3ErrorCode.QPACK_DECOMPRESSION_FAILED, "RFC 9204");
        assertThat(c.isConnectionError()).isTrue();
        assertThat(c.code()).isEqualTo(0x106);
        assertThat(c.error()).isSameAs(Http3ErrorCode.H3_FRAME_ERROR);
        assertThat(s.isConnectionError()).isFalse();
        assertThat(s.code()).isEqualTo(0x10d);
        assertThat(q.code()).isEqualTo(0x200);
        assertThat(q.error()).isSameAs(Http3ErrorCode.H3_NO_ERROR);
        assertThat(c).isInstanceOf(java.io.IOException.class).hasMessage("§7.1: rule");
        assertThat(c.toString()).isEqualTo("Http3ConnectionException[H3_FRAME_ERROR]: §7.1: rule");
        assertThat(q.toString()).contains("QPACK_DECOMPRESSION_FAILED");
        assertThat(s.getStackTrace()).isEmpty();
    }
}
