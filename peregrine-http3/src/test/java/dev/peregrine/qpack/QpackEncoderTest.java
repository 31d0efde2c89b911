package dev.peregrine.qpack;

import static dev.peregrine.qpack.QpackException.QPACK_DECODER_STREAM_ERROR;
import static dev.peregrine.qpack.QpackTestSupport.assertQpackError;
import static dev.peregrine.qpack.QpackTestSupport.concat;
import static dev.peregrine.qpack.QpackTestSupport.decode;
import static dev.peregrine.qpack.QpackTestSupport.hex;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.peregrine.api.Headers;
import dev.peregrine.hpack.HpackWriter;
import dev.peregrine.hpack.Huffman;
import dev.peregrine.qpack.QpackTestSupport.DecoderStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The static-table encoder: exact bytes, round trips through the decoder, the decoder stream. */
class QpackEncoderTest {

    final QpackEncoder encoder = new QpackEncoder();
    final HpackWriter out = new HpackWriter();
    final DecoderStream decoderStream = new DecoderStream();
    /* The encoder never references the dynamic table, so a table-less decoder reads it all. */
    final QpackDecoder decoder = new QpackDecoder(0, 0, Long.MAX_VALUE, decoderStream);

    String response(int status, String... namesAndValues) {
        out.reset();
        encoder.encode(status, Headers.of(namesAndValues), out);
        return hex(out.toByteArray());
    }

    List<String> roundTrip() throws Exception {
        return decode(decoder, 0, out.toByteArray());
    }

    static String huffmanHex(String s) {
        return hex(Huffman.encode(s.getBytes(ISO_8859_1), 0, s.length()));
    }

    @Test
    void statusesOfTheTableAreOneIndexedByte() {
        assertThat(response(200)).isEqualTo("0000d9"); // 0xc0 | 25
        assertThat(response(404)).isEqualTo("0000db"); // 27
        assertThat(response(103)).isEqualTo("0000d8"); // 24
        assertThat(response(500)).isEqualTo("0000ff08"); // 71 = 63 + 8
    }

