package dev.peregrine.http3.frame;

import static dev.peregrine.http3.frame.UniStreamRules.Kind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/** Unidirectional stream types as a server receives them (RFC 9114 §6.2, RFC 9204 §4.2). */
class UniStreamRulesTest {

    static long connectionError(UniStreamRules rules, long type) {
        Http3ConnectionException e = catchThrowableOfType(Http3ConnectionException.class, () -> rules.onStreamType(type));
        assertThat(e).isNotNull();
        return e.code();
    }

    @Test
    void oneOfEachCriticalStream_6_2_1_and_RFC9204_4_2() throws Exception {
        UniStreamRules rules = new UniStreamRules();
        assertThat(rules.onStreamType(StreamType.QPACK_DECODER)).isEqualTo(Kind.QPACK_DECODER);
        assertThat(rules.onStreamType(StreamType.CONTROL)).isEqualTo(Kind.CONTROL);
        assertThat(rules.onStreamType(StreamType.QPACK_ENCODER)).isEqualTo(Kind.QPACK_ENCODER);
    }

    @Test
    void aSecondCriticalStreamIsStreamCreationError_6_2_1_and_RFC9204_4_2() throws Exception {
        for (long type : new long[] {StreamType.CONTROL, StreamType.QPACK_ENCODER, StreamType.QPACK_DECODER}) {
            UniStreamRules rules = new UniStreamRules();
            rules.onStreamType(type);
            assertThat(connectionError(rules, type)).as(StreamType.name(type))
                    .isEqualTo(Http3ErrorCode.H3_STREAM_CREATION_ERROR.code());
        }
    }

    @Test
    void aPushStreamFromAClientIsStreamCreationError_6_2_2() {
        assertThat(connectionError(new UniStreamRules(), StreamType.PUSH))
                .isEqualTo(Http3ErrorCode.H3_STREAM_CREATION_ERROR.code());
    }

    @Test
    void reservedAndUnknownTypesAreDiscardedNeverAnError_6_2_and_6_2_3() throws Exception {
        UniStreamRules rules = new UniStreamRules();
        for (int i = 0; i < 2; i++) {
            for (long type : new long[] {0x21, 0x40, 0x1fL * 12345 + 0x21, 0x04, 0x54, VarInt.MAX_VALUE}) {
                assertThat(rules.onStreamType(type)).as("0x%x", type).isEqualTo(Kind.DISCARD);
            }
        }
        assertThat(rules.onStreamType(StreamType.CONTROL)).isEqualTo(Kind.CONTROL);
    }

    @Test
    void aCriticalStreamEndingIsClosedCriticalStream_6_2_1_and_RFC9204_4_2() throws Exception {
        UniStreamRules rules = new UniStreamRules();
        for (Kind kind : new Kind[] {Kind.CONTROL, Kind.QPACK_ENCODER, Kind.QPACK_DECODER}) {
            Http3ConnectionException e = catchThrowableOfType(Http3ConnectionException.class, () -> rules.onEnd(kind));
            assertThat(e).as(kind.name()).isNotNull();
            assertThat(e.code()).isEqualTo(Http3ErrorCode.H3_CLOSED_CRITICAL_STREAM.code());
        }
        rules.onEnd(Kind.DISCARD);
    }
}
