package dev.peregrine.http3.frame;

import static dev.peregrine.http3.frame.TestBytes.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The SETTINGS payload (RFC 9114 §7.2.4) both ways, and every way a peer can get it wrong. */
class Http3SettingsTest {

    static Http3Settings parse(String hex) throws Http3ConnectionException {
        byte[] b = hex(hex);
        return Http3Settings.parse(b, 0, b.length);
    }

    static long errorOf(String hex) {
        return catchThrowableOfType(Http3ConnectionException.class, () -> parse(hex)).code();
    }

    @Test
    void emptyPayloadMeansEveryDefault_7_2_4_2() throws Exception {
        Http3Settings s = parse("");
        assertThat(s).isEqualTo(Http3Settings.DEFAULTS);
        assertThat(s.qpackMaxTableCapacity()).isZero();
        assertThat(s.maxFieldSectionSize()).isEqualTo(Http3Settings.UNLIMITED);
        assertThat(s.qpackBlockedStreams()).isZero();
        assertThat(s.enableConnectProtocol()).isFalse();
        assertThat(s.h3Datagram()).isFalse();
    }

    @Test
    void parsesEverySettingWeUse_7_2_4_1() throws Exception {
        // 0x01 = 4096, 0x06 = 16384, 0x07 = 100, 0x08 = 1, 0x33 = 1
        Http3Settings s = parse("01 5000  06 80004000  07 4064  08 01  33 01");
        assertThat(s).isEqualTo(new Http3Settings(4096, 16_384, 100, true, true));
    }

    @Test
    void explicitZeroesAreAccepted() throws Exception {
        assertThat(parse("08 00 33 00 06 00")).isEqualTo(Http3Settings.DEFAULTS.withMaxFieldSectionSize(0));
    }

    @Test
    void ignoresUnknownAndReservedIdentifiers_7_2_4() throws Exception {
        // 0x21 and 0x40 reserved (one-byte 0x21, two-byte 0x4040 = 64 = 0x1f + 0x21), 0x09 and 0x3fff unknown
        Http3Settings s = parse("21 3f  4040 c000000000000001  09 05  7fff 00  06 44d2");
        assertThat(s).isEqualTo(Http3Settings.DEFAULTS.withMaxFieldSectionSize(0x4d2));
    }

    @Test
    void acceptsNonMinimalEncodings_RFC9000_16() throws Exception {
        assertThat(parse("4001 4025").qpackMaxTableCapacity()).isEqualTo(37);
    }

    @Test
    void parsesAtAnOffset() throws Exception {
        byte[] b = hex("ff ff 07 05 ff");
        assertThat(Http3Settings.parse(b, 2, 2).qpackBlockedStreams()).isEqualTo(5);
    }

    @Test
    void duplicateKnownIdentifierIsSettingsError_7_2_4() {
        assertThat(errorOf("01 10 06 20 01 10")).isEqualTo(0x109);
    }

    @Test
    void duplicateUnknownIdentifierIsSettingsErrorToo_7_2_4() {
        assertThat(errorOf("21 01 0a 00 21 02")).isEqualTo(0x109);
    }

    @Test
    void duplicateIdentifierSpelledTwoWaysIsStillADuplicate_7_2_4() {
        assertThat(errorOf("06 01 4006 02")).isEqualTo(0x109);
    }

    @Test
    void everyHttp2OnlyIdentifierIsSettingsError_7_2_4_1() {
        for (String id : new String[] {"00", "02", "03", "04", "05", "4005"}) {
            assertThat(errorOf("01 00 " + id + " 00")).as("id %s", id).isEqualTo(0x109);
        }
        assertThat(Http3Settings.isHttp2Only(0x01)).isFalse();
        assertThat(Http3Settings.isHttp2Only(0x06)).isFalse();
        assertThat(Http3Settings.isHttp2Only(0x05)).isTrue();
    }

