package dev.peregrine.files;

import dev.peregrine.api.Response;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * A {@code multipart/byteranges} body (RFC 9110 §14.6, framed per RFC 2046 §5.1.1) for a 206
 * answering several ranges of a file:
 *
 * <pre>
 * --BOUNDARY CRLF
 * Content-Type: text/plain; charset=utf-8 CRLF
 * Content-Range: bytes 0-99/1000 CRLF
 * CRLF
 * (bytes 0-99) CRLF
 * --BOUNDARY CRLF
 * ...
 * (bytes of the last part) CRLF
 * --BOUNDARY-- CRLF
 * </pre>
 *
 * The CRLF before each boundary line belongs to the delimiter, not to the part's data; the
 * first boundary has none because there is no preamble. The part heads are built once, so
 * {@link #contentLength()} is exact and known before anything is written.
 */
final class MultipartByteRanges {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final List<ByteRange.Part> parts;
    private final String boundary;
    private final byte[][] heads;
    private final byte[] close;
    private final long contentLength;

    /**
     * @param parts what {@link ByteRange#parseMultiple} returned
     * @param length the whole representation's length, for each part's Content-Range
     * @param contentType the representation's media type, repeated in every part; {@code null} for none
     */
    MultipartByteRanges(ByteRanges.Parts parts, long length, String contentType) {
        this(parts, length, contentType, newBoundary());
    }

    /** As above with a given boundary: for tests, which need reproducible bytes. */
    MultipartByteRanges(ByteRanges.Parts parts, long length, String contentType, String boundary) {
        if (!validBoundary(boundary)) {
            throw new IllegalArgumentException("not a usable boundary: " + boundary);
        }
        this.parts = parts.parts();
        this.boundary = boundary;
        this.heads = new byte[this.parts.size()][];
        long total = 0;
        for (int i = 0; i < heads.length; i++) {
            ByteRange.Part p = this.parts.get(i);
            if (p.first() < 0 || p.last() >= length) {
                throw new IllegalArgumentException("part outside the representation: " + p);
            }
            String head = (i == 0 ? "" : "\r\n") + "--" + boundary + "\r\n"
                    + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
                    + "Content-Range: bytes " + p.first() + "-" + p.last() + "/" + length + "\r\n"
                    + "\r\n";
            heads[i] = head.getBytes(StandardCharsets.ISO_8859_1);
            total += heads[i].length + p.length();
        }
        this.close = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1);
        this.contentLength = total + close.length;
    }

    /**
     * A fresh boundary: 32 random hex digits (RFC 2046 allows up to 70 of its bchars). It must
     * not occur in the parts' data; a random one cannot be planted there by whoever wrote the file.
     */
    static String newBoundary() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** The response's {@code Content-Type}: {@code multipart/byteranges; boundary=...}. */
    String contentType() {
        return "multipart/byteranges; boundary=" + boundary;
    }

    /** The exact number of bytes {@link #writeTo} writes: the response's {@code Content-Length}. */
    long contentLength() {
        return contentLength;
    }

    /**
     * Writes the whole body: each part's head, then its bytes read from {@code file} with
     * {@link Response#copyFileRegion}, then the closing delimiter. Does not close {@code out}.
     *
     * @throws java.io.EOFException if the file is shorter than a part needs
     */
    void writeTo(FileChannel file, OutputStream out) throws IOException {
        for (int i = 0; i < heads.length; i++) {
            ByteRange.Part p = parts.get(i);
            out.write(heads[i]);
            Response.copyFileRegion(file, p.first(), p.length(), out);
        }
        out.write(close);
    }

    /** As {@link #writeTo(FileChannel, OutputStream)}, for a representation held in memory. */
    void writeTo(byte[] content, OutputStream out) throws IOException {
        for (int i = 0; i < heads.length; i++) {
            ByteRange.Part p = parts.get(i);
            out.write(heads[i]);
            out.write(content, (int) p.first(), (int) p.length());
        }
        out.write(close);
    }

    /** RFC 2046 §5.1.1: 1-70 bchars, not ending in a space; we also keep to token characters so it needs no quotes. */
    private static boolean validBoundary(String b) {
        if (b == null || b.isEmpty() || b.length() > 70) {
            return false;
        }
        for (int i = 0; i < b.length(); i++) {
            char c = b.charAt(i);
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                    || "'+_-.".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
