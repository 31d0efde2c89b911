package dev.peregrine.qpack;

import static dev.peregrine.qpack.QpackTestSupport.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.hpack.HpackWriter;
import dev.peregrine.hpack.Huffman;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Prefixed integers up to 62 bits (RFC 9204 §4.1.1) and N-bit prefix strings (§4.1.2). */
class QpackPrimitivesTest {

    static final long MAX = (1L << 62) - 1;

    final QpackReader reader = new QpackReader(0x1234);

    long read(byte[] b, int prefixBits) throws QpackException {
        reader.reset(b, 0, b.length);
        return reader.readInteger(prefixBits);
    }

    @ParameterizedTest(name = "{0} on {1} bits")
    @CsvSource({
        "10, 5, 0a",          // RFC 7541 C.1.1
        "1337, 5, 1f9a0a",    // RFC 7541 C.1.2
        "42, 8, 2a",          // RFC 7541 C.1.3
        "0, 1, 00",
        "1, 1, 0100",         // 1 fills a 1-bit prefix, so a zero continuation byte follows
        "220, 5, 1fbd01",     // RFC 9204 B.2's Set Dynamic Table Capacity
    })
    void knownEncodings(long value, int prefixBits, String expectedHex) throws QpackException {
        byte[] dst = new byte[QpackWriter.MAX_INTEGER_LENGTH];
        int n = QpackWriter.writeInteger(dst, 0, 0, prefixBits, value);
        assertThat(hex(Arrays.copyOf(dst, n))).isEqualTo(expectedHex);
        assertThat(read(hex(expectedHex), prefixBits)).isEqualTo(value);
        assertThat(reader.hasRemaining()).isFalse();
    }

    @Test
    void roundTripsAtEveryBoundaryAndPrefix() throws QpackException {
        for (int prefix = 1; prefix <= 8; prefix++) {
            long max = (1L << prefix) - 1;
            for (long v : new long[] {0, max - 1, max, max + 1, max + 127, max + 128, 1L << 31, 1L << 40, MAX - 1, MAX}) {
                if (v < 0) {
                    continue;
                }
                HpackWriter out = new HpackWriter();
                out.writeByte(0xAA); // earlier bytes are left alone
                QpackWriter.writeInteger(out, 0, prefix, v);
                byte[] b = out.toByteArray();
                assertThat(b.length - 1).isLessThanOrEqualTo(QpackWriter.MAX_INTEGER_LENGTH);
                byte[] viaArray = new byte[QpackWriter.MAX_INTEGER_LENGTH];
                int n = QpackWriter.writeInteger(viaArray, 0, 0, prefix, v);
                assertThat(Arrays.copyOf(viaArray, n)).isEqualTo(Arrays.copyOfRange(b, 1, b.length));
                reader.reset(b, 1, b.length - 1);
                assertThat(reader.readInteger(prefix)).as("%d on %d bits", v, prefix).isEqualTo(v);
                assertThat(reader.hasRemaining()).isFalse();
            }
        }
    }

    @Test
    void flagsAbovePrefixAreKeptAndIgnoredOnRead() throws QpackException {
        byte[] dst = new byte[QpackWriter.MAX_INTEGER_LENGTH];
        int n = QpackWriter.writeInteger(dst, 0, 0xC0, 6, 17);
        assertThat(hex(Arrays.copyOf(dst, n))).isEqualTo("d1");
        assertThat(read(new byte[] {(byte) 0xd1}, 6)).isEqualTo(17);
    }

    @Test
    void truncatedIntegersAreIncompleteNotErrors() throws QpackException {
        assertThat(read(new byte[0], 5)).isEqualTo(QpackReader.INCOMPLETE);
        assertThat(read(hex("1f"), 5)).isEqualTo(QpackReader.INCOMPLETE);
        assertThat(read(hex("1f9a"), 5)).isEqualTo(QpackReader.INCOMPLETE);
    }

    @Test
    void integersPast62BitsAreErrorsWithTheReadersCode() {
        byte[] max = new byte[QpackWriter.MAX_INTEGER_LENGTH];
        int n = QpackWriter.writeInteger(max, 0, 0, 8, MAX);
        // MAX + 1: bump the lowest continuation group.
        byte[] over = Arrays.copyOf(max, n);
        over[1]++;
        assertThatThrownBy(() -> read(over, 8))
                .isInstanceOfSatisfying(QpackException.class, e -> assertThat(e.errorCode()).isEqualTo(0x1234));
        // 2^63 and more would wrap a long; they must not come back negative or small.
        assertThatThrownBy(() -> read(hex("ff ff ff ff ff ff ff ff ff ff 01"), 8)).isInstanceOf(QpackException.class);
        assertThatThrownBy(() -> read(hex("ff 80 80 80 80 80 80 80 80 7f"), 8)).isInstanceOf(QpackException.class);
        // Zero padding cannot stretch an integer past ten bytes either.
        assertThatThrownBy(() -> read(hex("1f 80 80 80 80 80 80 80 80 80 80 00"), 5)).isInstanceOf(QpackException.class);
    }

    @Test
    void writerRejectsValuesItCannotEncode() {
        HpackWriter out = new HpackWriter();
        assertThatThrownBy(() -> QpackWriter.writeInteger(out, 0, 7, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QpackWriter.writeInteger(out, 0, 7, MAX + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QpackWriter.writeInteger(out, 0, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void stringsUseHuffmanOnlyWhenShorter() throws QpackException {
        HpackWriter out = new HpackWriter();
        String s = "www.example.com";
        QpackWriter.writeString(out, 0, 8, s, Huffman.encodedLength(s));
        // RFC 7541 C.4.1: 12 Huffman bytes for 15 chars.
        assertThat(hex(out.toByteArray())).isEqualTo("8cf1e3c2e5f23a6ba0ab90f4ff");
        reader.reset(out.toByteArray(), 0, out.length());
        assertThat(reader.readStringLength(8)).isEqualTo(12);
        assertThat(reader.huffman()).isTrue();
        assertThat(reader.readString(12, 100)).isEqualTo(s);

        out.reset();
        String binary = "\u00ff\u00fe"; // 26-bit codes: Huffman would be longer
        QpackWriter.writeString(out, 0x20, 4, binary, Huffman.encodedLength(binary));
        assertThat(hex(out.toByteArray())).isEqualTo("22fffe");
        reader.reset(out.toByteArray(), 0, out.length());
        assertThat(reader.readStringLength(4)).isEqualTo(2);
        assertThat(reader.huffman()).isFalse();
        assertThat(reader.readString(2, 2)).isEqualTo(binary);
    }

    @Test
    void stringLongerThanAllowedIsAnError() {
        reader.reset(hex("8cf1e3c2e5f23a6ba0ab90f4ff"), 0, 13);
        assertThatThrownBy(() -> {
            long len = reader.readStringLength(8);
            reader.readString((int) len, 14);
        }).isInstanceOf(QpackException.class);
    }
}
