package dev.peregrine.exchange;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.util.Arrays;
import java.util.Objects;

/**
 * A growable byte array that outgoing bytes are assembled in: a batch of pipelined response
 * heads (and small bodies) goes out in one write of {@code array()[0, size())}.
 *
 * <p>Writes never allocate except to grow (doubling); {@link #shrinkTo} gives memory back while
 * a connection idles. Not thread-safe.
 */
public final class WriteBuffer {

    /* Arrays a little below Integer.MAX_VALUE are what every JVM can allocate. */
    private static final int MAX_CAPACITY = Integer.MAX_VALUE - 8;
    private static final byte[] LONG_MIN = "-9223372036854775808".getBytes(ISO_8859_1);
    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(ISO_8859_1);

    private byte[] buf;
    private int size;

    public WriteBuffer() {
        this(512);
    }

    public WriteBuffer(int initialCapacity) {
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("negative capacity");
        }
        buf = new byte[initialCapacity];
    }

    /** Makes room for at least {@code additional} more bytes. */
    public WriteBuffer ensure(int additional) {
        if (additional < 0) {
            throw new IllegalArgumentException("negative size");
        }
        if (additional > buf.length - size) {
            grow(additional);
        }
        return this;
    }

    private void grow(int additional) {
        if (additional > MAX_CAPACITY - size) {
            throw new OutOfMemoryError("WriteBuffer would exceed " + MAX_CAPACITY + " bytes");
        }
        int needed = size + additional;
        int doubled = buf.length > MAX_CAPACITY / 2 ? MAX_CAPACITY : buf.length * 2;
        buf = Arrays.copyOf(buf, Math.max(Math.max(needed, doubled), 64));
    }

    public WriteBuffer put(byte b) {
        if (size == buf.length) {
            grow(1);
        }
        buf[size++] = b;
        return this;
    }

    public WriteBuffer put(byte[] b) {
        return put(b, 0, b.length);
    }

    public WriteBuffer put(byte[] b, int off, int len) {
        Objects.checkFromIndexSize(off, len, b.length);
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
        return this;
    }

    /** Writes each char as one ISO-8859-1 byte; a char above 0xFF becomes {@code '?'}, never its low byte. */
    public WriteBuffer putAscii(String s) {
        int n = s.length();
        ensure(n);
        byte[] a = buf;
        int p = size;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            a[p++] = c <= 0xFF ? (byte) c : (byte) '?';
        }
        size = p;
        return this;
    }

    /** Writes {@code v} in decimal ASCII without allocating. */
    public WriteBuffer putDecimal(long v) {
        if (v == Long.MIN_VALUE) {
            return put(LONG_MIN);
        }
        ensure(20);
        if (v < 0) {
            buf[size++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) {
            digits++;
        }
        int p = size + digits;
        size = p;
        do {
            buf[--p] = (byte) ('0' + (int) (v % 10));
            v /= 10;
        } while (v != 0);
        return this;
    }

    /** Writes {@code v} (not negative) in lower-case hexadecimal without allocating, as chunk sizes are. */
    public WriteBuffer putHex(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("negative: " + v);
        }
        int digits = v == 0 ? 1 : (67 - Long.numberOfLeadingZeros(v)) >> 2;
        ensure(digits);
        int p = size + digits;
        size = p;
        do {
            buf[--p] = HEX_DIGITS[(int) (v & 0xF)];
            v >>>= 4;
        } while (v != 0);
        return this;
    }

    /** The backing array; bytes {@code [0, size())} are the content. Changes when the buffer grows. */
    public byte[] array() {
        return buf;
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return buf.length;
    }

    /** A copy of the content. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    /** Drops the content, keeping the capacity. */
    public WriteBuffer clear() {
        size = 0;
        return this;
    }

    /** Drops the bytes after the first {@code newSize}, e.g. to take back a partly written head. */
    public WriteBuffer truncate(int newSize) {
        Objects.checkIndex(newSize, size + 1);
        size = newSize;
        return this;
    }

    /**
     * Reallocates to {@code max(capacity, size())} bytes when the buffer is larger than that, so an
     * idle connection stops holding a buffer grown for a big response.
     */
    public WriteBuffer shrinkTo(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("negative capacity");
        }
        int target = Math.max(capacity, size);
        if (buf.length > target) {
            buf = Arrays.copyOf(buf, target);
        }
        return this;
    }
}
