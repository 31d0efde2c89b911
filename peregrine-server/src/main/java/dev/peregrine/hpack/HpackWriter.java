package dev.peregrine.hpack;

import java.util.Arrays;
import java.util.Objects;

/**
 * A growable byte buffer that header blocks are encoded into. It is meant to be kept per
 * connection and {@link #reset() reset} per block: once it has grown to the largest block it
 * stays that size, so encoding allocates nothing.
 *
 * <p>Besides raw bytes it writes the two primitives HPACK and QPACK share: prefixed integers
 * (RFC 7541 §5.1) and Latin-1 octet strings.
 */
public final class HpackWriter {

    private static final int DEFAULT_CAPACITY = 256;

    private byte[] buf;
    private int length;

    public HpackWriter() {
        this(DEFAULT_CAPACITY);
    }

    public HpackWriter(int initialCapacity) {
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("initialCapacity < 0");
        }
        buf = new byte[initialCapacity];
    }

    /** The backing array; bytes 0 to {@link #length()} are the output. Valid until the next write. */
    public byte[] array() {
        return buf;
    }

    /** The number of bytes written since the last {@link #reset()}. */
    public int length() {
        return length;
    }

    /** Forgets the content, keeping the array. */
    public void reset() {
        length = 0;
    }

    /** A copy of the content (for tests and the odd caller that needs its own array). */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, length);
    }

    /** Makes room for {@code additional} more bytes, growing the array at least twofold. */
    public void ensureCapacity(int additional) {
        if (additional > buf.length - length) {
            grow(additional);
        }
    }

    private void grow(int additional) {
        long needed = (long) length + additional;
        if (additional < 0 || needed > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("header block too large");
        }
        int newCapacity = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, 2L * buf.length));
        buf = Arrays.copyOf(buf, Math.max(newCapacity, 16));
    }

    public void writeByte(int b) {
        if (length == buf.length) {
            grow(1);
        }
        buf[length++] = (byte) b;
    }

    public void write(byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        ensureCapacity(len);
        System.arraycopy(src, off, buf, length, len);
        length += len;
    }

    /**
     * Writes {@code value} as a prefixed integer (RFC 7541 §5.1): the low {@code prefixBits} bits
     * of the first byte, continued in 7-bit groups, least significant first, when it does not fit.
     *
     * @param flags the bits above the prefix in the first byte (the representation's pattern)
     * @param prefixBits 1 to 8
     * @param value 0 or more
     */
    public void writeInteger(int flags, int prefixBits, int value) {
        if (value < 0 || prefixBits < 1 || prefixBits > 8) {
            throw new IllegalArgumentException("bad integer or prefix");
        }
        int max = (1 << prefixBits) - 1;
        ensureCapacity(6); // 1 prefix byte + at most 5 continuation bytes for 2^31 - 1
        if (value < max) {
            buf[length++] = (byte) (flags | value);
            return;
        }
        buf[length++] = (byte) (flags | max);
        int rest = value - max;
        while (rest >= 0x80) {
            buf[length++] = (byte) (rest | 0x80);
            rest >>>= 7;
        }
        buf[length++] = (byte) rest;
    }

    /**
     * Writes each char as one byte (ISO-8859-1), the raw form of a string literal.
     *
     * @throws IllegalArgumentException if a char is above U+00FF: it has no octet, and silently
     *     truncating it could turn, say, U+010A into a line feed
     */
    public void writeLatin1(CharSequence s) {
        int n = s.length();
        ensureCapacity(n);
        byte[] b = buf;
        int pos = length;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c > 0xFF) {
                throw new IllegalArgumentException("field is not ISO-8859-1");
            }
            b[pos++] = (byte) c;
        }
        length = pos;
    }
}
