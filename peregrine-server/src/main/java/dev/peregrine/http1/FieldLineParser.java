package dev.peregrine.http1;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import dev.peregrine.api.Headers;
import java.util.Arrays;

/**
 * The byte classes of RFC 9110/9112 and the parser of one field line (RFC 9112 §5), shared by
 * the request head parser and the chunked decoder's trailer section.
 *
 * <p>Names are lower-cased, as HTTP/2 and HTTP/3 carry them, so that the three protocols hand
 * handlers the same spelling. Well-known names come from a static table of interned strings,
 * matched case-insensitively on the bytes, so the common case allocates no name. With the
 * value cache on, a value identical to the last one seen for the same well-known name reuses
 * the previous {@code String}: keep-alive clients repeat Host, User-Agent and Accept verbatim.
 */
final class FieldLineParser {

    // Byte classes, as bit flags in one 256-entry table: one load answers any class question.
    static final int TCHAR = 1;   // RFC 9110 §5.6.2 token characters
    static final int FIELD = 2;   // field-value bytes: VCHAR, SP, HTAB, obs-text (RFC 9110 §5.5)
    static final int VCHAR = 4;   // 0x21-0x7E, the only bytes allowed in a request-target here
    static final int HOST = 8;    // RFC 3986 unreserved / sub-delims (reg-name, IP-literal)
    static final int HEX = 16;
    static final int DIGIT = 32;
    static final int QDTEXT = 64; // RFC 9110 §5.6.4 qdtext

    private static final byte[] CLASS = new byte[256];
    static final byte[] LOWER = new byte[256];

