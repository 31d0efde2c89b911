package dev.peregrine.hpack;

import static dev.peregrine.hpack.HpackTestSupport.assertTable;
import static dev.peregrine.hpack.HpackTestSupport.decodeAll;
import static dev.peregrine.hpack.HpackTestSupport.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.peregrine.hpack.HpackTestSupport.Fields;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Malformed blocks, table rules and header list limits (the HPACK-bomb defence). */
class HpackDecoderTest {

    static final int NO_LIMIT = Integer.MAX_VALUE;

    final HpackDecoder decoder = new HpackDecoder(4096, NO_LIMIT);

    void assertMalformed(String block, String reason) {
        byte[] bytes = hex(block);
        assertThatThrownBy(() -> decoder.decode(bytes, 0, bytes.length, new Fields()))
                .isInstanceOf(HpackException.class)
                .hasMessageContaining(reason);
    }

    /** A literal with incremental indexing, new raw name, raw value (§6.2.1). */
    static byte[] literalWithIndexing(String name, String value) {
        HpackWriter out = new HpackWriter();
        out.writeByte(0x40);
        out.writeInteger(0, 7, name.length());
        out.writeLatin1(name);
        out.writeInteger(0, 7, value.length());
        out.writeLatin1(value);
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        HpackWriter out = new HpackWriter();
        for (byte[] part : parts) {
            out.write(part, 0, part.length);
        }
        return out.toByteArray();
    }

