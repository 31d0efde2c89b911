package dev.peregrine.hpack;

import static dev.peregrine.hpack.HpackTestSupport.assertTable;
import static dev.peregrine.hpack.HpackTestSupport.decodeAll;
import static dev.peregrine.hpack.HpackTestSupport.hex;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HpackEncoderTest {

    final HpackEncoder encoder = new HpackEncoder(4096);
    final HpackWriter out = new HpackWriter();

    /** Encodes "name: value" lines as one block and returns its hex. */
    String block(String... lines) {
        out.reset();
        for (String line : lines) {
            int colon = line.indexOf(": ");
            encoder.encode(line.substring(0, colon), line.substring(colon + 2), out);
        }
        return hex(out.toByteArray());
    }

    // ---- RFC 7541 C.4: our choices reproduce the example encoder's bytes exactly ----

    @Test
    void c4_requestsWithHuffman() {
        assertThat(block(HpackDecoderRfcExamplesTest.REQUEST_1))
                .isEqualTo(hex(hex("8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff")));
        assertTable(encoder.table(), 57, ":authority: www.example.com");
        assertThat(block(HpackDecoderRfcExamplesTest.REQUEST_2))
                .isEqualTo(hex(hex("8286 84be 5886 a8eb 1064 9cbf")));
        assertTable(encoder.table(), 110, "cache-control: no-cache", ":authority: www.example.com");
        assertThat(block(HpackDecoderRfcExamplesTest.REQUEST_3))
                .isEqualTo(hex(hex("8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf")));
        assertTable(encoder.table(), 164,
                "custom-key: custom-value", "cache-control: no-cache", ":authority: www.example.com");
    }

    // ---- RFC 7541 C.6: 256-octet table, eviction; set-cookie differs by policy ----

    @Test
    void c6_responsesWithHuffmanAndEviction() {
        HpackEncoder small = new HpackEncoder(256);
        out.reset();
        small.encodeStatus(302, out);
        small.encode("cache-control", "private", out);
        small.encode("date", "Mon, 21 Oct 2013 20:13:21 GMT", out);
        small.encode("location", "https://www.example.com", out);
        assertThat(hex(out.toByteArray())).isEqualTo(hex(hex(
                "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6"
                        + "2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3")));
        assertTable(small.table(), 222,
                "location: https://www.example.com", "date: Mon, 21 Oct 2013 20:13:21 GMT",
                "cache-control: private", ":status: 302");

        out.reset();
        small.encodeStatus(307, out);
        small.encode("cache-control", "private", out);
        small.encode("date", "Mon, 21 Oct 2013 20:13:21 GMT", out);
        small.encode("location", "https://www.example.com", out);
        assertThat(hex(out.toByteArray())).isEqualTo(hex(hex("4883 640e ffc1 c0bf")));
        assertTable(small.table(), 222,
                ":status: 307", "location: https://www.example.com", "date: Mon, 21 Oct 2013 20:13:21 GMT",
                "cache-control: private");

        out.reset();
        small.encodeStatus(200, out);
        small.encode("cache-control", "private", out);
        small.encode("date", "Mon, 21 Oct 2013 20:13:22 GMT", out);
        small.encode("location", "https://www.example.com", out);
        small.encode("content-encoding", "gzip", out);
        String cookie = "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";
        small.encode("set-cookie", cookie, out);
        // The RFC indexes set-cookie ("77 ad ..."); we never index it: 0001 1111, name index 55.
        String expectedStart = hex(hex("88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab"));
        String setCookie = "1f28ad" + hex(Huffman.encode(cookie.getBytes(ISO_8859_1), 0, cookie.length()));
        assertThat(hex(out.toByteArray())).isEqualTo(expectedStart + setCookie);
        assertTable(small.table(), 52 + 65 + 42 + 63,
                "content-encoding: gzip", "date: Mon, 21 Oct 2013 20:13:22 GMT", ":status: 307",
                "location: https://www.example.com");
    }

    // ---- :status ----

    @ParameterizedTest(name = "{0}")
    @CsvSource({"200, 88", "204, 89", "206, 8a", "304, 8b", "400, 8c", "404, 8d", "500, 8e"})
    void statusInTheStaticTableIsOneByte_appendixA(int status, String expected) {
        encoder.encodeStatus(status, out);
        assertThat(hex(out.toByteArray())).isEqualTo(expected);
        assertTable(encoder.table(), 0);
    }

    @Test
    void otherStatusIsIndexedOnFirstUseThenReferenced_section6_2_1() {
        encoder.encodeStatus(302, out);
        assertThat(hex(out.toByteArray())).isEqualTo("48826402");
        out.reset();
        encoder.encodeStatus(302, out);
        assertThat(hex(out.toByteArray())).isEqualTo("be");
    }

    @Test
    void statusMustHaveThreeDigits() {
        assertThatThrownBy(() -> encoder.encodeStatus(99, out)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> encoder.encodeStatus(1000, out)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- representation policy ----

    @Test
    void staticExactMatchIsIndexed_section6_1() {
        assertThat(block(":method: GET", "accept-encoding: gzip, deflate", ":path: /index.html")).isEqualTo("829085");
    }

    @Test
    void repeatedFieldIsIndexedFromTheDynamicTable_section6_1() {
        block("content-type: text/html", "server: peregrine");
        assertThat(block("content-type: text/html", "server: peregrine")).isEqualTo("bfbe");
        assertThat(block("content-type: text/plain")).startsWith("5f"); // new value: static name 31
    }

    @Test
    void newNameInTheDynamicTableIsReferencedForANewValue_section6_2_1() {
        block("x-trace: one");
        // 0x7e: with indexing, name index 62 (the x-trace entry)
        assertThat(block("x-trace: two")).startsWith("7e");
        assertTable(encoder.table(), 2 * (7 + 3 + 32), "x-trace: two", "x-trace: one");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"authorization, 1f08", "proxy-authorization, 1f22", "cookie, 1f11", "set-cookie, 1f28"})
    void sensitiveFieldsAreNeverIndexed_section6_2_3(String name, String prefix) {
        for (int i = 0; i < 2; i++) {
            assertThat(block(name + ": secret-token")).startsWith(prefix);
        }
        assertTable(encoder.table(), 0);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"content-length, 0f0d", "etag, 0f13", "last-modified, 0f1d", "content-range, 0f0f", "age, 0f06"})
    void perResponseValuesAreNotIndexed_section6_2_2(String name, String prefix) {
        for (int i = 0; i < 2; i++) {
            assertThat(block(name + ": 12345")).startsWith(prefix);
        }
        assertTable(encoder.table(), 0);
    }

    @Test
    void dateIsIndexed() {
        block("date: Mon, 21 Oct 2013 20:13:21 GMT");
        assertThat(block("date: Mon, 21 Oct 2013 20:13:21 GMT")).isEqualTo("be");
    }

    @Test
    void fieldTakingMoreThanHalfTheTableIsNotIndexed() {
        String value = "v".repeat(2016); // name "x" + value + 32 = 2049 > 4096 / 2
        assertThat(block("x: " + value)).startsWith("0081f3");
        assertTable(encoder.table(), 0);
        String fits = value.substring(1); // 2048
        assertThat(block("x: " + fits)).startsWith("4081f3");
        assertThat(encoder.table().length()).isEqualTo(1);
    }

    @Test
    void rawStringWhenHuffmanWouldBeLonger_section5_2() {
        // '{' and '}' take 15 and 14 bits: Huffman is longer than the 4 raw octets.
        // The name "x" is 7 bits: one octet either way, so Huffman ("81f3").
        assertThat(block("x: {}{}")).isEqualTo("40" + "81f3" + "047b7d7b7d");
    }

    @Test
    void huffmanWhenShorterOrEqual_section5_2() {
        assertThat(block("x: 307")).isEqualTo("40" + "81f3" + "83640eff"); // 3 = 3: Huffman, as the RFC
    }

    @Test
    void nonLatin1IsRefusedAndWritesNothingOfTheField() {
        block(":method: GET");
        int before = out.length();
        assertThatThrownBy(() -> encoder.encode("x", "caf\u00e9 \u20ac", out))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(out.length()).isEqualTo(before);
        assertTable(encoder.table(), 0);
    }

    // ---- dynamic table size updates: §4.2, §6.3 ----

    @Test
    void noSizeUpdateWhenNothingChanged() {
        encoder.setMaxTableSize(4096);
        encoder.setMaxTableSize(1 << 20); // capped at 4096: no change either
        assertThat(block(":method: GET")).isEqualTo("82");
    }

    @Test
    void reductionIsSignalledOnceAtTheStartOfTheNextBlock_section4_2() {
        block("a: 1", "b: 2");
        encoder.setMaxTableSize(34);
        assertThat(block(":method: GET")).isEqualTo("3f03" + "82");
        assertTable(encoder.table(), 34, "b: 2");
        assertThat(block(":method: GET")).isEqualTo("82");
    }

    @Test
    void reductionThenIncreaseSignalsTheSmallestThenTheFinal_section4_2() {
        block("a: 1");
        encoder.setMaxTableSize(0);
        encoder.setMaxTableSize(100);
        encoder.setMaxTableSize(4096);
        assertThat(block(":method: GET")).isEqualTo("20" + "3fe11f" + "82");
        assertTable(encoder.table(), 0);
        assertThat(encoder.table().maxSize()).isEqualTo(4096);
    }

    @Test
    void increaseThenReductionSignalsOnlyTheFinal_section4_2() {
        encoder.setMaxTableSize(2000);
        encoder.setMaxTableSize(1000);
        assertThat(block(":method: GET")).isEqualTo("3fc907" + "82"); // 1000 = 31 + 969
    }

    @Test
    void initialSizeAboveTheCapIsShrunkByTheFirstBlock() {
        HpackEncoder big = new HpackEncoder(65536);
        big.encodeStatus(200, out);
        assertThat(hex(out.toByteArray())).isEqualTo("3fe11f" + "88");
        assertThat(big.table().maxSize()).isEqualTo(HpackEncoder.TABLE_SIZE_CAP);
    }

    @Test
    void sizeUpdateDecodesAndKeepsBothTablesInStep() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, Integer.MAX_VALUE);
        decodeAll(decoder, hex(block("a: 1", "b: 2", "c: 3")));
        encoder.setMaxTableSize(70);
        decodeAll(decoder, hex(block("d: 4")));
        assertThat(HpackTestSupport.entries(decoder.table())).containsExactlyElementsOf(
                HpackTestSupport.entries(encoder.table())).containsExactly("d: 4", "c: 3");
        assertThat(decoder.table().maxSize()).isEqualTo(70);
    }
}
