package dev.peregrine.hpack;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.util.Objects;

/**
 * The static Huffman code of HPACK string literals (RFC 7541 §5.2, Appendix B), also used by
 * QPACK (RFC 9204 §4.1.2). Stateless: it knows nothing of header tables.
 *
 * <p>Strings are octets; as {@link CharSequence}s they are ISO-8859-1 (one char per byte,
 * U+0000 to U+00FF).
 *
 * <p>Decoding is table-driven, four bits at a time: the state is the node of the code tree
 * reached so far (256 internal nodes), and one lookup per nibble gives the next node, the symbol
 * completed on the way (at most one, as no code is shorter than 5 bits) and whether the EOS code
 * was hit. So a byte costs two array reads and no branching on individual bits.
 */
public final class Huffman {

    /*
     * Code length in bits of each symbol 0 to 255 and EOS (256), transcribed from Appendix B.
     * The Appendix B code is canonical: within a length, codes are consecutive in symbol order,
     * and each length starts where the previous one ended, shifted left. So the lengths alone
     * determine every code; the static initialiser rebuilds them (and the tests compare them
     * with the table printed in the RFC).
     */
    private static final byte[] LENGTHS = {
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28,
        28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
        6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6,
        5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
        13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
        7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,
        6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
        20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23,
        24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
        22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23,
        21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
        26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,
        19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
        20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23,
        26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
        30,
    };

    static final int EOS = 256;

    /** The code of each symbol, right-aligned (the RFC's "code as hex"). */
    private static final int[] CODES = new int[257];

    /*
     * Decoding transitions, indexed by (state << 4) | nibble. Each entry packs:
     *   bits 0-7   the next state (internal tree node; 0 is the root)
     *   bits 8-15  the symbol completed during this nibble, if EMIT is set
     *   EMIT       a symbol was completed
     *   FAIL       the EOS code was completed: an error wherever it appears (§5.2)
     *   ACCEPT     the next state may end the string: the bits since the last symbol are all
     *              ones and at most 7 of them, i.e. valid padding (§5.2)
     */
    private static final int EMIT = 1 << 16;
    private static final int FAIL = 1 << 17;
    private static final int ACCEPT = 1 << 18;
    private static final int[] TRANSITIONS = new int[256 * 16];

    static {
        assignCanonicalCodes();
        buildTransitions();
    }

    private Huffman() {}

    private static void assignCanonicalCodes() {
        int code = 0;
        int length = 0;
        for (int len = 1; len <= 30; len++) {
            for (int sym = 0; sym <= EOS; sym++) {
                if (LENGTHS[sym] == len) {
                    code <<= len - length;
                    length = len;
                    CODES[sym] = code++;
                }
            }
        }
    }

    private static void buildTransitions() {
        // The code tree: children[node][bit] is an internal node (> 0), or ~symbol for a leaf.
        int[][] children = new int[256][2];
        int[] depth = new int[256];
        boolean[] allOnes = new boolean[256];
        allOnes[0] = true;
        int nodes = 1;
        for (int sym = 0; sym <= EOS; sym++) {
            int node = 0;
            for (int bit = LENGTHS[sym] - 1; bit > 0; bit--) {
                int b = (CODES[sym] >>> bit) & 1;
                if (children[node][b] == 0) {
                    children[node][b] = nodes;
                    depth[nodes] = depth[node] + 1;
                    allOnes[nodes] = allOnes[node] && b == 1;
                    nodes++;
                }
                node = children[node][b];
            }
            children[node][CODES[sym] & 1] = ~sym;
        }
        for (int state = 0; state < 256; state++) {
            for (int nibble = 0; nibble < 16; nibble++) {
                int node = state;
                int entry = 0;
                for (int bit = 3; bit >= 0; bit--) {
                    int next = children[node][(nibble >>> bit) & 1];
                    if (next >= 0) {
                        node = next;
                    } else if (~next == EOS) {
                        entry |= FAIL;
                        break;
                    } else {
                        entry |= EMIT | (~next << 8);
                        node = 0;
                    }
                }
                if (allOnes[node] && depth[node] <= 7) {
                    entry |= ACCEPT;
                }
                TRANSITIONS[(state << 4) | nibble] = entry | node;
            }
        }
    }

    /** The code of {@code symbol} (0 to 256), right-aligned; for tests. */
    static int code(int symbol) {
        return CODES[symbol];
    }

    /** The length in bits of the code of {@code symbol} (0 to 256); for tests. */
    static int codeLength(int symbol) {
        return LENGTHS[symbol];
    }

    // ---- encoding ----

