package dev.peregrine.qpack;

import static dev.peregrine.qpack.QpackException.QPACK_DECODER_STREAM_ERROR;
import static dev.peregrine.qpack.QpackReader.INCOMPLETE;

import dev.peregrine.api.Headers;
import dev.peregrine.hpack.HpackWriter;
import dev.peregrine.hpack.Huffman;
import java.util.Objects;

/**
 * Peregrine's QPACK encoder (RFC 9204 §2.1): static table and literals only. It never inserts
 * into the dynamic table, so every section has Required Insert Count 0 and Base 0 (prefix
 * {@code 00 00}), never blocks the peer's decoder, never needs an acknowledgment, and needs no
 * encoder stream and no state per stream — at the cost of the compression a dynamic table would
 * give repeated values (a few dozen bytes per response on a warm connection).
 *
 * <p><b>Representation of a field</b> (§4.5):
 * <ol>
 *   <li>an exact static entry ({@code :status 200}, {@code content-type text/plain}, ...):
 *       Indexed Field Line, one or two bytes;
 *   <li>a static entry with this name: Literal Field Line with Name Reference;
 *   <li>otherwise: Literal Field Line with Literal Name.
 * </ol>
 * The N bit is set on {@code authorization}, {@code proxy-authorization}, {@code cookie} and
 * {@code set-cookie}, so that no intermediary puts them in a table an attacker could probe
 * (§7.1.3). Strings are Huffman-coded when that is strictly shorter (§4.1.2).
 *
 * <p><b>Names</b> go on the wire in lowercase, as HTTP/3 requires (RFC 9114 §4.2): a name that is
 * already lowercase is written as it is; only one with ASCII uppercase costs a lowercased copy.
 * Names and values are ISO-8859-1; a char above U+00FF is an {@link IllegalArgumentException},
 * after which the output holds a partial section and must be discarded.
 *
 * <p><b>Output.</b> Each {@code encode*} call appends one complete encoded field section (the
 * payload of one HEADERS frame) to an {@link HpackWriter}, which the caller keeps and resets
 * per section, so encoding allocates nothing once it has grown. The encode methods keep no
 * state: any number of threads may encode at once, each into its own writer.
 * {@link #onDecoderStream} is for the one thread reading the peer's decoder stream.
 */
public final class QpackEncoder {

    private static final String STATUS = ":status";
    /** Static table index 4: {@code content-length: 0} (RFC 9204 Appendix A). */
    private static final int CONTENT_LENGTH_ZERO = 4;

    /* "100" to "999", made on first use; racy, but Strings are immutable. */
    private static final String[] STATUS_TEXT = new String[1000];

    private final QpackReader in = new QpackReader(QPACK_DECODER_STREAM_ERROR);
    private final byte[] pending = new byte[16]; // an unfinished decoder instruction: one integer
    private int pendingLength;

    public QpackEncoder() {}

