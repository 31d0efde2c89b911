package dev.peregrine.qpack;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import dev.peregrine.hpack.HpackException;
import dev.peregrine.hpack.Huffman;

/**
 * A cursor over QPACK input reading the two primitives of RFC 9204 §4.1: prefixed integers
 * (RFC 7541 §5.1, up to 62 bits, §4.1.1) and N-bit-prefix string literals (§4.1.2).
 *
 * <p>It serves both whole field sections and encoder/decoder stream fragments, so running out of
 * input is not itself an error: reads return {@link #INCOMPLETE} and the caller decides (a
 * truncated section is malformed; a split instruction waits for more bytes). Values that are
 * malformed whatever follows are thrown at once with the error code the reader was made with.
 *
 * <p>Not thread-safe; one per parse.
 */
final class QpackReader {

    /** The largest integer accepted: §4.1.1 requires 62 bits, and no QPACK quantity needs more. */
    static final long MAX_INTEGER = (1L << 62) - 1;

    /** Returned by reads that ran out of input. */
    static final long INCOMPLETE = -1;

    private static final byte[] EMPTY = new byte[0];

    private final long errorCode;
    private byte[] buf = EMPTY;
    private int pos;
    private int end;
    private boolean huffman; // the H bit of the last string header read

    /** @param errorCode what malformed input is: the code of the stream being read (§6) */
    QpackReader(long errorCode) {
        this.errorCode = errorCode;
    }

    void reset(byte[] b, int off, int len) {
        buf = b;
        pos = off;
        end = off + len;
    }

    /** Drops the reference to the caller's array. */
    void release() {
        buf = EMPTY;
        pos = 0;
        end = 0;
    }

    int position() {
        return pos;
    }

    void position(int newPos) {
        pos = newPos;
    }

    int remaining() {
        return end - pos;
    }

    boolean hasRemaining() {
        return pos < end;
    }

    /** The current byte, unsigned; {@link #hasRemaining()} must be true. */
    int peek() {
        return buf[pos] & 0xFF;
    }

    QpackException error(String reason) {
        return new QpackException(errorCode, reason);
    }

    /**
     * Reads a prefixed integer whose prefix is the low {@code prefixBits} bits of the current
     * byte (the bits above belong to the caller's pattern).
     *
     * @return the value, or {@link #INCOMPLETE} if the input ends first
     * @throws QpackException if it exceeds {@link #MAX_INTEGER} (which also bounds how many
     *     continuation bytes are read, zero-padded encodings included)
     */
    long readInteger(int prefixBits) throws QpackException {
        if (pos == end) {
            return INCOMPLETE;
        }
        int mask = (1 << prefixBits) - 1;
        long value = buf[pos++] & mask;
        if (value < mask) {
            return value;
        }
        for (int shift = 0; ; shift += 7) {
            if (pos == end) {
                return INCOMPLETE;
            }
            if (shift > 56) {
                throw error("integer exceeds 62 bits");
            }
            int b = buf[pos++];
            long add = (long) (b & 0x7F) << shift; // at most 2^63 - 2^56: no overflow
            if (add > MAX_INTEGER - value) {
                throw error("integer exceeds 62 bits");
            }
            value += add;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
    }

    /**
     * Reads the header of an N-bit prefix string literal (§4.1.2): the H bit, the top bit of the
     * prefix, then the encoded length on the remaining {@code prefixBits - 1} bits. The string
     * bytes are not read: check the length against a limit and {@link #remaining()} first, then
     * {@link #readString} or {@link #skip}.
     *
     * @return the encoded length, or {@link #INCOMPLETE}
     */
    long readStringLength(int prefixBits) throws QpackException {
        if (pos == end) {
            return INCOMPLETE;
        }
        huffman = (buf[pos] & (1 << (prefixBits - 1))) != 0;
        return readInteger(prefixBits - 1);
    }

    /** Whether the string whose length was just read is Huffman-coded. */
    boolean huffman() {
        return huffman;
    }

    /**
     * Reads {@code length} (at most {@link #remaining()}) string bytes into a String, decoding
     * Huffman if the last header said so.
     *
     * @throws QpackException if the Huffman code is malformed, or decodes to more than
     *     {@code maxLength} chars
     */
    String readString(int length, int maxLength) throws QpackException {
        int start = pos;
        pos += length;
        if (!huffman) {
            if (length > maxLength) {
                throw error("string too long");
            }
            return length == 0 ? "" : new String(buf, start, length, ISO_8859_1);
        }
        try {
            return length == 0 ? "" : Huffman.decode(buf, start, length, maxLength);
        } catch (HpackException e) {
            throw error("bad Huffman string");
        }
    }

    /**
     * Decodes {@code length} string bytes into {@code dst} (room for {@code min(limit,
     * Huffman.maxDecodedLength(length))} bytes), writing at most {@code limit}, and returns the
     * decoded length, possibly more than {@code limit}. The whole string is validated either way.
     */
    int readString(int length, byte[] dst, int limit) throws QpackException {
        int start = pos;
        pos += length;
        if (!huffman) {
            System.arraycopy(buf, start, dst, 0, Math.min(length, limit));
            return length;
        }
        try {
            return Huffman.decode(buf, start, length, dst, 0, limit);
        } catch (HpackException e) {
            throw error("bad Huffman string");
        }
    }

    /** Skips {@code length} bytes, at most {@link #remaining()}. */
    void skip(int length) {
        pos += length;
    }
}
