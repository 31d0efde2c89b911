package dev.peregrine.http1;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import dev.peregrine.api.Headers;
import dev.peregrine.exchange.FieldChecks;
import dev.peregrine.exchange.WriteBuffer;

/**
 * Writes HTTP/1.1 response heads and chunked framing (RFC 9112 §4, §5, §7.1) into a
 * {@link WriteBuffer}.
 *
 * <p>Everything a handler can influence is validated before a byte is written: a field name must
 * be a token, and a value or reason phrase must not contain CR, LF, NUL or another control
 * character (HTAB excepted). That is what makes response splitting impossible: a handler that
 * echoes request data into a header gets an {@link IllegalArgumentException}, not a second
 * response. Chars above 0xFF are written as {@code '?'} (see {@link WriteBuffer#putAscii}).
 */
public final class ResponseHeadWriter {

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] COLON_SP = {':', ' '};
    private static final byte[] HTTP11_SP = "HTTP/1.1 ".getBytes(ISO_8859_1);
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n'};

    private static final int MIN_STATUS = 100;
    private static final int MAX_STATUS = 599; // RFC 9110 §15: values outside 100..599 are invalid

    private static final String[] REASONS = new String[MAX_STATUS + 1];
    private static final byte[][] STATUS_LINES = new byte[MAX_STATUS + 1][];

    static {
        // RFC 9110 §15, plus the registered codes a server commonly sends (RFC 4918, 8297, 6585, 7725, 8470).
        reason(100, "Continue");
        reason(101, "Switching Protocols");
        reason(102, "Processing");
        reason(103, "Early Hints");
        reason(200, "OK");
        reason(201, "Created");
        reason(202, "Accepted");
        reason(203, "Non-Authoritative Information");
        reason(204, "No Content");
        reason(205, "Reset Content");
        reason(206, "Partial Content");
        reason(207, "Multi-Status");
        reason(208, "Already Reported");
        reason(226, "IM Used");
        reason(300, "Multiple Choices");
        reason(301, "Moved Permanently");
        reason(302, "Found");
        reason(303, "See Other");
        reason(304, "Not Modified");
        reason(305, "Use Proxy");
        reason(307, "Temporary Redirect");
        reason(308, "Permanent Redirect");
        reason(400, "Bad Request");
        reason(401, "Unauthorized");
        reason(402, "Payment Required");
        reason(403, "Forbidden");
        reason(404, "Not Found");
        reason(405, "Method Not Allowed");
        reason(406, "Not Acceptable");
        reason(407, "Proxy Authentication Required");
        reason(408, "Request Timeout");
        reason(409, "Conflict");
        reason(410, "Gone");
        reason(411, "Length Required");
        reason(412, "Precondition Failed");
        reason(413, "Content Too Large");
        reason(414, "URI Too Long");
        reason(415, "Unsupported Media Type");
        reason(416, "Range Not Satisfiable");
        reason(417, "Expectation Failed");
        reason(421, "Misdirected Request");
        reason(422, "Unprocessable Content");
        reason(423, "Locked");
        reason(424, "Failed Dependency");
        reason(425, "Too Early");
        reason(426, "Upgrade Required");
        reason(428, "Precondition Required");
        reason(429, "Too Many Requests");
        reason(431, "Request Header Fields Too Large");
        reason(451, "Unavailable For Legal Reasons");
        reason(500, "Internal Server Error");
        reason(501, "Not Implemented");
        reason(502, "Bad Gateway");
        reason(503, "Service Unavailable");
        reason(504, "Gateway Timeout");
        reason(505, "HTTP Version Not Supported");
        reason(506, "Variant Also Negotiates");
        reason(507, "Insufficient Storage");
        reason(508, "Loop Detected");
        reason(511, "Network Authentication Required");
    }

    private static void reason(int status, String phrase) {
        REASONS[status] = phrase;
        STATUS_LINES[status] = ("HTTP/1.1 " + status + " " + phrase + "\r\n").getBytes(ISO_8859_1);
    }

    private ResponseHeadWriter() {}

    /** The standard reason phrase of {@code status}, or null when it has none registered here. */
    public static String reasonPhrase(int status) {
        return status >= MIN_STATUS && status <= MAX_STATUS ? REASONS[status] : null;
    }

    /**
     * Writes {@code HTTP/1.1 <status> <reason>CRLF}. HTTP/1.1 always: a server sends its own
     * highest version (RFC 9112 §2.3). A null reason means the standard phrase, or an empty one
     * for an unregistered status (the SP before it stays, RFC 9112 §4).
     *
     * @throws IllegalArgumentException status outside 100..599, or a reason with control characters
     */
    public static void statusLine(WriteBuffer out, int status, String reasonOrNull) {
        if (status < MIN_STATUS || status > MAX_STATUS) {
            throw new IllegalArgumentException("status out of range: " + status);
        }
        if (reasonOrNull == null && STATUS_LINES[status] != null) {
            out.put(STATUS_LINES[status]);
            return;
        }
        if (reasonOrNull != null) {
            FieldChecks.checkValue(reasonOrNull, "reason phrase");
        }
        out.put(HTTP11_SP).putDecimal(status).put((byte) ' ');
        if (reasonOrNull != null) {
            out.putAscii(reasonOrNull);
        }
        out.put(CRLF);
    }

    /**
     * Writes {@code name: value CRLF}.
     *
     * @throws IllegalArgumentException the name is not a token (RFC 9110 §5.1) or the value has a
     *     control character other than HTAB (RFC 9110 §5.5); nothing is written then
     */
    public static void header(WriteBuffer out, String name, String value) {
        FieldChecks.checkName(name);
        FieldChecks.checkValue(value, "field value");
        out.ensure(name.length() + value.length() + 4);
        out.putAscii(name).put(COLON_SP).putAscii(value).put(CRLF);
    }

    /** Writes a pre-encoded {@code "Name: "} followed by {@code value} in decimal and CRLF (e.g. Content-Length). */
    public static void header(WriteBuffer out, byte[] preEncodedNameColonSpace, long value) {
        out.put(preEncodedNameColonSpace).putDecimal(value).put(CRLF);
    }

    /** Writes a pre-encoded, pre-validated line that already ends with CRLF (e.g. {@code Server: ...}). */
    public static void rawLine(WriteBuffer out, byte[] preEncodedLineWithCrlf) {
        out.put(preEncodedLineWithCrlf);
    }

    /** Writes the empty line that ends a head or a trailer section. */
    public static void end(WriteBuffer out) {
        out.put(CRLF);
    }

    /**
     * Encodes {@code "name: "} once, for {@link #header(WriteBuffer, byte[], long)}.
     *
     * @throws IllegalArgumentException the name is not a token
     */
    public static byte[] encodeName(String name) {
        FieldChecks.checkName(name);
        return (name + ": ").getBytes(ISO_8859_1);
    }

    /**
     * Encodes {@code "name: value\r\n"} once, for {@link #rawLine}.
     *
     * @throws IllegalArgumentException the name is not a token or the value has control characters
     */
    public static byte[] encodeLine(String name, String value) {
        WriteBuffer b = new WriteBuffer(name.length() + value.length() + 4);
        header(b, name, value);
        return b.toByteArray();
    }

    // ---- chunked transfer coding (RFC 9112 §7.1) ----

    /**
     * Writes a chunk-size line: {@code length} in hex and CRLF. The data and {@link #chunkEnd} follow.
     *
     * @throws IllegalArgumentException for {@code length <= 0}: a zero size is the last-chunk,
     *     which only {@link #lastChunk} may write, or the body would end early
     */
    public static void chunkHeader(WriteBuffer out, int length) {
        if (length <= 0) {
            throw new IllegalArgumentException("chunk length must be positive: " + length);
        }
        out.putHex(length).put(CRLF);
    }

    /** Writes the CRLF that follows chunk data. */
    public static void chunkEnd(WriteBuffer out) {
        out.put(CRLF);
    }

    /**
     * Writes the last-chunk, the trailer fields if any, and the final CRLF.
     *
     * @throws IllegalArgumentException a trailer name or value is invalid; nothing is written then
     */
    public static void lastChunk(WriteBuffer out, Headers trailersOrNull) {
        if (trailersOrNull != null) {
            FieldChecks.checkAll(trailersOrNull, "trailer value");
        }
        out.put(LAST_CHUNK);
        if (trailersOrNull != null) {
            for (int i = 0; i < trailersOrNull.size(); i++) {
                out.putAscii(trailersOrNull.name(i)).put(COLON_SP).putAscii(trailersOrNull.value(i)).put(CRLF);
            }
        }
        out.put(CRLF);
    }
}