    /**
     * The number of bytes {@code s} takes Huffman-coded, padding included.
     *
     * @throws IllegalArgumentException if a char is above U+00FF
     */
    public static int encodedLength(CharSequence s) {
        long bits = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c > 0xFF) {
                throw new IllegalArgumentException("field is not ISO-8859-1");
            }
            bits += LENGTHS[c];
        }
        return Math.toIntExact((bits + 7) >>> 3);
    }

    /** The number of bytes {@code src[off, off + len)} takes Huffman-coded, padding included. */
    public static int encodedLength(byte[] src, int off, int len) {
        Objects.checkFromIndexSize(off, len, src.length);
        long bits = 0;
        for (int i = off, end = off + len; i < end; i++) {
            bits += LENGTHS[src[i] & 0xFF];
        }
        return Math.toIntExact((bits + 7) >>> 3);
    }

    /**
     * Appends the Huffman coding of {@code s} to {@code out} (no length prefix), padded with the
     * high bits of EOS (all ones) to a whole byte (§5.2).
     *
     * @throws IllegalArgumentException if a char is above U+00FF; nothing is written then
     */
    public static void encode(CharSequence s, HpackWriter out) {
        out.ensureCapacity(encodedLength(s)); // also rejects non-Latin-1 before anything is written
        long acc = 0; // pending bits, right-aligned; fewer than 8 between symbols
        int pending = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            int sym = s.charAt(i);
            acc = (acc << LENGTHS[sym]) | CODES[sym];
            pending += LENGTHS[sym];
            while (pending >= 8) {
                pending -= 8;
                out.writeByte((int) (acc >>> pending));
            }
        }
        if (pending > 0) {
            out.writeByte((int) ((acc << (8 - pending)) | (0xFF >>> pending)));
        }
    }

    /** Appends the Huffman coding of {@code src[off, off + len)} to {@code out} (no length prefix). */
    public static void encode(byte[] src, int off, int len, HpackWriter out) {
        out.ensureCapacity(encodedLength(src, off, len));
        long acc = 0;
        int pending = 0;
        for (int i = off, end = off + len; i < end; i++) {
            int sym = src[i] & 0xFF;
            acc = (acc << LENGTHS[sym]) | CODES[sym];
            pending += LENGTHS[sym];
            while (pending >= 8) {
                pending -= 8;
                out.writeByte((int) (acc >>> pending));
            }
        }
        if (pending > 0) {
            out.writeByte((int) ((acc << (8 - pending)) | (0xFF >>> pending)));
        }
    }

    /** The Huffman coding of {@code src[off, off + len)} as a new array. */
    public static byte[] encode(byte[] src, int off, int len) {
        HpackWriter out = new HpackWriter(encodedLength(src, off, len));
        encode(src, off, len, out);
        return out.array();
    }

    // ---- decoding ----

    /**
     * An upper bound of the decoded length of {@code encodedLength} bytes: no code is shorter
     * than 5 bits.
     */
    public static int maxDecodedLength(int encodedLength) {
        return (int) (encodedLength * 8L / 5);
    }

    /**
     * Decodes {@code src[off, off + len)} into {@code dst} from {@code dstOff}, writing at most
     * {@code maxLength} bytes, and returns the full decoded length — more than {@code maxLength}
     * if the string is longer, in which case only its first {@code maxLength} bytes were written.
     * The whole input is always validated, so a caller may skip an over-long string and still
     * trust the block. {@code dst} must have room for
     * {@code min(maxLength, maxDecodedLength(len))} bytes.
     *
     * @throws HpackException if the input contains the EOS code, or ends with padding that is
     *     longer than 7 bits or not all ones (§5.2)
     */
    public static int decode(byte[] src, int off, int len, byte[] dst, int dstOff, int maxLength)
            throws HpackException {
        Objects.checkFromIndexSize(off, len, src.length);
        int[] table = TRANSITIONS;
        int state = 0;
        int entry = ACCEPT; // the empty string is valid
        int n = 0;
        for (int i = off, end = off + len; i < end; i++) {
            int b = src[i];
            entry = table[(state << 4) | ((b >>> 4) & 0xF)];
            if ((entry & (EMIT | FAIL)) != 0) {
                if ((entry & FAIL) != 0) {
                    throw new HpackException("Huffman string contains EOS");
                }
                if (n < maxLength) {
                    dst[dstOff + n] = (byte) (entry >>> 8);
                }
                n++;
            }
            state = entry & 0xFF;
            entry = table[(state << 4) | (b & 0xF)];
            if ((entry & (EMIT | FAIL)) != 0) {
                if ((entry & FAIL) != 0) {
                    throw new HpackException("Huffman string contains EOS");
                }
                if (n < maxLength) {
                    dst[dstOff + n] = (byte) (entry >>> 8);
                }
                n++;
            }
            state = entry & 0xFF;
        }
        if ((entry & ACCEPT) == 0) {
            throw new HpackException("bad Huffman padding");
        }
        return n;
    }

    /**
     * Decodes {@code src[off, off + len)} into an ISO-8859-1 string.
     *
     * @throws HpackException if the string is malformed (see
     *     {@link #decode(byte[], int, int, byte[], int, int)}) or decodes to more than
     *     {@code maxLength} chars
     */
    public static String decode(byte[] src, int off, int len, int maxLength) throws HpackException {
        byte[] dst = new byte[Math.max(0, Math.min(maxLength, maxDecodedLength(len)))];
        int n = decode(src, off, len, dst, 0, dst.length);
        if (n > maxLength) {
            throw new HpackException("Huffman string too long");
        }
        return new String(dst, 0, n, ISO_8859_1);
    }
}
