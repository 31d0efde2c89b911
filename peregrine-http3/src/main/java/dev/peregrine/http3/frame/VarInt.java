package dev.peregrine.http3.frame;

import java.io.EOFException;
import java.io.IOException;
import java.util.Objects;

/**
 * QUIC variable-length integers (RFC 9000 §16): the two high bits of the first byte give the
 * length (00: 1, 01: 2, 10: 4, 11: 8 bytes), the remaining 6, 14, 30 or 62 bits the value, in
 * network byte order. Every HTTP/3 frame type, length, setting and identifier uses them.
 *
 * <p>Decoding accepts non-minimal encodings ({@code 0x4025} is 37, as in RFC 9000 §A.1): §16 does
 * not require the shortest form, and HTTP/3 does not either. Encoding always writes the shortest
 * form unless a length is given.
 *
 * <p>The array reader signals "need more bytes" with {@link #NEED_MORE} instead of an exception or
 * a wrapper object, so a parser can call it on every partial buffer without allocating; callers
 * that must know how many bytes to wait for read {@link #encodedLength(byte)} of the first byte.
 */
public final class VarInt {

    /** The largest encodable value, 2^62-1. */
    public static final long MAX_VALUE = (1L << 62) - 1;

    /** The longest encoding, in bytes. */
    public static final int MAX_LENGTH = 8;

    /** {@link #read(byte[], int, int)}'s result when the encoding is cut short: never a value. */
    public static final long NEED_MORE = -1;

    private VarInt() {}

    /**
     * The length of the shortest encoding of {@code v}: 1, 2, 4 or 8.
     *
     * @throws IllegalArgumentException if {@code v} is negative or above {@link #MAX_VALUE}
     */
    public static int length(long v) {
        if (v < 0) {
            throw new IllegalArgumentException("a variable-length integer is not negative: " + v);
        }
        if (v < 1L << 6) {
            return 1;
        }
        if (v < 1L << 14) {
            return 2;
        }
        if (v < 1L << 30) {
            return 4;
        }
        if (v <= MAX_VALUE) {
            return 8;
        }
        throw new IllegalArgumentException("a variable-length integer is at most 2^62-1 (RFC 9000 §16): " + v);
    }

    /** The length of the encoding that starts with {@code firstByte}, from its two high bits. */
    public static int encodedLength(byte firstByte) {
        return 1 << ((firstByte & 0xc0) >>> 6);
    }

    /**
     * Writes the shortest encoding of {@code v} at {@code dst[off]}.
     *
     * @return the offset just after it
     * @throws IllegalArgumentException if {@code v} is negative or above {@link #MAX_VALUE}
     * @throws IndexOutOfBoundsException if it does not fit; nothing is written then
     */
    public static int write(long v, byte[] dst, int off) {
        return write(v, length(v), dst, off);
    }

    /**
     * Writes {@code v} on exactly {@code length} bytes (1, 2, 4 or 8), which may be longer than
     * needed: the way to fill a length field reserved before the payload's size was known.
     *
     * @return the offset just after it
     * @throws IllegalArgumentException if {@code length} is not 1, 2, 4 or 8, or too short for
     *     {@code v}
     */
    public static int write(long v, int length, byte[] dst, int off) {
        if (length != 1 && length != 2 && length != 4 && length != 8) {
            throw new IllegalArgumentException("a variable-length integer takes 1, 2, 4 or 8 bytes: " + length);
        }
        if (length(v) > length) {
            throw new IllegalArgumentException(v + " does not fit in a " + length + "-byte variable-length integer");
        }
        Objects.checkFromIndexSize(off, length, dst.length);
        for (int i = length - 1, shift = 0; i >= 0; i--, shift += 8) {
            dst[off + i] = (byte) (v >>> shift);
        }
        dst[off] |= (byte) (Integer.numberOfTrailingZeros(length) << 6);
        return off + length;
    }

    /**
     * Decodes the integer at {@code src[off]}, of which {@code len} bytes are available.
     *
     * @return the value, or {@link #NEED_MORE} if fewer than {@link #encodedLength(byte)} bytes
     *     are available (including none); the caller advances by that length on success
     */
    public static long read(byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        if (len == 0) {
            return NEED_MORE;
        }
        int n = encodedLength(src[off]);
        if (len < n) {
            return NEED_MORE;
        }
        long v = src[off] & 0x3f;
        for (int i = 1; i < n; i++) {
            v = v << 8 | (src[off + i] & 0xff);
        }
        return v;
    }

    /**
     * Reads one integer from {@code in}, blocking, and consuming nothing after it: the first byte
     * alone, then exactly the rest of the encoding.
     *
     * @return the value, or -1 if the stream ended before its first byte
     * @throws EOFException if the stream ended inside the encoding
     */
    public static long read(ByteSource in) throws IOException {
        byte[] b = new byte[MAX_LENGTH];
        if (readSome(in, b, 0, 1) < 0) {
            return -1;
        }
        int n = encodedLength(b[0]);
        for (int got = 1; got < n; ) {
            int r = readSome(in, b, got, n - got);
            if (r < 0) {
                throw new EOFException("stream ended inside a variable-length integer");
            }
            got += r;
        }
        return read(b, 0, n);
    }

    private static int readSome(ByteSource in, byte[] b, int off, int len) throws IOException {
        int r;
        do {
            r = in.read(b, off, len);
        } while (r == 0);
        return r;
    }
}
