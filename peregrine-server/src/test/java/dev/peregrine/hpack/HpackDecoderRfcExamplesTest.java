package dev.peregrine.hpack;

import static dev.peregrine.hpack.HpackTestSupport.assertTable;
import static dev.peregrine.hpack.HpackTestSupport.decodeAll;
import static dev.peregrine.hpack.HpackTestSupport.hex;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.hpack.HpackTestSupport.Fields;
import org.junit.jupiter.api.Test;

/** Every example of RFC 7541 Appendix C, decoded, with the dynamic table checked after each. */
class HpackDecoderRfcExamplesTest {

    static final int NO_LIMIT = Integer.MAX_VALUE;

    // ---- C.1: integers (decoded through dynamic table size updates, 5-bit prefix) ----

    @Test
    void c1_1_tenOnAFiveBitPrefix() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, NO_LIMIT);
        assertThat(decodeAll(decoder, hex("2a"))).isEmpty();
        assertThat(decoder.table().maxSize()).isEqualTo(10);
    }

    @Test
    void c1_2_1337OnAFiveBitPrefix() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, NO_LIMIT);
        assertThat(decodeAll(decoder, hex("3f9a0a"))).isEmpty();
        assertThat(decoder.table().maxSize()).isEqualTo(1337);
    }

    @Test
    void largestIntegerDecodes_section5_1() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(Integer.MAX_VALUE, NO_LIMIT);
        HpackWriter out = new HpackWriter();
        out.writeInteger(0x20, 5, Integer.MAX_VALUE);
        assertThat(decodeAll(decoder, out.toByteArray())).isEmpty();
        assertThat(decoder.table().maxSize()).isEqualTo(Integer.MAX_VALUE);
    }

    // ---- C.2: header field representations ----

    @Test
    void c2_1_literalWithIndexing() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, NO_LIMIT);
        assertThat(decodeAll(decoder, hex("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572")))
                .containsExactly("custom-key: custom-header");
        assertTable(decoder.table(), 55, "custom-key: custom-header");
    }

    @Test
    void c2_2_literalWithoutIndexing() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, NO_LIMIT);
        Fields fields = new Fields();
        byte[] block = hex("040c 2f73 616d 706c 652f 7061 7468");
        assertThat(decoder.decode(block, 0, block.length, fields)).isTrue();
        assertThat(fields.lines).containsExactly(":path: /sample/path");
        assertThat(fields.names.get(0)).as("static name, not allocated").isSameAs(StaticTable.name(4));
        assertTable(decoder.table(), 0);
    }

    @Test
    void c2_3_literalNeverIndexed() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, NO_LIMIT);
        assertThat(decodeAll(decoder, hex("1008 7061 7373 776f 7264 0673 6563 7265 74")))
                .containsExactly("password: secret");
        assertTable(decoder.table(), 0);
    }

    @Test
    void c2_4_indexedField() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, NO_LIMIT);
        Fields fields = new Fields();
        assertThat(decoder.decode(hex("82"), 0, 1, fields)).isTrue();
        assertThat(fields.lines).containsExactly(":method: GET");
        assertThat(fields.names.get(0)).isSameAs(StaticTable.name(2));
        assertThat(fields.values.get(0)).isSameAs(StaticTable.value(2));
        assertTable(decoder.table(), 0);
    }

    // ---- C.3 and C.4: requests on one connection, without and with Huffman ----

    static final String[] REQUEST_1 = {":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com"};
    static final String[] REQUEST_2 = {
        ":method: GET", ":scheme: http", ":path: /", ":authority: www.example.com", "cache-control: no-cache"};
    static final String[] REQUEST_3 = {
        ":method: GET", ":scheme: https", ":path: /index.html", ":authority: www.example.com",
        "custom-key: custom-value"};

    void assertRequests(String first, String second, String third) throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, NO_LIMIT);
        assertThat(decodeAll(decoder, hex(first))).containsExactly(REQUEST_1);
        assertTable(decoder.table(), 57, ":authority: www.example.com");
        assertThat(decodeAll(decoder, hex(second))).containsExactly(REQUEST_2);
        assertTable(decoder.table(), 110, "cache-control: no-cache", ":authority: www.example.com");
        assertThat(decodeAll(decoder, hex(third))).containsExactly(REQUEST_3);
        assertTable(decoder.table(), 164,
                "custom-key: custom-value", "cache-control: no-cache", ":authority: www.example.com");
    }

    @Test
    void c3_requestsWithoutHuffman() throws HpackException {
        assertRequests(
                "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
                "8286 84be 5808 6e6f 2d63 6163 6865",
                "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65");
    }

    @Test
    void c4_requestsWithHuffman() throws HpackException {
        assertRequests(
                "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff",
                "8286 84be 5886 a8eb 1064 9cbf",
                "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf");
    }

    // ---- C.5 and C.6: responses with a 256-octet table, so entries are evicted ----

    static final String SET_COOKIE = "set-cookie: foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";

    void assertResponses(String first, String second, String third) throws HpackException {
        HpackDecoder decoder = new HpackDecoder(256, NO_LIMIT);
        assertThat(decodeAll(decoder, hex(first))).containsExactly(
                ":status: 302", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:21 GMT",
                "location: https://www.example.com");
        assertTable(decoder.table(), 222,
                "location: https://www.example.com", "date: Mon, 21 Oct 2013 20:13:21 GMT",
                "cache-control: private", ":status: 302");

        assertThat(decodeAll(decoder, hex(second))).containsExactly(
                ":status: 307", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:21 GMT",
                "location: https://www.example.com");
        assertTable(decoder.table(), 222,
                ":status: 307", "location: https://www.example.com", "date: Mon, 21 Oct 2013 20:13:21 GMT",
                "cache-control: private");

        assertThat(decodeAll(decoder, hex(third))).containsExactly(
                ":status: 200", "cache-control: private", "date: Mon, 21 Oct 2013 20:13:22 GMT",
                "location: https://www.example.com", "content-encoding: gzip", SET_COOKIE);
        assertTable(decoder.table(), 215,
                SET_COOKIE, "content-encoding: gzip", "date: Mon, 21 Oct 2013 20:13:22 GMT");
    }

    @Test
    void c5_responsesWithoutHuffman() throws HpackException {
        assertResponses(
                "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133"
                        + "2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70"
                        + "6c65 2e63 6f6d",
                "4803 3330 37c1 c0bf",
                "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d"
                        + "54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049"
                        + "5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e"
                        + "3d31");
    }

    @Test
    void c6_responsesWithHuffman() throws HpackException {
        assertResponses(
                "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6"
                        + "2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3",
                "4883 640e ffc1 c0bf",
                "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab"
                        + "77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f"
                        + "9587 3160 65c0 03ed 4ee5 b106 3d50 07");
    }
}
