package dev.peregrine.http3.frame;

import static dev.peregrine.http3.frame.ControlStreamRules.Action;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/** The peer's control stream as a server reads it (RFC 9114 §6.2.1, §7.2): every legal and illegal move. */
class ControlStreamRulesTest {

    static final long[] NOT_SETTINGS = {
        FrameType.DATA, FrameType.HEADERS, FrameType.CANCEL_PUSH, FrameType.PUSH_PROMISE, FrameType.GOAWAY,
        FrameType.MAX_PUSH_ID, 0x02, 0x06, 0x08, 0x09, 0x21, 0x0c, 0x3fff,
    };

    static ControlStreamRules afterSettings() throws Http3Exception {
        ControlStreamRules rules = new ControlStreamRules();
        assertThat(rules.onFrame(FrameType.SETTINGS)).isEqualTo(Action.SETTINGS);
        return rules;
    }

    static long connectionError(ThrowingCall call) {
        Http3Exception e = catchThrowableOfType(Http3Exception.class, call::run);
        assertThat(e).isNotNull();
        assertThat(e.isConnectionError()).isTrue();
        return e.code();
    }

    interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void firstFrameSettings_6_2_1() throws Exception {
        ControlStreamRules rules = new ControlStreamRules();
        assertThat(rules.settingsReceived()).isFalse();
        assertThat(rules.onFrame(FrameType.SETTINGS)).isEqualTo(Action.SETTINGS);
        assertThat(rules.settingsReceived()).isTrue();
    }

    @Test
    void anyOtherFirstFrameIsMissingSettings_6_2_1_and_9() {
        for (long type : NOT_SETTINGS) {
            ControlStreamRules rules = new ControlStreamRules();
            assertThat(connectionError(() -> rules.onFrame(type))).as(FrameType.name(type))
                    .isEqualTo(Http3ErrorCode.H3_MISSING_SETTINGS.code());
            assertThat(rules.settingsReceived()).isFalse();
        }
    }

    @Test
    void secondSettingsIsFrameUnexpected_7_2_4() throws Exception {
        ControlStreamRules rules = afterSettings();
        assertThat(connectionError(() -> rules.onFrame(FrameType.SETTINGS)))
                .isEqualTo(Http3ErrorCode.H3_FRAME_UNEXPECTED.code());
    }

    @Test
    void goAwayMaxPushIdAndCancelPushAreAcceptedAfterSettings_7_2_3_and_7_2_6_and_7_2_7() throws Exception {
        ControlStreamRules rules = afterSettings();
        for (int i = 0; i < 2; i++) {
            assertThat(rules.onFrame(FrameType.GOAWAY)).isEqualTo(Action.GOAWAY);
            assertThat(rules.onFrame(FrameType.MAX_PUSH_ID)).isEqualTo(Action.MAX_PUSH_ID);
            assertThat(rules.onFrame(FrameType.CANCEL_PUSH)).isEqualTo(Action.CANCEL_PUSH);
        }
    }

    @Test
    void dataOnTheControlStreamIsFrameUnexpected_7_2_1() throws Exception {
        ControlStreamRules rules = afterSettings();
        assertThat(connectionError(() -> rules.onFrame(FrameType.DATA))).isEqualTo(0x105);
    }

    @Test
    void headersOnTheControlStreamIsFrameUnexpected_7_2_2() throws Exception {
        ControlStreamRules rules = afterSettings();
        assertThat(connectionError(() -> rules.onFrame(FrameType.HEADERS))).isEqualTo(0x105);
    }

    @Test
    void pushPromiseToAServerIsFrameUnexpected_7_2_5() throws Exception {
        ControlStreamRules rules = afterSettings();
        assertThat(connectionError(() -> rules.onFrame(FrameType.PUSH_PROMISE))).isEqualTo(0x105);
    }

    @Test
    void http2OnlyTypesAreFrameUnexpected_7_2_8() throws Exception {
        for (long type : new long[] {0x02, 0x06, 0x08, 0x09}) {
            ControlStreamRules rules = afterSettings();
            assertThat(connectionError(() -> rules.onFrame(type))).as("0x%x", type).isEqualTo(0x105);
        }
    }

    @Test
    void reservedAndUnknownTypesAreSkipped_7_2_8_and_9() throws Exception {
        ControlStreamRules rules = afterSettings();
        for (long type : new long[] {0x21, 0x40, 0x1fL * 1000 + 0x21, 0x0a, 0x0b, 0x0c, 0x0e, 0x3fff, VarInt.MAX_VALUE}) {
            assertThat(rules.onFrame(type)).as("0x%x", type).isEqualTo(Action.SKIP);
        }
        assertThat(rules.onFrame(FrameType.GOAWAY)).isEqualTo(Action.GOAWAY);
    }

    @Test
    void goAwayIdentifiersMayRepeatOrShrinkButNotGrow_5_2() throws Exception {
        ControlStreamRules rules = afterSettings();
        assertThat(rules.goAwayId()).isEqualTo(-1);
        rules.onGoAway(10);
        rules.onGoAway(10);
        rules.onGoAway(3);
        assertThat(rules.goAwayId()).isEqualTo(3);
        assertThat(connectionError(() -> rules.onGoAway(4))).isEqualTo(Http3ErrorCode.H3_ID_ERROR.code());
    }

    @Test
    void firstGoAwayMayCarryAnyIdentifier_5_2() throws Exception {
        ControlStreamRules rules = afterSettings();
        rules.onGoAway(VarInt.MAX_VALUE);
        assertThat(rules.goAwayId()).isEqualTo(VarInt.MAX_VALUE);
    }

    @Test
    void maxPushIdMayNotShrink_7_2_7() throws Exception {
        ControlStreamRules rules = afterSettings();
        assertThat(rules.maxPushId()).isEqualTo(-1);
        rules.onMaxPushId(0);
        rules.onMaxPushId(5);
        rules.onMaxPushId(5);
        assertThat(rules.maxPushId()).isEqualTo(5);
        assertThat(connectionError(() -> rules.onMaxPushId(4))).isEqualTo(Http3ErrorCode.H3_ID_ERROR.code());
    }

    @Test
    void cancelPushNamesAPushNeverPromised_7_2_3() throws Exception {
        ControlStreamRules rules = afterSettings();
        rules.onMaxPushId(10);
        assertThat(connectionError(() -> rules.onCancelPush(0))).isEqualTo(Http3ErrorCode.H3_ID_ERROR.code());
    }

    @Test
    void theControlStreamEndingIsClosedCriticalStream_6_2_1() throws Exception {
        assertThat(connectionError(() -> new ControlStreamRules().onEnd()))
                .isEqualTo(Http3ErrorCode.H3_CLOSED_CRITICAL_STREAM.code());
        ControlStreamRules rules = afterSettings();
        assertThat(connectionError(rules::onEnd)).isEqualTo(Http3ErrorCode.H3_CLOSED_CRITICAL_STREAM.code());
    }
}
