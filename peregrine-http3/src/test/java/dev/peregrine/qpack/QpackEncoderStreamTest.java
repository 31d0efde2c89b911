package dev.peregrine.qpack;

import static dev.peregrine.qpack.QpackException.QPACK_ENCODER_STREAM_ERROR;
import static dev.peregrine.qpack.QpackTestSupport.assertQpackError;
import static dev.peregrine.qpack.QpackTestSupport.concat;
import static dev.peregrine.qpack.QpackTestSupport.duplicate;
import static dev.peregrine.qpack.QpackTestSupport.entries;
import static dev.peregrine.qpack.QpackTestSupport.feed;
import static dev.peregrine.qpack.QpackTestSupport.hex;
import static dev.peregrine.qpack.QpackTestSupport.insertLiteralName;
import static dev.peregrine.qpack.QpackTestSupport.insertLiteralNameHuffman;
import static dev.peregrine.qpack.QpackTestSupport.insertNameRef;
import static dev.peregrine.qpack.QpackTestSupport.setCapacity;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.peregrine.hpack.Huffman;
import dev.peregrine.qpack.QpackTestSupport.DecoderStream;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Encoder instructions (RFC 9204 §4.3) from fragments, their errors, and Insert Count Increments. */
class QpackEncoderStreamTest {

    final DecoderStream decoderStream = new DecoderStream();
    final QpackDecoder decoder = new QpackDecoder(300, 4, Long.MAX_VALUE, decoderStream);

    /** Every instruction, multi-byte integers, Huffman and raw strings, an eviction. */
    static final byte[] STREAM = concat(
            setCapacity(300),                                   // 2-byte integer
            insertNameRef(true, 95, "peregrine-test/1.0"),      // static name 95 (2-byte index)
            insertLiteralNameHuffman("x-request-id", "0123456789abcdef"),
            insertLiteralName("x-forwarded-host", "example.org"),
            insertNameRef(false, 1, "another value"),           // dynamic name: x-request-id
            duplicate(3),                                       // the user-agent entry
            insertLiteralName("x-long-value", "v".repeat(40)),  // long enough to evict
            setCapacity(200));                                  // evicts again

    static List<String> expectedTable() throws QpackException {
        DecoderStream ignored = new DecoderStream();
        QpackDecoder whole = new QpackDecoder(300, 4, Long.MAX_VALUE, ignored);
        feed(whole, STREAM);
        return entries(whole.table());
    }

    @Test
    void wholeStreamBuildsTheExpectedTable() throws QpackException {
        feed(decoder, STREAM);
        assertThat(entries(decoder.table())).containsExactly(
                "4 user-agent peregrine-test/1.0",
                "5 x-long-value " + "v".repeat(40));
        assertThat(decoder.table().capacity()).isEqualTo(200);
        assertThat(decoder.table().insertCount()).isEqualTo(6);
        assertThat(decoderStream.take()).as("one Insert Count Increment per call").isEqualTo("06");
    }

    @Test
    void splitAtEveryBytePositionGivesTheSameTable() throws QpackException {
        List<String> expected = expectedTable();
        for (int split = 0; split <= STREAM.length; split++) {
            DecoderStream out = new DecoderStream();
            QpackDecoder d = new QpackDecoder(300, 4, Long.MAX_VALUE, out);
            d.onEncoderStream(STREAM, 0, split);
            d.onEncoderStream(STREAM, split, STREAM.length - split);
            assertThat(entries(d.table())).as("split at %d", split).isEqualTo(expected);
            assertThat(sumOfIncrements(out.take())).as("split at %d", split).isEqualTo(6);
        }
    }

    @Test
    void splitIntoThreeAtEveryPairOfPositions() throws QpackException {
        List<String> expected = expectedTable();
        for (int a = 0; a <= STREAM.length; a += 3) {
            for (int b = a; b <= STREAM.length; b++) {
                QpackDecoder d = new QpackDecoder(300, 4, Long.MAX_VALUE, new DecoderStream());
                d.onEncoderStream(STREAM, 0, a);
                d.onEncoderStream(STREAM, a, b - a);
                d.onEncoderStream(STREAM, b, STREAM.length - b);
                assertThat(entries(d.table())).as("splits at %d, %d", a, b).isEqualTo(expected);
            }
        }
    }

    @Test
    void oneByteAtATimeSendsAnIncrementPerInsert() throws QpackException {
        for (int i = 0; i < STREAM.length; i++) {
            decoder.onEncoderStream(STREAM, i, 1);
        }
        assertThat(entries(decoder.table())).isEqualTo(expectedTable());
        assertThat(decoderStream.take()).isEqualTo("010101010101");
    }

    /** Decodes Insert Count Increments (one byte each, as they are all below 64) and sums them. */
    static int sumOfIncrements(String hex) {
        int sum = 0;
        for (byte b : HexFormat.of().parseHex(hex)) {
            assertThat(b & 0xC0).as("Insert Count Increment pattern").isZero();
            assertThat(b & 0x3F).as("increment is never 0").isPositive();
            sum += b & 0x3F;
        }
        return sum;
    }

    @Test
    void capacityChangesAloneSendNothing() throws QpackException {
        feed(decoder, concat(setCapacity(300), setCapacity(0), setCapacity(100)));
        assertThat(decoderStream.take()).isEmpty();
        assertThat(decoder.table().capacity()).isEqualTo(100);
    }

