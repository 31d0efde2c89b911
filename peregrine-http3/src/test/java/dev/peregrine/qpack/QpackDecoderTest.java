package dev.peregrine.qpack;

import static dev.peregrine.qpack.QpackException.QPACK_DECOMPRESSION_FAILED;
import static dev.peregrine.qpack.QpackTestSupport.FOREVER;
import static dev.peregrine.qpack.QpackTestSupport.assertQpackError;
import static dev.peregrine.qpack.QpackTestSupport.concat;
import static dev.peregrine.qpack.QpackTestSupport.decode;
import static dev.peregrine.qpack.QpackTestSupport.feed;
import static dev.peregrine.qpack.QpackTestSupport.hex;
import static dev.peregrine.qpack.QpackTestSupport.insertLiteralName;
import static dev.peregrine.qpack.QpackTestSupport.setCapacity;
import static dev.peregrine.qpack.QpackTestSupport.writeHuffman;
import static dev.peregrine.qpack.QpackTestSupport.writeRaw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.peregrine.hpack.HpackWriter;
import dev.peregrine.qpack.QpackDecoder.Outcome;
import dev.peregrine.qpack.QpackTestSupport.DecoderStream;
import dev.peregrine.qpack.QpackTestSupport.Fields;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Field line representations (RFC 9204 §4.5), their errors, and the field section size limit. */
class QpackDecoderTest {

    final DecoderStream decoderStream = new DecoderStream();
    /* MaxEntries 128: a Required Insert Count n below 256 is encoded n + 1. */
    final QpackDecoder decoder = new QpackDecoder(4096, 10, Long.MAX_VALUE, decoderStream);

    @BeforeEach
    void threeEntries() throws QpackException {
        feed(decoder, concat(setCapacity(4096),
                insertLiteralName("n0", "v0"), insertLiteralName("n1", "v1"), insertLiteralName("n2", "v2")));
        assertThat(decoderStream.take()).isEqualTo("03");
    }

    @Test
    void everyRepresentation() throws Exception {
        String section = """
                04 81
                80
                10
                11
                40 01 78
                08 01 79
                01 01 7a
                74 02 3132
                33 782d61 01 62
                d9
                """; // RIC 3, Sign 1 Delta 1: Base 1
        assertThat(decode(decoder, 5, section)).containsExactly(
                "n0: v0",           // Indexed, dynamic, relative 0 = absolute Base - 1 = 0
                "n1: v1",           // Indexed with Post-Base Index 0 = absolute 1
                "n2: v2",           // Post-Base Index 1 = absolute 2
                "n0: x",            // Literal with dynamic Name Reference, relative 0
                "n1: y",            // Literal with Post-Base Name Reference 0, N bit set
                "n2: z",            // Literal with Post-Base Name Reference 1
                "content-length: 12", // Literal with static Name Reference 4, N bit set
                "x-a: b",           // Literal with Literal Name, N bit set
                ":status: 200");    // Indexed, static 25
        assertThat(decoderStream.take()).as("Section Acknowledgment (stream 5)").isEqualTo("85");
    }

    @Test
    void baseAboveTheRequiredInsertCount() throws Exception {
        // RIC 3, Sign 0 Delta 2: Base 5; relative 2 is absolute 2.
        assertThat(decode(decoder, 1, "04 02 82")).containsExactly("n2: v2");
        // Relative 0 is absolute 4: not below the Required Insert Count.
        assertQpackError(QPACK_DECOMPRESSION_FAILED, () -> decode(decoder, 2, "04 02 80"));
    }

    @Test
    void staticNamesAndValuesAreTheTableConstants() throws Exception {
        String[] seen = new String[2];
        byte[] section = hex("0000 d1");
        decoder.decode(0, section, 0, section.length, (n, v) -> {
            seen[0] = n;
            seen[1] = v;
        }, FOREVER);
        assertThat(seen[0]).isSameAs(QpackStaticTable.name(17));
        assertThat(seen[1]).isSameAs(QpackStaticTable.value(17));
        assertThat(decoderStream.take()).as("no acknowledgment at Required Insert Count 0").isEmpty();
    }

    @Test
    void huffmanStrings() throws Exception {
        // :authority (static 0) with a Huffman value from RFC 7541 C.4.1, then a Huffman literal name.
        HpackWriter out = new HpackWriter();
        out.write(hex("0000 508c f1e3c2e5f23a6ba0ab90f4ff"), 0, 16);
        writeHuffman(out, 0x20, 4, "x-huffman");
        writeHuffman(out, 0, 8, "yes please");
        assertThat(decode(decoder, 0, out.toByteArray()))
                .containsExactly(":authority: www.example.com", "x-huffman: yes please");
    }

    @Test
    void emptySectionAfterThePrefixIsValid() throws Exception {
        assertThat(decode(decoder, 0, "0000")).isEmpty();
    }

    @ParameterizedTest(name = "{1}: {0}")
    @CsvSource({
        "'', empty section",
        "00, truncated before the Base",
        "0000 ff24, static index 99",
        "0000 ff, truncated index",
        "0000 5f54 00, static name index 99",
        "0000 80, relative index with Base 0",
        "0000 10, post-Base index with Required Insert Count 0",
        "0000 00 00, post-Base name with Required Insert Count 0",
        "0000 40 00, dynamic name with Required Insert Count 0",
        "02 00 10, post-Base index 0 is absolute 1: not below Required Insert Count 1",
        "04 83, Sign 1 with Delta Base 3 and Required Insert Count 3: negative Base",
        "ffff01 00, encoded Required Insert Count beyond 2 * MaxEntries",
        "0000 5181 00, Huffman padding of zeros",
        "0000 5181 ff, Huffman padding longer than 7 bits",
        "0000 5184 ffffffff, Huffman EOS",
        "0000 51, truncated value length",
        "0000 5105 2f, value past the end",
        "0000 517f ffffffff0f 2f, length of 2^35 with one byte present",
        "0000 23 61, literal name past the end",
        "0000 2f ff, truncated literal name length",
        "0000 ff ffffffffffffffff ff 01, index past 62 bits",
        "0000 5f ffffffffffffffff ff 01, name index past 62 bits",
        "0000 7f, truncated name index",
    })
    void malformedSectionsAreDecompressionFailed(String section, String why) {
        assertQpackError(QPACK_DECOMPRESSION_FAILED, () -> decode(decoder, 0, section));
    }