    @Test
    void contentLengthIsTheStaticNameWithPlainDigits() throws Exception {
        out.reset();
        QpackEncoder.contentLength(0, out);
        assertThat(hex(out.toByteArray())).isEqualTo("c4"); // §4.5.2: static index 4, content-length: 0
        out.reset();
        QpackEncoder.contentLength(13, out);
        assertThat(hex(out.toByteArray())).isEqualTo("5402" + "3133"); // §4.5.4: name 4, H=0, "13"
        for (long length : new long[] {1, 9, 10, 99, 100, 65_535, 1L << 40, 999_999_999_999L, Long.MAX_VALUE}) {
            out.reset();
            out.writeByte(0); // the section prefix: Required Insert Count 0, Base 0
            out.writeByte(0);
            QpackEncoder.contentLength(length, out);
            assertThat(roundTrip()).containsExactly("content-length: " + length);
        }
        assertThatThrownBy(() -> QpackEncoder.contentLength(-1, out)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFieldLineIsWhatEncodeWritesForThatField() {
        String date = "Thu, 03 Dec 2026 17:50:00 GMT";
        String section = response(200, "date", date);
        out.reset();
        QpackEncoder.fieldLine("date", date, out);
        assertThat(section).isEqualTo("0000d9" + hex(out.toByteArray()));
    }

    @Test
    void otherStatusesUseTheStatusNameWithThreeDigits() throws Exception {
        // Name reference 24 on a 4-bit prefix (15 + 9), then "201" Huffman-coded in 2 bytes.
        assertThat(response(201)).isEqualTo("00005f0982" + huffmanHex("201"));
        for (int status = 100; status <= 999; status++) {
            response(status);
            assertThat(roundTrip()).containsExactly(":status: " + status);
        }
    }

    @Test
    void statusMustHaveThreeDigits() {
        assertThatThrownBy(() -> response(99)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> response(1000)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void exactStaticMatchIsIndexed() {
        assertThat(response(200, "content-type", "text/plain")).isEqualTo("0000d9f5"); // 53
        assertThat(response(200, "vary", "accept-encoding")).isEqualTo("0000d9fb"); // 59
        assertThat(response(200, "x-frame-options", "sameorigin")).isEqualTo("0000d9ff23"); // 98 = 63 + 35
    }

    @Test
    void nameMatchIsALiteralWithNameReference() throws Exception {
        // content-type 44 = 15 + 29; value Huffman-coded as it is shorter.
        assertThat(response(200, "content-type", "application/xml"))
                .isEqualTo("0000d9" + "5f1d" + "8b" + huffmanHex("application/xml"));
        assertThat(roundTrip()).containsExactly(":status: 200", "content-type: application/xml");
    }

    @Test
    void unknownNameIsALiteralName() throws Exception {
        // "x-custom" Huffman-coded on a 4-bit prefix: 0 0 1 N=0 H=1 length(3+) = 6 bytes.
        assertThat(response(200, "x-custom", "a"))
                .isEqualTo("0000d9" + "2e" + huffmanHex("x-custom") + "01" + "61");
        assertThat(roundTrip()).containsExactly(":status: 200", "x-custom: a");
    }

    @Test
    void sensitiveFieldsCarryTheNBit() throws Exception {
        assertThat(response(200, "set-cookie", "id=1")).startsWith("0000d9" + "7e"); // 0 1 N=1 T=1 14
        assertThat(response(200, "authorization", "x")).startsWith("0000d9" + "7f45"); // 84 = 15 + 69
        assertThat(response(200, "cookie", "a=b")).startsWith("0000d9" + "75"); // 5
        assertThat(response(200, "proxy-authorization", "x")).startsWith("0000d9" + "3f"); // 0 0 1 N=1 H=1 7+
        assertThat(roundTrip()).containsExactly(":status: 200", "proxy-authorization: x");
        assertThat(response(200, "content-length", "5")).startsWith("0000d9" + "54"); // no N bit
    }

    @Test
    void namesAreLowercasedOnTheWire() throws Exception {
        assertThat(response(200, "Content-Type", "text/plain")).isEqualTo(response(200, "content-type", "text/plain"));
        assertThat(response(200, "X-Custom-Header", "Mixed Case Value"))
                .isEqualTo(response(200, "x-custom-header", "Mixed Case Value"));
        assertThat(roundTrip()).containsExactly(":status: 200", "x-custom-header: Mixed Case Value");
        String lower = "already-lowercase-1";
        assertThat(QpackEncoder.lowercase(lower)).isSameAs(lower);
        assertThat(QpackEncoder.lowercase("ÀBc")).as("ASCII only").isEqualTo("Àbc");
    }

    @Test
    void stringsAreRawWhenHuffmanIsNotShorter() throws Exception {
        String binary = "\u00e9\u00ff\u0001"; // long codes: Huffman would be longer
        assertThat(response(200, "x-b", binary)).endsWith("03" + hex(binary.getBytes(ISO_8859_1)));
        assertThat(roundTrip()).containsExactly(":status: 200", "x-b: " + binary);
    }

    @Test
    void roundTripsOfAssortedFields() throws Exception {
        List<String> expected = new ArrayList<>();
        Headers headers = new Headers();
        String[][] fields = {
            {"content-type", "text/html; charset=utf-8"}, {"empty", ""}, {"cache-control", ""},
            {"x-long", "L".repeat(10_000)}, {"Server", "Peregrine"}, {"x-latin-1", "caf\u00e9"},
            {"x-huffman-longer", "\u0000\u0001\u0002"}, {"date", "Tue, 15 Nov 1994 08:12:31 GMT"},
            {"access-control-allow-credentials", "TRUE"}, {"content-length", "0"}, {"x-spaces", " a b "},
        };
        for (String[] f : fields) {
            headers.add(f[0], f[1]);
            expected.add(f[0].toLowerCase() + ": " + f[1]);
        }
        out.reset();
        encoder.encode(302, headers, out);
        List<String> all = new ArrayList<>(List.of(":status: 302"));
        all.addAll(expected);
        assertThat(roundTrip()).containsExactlyElementsOf(all);

        out.reset();
        encoder.encodeTrailers(headers, out);
        assertThat(hex(out.toByteArray())).startsWith("0000");
        assertThat(roundTrip()).containsExactlyElementsOf(expected);
    }

    @Test
    void emptyTrailersAreJustThePrefix() {
        encoder.encodeTrailers(new Headers(), out);
        assertThat(hex(out.toByteArray())).isEqualTo("0000");
    }

    @Test
    void requests() throws Exception {
        encoder.encodeRequest("GET", "https", "example.com", "/", Headers.of("User-Agent", "bench/1"), out);
        // :method GET 17, :scheme https 23, :authority name 0, :path / 1, user-agent name 95.
        assertThat(hex(out.toByteArray())).startsWith("0000d1d750").contains("c1" + "5f50");
        assertThat(roundTrip()).containsExactly(
                ":method: GET", ":scheme: https", ":authority: example.com", ":path: /", "user-agent: bench/1");

        out.reset();
        encoder.encodeRequest("CONNECT", null, "example.com:443", null, new Headers(), out);
        assertThat(hex(out.toByteArray())).startsWith("0000cf"); // :method CONNECT 15
        assertThat(roundTrip()).containsExactly(":method: CONNECT", ":authority: example.com:443");

        out.reset();
        encoder.encodeRequest("PATCH", "http", "h", "/p?q=1", new Headers(), out);
        assertThat(roundTrip()).containsExactly(":method: PATCH", ":scheme: http", ":authority: h", ":path: /p?q=1");
    }

    @Test
    void nonLatin1IsRejected() {
        assertThatThrownBy(() -> response(200, "x-a", "\u0100")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> response(200, "x-\u2603", "a")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void encodingAResponseAllocatesNothingOnceWarm() {
        assumeTrue(QpackDecoderTest.allocatedBytes() >= 0, "thread allocation counting unsupported");
        Headers headers = Headers.of("content-type", "text/plain", "content-length", "1234",
                "server", "peregrine", "x-request-id", "abc-123");
        for (int i = 0; i < 20_000; i++) {
            out.reset();
            encoder.encode(200, headers, out);
        }
        long before = QpackDecoderTest.allocatedBytes();
        for (int i = 0; i < 1_000; i++) {
            out.reset();
            encoder.encode(i % 2 == 0 ? 200 : 201, headers, out);
        }
        assertThat(QpackDecoderTest.allocatedBytes() - before).as("bytes allocated by 1000 encodes").isLessThan(1024);
    }

    // ---- the peer's decoder stream (§4.4) ----

    void onDecoderStream(String hexBytes) throws QpackException {
        byte[] b = hex(hexBytes);
        encoder.onDecoderStream(b, 0, b.length);
    }

    @Test
    void streamCancellationsAreAcceptedWhereverSplit() {
        HpackWriter largest = new HpackWriter();
        QpackWriter.writeInteger(largest, 0x40, 6, (1L << 62) - 1); // the largest stream ID
        byte[] cancellations = concat(hex("40 48 7f00 7fa907"), largest.toByteArray());
        for (int split = 0; split <= cancellations.length; split++) {
            QpackEncoder e = new QpackEncoder();
            int s = split;
            assertThatCode(() -> {
                e.onDecoderStream(cancellations, 0, s);
                e.onDecoderStream(cancellations, s, cancellations.length - s);
            }).as("split at %d", split).doesNotThrowAnyException();
        }
        assertThatCode(() -> {
            for (int i = 0; i < cancellations.length; i++) {
                encoder.onDecoderStream(cancellations, i, 1);
            }
        }).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "84",                          // Section Acknowledgment: we never sent a non-zero RIC
        "ffa907",                      // ... for a stream ID needing three bytes
        "00",                          // Insert Count Increment of 0
        "01",                          // Insert Count Increment beyond the 0 inserts we made
        "3f01",                        // ... of 64
        "48 84",                       // an error after a valid instruction
        "7f ffffffffffffffff ff 01",   // Stream ID past 62 bits
    })
    void otherDecoderInstructionsAreDecoderStreamErrors(String bytes) {
        assertQpackError(QPACK_DECODER_STREAM_ERROR, () -> onDecoderStream(bytes));
    }

    @Test
    void errorIsRaisedWhenTheSplitInstructionCompletes() throws QpackException {
        onDecoderStream("48 ff");             // a cancellation, then the start of an acknowledgment
        onDecoderStream("a9");                // still a continuation byte
        assertQpackError(QPACK_DECODER_STREAM_ERROR, () -> onDecoderStream("07"));
    }

    @Test
    void encodedSectionsAreAlsoCompleteAfterTheDecoderStreamIsUsed() throws Exception {
        onDecoderStream("44");
        encoder.encode(200, Headers.of("a", "b"), out);
        assertThat(roundTrip()).containsExactly(":status: 200", "a: b");
        assertThat(decoderStream.take()).as("nothing for the decoder to acknowledge").isEmpty();
    }
}