    @Test
    void insertWhoseNameRefersToTheEntryItEvicts() throws QpackException {
        feed(decoder, concat(setCapacity(50), insertLiteralName("name", "value")));
        feed(decoder, insertNameRef(false, 0, "other")); // 4 + 5 + 32 = 41: "name value" must go
        assertThat(entries(decoder.table())).containsExactly("1 name other");
    }

    @Test
    void partialInstructionIsHeldWithinBounds() throws QpackException {
        feed(decoder, setCapacity(300));
        byte[] insert = insertLiteralName("x-name", "v".repeat(200));
        decoder.onEncoderStream(insert, 0, insert.length - 1);
        assertThat(decoder.table().insertCount()).as("not applied before its last byte").isZero();
        decoder.onEncoderStream(insert, insert.length - 1, 1);
        assertThat(decoder.table().insertCount()).isOne();
    }

    @Test
    void stringLongerThanTheCapacityIsAnErrorBeforeItArrives() throws QpackException {
        feed(decoder, setCapacity(100));
        byte[] header = hex("5f 96 01"); // literal name of 5-bit length 31 + 150 = 181 > 100; no bytes yet
        assertQpackError(QPACK_ENCODER_STREAM_ERROR, () -> decoder.onEncoderStream(header, 0, header.length));
    }

    @Test
    void valueLongerThanTheCapacityIsAnErrorBeforeItArrives() throws QpackException {
        feed(decoder, setCapacity(100));
        byte[] header = hex("c1 7f 80 01"); // static :path, value length 127 + 128 = 255 > 100
        assertQpackError(QPACK_ENCODER_STREAM_ERROR, () -> decoder.onEncoderStream(header, 0, header.length));
    }

    @Test
    void huffmanStringLongerOnTheWireThanTheCapacityButFittingDecodedIsInserted() throws QpackException {
        // Found by QpackDynamicRoundTripFuzzTest. RFC 7541 §5.2 lets an encoder Huffman-code any
        // string; octets above 0x7f take 20 to 28 bits each, so the coded value is longer than the
        // capacity while the entry (1 + 40 + 32 = 73 octets) fits in it.
        feed(decoder, setCapacity(100));
        String value = "\u00fe".repeat(40);
        assertThat(Huffman.encodedLength(value)).as("coded length").isGreaterThan(100);
        feed(decoder, insertLiteralNameHuffman("x", value));
        assertThat(entries(decoder.table())).containsExactly("0 x " + value);
    }

    @Test
    void huffmanStringThatCannotDecodeWithinTheCapacityIsAnErrorBeforeItArrives() throws QpackException {
        feed(decoder, setCapacity(100));
        // Huffman name of 5-bit length 31 + 345 = 376 > ceil(100 * 30 / 8) = 375: no bytes yet.
        byte[] header = hex("7f d9 02");
        assertQpackError(QPACK_ENCODER_STREAM_ERROR, () -> decoder.onEncoderStream(header, 0, header.length));
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource({
        "3f 8e 02, capacity 31 + 270 = 301 above the maximum 300",
        "3f ffffffffffffffff ff 01, capacity past 62 bits",
        "ff 24 00, static name index 99",
        "80 00, dynamic name index into an empty table",
        "00, duplicate in an empty table",
        "3f8d02 c1 81 00, Huffman value of bad padding",
        "3f8d02 c1 84 ffffffff, Huffman value with EOS",
        "3f8d02 c1 80, truncated is not an error: control row",
        "41 61 01 62, insert while the capacity is still 0",
    })
    void malformedInstructionsAreEncoderStreamErrors(String instruction, String why) {
        byte[] b = hex(instruction);
        if (why.endsWith("control row")) {
            // An empty value is fine: the same bytes as the Huffman rows minus their bad content.
            assertThatCode(() -> decoder.onEncoderStream(b, 0, b.length))
                    .doesNotThrowAnyException();
            return;
        }
        assertQpackError(QPACK_ENCODER_STREAM_ERROR, () -> decoder.onEncoderStream(b, 0, b.length));
    }

    @Test
    void entryLargerThanTheCapacityIsAnError() throws QpackException {
        feed(decoder, setCapacity(40));
        assertQpackError(QPACK_ENCODER_STREAM_ERROR, () -> feed(decoder, insertLiteralName("abcd", "12345")));
    }

    @Test
    void huffmanValueDecodingPastTheCapacityIsAnError() throws QpackException {
        feed(decoder, setCapacity(60));
        // 24 Huffman bytes of '0' (5 bits each) decode to 38 chars: 5 + 38 + 32 > 60.
        byte[] insert = concat(hex("c1 98"), Huffman.encode("0".repeat(38).getBytes(ISO_8859_1), 0, 38));
        assertQpackError(QPACK_ENCODER_STREAM_ERROR, () -> feed(decoder, insert));
    }

    @Test
    void instructionsBeforeTheBadOneAreAppliedAndTheDecoderIsThenClosed() throws QpackException {
        byte[] b = concat(setCapacity(300), insertLiteralName("a", "b"), duplicate(5));
        assertQpackError(QPACK_ENCODER_STREAM_ERROR, () -> feed(decoder, b));
        assertThat(entries(decoder.table())).containsExactly("0 a b");
        feed(decoder, insertLiteralName("c", "d")); // ignored: the connection is going away
        assertThat(entries(decoder.table())).containsExactly("0 a b");
        assertThat(decoderStream.take()).as("no increment for the entry before the error").isEmpty();
    }
}
