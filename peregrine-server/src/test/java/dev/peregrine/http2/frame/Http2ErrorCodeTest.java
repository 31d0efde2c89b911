package dev.peregrine.http2.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Error codes, RFC 9113 §7, and the two exception kinds of §5.4. */
class Http2ErrorCodeTest {

    @Test
    void codesAreTheRfcValues_7() {
        assertThat(Http2ErrorCode.NO_ERROR.code()).isEqualTo(0x0);
        assertThat(Http2ErrorCode.PROTOCOL_ERROR.code()).isEqualTo(0x1);
        assertThat(Http2ErrorCode.INTERNAL_ERROR.code()).isEqualTo(0x2);
        assertThat(Http2ErrorCode.FLOW_CONTROL_ERROR.code()).isEqualTo(0x3);
        assertThat(Http2ErrorCode.SETTINGS_TIMEOUT.code()).isEqualTo(0x4);
        assertThat(Http2ErrorCode.STREAM_CLOSED.code()).isEqualTo(0x5);
        assertThat(Http2ErrorCode.FRAME_SIZE_ERROR.code()).isEqualTo(0x6);
        assertThat(Http2ErrorCode.REFUSED_STREAM.code()).isEqualTo(0x7);
        assertThat(Http2ErrorCode.CANCEL.code()).isEqualTo(0x8);
        assertThat(Http2ErrorCode.COMPRESSION_ERROR.code()).isEqualTo(0x9);
        assertThat(Http2ErrorCode.CONNECT_ERROR.code()).isEqualTo(0xa);
        assertThat(Http2ErrorCode.ENHANCE_YOUR_CALM.code()).isEqualTo(0xb);
        assertThat(Http2ErrorCode.INADEQUATE_SECURITY.code()).isEqualTo(0xc);
        assertThat(Http2ErrorCode.HTTP_1_1_REQUIRED.code()).isEqualTo(0xd);
        for (Http2ErrorCode c : Http2ErrorCode.values()) {
            assertThat(Http2ErrorCode.of(c.code())).isSameAs(c);
            assertThat(Http2ErrorCode.isKnown(c.code())).isTrue();
        }
    }

    @Test
    void unknownCodesReportAsInternalError_7() {
        assertThat(Http2ErrorCode.of(0xe)).isEqualTo(Http2ErrorCode.INTERNAL_ERROR);
        assertThat(Http2ErrorCode.of(-1)).isEqualTo(Http2ErrorCode.INTERNAL_ERROR);
        assertThat(Http2ErrorCode.of(Integer.MAX_VALUE)).isEqualTo(Http2ErrorCode.INTERNAL_ERROR);
        assertThat(Http2ErrorCode.isKnown(0xe)).isFalse();
        assertThat(Http2ErrorCode.isKnown(-1)).isFalse();
    }

    @Test
    void exceptionsAreCheapAndSayWhatToSend_5_4() {
        Http2Exception c = new Http2ConnectionException(Http2ErrorCode.PROTOCOL_ERROR, "§6.1: rule");
        Http2Exception s = new Http2StreamException(3, Http2ErrorCode.STREAM_CLOSED, "§5.1: rule");
        assertThat(c.getStackTrace()).isEmpty();
        assertThat(s.getStackTrace()).isEmpty();
        // Sealed: a switch over the two kinds needs no default.
        String what = switch (s) {
            case Http2ConnectionException e -> "GOAWAY " + e.error();
            case Http2StreamException e -> "RST_STREAM " + e.streamId() + " " + e.error();
        };
        assertThat(what).isEqualTo("RST_STREAM 3 STREAM_CLOSED");
        assertThat(c).hasToString("Http2ConnectionException[PROTOCOL_ERROR]: §6.1: rule");
        assertThat(s).hasToString("Http2StreamException[STREAM_CLOSED, stream 3]: §5.1: rule");
        assertThatThrownBy(() -> new Http2StreamException(0, Http2ErrorCode.CANCEL, "x"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