    static {
        for (int c = 0; c < 256; c++) {
            int cls = 0;
            boolean alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            boolean digit = c >= '0' && c <= '9';
            if (alpha || digit || "!#$%&'*+-.^_`|~".indexOf(c) >= 0) {
                cls |= TCHAR;
            }
            if ((c >= 0x21 && c <= 0x7E) || c >= 0x80 || c == ' ' || c == '\t') {
                cls |= FIELD;
            }
            if (c >= 0x21 && c <= 0x7E) {
                cls |= VCHAR;
            }
            if (alpha || digit || "-._~!$&'()*+,;=".indexOf(c) >= 0) {
                cls |= HOST;
            }
            if (digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
                cls |= HEX;
            }
            if (digit) {
                cls |= DIGIT;
            }
            if (c == '\t' || c == ' ' || c == 0x21 || (c >= 0x23 && c <= 0x5B)
                    || (c >= 0x5D && c <= 0x7E) || c >= 0x80) {
                cls |= QDTEXT;
            }
            CLASS[c] = (byte) cls;
            LOWER[c] = (byte) (c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
    }

    static boolean is(byte b, int cls) {
        return (CLASS[b & 0xFF] & cls) != 0;
    }

    static boolean isOws(byte b) {
        return b == ' ' || b == '\t';
    }

    /** Whether {@code b[s, s + lower.length)} equals {@code lower} (already lower case), ignoring case. */
    static boolean equalsLower(byte[] b, int s, byte[] lower) {
        for (int i = 0; i < lower.length; i++) {
            if (LOWER[b[s + i] & 0xFF] != lower[i]) {
                return false;
            }
        }
        return true;
    }

    // Well-known names. The first six ids are fixed: the request head parser derives framing from them.
    static final int HOST_ID = 0;
    static final int CONTENT_LENGTH_ID = 1;
    static final int TRANSFER_ENCODING_ID = 2;
    static final int CONNECTION_ID = 3;
    static final int EXPECT_ID = 4;
    static final int UPGRADE_ID = 5;

    static final String[] KNOWN = {
        "host", "content-length", "transfer-encoding", "connection", "expect", "upgrade",
        "user-agent", "accept", "accept-encoding", "accept-language", "accept-charset",
        "content-type", "content-encoding", "content-language", "content-location", "content-range",
        "cookie", "cache-control", "if-match", "if-none-match", "if-modified-since",
        "if-unmodified-since", "if-range", "range", "referer", "origin", "authorization",
        "proxy-authorization", "proxy-connection", "te", "trailer", "keep-alive", "pragma", "date",
        "via", "forwarded", "max-forwards", "from", "x-forwarded-for", "x-forwarded-proto",
        "x-forwarded-host", "x-forwarded-port", "x-real-ip", "x-requested-with", "x-request-id",
        "x-correlation-id", "x-csrf-token", "dnt", "upgrade-insecure-requests", "sec-fetch-site",
        "sec-fetch-mode", "sec-fetch-dest", "sec-fetch-user", "sec-ch-ua", "sec-ch-ua-mobile",
        "sec-ch-ua-platform", "sec-websocket-key", "sec-websocket-version",
        "sec-websocket-extensions", "sec-websocket-protocol", "http2-settings", "priority",
        "traceparent", "tracestate", "baggage", "access-control-request-method",
        "access-control-request-headers", "early-data", "alt-used", "sec-purpose", "purpose",
        "content-digest", "repr-digest", "want-content-digest", "grpc-status", "grpc-message",
        "grpc-timeout", "grpc-encoding", "grpc-accept-encoding", "server-timing",
    };

    private static final byte[][] KNOWN_BYTES = new byte[KNOWN.length][];
    // Open addressing, ids + 1 (0 = empty). 256 slots for ~80 names keeps probes short.
    private static final short[] SLOTS = new short[256];
    private static final int MASK = SLOTS.length - 1;

    static {
        for (int id = 0; id < KNOWN.length; id++) {
            KNOWN_BYTES[id] = KNOWN[id].getBytes(ISO_8859_1);
            // For lower-case ASCII the byte hash below equals String.hashCode.
            int slot = spread(KNOWN[id].hashCode()) & MASK;
            while (SLOTS[slot] != 0) {
                slot = (slot + 1) & MASK;
            }
            SLOTS[slot] = (short) (id + 1);
        }
    }

    private static int spread(int h) {
        return h ^ (h >>> 7) ^ (h >>> 16);
    }

    /** The id of the well-known name {@code b[s, s + len)} (any case), or -1. */
    static int lookup(byte[] b, int s, int len, int lowerHash) {
        int slot = spread(lowerHash) & MASK;
        int idPlusOne;
        while ((idPlusOne = SLOTS[slot]) != 0) {
            byte[] k = KNOWN_BYTES[idPlusOne - 1];
            if (k.length == len && equalsLower(b, s, k)) {
                return idPlusOne - 1;
            }
            slot = (slot + 1) & MASK;
        }
        return -1;
    }

    /*
     * Value cache bounds. A client could fill every well-known name with a long value, so the
     * copies kept per connection are capped in total; 2 KiB holds a browser's usual repeated
     * set (Host, User-Agent, Accept*, sec-ch-ua*) and bounds the worst case at a few KiB.
     */
    static final int MAX_CACHED_VALUE = 512;
    static final int CACHE_BUDGET = 2048;

    private final String[] cachedValues;
    private final byte[][] cachedBytes;
    private int cacheBytesUsed;
    private byte[] scratch;

    /** Start and end (exclusive, OWS stripped) of the value of the last parsed line. */
    int valueStart;
    int valueEnd;

    FieldLineParser(boolean cacheValues) {
        cachedValues = cacheValues ? new String[KNOWN.length] : null;
        cachedBytes = cacheValues ? new byte[KNOWN.length][] : null;
    }

    /**
     * Parses the field line {@code b[s, e)} (non-empty, CRLF excluded) and appends it to {@code out}.
     *
     * @return the well-known name id, or -1 for any other name
     * @throws HttpParseException 400 on obs-fold, whitespace before the colon, a name that is not a
     *     token, or a value byte that is a control character
     */
    int parse(byte[] b, int s, int e, Headers out) {
        if (isOws(b[s])) {
            throw HttpParseException.badRequest("obs-fold or leading whitespace in field line (RFC 9112 §5.2)");
        }
        int h = 0;
        boolean upper = false;
        int i = s;
        for (; i < e; i++) {
            int c = b[i] & 0xFF;
            if ((CLASS[c] & TCHAR) == 0) {
                break;
            }
            int l = LOWER[c];
            upper |= l != c;
            h = 31 * h + l;
        }
        if (i == e || b[i] != ':') {
            throw HttpParseException.badRequest(i < e && isOws(b[i])
                    ? "whitespace between field name and colon (RFC 9112 §5.1)"
                    : "field name is not a token (RFC 9110 §5.1)");
        }
        if (i == s) {
            throw HttpParseException.badRequest("empty field name (RFC 9110 §5.1)");
        }
        int nameLen = i - s;
        i++;
        while (i < e && isOws(b[i])) {
            i++;
        }
        int vs = i;
        for (; i < e; i++) {
            if ((CLASS[b[i] & 0xFF] & FIELD) == 0) {
                throw HttpParseException.badRequest("control character in field value (RFC 9110 §5.5)");
            }
        }
        int ve = e;
        while (ve > vs && isOws(b[ve - 1])) {
            ve--;
        }
        valueStart = vs;
        valueEnd = ve;
        int id = lookup(b, s, nameLen, h);
        String name = id >= 0 ? KNOWN[id] : newName(b, s, nameLen, upper);
        String value = id >= 0 && cachedValues != null ? cachedValue(id, b, vs, ve) : latin1(b, vs, ve);
        out.add(name, value);
        return id;
    }

    private String newName(byte[] b, int s, int len, boolean upper) {
        if (!upper) {
            return new String(b, s, len, ISO_8859_1);
        }
        if (scratch == null || scratch.length < len) {
            scratch = new byte[Math.max(len, 64)];
        }
        for (int i = 0; i < len; i++) {
            scratch[i] = LOWER[b[s + i] & 0xFF];
        }
        return new String(scratch, 0, len, ISO_8859_1);
    }

    static String latin1(byte[] b, int s, int e) {
        return s == e ? "" : new String(b, s, e - s, ISO_8859_1);
    }

    private String cachedValue(int id, byte[] b, int vs, int ve) {
        int len = ve - vs;
        String last = cachedValues[id];
        byte[] copy = cachedBytes[id];
        if (last != null && last.length() == len && Arrays.equals(b, vs, ve, copy, 0, len)) {
            return last;
        }
        String value = latin1(b, vs, ve);
        if (len <= MAX_CACHED_VALUE) {
            if (copy == null || copy.length < len) {
                int old = copy == null ? 0 : copy.length;
                if (cacheBytesUsed - old + len > CACHE_BUDGET) {
                    return value; // over budget: keep older entries, do not cache this one
                }
                cacheBytesUsed += len - old;
                copy = cachedBytes[id] = new byte[len];
            }
            System.arraycopy(b, vs, copy, 0, len);
            cachedValues[id] = value;
        }
        return value;
    }

    /** Drops the value cache, e.g. while a connection idles without buffers. */
    void clearCache() {
        if (cachedValues != null) {
            Arrays.fill(cachedValues, null);
            Arrays.fill(cachedBytes, null);
            cacheBytesUsed = 0;
        }
        scratch = null;
    }
}
