package dev.peregrine.http3;

import dev.peregrine.api.Headers;
import dev.peregrine.hpack.HpackWriter;
import dev.peregrine.http3.frame.FrameBuffer;
import dev.peregrine.http3.frame.FrameWriter;
import dev.peregrine.qpack.QpackEncoder;
import dev.peregrine.server.internal.DateCache;

/**
 * Turns a response head or trailer section into a HEADERS frame: QPACK-encoded with our
 * static-only encoder (never blocking the peer, RFC 9204 §2.1.2), without the fields HTTP/3
 * forbids (the connection-specific ones, RFC 9114 §4.2) or sets itself ({@code content-length}
 * from the exchange's framing decision, {@code date} when the handler set none). Those two are
 * written without a String or a Huffman pass per response: the length's digits as a literal, the
 * date as the line encoded once for each second's text. Shared by the connection's streams; the
 * scratch writer is each caller's own.
 */
final class ResponseHeadEncoder {

    private record DateLine(String value, byte[] line) {}

    private final QpackEncoder qpack;
    private final DateCache dates;
    private volatile DateLine dateLine;

    ResponseHeadEncoder(QpackEncoder qpack, DateCache dates) {
        this.qpack = qpack;
        this.dates = dates;
    }

    /**
     * A response head; {@code contentLength} is written when it is not negative. {@code fields}
     * is the caller's reusable scratch list of what goes on the wire.
     */
    void encodeHeaders(int status, Headers headers, long contentLength, Headers fields, HpackWriter scratch,
            FrameBuffer out) {
        fields.clear();
        boolean date = false;
        for (int i = 0, n = headers.size(); i < n; i++) {
            String name = headers.name(i);
            if (!isDropped(name)) {
                date |= name.length() == 4 && name.equalsIgnoreCase("date");
                fields.add(name, headers.value(i));
            }
        }
        scratch.reset();
        qpack.encode(status, fields, scratch);
        if (contentLength >= 0) {
            QpackEncoder.contentLength(contentLength, scratch);
        }
        if (!date) {
            byte[] line = dateLine();
            scratch.write(line, 0, line.length);
        }
        frame(scratch, out);
    }

    /** The {@code date} field line for the cache's current text, Huffman-coded once per second. */
    private byte[] dateLine() {
        String value = dates.value();
        DateLine d = dateLine;
        if (d == null || d.value() != value) { // by identity: the cache makes a new String each second
            HpackWriter w = new HpackWriter(32);
            QpackEncoder.fieldLine("date", value, w);
            d = new DateLine(value, w.toByteArray());
            dateLine = d; // racy but safe: an immutable pair, at worst encoded twice
        }
        return d.line();
    }

    /** An interim head such as {@code 100 Continue} (RFC 9114 §4.1). */
    void encodeInterim(int status, Headers fields, HpackWriter scratch, FrameBuffer out) {
        fields.clear();
        scratch.reset();
        qpack.encode(status, fields, scratch);
        frame(scratch, out);
    }

    /** A trailer section: no pseudo-headers, no framing fields (RFC 9114 §4.1, RFC 9110 §6.5.1). */
    void encodeTrailers(Headers trailers, Headers fields, HpackWriter scratch, FrameBuffer out) {
        fields.clear();
        for (int i = 0, n = trailers.size(); i < n; i++) {
            String name = trailers.name(i);
            if (!isDropped(name)) {
                fields.add(name, trailers.value(i));
            }
        }
        scratch.reset();
        qpack.encodeTrailers(fields, scratch);
        frame(scratch, out);
    }

    private static void frame(HpackWriter section, FrameBuffer out) {
        FrameWriter.headersHeader(section.length(), out);
        out.write(section.array(), 0, section.length());
    }

    /**
     * Fields a handler may set that HTTP/3 forbids (RFC 9114 §4.2: connection-specific) or that
     * this encoder writes itself (content-length). Compared without allocating a lowercase copy.
     */
    static boolean isDropped(String name) {
        return switch (name.length()) {
            case 7 -> name.equalsIgnoreCase("upgrade");
            case 10 -> name.equalsIgnoreCase("connection") || name.equalsIgnoreCase("keep-alive");
            case 14 -> name.equalsIgnoreCase("content-length");
            case 16 -> name.equalsIgnoreCase("proxy-connection");
            case 17 -> name.equalsIgnoreCase("transfer-encoding");
            default -> false;
        };
    }
}
