package dev.peregrine.qpack;

import dev.peregrine.hpack.HpackWriter;
import dev.peregrine.hpack.Huffman;

/**
 * Writes the QPACK primitives (RFC 9204 §4.1): prefixed integers up to 62 bits — stream IDs in
 * decoder instructions can exceed {@link HpackWriter#writeInteger}'s {@code int} — and N-bit
 * prefix string literals, Huffman-coded when that is shorter.
 */
final class QpackWriter {

    /** The most bytes a prefixed integer of at most 62 bits takes: 1 + ceil(62 / 7). */
    static final int MAX_INTEGER_LENGTH = 10;

    private QpackWriter() {}

    /**
     * Writes {@code value} as a prefixed integer into {@code dst} at {@code off} and returns the
     * offset after it; {@code dst} needs {@link #MAX_INTEGER_LENGTH} bytes of room.
     *
     * @param flags the pattern bits above the prefix in the first byte
     */
    static int writeInteger(byte[] dst, int off, int flags, int prefixBits, long value) {
        checkInteger(prefixBits, value);
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            dst[off++] = (byte) (flags | value);
            return off;
        }
        dst[off++] = (byte) (flags | max);
        long rest = value - max;
        while (rest >= 0x80) {
            dst[off++] = (byte) (rest | 0x80);
            rest >>>= 7;
        }
        dst[off++] = (byte) rest;
        return off;
    }

    /** Appends {@code value} as a prefixed integer to {@code out}. */
    static void writeInteger(HpackWriter out, int flags, int prefixBits, long value) {
        checkInteger(prefixBits, value);
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            out.writeByte((int) (flags | value));
            return;
        }
        out.writeByte(flags | max);
        long rest = value - max;
        while (rest >= 0x80) {
            out.writeByte((int) (rest | 0x80));
            rest >>>= 7;
        }
        out.writeByte((int) rest);
    }

    private static void checkInteger(int prefixBits, long value) {
        if (value < 0 || value > QpackReader.MAX_INTEGER || prefixBits < 1 || prefixBits > 8) {
            throw new IllegalArgumentException("bad integer or prefix");
        }
    }

    /**
     * Appends an N-bit prefix string literal (§4.1.2): {@code flags} above the prefix, the H bit
     * at the top of the {@code prefixBits}-bit prefix, the length below it, then the octets —
     * Huffman-coded only when strictly shorter, since raw octets are cheaper to decode.
     *
     * @param huffmanLength {@code Huffman.encodedLength(s)}, which the caller computes first so
     *     that a non-Latin-1 string is rejected before anything of its field is written
     */
    static void writeString(HpackWriter out, int flags, int prefixBits, String s, int huffmanLength) {
        int hBit = 1 << (prefixBits - 1);
        if (huffmanLength < s.length()) {
            writeInteger(out, flags | hBit, prefixBits - 1, huffmanLength);
            Huffman.encode(s, out);
        } else {
            writeInteger(out, flags, prefixBits - 1, s.length());
            out.writeLatin1(s);
        }
    }
}