    @Test
    void booleanSettingsOtherThan0Or1AreSettingsErrors() {
        assertThat(errorOf("33 02")).as("RFC 9297 §2.1.1").isEqualTo(0x109);
        assertThat(errorOf("08 02")).as("RFC 9220 §3").isEqualTo(0x109);
    }

    @Test
    void booleanSettingsAcceptOneInAnyEncoding() throws Exception {
        assertThat(parse("08 4001").enableConnectProtocol()).isTrue();
        assertThat(parse("33 c000000000000001").h3Datagram()).isTrue();
    }

    @Test
    void truncatedIdentifierOrValueIsFrameError_7_1() {
        assertThat(errorOf("40")).as("identifier cut short").isEqualTo(0x106);
        assertThat(errorOf("06")).as("value missing").isEqualTo(0x106);
        assertThat(errorOf("06 8000")).as("value cut short").isEqualTo(0x106);
        assertThat(errorOf("01 00 07")).as("last value missing").isEqualTo(0x106);
    }

    @Test
    void encodesOnlyNonDefaultSettingsInIdentifierOrder() {
        assertThat(encode(Http3Settings.DEFAULTS)).isEmpty();
        Http3Settings s = new Http3Settings(4096, 16_384, 100, true, true);
        assertThat(encode(s)).isEqualTo("015000 0680004000 074064 0801 3301".replace(" ", ""));
        assertThat(s.encodedLength(false)).isEqualTo(15);
        assertThat(encode(Http3Settings.DEFAULTS.withQpackBlockedStreams(1))).isEqualTo("0701");
        assertThat(encode(Http3Settings.DEFAULTS.withEnableConnectProtocol(true))).isEqualTo("0801");
        assertThat(encode(Http3Settings.DEFAULTS.withMaxFieldSectionSize(0))).isEqualTo("0600");
    }

    @Test
    void encodeThenParseRoundTrips() throws Exception {
        Http3Settings s = Http3Settings.DEFAULTS.withQpackMaxTableCapacity(VarInt.MAX_VALUE).withH3Datagram(true);
        assertThat(parse(encode(s))).isEqualTo(s);
    }

    @Test
    void greaseAddsOneReservedSettingThatParsingIgnores_7_2_4_1() throws Exception {
        Http3Settings s = Http3Settings.DEFAULTS.withQpackMaxTableCapacity(100);
        for (int i = 0; i < 50; i++) {
            byte[] out = new byte[s.encodedLength(true)];
            assertThat(s.encode(out, 0, true)).isEqualTo(out.length);
            assertThat(out.length).isEqualTo(s.encodedLength(false) + 5);
            int at = s.encodedLength(false);
            assertThat(Arrays.copyOf(out, at)).isEqualTo(hex("014064"));
            long id = VarInt.read(out, at, out.length - at);
            assertThat(Http3Settings.isReserved(id)).as("0x%x", id).isTrue();
            assertThat(Http3Settings.parse(out, 0, out.length)).isEqualTo(s);
        }
    }

    @Test
    void encodeThatDoesNotFitWritesNothing() {
        byte[] out = new byte[3];
        Http3Settings s = Http3Settings.DEFAULTS.withQpackMaxTableCapacity(4096).withQpackBlockedStreams(1);
        assertThatThrownBy(() -> s.encode(out, 0, false)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(out).containsOnly(0);
    }

    @Test
    void valuesOutsideTheVarIntRangeAreRejected() {
        assertThatThrownBy(() -> Http3Settings.DEFAULTS.withQpackMaxTableCapacity(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Http3Settings.DEFAULTS.withQpackBlockedStreams(1L << 62))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Http3Settings.DEFAULTS.withMaxFieldSectionSize(1L << 62))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(Http3Settings.DEFAULTS.withMaxFieldSectionSize(Http3Settings.UNLIMITED).maxFieldSectionSize())
                .isEqualTo(Http3Settings.UNLIMITED);
    }

    static String encode(Http3Settings s) {
        byte[] out = new byte[s.encodedLength(false)];
        assertThat(s.encode(out, 0, false)).isEqualTo(out.length);
        return hex(out);
    }
}
