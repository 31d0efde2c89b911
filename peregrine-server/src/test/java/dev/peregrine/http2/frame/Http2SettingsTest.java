package dev.peregrine.http2.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SETTINGS parameters, RFC 9113 §6.5.2 and RFC 8441 §3. */
class Http2SettingsTest {

    @Test
    void rfcDefaults_6_5_2() {
        Http2Settings s = new Http2Settings();
        assertThat(s.headerTableSize()).isEqualTo(4096);
        assertThat(s.enablePush()).isTrue();
        assertThat(s.maxConcurrentStreams()).isEqualTo(Http2Settings.UNLIMITED);
        assertThat(s.initialWindowSize()).isEqualTo(65_535);
        assertThat(s.maxFrameSize()).isEqualTo(16_384);
        assertThat(s.maxHeaderListSize()).isEqualTo(Http2Settings.UNLIMITED);
        assertThat(s.enableConnectProtocol()).isFalse();
        assertThat(s.countSet()).isZero();
        assertThat(s).hasToString("Http2Settings{}");
    }

    @ParameterizedTest(name = "§6.5.2 id {0} = {1} is legal")
    @CsvSource({
        "1, 0", "1, 4294967295",
        "2, 0", "2, 1",
        "3, 0", "3, 4294967295",
        "4, 0", "4, 2147483647",
        "5, 16384", "5, 16777215",
        "6, 0", "6, 4294967295",
        "8, 0", "8, 1",
    })
    void legalValues(int id, long value) throws Exception {
        Http2Settings s = new Http2Settings();
        s.set(id, value);
        assertThat(s.get(id)).isEqualTo(value);
        assertThat(s.isSet(id)).isTrue();
        assertThat(s.countSet()).isOne();
    }

    @ParameterizedTest(name = "§6.5.2 id {0} = {1} is {2}")
    @CsvSource({
        "2, 2, PROTOCOL_ERROR",
        "2, 4294967295, PROTOCOL_ERROR",
        "4, 2147483648, FLOW_CONTROL_ERROR",
        "4, 4294967295, FLOW_CONTROL_ERROR",
        "5, 0, PROTOCOL_ERROR",
        "5, 16383, PROTOCOL_ERROR",
        "5, 16777216, PROTOCOL_ERROR",
        "8, 2, PROTOCOL_ERROR",
    })
    void illegalValuesAreConnectionErrors(int id, long value, Http2ErrorCode code) {
        Http2Settings s = new Http2Settings();
        Http2ConnectionException e = catchThrowableOfType(Http2ConnectionException.class, () -> s.set(id, value));
        assertThat(e.error()).isEqualTo(code);
        assertThat(s.isSet(id)).isFalse();
    }

    @Test
    void unknownIdentifiersAreIgnored_6_5_2() throws Exception {
        Http2Settings s = new Http2Settings();
        s.set(0x0, 5);
        s.set(0x7, 5);
        s.set(0x9, 5);
        s.set(0xffff, 5);
        assertThat(s.countSet()).isZero();
        assertThat(s.isSet(0x9)).isFalse();
        assertThatThrownBy(() -> s.get(0x9)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mergeFromCopiesOnlyWhatWasSet_6_5_3() throws Exception {
        Http2Settings peer = new Http2Settings();
        peer.set(Http2Settings.INITIAL_WINDOW_SIZE, 1000);
        Http2Settings frame = new Http2Settings();
        frame.set(Http2Settings.MAX_FRAME_SIZE, 20_000);
        peer.mergeFrom(frame);
        assertThat(peer.initialWindowSize()).as("kept").isEqualTo(1000);
        assertThat(peer.maxFrameSize()).isEqualTo(20_000);
        assertThat(peer.countSet()).isEqualTo(2);
    }

    @Test
    void resetAndCopy() throws Exception {
        Http2Settings s = new Http2Settings().maxConcurrentStreams(100);
        Http2Settings c = s.copy();
        s.reset();
        assertThat(s.maxConcurrentStreams()).isEqualTo(Http2Settings.UNLIMITED);
        assertThat(s.countSet()).isZero();
        assertThat(c.maxConcurrentStreams()).isEqualTo(100);
        assertThat(c).hasToString("Http2Settings{MAX_CONCURRENT_STREAMS=100}");
    }

    @Test
    void typedSettersValidateOurOwnConfiguration() {
        Http2Settings s = new Http2Settings();
        assertThatThrownBy(() -> s.maxFrameSize(16_383)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.maxFrameSize(1 << 24)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.initialWindowSize(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.headerTableSize(1L << 32)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.maxHeaderListSize(-2)).isInstanceOf(IllegalArgumentException.class);
        assertThat(s.countSet()).isZero();
    }

    @Test
    void unlimitedUnsetsTheLimit() {
        Http2Settings s = new Http2Settings().maxConcurrentStreams(10).maxHeaderListSize(10);
        s.maxConcurrentStreams(Http2Settings.UNLIMITED).maxHeaderListSize(Http2Settings.UNLIMITED);
        assertThat(s.countSet()).isZero();
        assertThat(s.maxConcurrentStreams()).isEqualTo(Http2Settings.UNLIMITED);
    }

    @Test
    void wireValuesAreUnsigned32Bit() {
        Http2Settings s = new Http2Settings();
        assertThatThrownBy(() -> s.set(Http2Settings.HEADER_TABLE_SIZE, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.set(Http2Settings.HEADER_TABLE_SIZE, 1L << 32)).isInstanceOf(IllegalArgumentException.class);
    }
}
