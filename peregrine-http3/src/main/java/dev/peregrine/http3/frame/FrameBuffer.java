package dev.peregrine.http3.frame;

import java.util.Arrays;
import java.util.Objects;

/**
 * A growable byte array that {@link FrameWriter} appends frames to, for callers that do not want
 * to size an array up front. {@link #array()} and {@link #length()} give the bytes to hand to the
 * transport; {@link #clear()} reuses the storage for the next batch.
 *
 * <p>Not thread-safe.
 */
public final class FrameBuffer {

    private byte[] bytes;
    private int length;

    public FrameBuffer() {
        this(256);
    }

    public FrameBuffer(int initialCapacity) {
        if (initialCapacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative: " + initialCapacity);
        }
        bytes = new byte[initialCapacity];
    }

    /** The backing array; bytes {@code [0, length())} are the content. Replaced when it grows. */
    public byte[] array() {
        return bytes;
    }

    public int length() {
        return length;
    }

    /** Forgets the content, keeping the storage. */
    public void clear() {
        length = 0;
    }

    /** A copy of the content. */
    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    /** Appends {@code src[off..off+len)}, e.g. a DATA or HEADERS payload after its header. */
    public FrameBuffer write(byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        int at = reserve(len);
        System.arraycopy(src, off, bytes, at, len);
        length = at + len;
        return this;
    }

    /**
     * Makes room for {@code n} more bytes and returns the offset to write them at in
     * {@link #array()}; follow with {@link #setLength} to keep what was written.
     */
    public int reserve(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative size: " + n);
        }
        if (bytes.length - length < n) {
            long want = Math.max((long) length + n, 2L * bytes.length);
            if (want > Integer.MAX_VALUE - 8) {
                want = (long) length + n;
                if (want > Integer.MAX_VALUE - 8) {
                    throw new OutOfMemoryError("FrameBuffer cannot hold " + want + " bytes");
                }
            }
            bytes = Arrays.copyOf(bytes, (int) want);
        }
        return length;
    }

    /** Sets the content's length, e.g. to the offset a writer returned after {@link #reserve}. */
    public void setLength(int newLength) {
        Objects.checkIndex(newLength, bytes.length + 1);
        length = newLength;
    }
}
