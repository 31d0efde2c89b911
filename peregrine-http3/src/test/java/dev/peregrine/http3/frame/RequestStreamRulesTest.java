package dev.peregrine.http3.frame;

import static dev.peregrine.http3.frame.RequestStreamRules.Action;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/** A server's request stream (RFC 9114 §4.1): HEADERS, DATA*, optional trailers; every legal and illegal move. */
class RequestStreamRulesTest {

    /** Frames that never belong on a request stream, whatever the state (§7.2.3-§7.2.8). */
    static final long[] NEVER = {
        FrameType.SETTINGS, FrameType.GOAWAY, FrameType.MAX_PUSH_ID, FrameType.CANCEL_PUSH, FrameType.PUSH_PROMISE,
        0x02, 0x06, 0x08, 0x09,
    };
    static final long[] SKIPPED = {0x21, 0x40, 0x1fL * 77 + 0x21, 0x0c, 0x0d + 1, 0x3fff};

    interface ThrowingCall {
        void run() throws Exception;
    }

    static Http3Exception error(ThrowingCall call) {
        Http3Exception e = catchThrowableOfType(Http3Exception.class, call::run);
        assertThat(e).isNotNull();
        return e;
    }

    static void assertFrameUnexpected(RequestStreamRules rules, long type) {
        Http3Exception e = error(() -> rules.onFrame(type));
        assertThat(e.isConnectionError()).as(FrameType.name(type)).isTrue();
        assertThat(e.code()).as(FrameType.name(type)).isEqualTo(Http3ErrorCode.H3_FRAME_UNEXPECTED.code());
    }

    static RequestStreamRules withHeaders() throws Http3Exception {
        RequestStreamRules rules = new RequestStreamRules();
        assertThat(rules.onFrame(FrameType.HEADERS)).isEqualTo(Action.HEADERS);
        return rules;
    }

    static RequestStreamRules withTrailers() throws Http3Exception {
        RequestStreamRules rules = withHeaders();
        assertThat(rules.onFrame(FrameType.DATA)).isEqualTo(Action.DATA);
        assertThat(rules.onFrame(FrameType.HEADERS)).isEqualTo(Action.TRAILERS);
        return rules;
    }

    @Test
    void headersDataTrailers_4_1() throws Exception {
        RequestStreamRules rules = new RequestStreamRules();
        assertThat(rules.headersReceived()).isFalse();
        assertThat(rules.onFrame(FrameType.HEADERS)).isEqualTo(Action.HEADERS);
        assertThat(rules.headersReceived()).isTrue();
        for (int i = 0; i < 3; i++) {
            assertThat(rules.onFrame(FrameType.DATA)).isEqualTo(Action.DATA);
        }
        assertThat(rules.trailersReceived()).isFalse();
        assertThat(rules.onFrame(FrameType.HEADERS)).isEqualTo(Action.TRAILERS);
        assertThat(rules.trailersReceived()).isTrue();
        rules.onEnd();
    }

    @Test
    void headersAloneAndHeadersThenTrailersAreComplete_4_1() throws Exception {
        withHeaders().onEnd();
        RequestStreamRules rules = withHeaders();
        assertThat(rules.onFrame(FrameType.HEADERS)).isEqualTo(Action.TRAILERS);
        rules.onEnd();
    }

    @Test
    void reservedAndUnknownFramesAreSkippedInEveryState_4_1_and_9() throws Exception {
        RequestStreamRules rules = new RequestStreamRules();
        for (long t : SKIPPED) {
            assertThat(rules.onFrame(t)).isEqualTo(Action.SKIP);
        }
        assertThat(rules.onFrame(FrameType.HEADERS)).isEqualTo(Action.HEADERS);
        for (long t : SKIPPED) {
            assertThat(rules.onFrame(t)).isEqualTo(Action.SKIP);
        }
        assertThat(rules.onFrame(FrameType.DATA)).isEqualTo(Action.DATA);
        for (long t : SKIPPED) {
            assertThat(rules.onFrame(t)).isEqualTo(Action.SKIP);
        }
        assertThat(rules.onFrame(FrameType.HEADERS)).isEqualTo(Action.TRAILERS);
        for (long t : SKIPPED) {
            assertThat(rules.onFrame(t)).isEqualTo(Action.SKIP);
        }
        rules.onEnd();
    }

    @Test
    void dataBeforeHeadersIsFrameUnexpected_4_1() throws Exception {
        assertFrameUnexpected(new RequestStreamRules(), FrameType.DATA);
        RequestStreamRules rules = new RequestStreamRules();
        assertThat(rules.onFrame(0x21)).isEqualTo(Action.SKIP);
        assertFrameUnexpected(rules, FrameType.DATA);
    }

    @Test
    void headersOrDataAfterTheTrailersIsFrameUnexpected_4_1() throws Exception {
        assertFrameUnexpected(withTrailers(), FrameType.HEADERS);
        assertFrameUnexpected(withTrailers(), FrameType.DATA);
    }

    @Test
    void controlFramesPushPromiseAndHttp2TypesAreFrameUnexpectedInEveryState_7_2() throws Exception {
        for (long type : NEVER) {
            assertFrameUnexpected(new RequestStreamRules(), type);
            assertFrameUnexpected(withHeaders(), type);
            assertFrameUnexpected(withTrailers(), type);
            RequestStreamRules tunnel = withHeaders();
            tunnel.tunnel();
            assertFrameUnexpected(tunnel, type);
        }
    }

    @Test
    void endBeforeHeadersIsAStreamErrorRequestIncomplete_4_1() throws Exception {
        Http3Exception e = error(() -> new RequestStreamRules().onEnd());
        assertThat(e.isConnectionError()).isFalse();
        assertThat(e).isInstanceOf(Http3StreamException.class);
        assertThat(e.code()).isEqualTo(Http3ErrorCode.H3_REQUEST_INCOMPLETE.code());

        RequestStreamRules onlyGrease = new RequestStreamRules();
        assertThat(onlyGrease.onFrame(0x21)).isEqualTo(Action.SKIP);
        assertThat(error(onlyGrease::onEnd).code()).isEqualTo(Http3ErrorCode.H3_REQUEST_INCOMPLETE.code());
    }

    @Test
    void noFrameAfterTheEnd() throws Exception {
        RequestStreamRules rules = withHeaders();
        rules.onEnd();
        assertThatThrownBy(() -> rules.onFrame(FrameType.DATA)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void connectTunnelCarriesOnlyData_4_4() throws Exception {
        RequestStreamRules rules = withHeaders();
        rules.tunnel();
        assertThat(rules.onFrame(FrameType.DATA)).isEqualTo(Action.DATA);
        assertThat(rules.onFrame(0x21)).isEqualTo(Action.SKIP);
        assertFrameUnexpected(rules, FrameType.HEADERS);
        RequestStreamRules ended = withHeaders();
        ended.tunnel();
        ended.onEnd();
    }

    @Test
    void aTunnelOpensOnlyAfterTheHeaderSection_4_4() throws Exception {
        assertThatThrownBy(() -> new RequestStreamRules().tunnel()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> withTrailers().tunnel()).isInstanceOf(IllegalStateException.class);
    }
}
