package dev.peregrine.http3.frame;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;

/** Hand-written wire bytes and ByteSources that deliver them in awkward pieces. */
final class TestBytes {

    private TestBytes() {}

    /** Bytes from hex, spaces ignored: {@code hex("04 02 0100")}. */
    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** A source that hands out one byte per read. */
    static ByteSource oneByteAtATime(byte[] bytes) {
        return new ByteSource() {
            int pos;

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos == bytes.length) {
                    return -1;
                }
                if (len == 0) {
                    return 0;
                }
                b[off] = bytes[pos++];
                return 1;
            }
        };
    }

    /** A source whose first read returns at most {@code split} bytes, later reads the rest. */
    static ByteSource splitAt(byte[] bytes, int split) {
        return new ByteSource() {
            int pos;

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos == bytes.length) {
                    return -1;
                }
                int end = pos < split ? split : bytes.length;
                int n = Math.min(len, end - pos);
                System.arraycopy(bytes, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }

    /** Counts the bytes a source handed out, to show what a reader did not consume. */
    static final class Counting implements ByteSource {
        final ByteSource in;
        long delivered;
        int largestRead;

        Counting(ByteSource in) {
            this.in = in;
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                delivered += n;
                largestRead = Math.max(largestRead, n);
            }
            return n;
        }
    }

    /** A source of {@code n} zero bytes that never materialises them. */
    static ByteSource zeros(long n) {
        return new ByteSource() {
            long left = n;

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                int k = (int) Math.min(len, left);
                java.util.Arrays.fill(b, off, off + k, (byte) 0);
                left -= k;
                return k;
            }
        };
    }

    /** {@code first} then {@code second}, as one stream. */
    static ByteSource chain(ByteSource first, ByteSource second) {
        return new ByteSource() {
            boolean firstDone;

            @Override
            public int read(byte[] b, int off, int len) throws java.io.IOException {
                if (!firstDone) {
                    int n = first.read(b, off, len);
                    if (n >= 0) {
                        return n;
                    }
                    firstDone = true;
                }
                return second.read(b, off, len);
            }
        };
    }
}
