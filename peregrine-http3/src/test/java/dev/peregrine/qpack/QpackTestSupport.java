package dev.peregrine.qpack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.hpack.HpackWriter;
import dev.peregrine.hpack.Huffman;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Shared helpers of the QPACK tests: hex dumps, collecting sinks, table and error assertions. */
final class QpackTestSupport {

    /** No deadline for a decode that must not block. */
    static final long FOREVER = Long.MAX_VALUE;

    private QpackTestSupport() {}

    /** Bytes from a hex dump as the RFC prints them ("510b 2f69 ..."), whitespace ignored. */
    static byte[] hex(String dump) {
        return HexFormat.of().parseHex(dump.replaceAll("\\s+", ""));
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    static byte[] bytes(HpackWriter out) {
        return out.toByteArray();
    }

    /** A field sink keeping "name: value" lines. */
    static final class Fields implements QpackDecoder.FieldSink {
        final List<String> lines = new ArrayList<>();

        @Override
        public void field(String name, String value) {
            lines.add(name + ": " + value);
        }
    }

    /** Our decoder stream as the peer's encoder would receive it; thread-safe. */
    static final class DecoderStream implements QpackDecoder.DecoderStreamSink {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public synchronized void send(byte[] b, int off, int len) {
            bytes.write(b, off, len);
        }

        /** The bytes sent since the last call, as hex. */
        synchronized String take() {
            String s = hex(bytes.toByteArray());
            bytes.reset();
            return s;
        }
    }

    static void feed(QpackDecoder decoder, String encoderStreamHex) throws QpackException {
        byte[] b = hex(encoderStreamHex);
        decoder.onEncoderStream(b, 0, b.length);
    }

    /** Decodes a section that must not block, asserting it was delivered in full. */
    static List<String> decode(QpackDecoder decoder, long streamId, byte[] section) throws Exception {
        Fields fields = new Fields();
        assertThat(decoder.decode(streamId, section, 0, section.length, fields, FOREVER))
                .isEqualTo(QpackDecoder.Outcome.DECODED);
        return fields.lines;
    }

    static List<String> decode(QpackDecoder decoder, long streamId, String sectionHex) throws Exception {
        return decode(decoder, streamId, hex(sectionHex));
    }

    /** The table as "abs name value" lines, oldest first (the RFC's order in Appendix B). */
    static List<String> entries(QpackDynamicTable table) {
        List<String> lines = new ArrayList<>();
        for (long i = table.firstIndex(); i < table.insertCount(); i++) {
            QpackDynamicTable.Entry e = table.get(i);
            lines.add(i + " " + e.name() + " " + e.value());
        }
        return lines;
    }

    static void assertTable(QpackDynamicTable table, long size, String... oldestFirst) {
        assertThat(entries(table)).containsExactly(oldestFirst);
        assertThat(table.size()).as("table size").isEqualTo(size);
    }

    /** Asserts the call throws a QpackException with this HTTP/3 error code. */
    static void assertQpackError(long errorCode, ThrowingCallable call) {
        assertThatThrownBy(call)
                .isInstanceOf(QpackException.class)
                .satisfies(e -> assertThat(((QpackException) e).errorCode())
                        .as("error code").isEqualTo(errorCode));
    }

    // ---- encoder-stream instructions (§4.3), raw strings unless said ----

    /** An N-bit prefix string literal, Huffman-coded whether or not that is shorter. */
    static void writeHuffman(HpackWriter out, int flags, int prefixBits, String s) {
        QpackWriter.writeInteger(out, flags | (1 << (prefixBits - 1)), prefixBits - 1, Huffman.encodedLength(s));
        Huffman.encode(s, out);
    }

    /** An N-bit prefix string literal, raw whether or not Huffman would be shorter. */
    static void writeRaw(HpackWriter out, int flags, int prefixBits, String s) {
        QpackWriter.writeInteger(out, flags, prefixBits - 1, s.length());
        out.writeLatin1(s);
    }

    static byte[] setCapacity(long capacity) {
        HpackWriter out = new HpackWriter();
        QpackWriter.writeInteger(out, 0x20, 5, capacity);
        return out.toByteArray();
    }

    static byte[] insertLiteralName(String name, String value) {
        HpackWriter out = new HpackWriter();
        writeRaw(out, 0x40, 6, name);
        writeRaw(out, 0, 8, value);
        return out.toByteArray();
    }

    /** Huffman-coded name and value, whatever their lengths. */
    static byte[] insertLiteralNameHuffman(String name, String value) {
        HpackWriter out = new HpackWriter();
        writeHuffman(out, 0x40, 6, name);
        writeHuffman(out, 0, 8, value);
        return out.toByteArray();
    }

    static byte[] insertNameRef(boolean isStatic, long index, String value) {
        HpackWriter out = new HpackWriter();
        QpackWriter.writeInteger(out, isStatic ? 0xC0 : 0x80, 6, index);
        writeRaw(out, 0, 8, value);
        return out.toByteArray();
    }

    static byte[] duplicate(long relativeIndex) {
        HpackWriter out = new HpackWriter();
        QpackWriter.writeInteger(out, 0, 5, relativeIndex);
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static void feed(QpackDecoder decoder, byte[] encoderStream) throws QpackException {
        decoder.onEncoderStream(encoderStream, 0, encoderStream.length);
    }
}