    // ---- malformed blocks: COMPRESSION_ERROR ----

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "ff, truncated integer",                // index 127 needs a continuation byte
        "ff 80, truncated integer",             // continuation flag set on the last byte
        "3f, truncated integer",                // size update
        "40 7f, truncated integer",             // string length
    })
    void truncatedIntegerIsAnError_section5_1(String block, String reason) {
        assertMalformed(block, reason);
    }

    @Test
    void integerAbove2To31Minus1IsAnError_section5_1() {
        assertMalformed("ff ff ff ff ff 0f", "overflow"); // 127 + ... + 15 * 2^28 > 2^31 - 1
        assertMalformed("3f e1 ff ff ff 07", "overflow"); // 31 + 2^31 - 31 + ... just past 2^31 - 1
    }

    @Test
    void integerWithMoreThanFiveContinuationBytesIsAnError_section5_1() {
        assertMalformed("ff 80 80 80 80 80 00", "too long"); // a small value padded with zero groups
    }

    @Test
    void stringLengthPastTheBlockIsAnError_section5_2() {
        assertMalformed("40 05 6162 01 61", "past the end");      // name of 5 octets, 2 present
        assertMalformed("04 0c 2f73 616d", "past the end");       // value of 12 octets, 4 present
        assertMalformed("40 03 616263", "truncated string");     // the value is missing entirely
        assertMalformed("40 ff ff ff ff 07", "past the end");     // a huge length, nothing allocated
    }

    @Test
    void indexZeroIsAnError_section6_1() {
        assertMalformed("80", "index 0");
    }

    @Test
    void indexPastTheTableIsAnError_section2_3_3() {
        assertMalformed("be", "index past the dynamic table");         // 62, the table is empty
        assertMalformed("7e 01 61", "name index past the dynamic table"); // name 62, with indexing
        assertMalformed("0f 2f 01 61", "name index past the dynamic table"); // name 62, without
    }

    @Test
    void indexOfTheLastEntryIsValidAndOnePastIsNot_section2_3_3() throws HpackException {
        decodeAll(decoder, concat(literalWithIndexing("a", "1"), literalWithIndexing("b", "2")));
        assertThat(decodeAll(decoder, hex("bf be"))).containsExactly("a: 1", "b: 2");
        assertMalformed("c0", "index past the dynamic table");
    }

    @Test
    void huffmanErrorsInALiteralAreBlockErrors_section5_2() {
        assertMalformed("04 84 ffff ffff", "EOS");
        assertMalformed("04 81 18", "padding");
    }

    @Test
    void sizeUpdateAboveTheAdvertisedMaximumIsAnError_section6_3() throws HpackException {
        assertThat(decodeAll(decoder, hex("3f e1 1f"))).isEmpty(); // 4096: allowed
        assertThat(decoder.table().maxSize()).isEqualTo(4096);
        assertMalformed("3f e2 1f", "above the limit");           // 4097
    }

    @Test
    void sizeUpdateAfterAFieldIsAnError_section4_2() {
        assertMalformed("82 20", "after a field");
        assertMalformed("20 82 3f e1 1f", "after a field");
    }

    @Test
    void severalSizeUpdatesAtTheStartAreAllowed_section4_2() throws HpackException {
        decodeAll(decoder, literalWithIndexing("a", "1"));
        assertThat(decodeAll(decoder, hex("20 3f e1 1f 82"))).containsExactly(":method: GET");
        assertTable(decoder.table(), 0); // the update to 0 evicted everything
        assertThat(decoder.table().maxSize()).isEqualTo(4096);
    }

    @Test
    void sizeUpdateEvictsOldestEntriesFirst_section4_3() throws HpackException {
        decodeAll(decoder, concat(literalWithIndexing("a", "1"), literalWithIndexing("b", "2")));
        assertTable(decoder.table(), 68, "b: 2", "a: 1");
        decodeAll(decoder, hex("3f 05")); // 36: room for one 34-octet entry
        assertTable(decoder.table(), 34, "b: 2");
    }

    @Test
    void entryLargerThanTheTableEmptiesItAndIsStillDelivered_section4_4() throws HpackException {
        HpackDecoder small = new HpackDecoder(100, NO_LIMIT);
        decodeAll(small, literalWithIndexing("a", "1"));
        String big = "v".repeat(100);
        assertThat(decodeAll(small, literalWithIndexing("big", big))).containsExactly("big: " + big);
        assertTable(small.table(), 0);
    }

    @Test
    void entryOfExactlyTheMaximumSizeFits_section4_4() throws HpackException {
        HpackDecoder small = new HpackDecoder(100, NO_LIMIT);
        decodeAll(small, literalWithIndexing("a", "1"));
        String value = "v".repeat(100 - 32 - 3);
        decodeAll(small, literalWithIndexing("big", value));
        assertTable(small.table(), 100, "big: " + value);
    }

    @Test
    void decodeHonoursOffsetAndLength() throws HpackException {
        byte[] block = hex("ff 82 86 ff");
        Fields fields = new Fields();
        assertThat(decoder.decode(block, 1, 2, fields)).isTrue();
        assertThat(fields.lines).containsExactly(":method: GET", ":scheme: http");
    }

    @Test
    void namesFromTheTablesAreNotCopied() throws HpackException {
        Fields fields = new Fields();
        byte[] block = concat(hex("41 03 616263"), literalWithIndexing("x-custom", "1"), hex("7e 01 32 bf"));
        assertThat(decoder.decode(block, 0, block.length, fields)).isTrue();
        assertThat(fields.lines).containsExactly(
                ":authority: abc", "x-custom: 1", "x-custom: 2", "x-custom: 1");
        assertThat(fields.names.get(0)).isSameAs(StaticTable.name(1));
        assertThat(fields.names.get(2)).isSameAs(fields.names.get(1)); // name from the dynamic table
        assertThat(fields.values.get(3)).isSameAs(fields.values.get(1));
    }

    // ---- header list size: RFC 7541 §4.1, RFC 9113 §6.5.2 ----

    @Test
    void listOfExactlyTheMaximumSizeIsComplete_section4_1() throws HpackException {
        HpackDecoder limited = new HpackDecoder(4096, 42 + 38); // ":method: GET" 42, ":path: /" 38
        assertThat(decodeAll(limited, hex("82 84"))).containsExactly(":method: GET", ":path: /");
    }

    @Test
    void listOverTheMaximumStopsDeliveringAndReturnsFalse_section4_1() throws HpackException {
        HpackDecoder limited = new HpackDecoder(4096, 42 + 38 - 1);
        Fields fields = new Fields();
        byte[] block = hex("82 84 86");
        assertThat(limited.decode(block, 0, block.length, fields)).isFalse();
        assertThat(fields.lines).containsExactly(":method: GET");
    }

    @Test
    void listLimitCanBeChangedBetweenBlocks() throws HpackException {
        Fields fields = new Fields();
        byte[] block = hex("82 84");
        assertThat(decoder.decode(block, 0, block.length, fields)).isTrue();
        decoder.setMaxHeaderListSize(50);
        assertThat(decoder.decode(block, 0, block.length, fields)).isFalse();
        decoder.setMaxHeaderListSize(80);
        assertThat(decoder.decode(block, 0, block.length, fields)).isTrue();
        assertThat(fields.lines).hasSize(5);
    }

    @Test
    void tableStaysInStepAfterTheListIsOverTheLimit() throws HpackException {
        HpackDecoder limited = new HpackDecoder(4096, 100);
        HpackWriter huffman = new HpackWriter();
        huffman.writeInteger(0x40, 6, 0);
        for (String s : new String[] {"x-huffman", "www.example.com"}) {
            huffman.writeInteger(0x80, 7, Huffman.encodedLength(s));
            Huffman.encode(s, huffman);
        }
        byte[] block = concat(
                literalWithIndexing("first", "x".repeat(80)), // 117 > 100: not delivered
                literalWithIndexing("second", "2"),           // still indexed
                huffman.toByteArray());                       // Huffman name and value, indexed
        Fields fields = new Fields();
        assertThat(limited.decode(block, 0, block.length, fields)).isFalse();
        assertThat(fields.lines).isEmpty();
        assertTable(limited.table(), 117 + 39 + 56,
                "x-huffman: www.example.com", "second: 2", "first: " + "x".repeat(80));
        // The next block can reference them all, and is complete.
        assertThat(decodeAll(limited, hex("be bf"))).containsExactly("x-huffman: www.example.com", "second: 2");
    }

    @Test
    void hpackBomb_manyReferencesToABigEntryCostNeitherMemoryNorDelivery() throws HpackException {
        int limit = 16 * 1024;
        HpackDecoder target = new HpackDecoder(4096, limit);
        String big = "x".repeat(4000); // entry of 4 + 4000 + 32 = 4036 octets
        decodeAll(target, literalWithIndexing("bomb", big));

        byte[] references = new byte[16 * 1024];
        Arrays.fill(references, (byte) 0xbe); // index 62, one byte each: 16384 x 4036 = 66 MB of list
        byte[] bomb = concat(references, literalWithIndexing("tail", "ok"));
        long[] delivered = {0, 0};
        HpackDecoder.HeaderSink counting = (name, value) -> {
            delivered[0]++;
            delivered[1] += name.length() + value.length() + 32;
        };

        long allocatedBefore = allocatedBytes();
        boolean complete = target.decode(bomb, 0, bomb.length, counting);
        long allocated = allocatedBytes() - allocatedBefore;

        assertThat(complete).isFalse();
        assertThat(delivered[0]).isEqualTo(4); // 4 x 4036 = 16144 fits, a fifth does not
        assertThat(delivered[1]).isLessThanOrEqualTo(limit);
        if (allocatedBefore >= 0) {
            assertThat(allocated).as("bytes allocated decoding the bomb").isLessThan(64 * 1024);
        }
        // Decoding went on to the end: the tail was indexed, and the table is right.
        assertTable(target.table(), 38 + 4036, "tail: ok", "bomb: " + big);
        assertThat(decodeAll(target, hex("be bf"))).containsExactly("tail: ok", "bomb: " + big);
    }

    @Test
    void hugeLiteralOverTheListLimitIsNotMaterialised() throws HpackException {
        assumeTrue(allocatedBytes() >= 0, "thread allocation counter unavailable");
        HpackDecoder limited = new HpackDecoder(4096, 1000);
        String value = "a".repeat(1 << 20);
        HpackWriter raw = new HpackWriter();
        raw.writeInteger(0x00, 4, 0);                  // without indexing, new name
        raw.writeInteger(0, 7, 3);
        raw.writeLatin1("big");
        raw.writeInteger(0, 7, value.length());
        raw.writeLatin1(value);
        HpackWriter huffman = new HpackWriter();
        huffman.writeInteger(0x40, 6, 0);              // with indexing: too big for the table too
        huffman.writeInteger(0, 7, 3);
        huffman.writeLatin1("big");
        huffman.writeInteger(0x80, 7, Huffman.encodedLength(value));
        Huffman.encode(value, huffman);

        for (byte[] block : new byte[][] {raw.toByteArray(), huffman.toByteArray()}) {
            Fields fields = new Fields();
            long before = allocatedBytes();
            assertThat(limited.decode(block, 0, block.length, fields)).isFalse();
            long allocated = allocatedBytes() - before;
            assertThat(fields.lines).isEmpty();
            assertThat(allocated).as("bytes allocated for a 1 MiB value").isLessThan(256 * 1024);
        }
        assertTable(limited.table(), 0);
        // The same list fits when the limit allows it (and then the value is materialised).
        limited.setMaxHeaderListSize(2 << 20);
        assertThat(decodeAll(limited, huffman.toByteArray())).containsExactly("big: " + value);
    }

    @Test
    void skippedLiteralIsStillValidated_section5_2() throws HpackException {
        HpackDecoder limited = new HpackDecoder(0, 40); // room for a 1-octet name and 7 of value
        byte[] eos = hex("00 01 61 87 f1e3 c7ff ffff ff"); // "www", then 35 ones: EOS
        assertThatThrownBy(() -> limited.decode(eos, 0, eos.length, new Fields()))
                .isInstanceOf(HpackException.class).hasMessageContaining("EOS");
        byte[] fine = hex("00 01 61 8c f1e3 c2e5 f23a 6ba0 ab90 f4ff"); // "www.example.com": skipped
        Fields fields = new Fields();
        assertThat(limited.decode(fine, 0, fine.length, fields)).isFalse();
        assertThat(fields.lines).isEmpty();
    }

    /** Bytes allocated so far by this thread, or -1 if the JVM does not count them. */
    static long allocatedBytes() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean
                && bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled()) {
            return bean.getCurrentThreadAllocatedBytes();
        }
        return -1;
    }
}
