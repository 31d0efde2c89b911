package dev.peregrine.hpack;

import static dev.peregrine.hpack.HpackTestSupport.hex;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HuffmanTest {

    static byte[] encode(String s) {
        HpackWriter out = new HpackWriter(0);
        Huffman.encode(s, out);
        return out.toByteArray();
    }

    static String decode(byte[] encoded) throws HpackException {
        return Huffman.decode(encoded, 0, encoded.length, Integer.MAX_VALUE);
    }

    /** Packs a string of '0' and '1' (a whole number of bytes) into bytes, most significant first. */
    static byte[] bits(String bits) {
        assertThat(bits.length() % 8).as("whole bytes").isZero();
        byte[] out = new byte[bits.length() / 8];
        for (int i = 0; i < bits.length(); i++) {
            if (bits.charAt(i) == '1') {
                out[i / 8] |= (byte) (0x80 >>> (i % 8));
            }
        }
        return out;
    }

    /** The first and last code of every length in RFC 7541 Appendix B, and a few in between. */
    @ParameterizedTest(name = "symbol {0}")
    @CsvSource({
        "48, 0, 5", "116, 9, 5", "97, 3, 5",
        "32, 14, 6", "117, 2d, 6", "65, 21, 6",
        "58, 5c, 7", "122, 7b, 7",
        "38, f8, 8", "90, fd, 8", "88, fc, 8",
        "33, 3f8, 10", "63, 3fc, 10",
        "39, 7fa, 11", "124, 7fc, 11",
        "35, ffa, 12", "62, ffb, 12",
        "0, 1ff8, 13", "126, 1ffd, 13",
        "94, 3ffc, 14", "125, 3ffd, 14",
        "60, 7ffc, 15", "123, 7ffe, 15",
        "92, 7fff0, 19", "208, 7fff2, 19",
        "128, fffe6, 20", "226, fffed, 20",
        "153, 1fffdc, 21", "230, 1fffe8, 21",
        "129, 3fffd2, 22", "233, 3fffeb, 22",
        "1, 7fffd8, 23", "239, 7ffff4, 23",
        "9, ffffea, 24", "237, fffff5, 24",
        "199, 1ffffec, 25", "235, 1ffffef, 25",
        "192, 3ffffe0, 26", "255, 3ffffee, 26",
        "203, 7ffffde, 27", "254, 7fffff0, 27",
        "2, fffffe2, 28", "220, ffffffd, 28", "249, ffffffe, 28",
        "10, 3ffffffc, 30", "22, 3ffffffe, 30", "256, 3fffffff, 30",
    })
    void codeTableMatchesRfc7541AppendixB(int symbol, String code, int length) {
        assertThat(Integer.toHexString(Huffman.code(symbol))).isEqualTo(code);
        assertThat(Huffman.codeLength(symbol)).isEqualTo(length);
    }

    @Test
    void codeIsCompleteAndPrefixFree_appendixB() {
        // Kraft equality: a complete prefix code, so any mistyped length would show up here.
        long sum = 0;
        for (int sym = 0; sym <= Huffman.EOS; sym++) {
            sum += 1L << (30 - Huffman.codeLength(sym));
        }
        assertThat(sum).isEqualTo(1L << 30);
    }

    /** The Huffman-coded literals of RFC 7541 C.4 and C.6. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "www.example.com | f1e3 c2e5 f23a 6ba0 ab90 f4ff",
        "no-cache | a8eb 1064 9cbf",
        "custom-key | 25a8 49e9 5ba9 7d7f",
        "custom-value | 25a8 49e9 5bb8 e8b4 bf",
        "302 | 6402",
        "307 | 640e ff",
        "private | aec3 771a 4b",
        "Mon, 21 Oct 2013 20:13:21 GMT | d07a be94 1054 d444 a820 0595 040b 8166 e082 a62d 1bff",
        "Mon, 21 Oct 2013 20:13:22 GMT | d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff",
        "https://www.example.com | 9d29 ad17 1863 c78f 0b97 c8e9 ae82 ae43 d3",
        "gzip | 9bd9 ab",
        "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1 | 94e7 821d d7f2 e6c7 b335 dfdf cd5b "
            + "3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07",
    })
    void rfc7541AppendixCStrings_encodeAndDecode(String text, String dump) throws HpackException {
        byte[] expected = hex(dump);
        assertThat(hex(encode(text))).isEqualTo(hex(expected));
        assertThat(Huffman.encodedLength(text)).isEqualTo(expected.length);
        assertThat(decode(expected)).isEqualTo(text);
    }

    @Test
    void everyByteValueRoundTrips() throws HpackException {
        byte[] all = new byte[256];
        for (int b = 0; b < 256; b++) {
            all[b] = (byte) b;
            byte[] one = {(byte) b};
            byte[] encoded = Huffman.encode(one, 0, 1);
            assertThat(encoded).hasSize((Huffman.codeLength(b) + 7) / 8);
            assertThat(decode(encoded)).isEqualTo(new String(one, ISO_8859_1));
        }
        String allText = new String(all, ISO_8859_1);
        byte[] fromBytes = Huffman.encode(all, 0, all.length);
        assertThat(encode(allText)).isEqualTo(fromBytes);
        assertThat(Huffman.encodedLength(all, 0, all.length)).isEqualTo(fromBytes.length);
        assertThat(decode(fromBytes)).isEqualTo(allText);
    }

    @Test
    void randomStringsRoundTrip() throws HpackException {
        Random random = new Random(7541);
        byte[] dst = new byte[1000];
        for (int i = 0; i < 2000; i++) {
            byte[] raw = new byte[random.nextInt(120)];
            for (int j = 0; j < raw.length; j++) {
                // Mostly header-ish ASCII, sometimes anything (long codes, and nibble boundaries).
                raw[j] = (byte) (random.nextInt(4) == 0 ? random.nextInt(256) : 32 + random.nextInt(95));
            }
            byte[] encoded = Huffman.encode(raw, 0, raw.length);
            int n = Huffman.decode(encoded, 0, encoded.length, dst, 3, dst.length - 3);
            assertThat(Arrays.copyOfRange(dst, 3, 3 + n)).isEqualTo(raw);
            assertThat(Huffman.maxDecodedLength(encoded.length)).isGreaterThanOrEqualTo(n);
        }
    }

    @Test
    void emptyStringIsValid() throws HpackException {
        assertThat(encode("")).isEmpty();
        assertThat(decode(new byte[0])).isEmpty();
    }

    @Test
    void paddingOfUpToSevenOnesIsAccepted_section5_2() throws HpackException {
        assertThat(decode(bits("00011" + "111"))).isEqualTo("a");                      // 3 bits
        assertThat(decode(bits("00011" + "00011" + "00001" + "1"))).isEqualTo("aa1"); // 1 bit
        assertThat(decode(bits("00011" + "00011" + "1011100" + "1111111"))).isEqualTo("aa:");  // 7 bits
    }

    @Test
    void eosInTheStringIsAnError_section5_2() {
        assertThatThrownBy(() -> decode(bits("1".repeat(32))))
                .isInstanceOf(HpackException.class).hasMessageContaining("EOS");
        assertThatThrownBy(() -> decode(bits("00011" + "1".repeat(30) + "00011" + "00011" + "111")))
                .isInstanceOf(HpackException.class).hasMessageContaining("EOS");
    }

    @Test
    void paddingLongerThanSevenBitsIsAnError_section5_2() {
        assertThatThrownBy(() -> decode(bits("00011" + "111" + "11111111")))
                .isInstanceOf(HpackException.class).hasMessageContaining("padding");
        assertThatThrownBy(() -> decode(bits("11111111")))
                .isInstanceOf(HpackException.class).hasMessageContaining("padding");
    }

    @Test
    void paddingNotAllOnesIsAnError_section5_2() {
        assertThatThrownBy(() -> decode(bits("00011" + "000")))
                .isInstanceOf(HpackException.class).hasMessageContaining("padding");
        assertThatThrownBy(() -> decode(bits("00011" + "110")))
                .isInstanceOf(HpackException.class).hasMessageContaining("padding");
        // A code cut short is padding that is not all ones too: 'A' is 100001.
        assertThatThrownBy(() -> decode(bits("00011" + "100")))
                .isInstanceOf(HpackException.class).hasMessageContaining("padding");
    }

    @Test
    void stringDecodeRefusesOutputPastMaxLength() throws HpackException {
        byte[] encoded = encode("www.example.com");
        assertThat(Huffman.decode(encoded, 0, encoded.length, 15)).isEqualTo("www.example.com");
        assertThatThrownBy(() -> Huffman.decode(encoded, 0, encoded.length, 14))
                .isInstanceOf(HpackException.class).hasMessageContaining("too long");
    }

    @Test
    void arrayDecodeWritesAtMostMaxLengthButCountsAndValidatesAll() throws HpackException {
        byte[] encoded = encode("www.example.com");
        byte[] dst = new byte[20];
        Arrays.fill(dst, (byte) '#');
        int n = Huffman.decode(encoded, 0, encoded.length, dst, 0, 4);
        assertThat(n).isEqualTo(15);
        assertThat(new String(dst, ISO_8859_1)).isEqualTo("www." + "#".repeat(16));

        byte[] badTail = Arrays.copyOf(encoded, encoded.length + 1);
        badTail[encoded.length] = (byte) 0xFF; // 8 more bits of padding
        assertThatThrownBy(() -> Huffman.decode(badTail, 0, badTail.length, dst, 0, 4))
                .isInstanceOf(HpackException.class);
    }

    @Test
    void decodeHonoursOffsetAndLength() throws HpackException {
        byte[] encoded = encode("no-cache");
        byte[] framed = new byte[encoded.length + 4];
        framed[0] = (byte) 0xFF;
        framed[1] = (byte) 0xFF;
        System.arraycopy(encoded, 0, framed, 2, encoded.length);
        framed[framed.length - 1] = 0;
        framed[framed.length - 2] = 0;
        assertThat(Huffman.decode(framed, 2, encoded.length, 100)).isEqualTo("no-cache");
    }

    @Test
    void nonLatin1CharsAreRefusedBeforeWriting() {
        HpackWriter out = new HpackWriter();
        assertThatThrownBy(() -> Huffman.encode("ok\u010A", out)).isInstanceOf(IllegalArgumentException.class);
        assertThat(out.length()).isZero();
        assertThatThrownBy(() -> Huffman.encodedLength("\u20AC")).isInstanceOf(IllegalArgumentException.class);
    }
}
