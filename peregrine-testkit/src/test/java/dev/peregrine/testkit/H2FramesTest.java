package dev.peregrine.testkit;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.testkit.H2Frames.Flag;
import dev.peregrine.testkit.H2Frames.Frame;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test-side frame DSL itself: byte layouts checked by hand against RFC 9113 §6. */
class H2FramesTest {

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void prefaceIsThe24Octets_3_4() {
        assertThat(hex(H2Frames.preface())).isEqualTo("505249202a20485454502f322e300d0a0d0a534d0d0a0d0a");
    }

    @Test
    void layouts() {
        assertThat(hex(H2Frames.settings(4, 0x10000))).isEqualTo("000006040000000000" + "000400010000");
        assertThat(hex(H2Frames.settingsAck())).isEqualTo("000000040100000000");
        assertThat(hex(H2Frames.windowUpdate(1, 5))).isEqualTo("000004080000000001" + "00000005");
        assertThat(hex(H2Frames.rstStream(3, 8))).isEqualTo("000004030000000003" + "00000008");
        assertThat(hex(H2Frames.priority(3, 1, 16, true))).isEqualTo("000005020000000003" + "800000010f");
        assertThat(hex(H2Frames.data(1, "ab".getBytes(ISO_8859_1), true, 2))).isEqualTo("000005000900000001" + "0261620000");
        assertThat(hex(H2Frames.headers(1, new byte[] {(byte) 0x82}, Flag.END_HEADERS, Flag.PRIORITY, Flag.PADDED)))
                .isEqualTo("00000b012c00000001" + "04" + "000000000f" + "82" + "00000000");
        assertThat(hex(H2Frames.goAway(1, 2, new byte[] {9}))).isEqualTo("000009070000000000" + "00000001" + "00000002" + "09");
        assertThat(hex(H2Frames.pushPromise(1, 2, new byte[0], true))).isEqualTo("000004050400000001" + "00000002");
        assertThat(hex(H2Frames.raw(3, 0x09, 0, 0, new byte[0]))).isEqualTo("000003090000000000");
    }

    @Test
    void parseRoundTrip() {
        byte[] wire = H2Frames.concat(
                H2Frames.headers(1, new byte[] {1, 2}, Flag.END_HEADERS, Flag.END_STREAM),
                H2Frames.rstStream(0x8000_0001, 8),
                H2Frames.goAway(1, 0xb));
        List<Frame> frames = H2Frames.parse(wire);
        assertThat(frames).containsExactly(
                new Frame(H2Frames.HEADERS, 0x5, 1, new byte[] {1, 2}),
                new Frame(H2Frames.RST_STREAM, 0, 1, new byte[] {0, 0, 0, 8}),
                new Frame(H2Frames.GOAWAY, 0, 0, new byte[] {0, 0, 0, 1, 0, 0, 0, 0xb}));
        assertThat(frames.get(0).has(H2Frames.END_STREAM | H2Frames.END_HEADERS)).isTrue();
        assertThat(frames.get(1).errorCode()).isEqualTo(8);
        assertThat(frames.get(2).errorCode()).isEqualTo(0xb);
        assertThat(frames.get(0).toString()).isEqualTo("HEADERS[flags=0x5, stream=1, payload=0102]");
    }

    @Test
    void parseRejectsTruncatedInput() {
        byte[] ping = H2Frames.ping(1, false);
        assertThatThrownBy(() -> H2Frames.parse(java.util.Arrays.copyOf(ping, 5))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> H2Frames.parse(java.util.Arrays.copyOf(ping, 16))).isInstanceOf(IllegalArgumentException.class);
    }
}