    @Test
    void dynamicReferenceWithoutATableIsAnError() {
        QpackDecoder noTable = new QpackDecoder(0, 10, Long.MAX_VALUE, decoderStream);
        assertQpackError(QPACK_DECOMPRESSION_FAILED, () -> decode(noTable, 0, "02 00 80"));
        assertThat(decoderStream.take()).isEmpty();
    }

    /** §4.5.1.1: "if the dynamic table is 100 bytes ... 10 inserts ... encoded 4 ... is 9". */
    @Test
    void requiredInsertCountWrapsAround() throws Exception {
        QpackDecoder small = new QpackDecoder(100, 1, Long.MAX_VALUE, decoderStream);
        assertQpackError(QPACK_DECOMPRESSION_FAILED, () -> decode(small, 0, "01 00")); // 0 must be encoded as 0
        assertQpackError(QPACK_DECOMPRESSION_FAILED, () -> decode(small, 0, "05 00")); // 4 > 0 + 3 and unwrapped
        feed(small, setCapacity(100));
        for (int i = 0; i < 10; i++) {
            feed(small, insertLiteralName("", Integer.toString(i))); // 33 octets: three fit
        }
        decoderStream.take();
        assertThat(decode(small, 11, "04 00 80 81")).containsExactly(": 8", ": 7");
        assertThat(decoderStream.take()).isEqualTo("8b");
        assertQpackError(QPACK_DECOMPRESSION_FAILED, () -> decode(small, 0, "07 00")); // 7 > FullRange 6
        // Absolute 6 was evicted (only 7, 8, 9 remain).
        assertQpackError(QPACK_DECOMPRESSION_FAILED, () -> decode(small, 0, "04 00 82"));
    }

    // ---- field section size (RFC 9114 §4.2.2) ----

    static byte[] literal(String name, String value, boolean huffman) {
        HpackWriter out = new HpackWriter();
        if (huffman) {
            writeHuffman(out, 0x20, 4, name);
            writeHuffman(out, 0, 8, value);
        } else {
            writeRaw(out, 0x20, 4, name);
            writeRaw(out, 0, 8, value);
        }
        return out.toByteArray();
    }

    Outcome decodeLimited(long limit, Fields fields, byte[]... lines) throws Exception {
        QpackDecoder limited = new QpackDecoder(0, 0, limit, decoderStream);
        byte[] section = concat(hex("0000"), concat(lines));
        return limited.decode(0, section, 0, section.length, fields, FOREVER);
    }

    @Test
    void sectionOfExactlyTheLimitIsDecoded() throws Exception {
        Fields fields = new Fields();
        // ":path /" is 1 + 5 + 32 = 38 octets; "x-a" + 27 chars + 32 = 62; total 100.
        assertThat(decodeLimited(100, fields, hex("c1"), literal("x-a", "a".repeat(27), false)))
                .isEqualTo(Outcome.DECODED);
        assertThat(fields.lines).hasSize(2);
    }

    @Test
    void oneOctetOverTheLimitIsTooLargeAndLaterFieldsAreWithheld() throws Exception {
        for (boolean huffman : new boolean[] {false, true}) {
            Fields fields = new Fields();
            assertThat(decodeLimited(100, fields, hex("c1"), literal("x-a", "a".repeat(28), huffman), hex("c1")))
                    .isEqualTo(Outcome.TOO_LARGE);
            assertThat(fields.lines).containsExactly(":path: /");
        }
    }

    @Test
    void tooLargeSectionIsStillValidatedToTheEnd() {
        assertQpackError(QPACK_DECOMPRESSION_FAILED, () -> decodeLimited(100, new Fields(),
                literal("x-a", "a".repeat(200), false), hex("5181 00")));
        assertQpackError(QPACK_DECOMPRESSION_FAILED, () -> decodeLimited(100, new Fields(),
                literal("x".repeat(200), "b", true), hex("ff24")));
    }

    @Test
    void tooLargeStaticFieldsAreCountedToo() throws Exception {
        Fields fields = new Fields();
        assertThat(decodeLimited(70, fields, hex("c1 c1"))).isEqualTo(Outcome.TOO_LARGE); // 38 + 38
        assertThat(fields.lines).containsExactly(":path: /");
    }

    @Test
    void hugeStringsBeyondTheLimitAreNotMaterialised() throws Exception {
        assumeTrue(allocatedBytes() >= 0, "thread allocation counting unsupported");
        byte[] raw = literal("x-raw", "r".repeat(1 << 20), false);
        byte[] huffman = literal("x-huff", "h".repeat(1 << 20), true);
        byte[] section = concat(hex("0000"), raw, huffman);
        QpackDecoder limited = new QpackDecoder(0, 0, 1000, decoderStream);
        Fields fields = new Fields();
        long before = allocatedBytes();
        assertThat(limited.decode(0, section, 0, section.length, fields, FOREVER)).isEqualTo(Outcome.TOO_LARGE);
        long allocated = allocatedBytes() - before;
        assertThat(allocated).as("bytes allocated decoding 2 MiB of strings").isLessThan(64 * 1024);
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