    /**
     * Appends the section of a response head: {@code :status}, then {@code headers} in order.
     *
     * @param status 100 to 999 (RFC 9110 §15: three digits)
     * @param headers the fields after {@code :status}; {@code null} for none. Connection-specific
     *     fields are the caller's to leave out (RFC 9114 §4.2)
     */
    public void encode(int status, Headers headers, HpackWriter out) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status must have three digits");
        }
        prefix(out);
        int index = QpackStaticTable.statusIndex(status);
        if (index >= 0) {
            QpackWriter.writeInteger(out, 0xC0, 6, index);
        } else {
            String text = STATUS_TEXT[status];
            if (text == null) {
                text = Integer.toString(status);
                STATUS_TEXT[status] = text;
            }
            field(STATUS, text, out);
        }
        fields(headers, out);
    }

    /**
     * Appends a trailer section: {@code trailers} in order, no pseudo-header (RFC 9114 §4.1).
     *
     * @param trailers {@code null} for none (a section of just the prefix)
     */
    public void encodeTrailers(Headers trailers, HpackWriter out) {
        prefix(out);
        fields(trailers, out);
    }

    /**
     * Appends the section of a request head: the pseudo-headers present, in the order
     * {@code :method :scheme :authority :path}, then {@code headers}.
     *
     * @param scheme {@code null} to omit it (CONNECT, RFC 9114 §4.4)
     * @param authority {@code null} to omit it
     * @param path {@code null} to omit it (CONNECT)
     * @param headers {@code null} for none
     */
    public void encodeRequest(String method, String scheme, String authority, String path, Headers headers,
            HpackWriter out) {
        Objects.requireNonNull(method, "method");
        prefix(out);
        field(":method", method, out);
        if (scheme != null) {
            field(":scheme", scheme, out);
        }
        if (authority != null) {
            field(":authority", authority, out);
        }
        if (path != null) {
            field(":path", path, out);
        }
        fields(headers, out);
    }

    /** §4.5.1: Required Insert Count 0, then Sign 0 and Delta Base 0. */
    private static void prefix(HpackWriter out) {
        out.writeByte(0);
        out.writeByte(0);
    }

    private static void fields(Headers headers, HpackWriter out) {
        if (headers == null) {
            return;
        }
        for (int i = 0, n = headers.size(); i < n; i++) {
            field(headers.name(i), headers.value(i), out);
        }
    }

    private static void field(String name, String value, HpackWriter out) {
        String lower = lowercase(name);
        int match = QpackStaticTable.find(lower, value);
        if (match >= 0) {
            QpackWriter.writeInteger(out, 0xC0, 6, match); // §4.5.2: 1 T=1 Index(6+)
            return;
        }
        boolean never = isSensitive(lower);
        // Size both strings before writing anything: that rejects non-Latin-1 input up front.
        int valueHuffman = Huffman.encodedLength(value);
        if (match != QpackStaticTable.NO_MATCH) {
            // §4.5.4: 0 1 N T=1 NameIndex(4+)
            QpackWriter.writeInteger(out, never ? 0x70 : 0x50, 4, -1 - match);
        } else {
            // §4.5.6: 0 0 1 N H NameLength(3+), on a 4-bit prefix string
            QpackWriter.writeString(out, never ? 0x30 : 0x20, 4, lower, Huffman.encodedLength(lower));
        }
        QpackWriter.writeString(out, 0, 8, value, valueHuffman);
    }

    /**
     * Appends one field line, as {@link #encode} writes each of its fields: for a caller that
     * adds a line it encoded once (a {@code date} value that changes once a second) to a section.
     */
    public static void fieldLine(String name, String value, HpackWriter out) {
        field(name, value, out);
    }

    /**
     * Appends {@code content-length: length}: indexed for 0, else the static name (index 4) with
     * the digits as a plain literal — no decimal String and no Huffman pass per response; Huffman
     * would save at most a byte for the lengths a response has.
     */
    public static void contentLength(long length, HpackWriter out) {
        if (length < 0) {
            throw new IllegalArgumentException("negative content-length");
        }
        if (length == 0) {
            QpackWriter.writeInteger(out, 0xC0, 6, CONTENT_LENGTH_ZERO); // §4.5.2
            return;
        }
        QpackWriter.writeInteger(out, 0x50, 4, CONTENT_LENGTH_ZERO); // §4.5.4: 0 1 N=0 T=1 NameIndex(4+)
        int digits = 1;
        long unit = 1;
        for (long t = length; t >= 10; t /= 10) {
            digits++;
            unit *= 10;
        }
        out.writeByte(digits); // H=0, length on a 7-bit prefix: at most 19 digits
        for (; unit > 0; unit /= 10) {
            out.writeByte((int) ('0' + length / unit % 10));
        }
    }

    private static boolean isSensitive(String lowercaseName) {
        return switch (lowercaseName) {
            case "authorization", "proxy-authorization", "cookie", "set-cookie" -> true;
            default -> false;
        };
    }

    /** {@code name} with ASCII A-Z lowercased; the same instance when there are none. */
    static String lowercase(String name) {
        for (int i = 0, n = name.length(); i < n; i++) {
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                char[] chars = name.toCharArray();
                for (int j = i; j < n; j++) {
                    char d = chars[j];
                    if (d >= 'A' && d <= 'Z') {
                        chars[j] = (char) (d + ('a' - 'A'));
                    }
                }
                return new String(chars);
            }
        }
        return name;
    }

    /**
     * Takes bytes of the peer's decoder stream (§4.4), split anywhere. As we never insert and
     * never reference the dynamic table, the only valid instruction is Stream Cancellation
     * (ignored: we hold no references). An Insert Count Increment — of zero, or of anything,
     * since nothing was inserted — and a Section Acknowledgment — no section of ours has a
     * non-zero Required Insert Count — are errors (§4.4.1, §4.4.3).
     *
     * @throws QpackException QPACK_DECODER_STREAM_ERROR
     */
    public void onDecoderStream(byte[] b, int off, int len) throws QpackException {
        Objects.checkFromIndexSize(off, len, b.length);
        int end = off + len;
        try {
            // Finish an instruction split by the last call, a byte at a time: it is one integer.
            while (pendingLength > 0 && off < end) {
                pending[pendingLength++] = b[off++];
                in.reset(pending, 0, pendingLength);
                if (instruction()) {
                    pendingLength = 0;
                }
            }
            in.reset(b, off, end - off);
            while (in.hasRemaining()) {
                int start = in.position();
                if (!instruction()) {
                    pendingLength = end - start; // at most 10 bytes: a longer integer overflows
                    System.arraycopy(b, start, pending, 0, pendingLength);
                    break;
                }
            }
        } finally {
            in.release();
        }
    }

    /** Reads one decoder instruction: false if it is not all here. */
    private boolean instruction() throws QpackException {
        int first = in.peek();
        if ((first & 0x80) != 0) {
            if (in.readInteger(7) == INCOMPLETE) { // §4.4.1 Section Acknowledgment
                return false;
            }
            throw in.error("Section Acknowledgment for a stream with no unacknowledged section");
        }
        long value = in.readInteger(6);
        if (value == INCOMPLETE) {
            return false;
        }
        if ((first & 0x40) != 0) {
            return true; // §4.4.2 Stream Cancellation: nothing of ours to release
        }
        // §4.4.3 Insert Count Increment
        throw in.error(value == 0 ? "Insert Count Increment of 0" : "Insert Count Increment beyond the inserts");
    }
}
