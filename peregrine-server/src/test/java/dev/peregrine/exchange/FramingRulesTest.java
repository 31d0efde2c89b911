package dev.peregrine.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The framing decisions of RFC 9110 §6.4.1 and §8.6, on every combination they constrain. */
class FramingRulesTest {

    @Test
    void rfc9110_6_4_1_noContentFor1xx204And304() {
        for (int status : new int[] {100, 101, 103, 204, 304}) {
            assertThat(FramingRules.statusAllowsContent(false, status)).as("%d", status).isFalse();
            assertThat(FramingRules.bodyMode(false, status, 10, false, 10)).as("%d", status).isEqualTo(BodyMode.NONE);
        }
        for (int status : new int[] {200, 201, 206, 301, 400, 404, 500}) {
            assertThat(FramingRules.statusAllowsContent(false, status)).as("%d", status).isTrue();
        }
    }

    @Test
    void rfc9110_9_3_6_aSuccessfulConnectHasNoContentAndNoContentLength() {
        assertThat(FramingRules.bodyMode(true, 200, -1, false, 0)).isEqualTo(BodyMode.NONE);
        assertThat(FramingRules.mayDeclareLength(true, 200)).isFalse();
        // A refused CONNECT is an ordinary response with content.
        assertThat(FramingRules.bodyMode(true, 407, -1, false, 12)).isEqualTo(BodyMode.LENGTH);
        assertThat(FramingRules.mayDeclareLength(true, 407)).isTrue();
    }

    @Test
    void rfc9110_8_6_contentLengthNeverOn1xxOr204_butA304MayRepeatIt() {
        assertThat(FramingRules.mayDeclareLength(false, 101)).isFalse();
        assertThat(FramingRules.mayDeclareLength(false, 204)).isFalse();
        assertThat(FramingRules.mayDeclareLength(false, 304)).isTrue();
        assertThat(FramingRules.mayDeclareLength(false, 200)).isTrue();
    }

    @Test
    void aDeclaredOrCompleteLengthIsUsed_trailersOrAnOpenEndedBodyStream() {
        assertThat(FramingRules.bodyMode(false, 200, 5, false, -1)).isEqualTo(BodyMode.LENGTH);
        assertThat(FramingRules.bodyMode(false, 200, -1, false, 5)).isEqualTo(BodyMode.LENGTH);
        assertThat(FramingRules.bodyMode(false, 200, -1, false, 0)).isEqualTo(BodyMode.LENGTH);
        assertThat(FramingRules.bodyMode(false, 200, -1, false, -1)).isEqualTo(BodyMode.STREAMED);
        // Trailers need a streamed body (HTTP/1.1 chunked coding), whatever the length.
        assertThat(FramingRules.bodyMode(false, 200, 5, true, 5)).isEqualTo(BodyMode.STREAMED);
        assertThat(FramingRules.bodyMode(false, 204, -1, true, -1)).isEqualTo(BodyMode.NONE);
    }
}
