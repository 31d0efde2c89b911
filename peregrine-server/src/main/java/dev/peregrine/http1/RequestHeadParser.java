package dev.peregrine.http1;

import static dev.peregrine.http1.FieldLineParser.DIGIT;
import static dev.peregrine.http1.FieldLineParser.HEX;
import static dev.peregrine.http1.FieldLineParser.HOST;
import static dev.peregrine.http1.FieldLineParser.TCHAR;
import static dev.peregrine.http1.FieldLineParser.VCHAR;
import static dev.peregrine.http1.FieldLineParser.equalsLower;
import static dev.peregrine.http1.FieldLineParser.is;
import static dev.peregrine.http1.FieldLineParser.isOws;
import static dev.peregrine.http1.HttpParseException.badRequest;
import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.util.Arrays;
import java.util.Objects;

/**
 * Sans-IO parser of an HTTP/1.1 request head (RFC 9112 §2-§6): request-line, field lines and the
 * empty line, validated strictly, because every leniency in framing is a request-smuggling
 * opportunity when a proxy in front of us is lenient in a different way.
 *
 * <p>Resumable: when {@link #parse} returns 0, call again with the same {@code start}, a larger
 * {@code end}, and the same {@link RequestHead}; complete lines are not looked at twice. The
 * saved positions are relative to {@code start}, so the caller may move the unconsumed bytes
 * (compact its buffer) between calls. A successful parse or a thrown exception leaves the parser
 * ready for the next head.
 *
 * <p>Limits apply while input is still incomplete: a client cannot make us buffer more than
 * {@code maxRequestLineBytes + maxHeaderBytes} plus a few bytes before it gets an answer.
 */
public final class RequestHeadParser {

    /*
     * RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request-line
     * (clients may send a stray CRLF after a POST body). A few are tolerated; more is garbage.
     */
    static final int MAX_LEADING_EMPTY_LINES = 4;

    // Standard methods: compared as bytes, returned as the interned literals (no allocation).
    private static final String[] METHODS = {
        "GET", "PUT", "POST", "HEAD", "PATCH", "TRACE", "DELETE", "OPTIONS", "CONNECT",
    };
    private static final byte[][] METHOD_BYTES = new byte[METHODS.length][];

    static {
        for (int i = 0; i < METHODS.length; i++) {
            METHOD_BYTES[i] = METHODS[i].getBytes(ISO_8859_1);
        }
    }

    private static final byte[] CLOSE = bytes("close");
    private static final byte[] KEEP_ALIVE = bytes("keep-alive");
    private static final byte[] UPGRADE = bytes("upgrade");
    private static final byte[] CONTINUE_100 = bytes("100-continue");
    private static final byte[] CHUNKED = bytes("chunked");
    private static final byte[] HTTP_SCHEME = bytes("http://");
    private static final byte[] HTTPS_SCHEME = bytes("https://");

    /* Single-slot cache of the last request-target: benchmarks and health checks repeat one. */
    private static final int MAX_CACHED_TARGET = 256;

    private final int maxRequestLineBytes;
    private final int maxHeaderBytes;
    private final int maxHeaderCount;
    private final FieldLineParser fields = new FieldLineParser(true);
    private String lastTarget;
    private String lastValidHost;
    private final byte[] lastTargetBytes = new byte[MAX_CACHED_TARGET];

    // Resumable scan state; offsets are relative to the caller's start.
    private boolean started;
    private boolean inHeaders;
    private int scanned;      // how far the LF of the current line has been searched for
    private int lineStart;
    private int headerStart;  // first byte after the request-line's LF
    private int emptyLines;
    private int fieldCount;
    // Early refusal of an incomplete line: how far it was checked, and where in its grammar that is.
    private int checked;
    private int phase;

    // Framing facts gathered as the field lines go by (RFC 9112 §3.2, §6, §9.3).
    private int hostCount;
    private int contentLengthCount;
    private long contentLength;
    private int transferEncodingCount;
    private int codingCount;
    private int chunkedCount;
    private boolean lastCodingChunked;
    private boolean connectionClose;
    private boolean connectionKeepAlive;
    private boolean connectionUpgrade;
    private boolean expect100;
    private String upgrade;

    /**
     * @param maxRequestLineBytes longest request-line, CRLF excluded; beyond it 414
     * @param maxHeaderBytes largest field section (field lines with their CRLFs, the final empty
     *     line excluded); beyond it 431
     * @param maxHeaderCount most field lines; beyond it 431
     */
    public RequestHeadParser(int maxRequestLineBytes, int maxHeaderBytes, int maxHeaderCount) {
        if (maxRequestLineBytes <= 0 || maxHeaderBytes < 0 || maxHeaderCount < 0) {
            throw new IllegalArgumentException("limits must be positive");
        }
        this.maxRequestLineBytes = maxRequestLineBytes;
        this.maxHeaderBytes = maxHeaderBytes;
        this.maxHeaderCount = maxHeaderCount;
    }

    /**
     * Parses a request head from {@code buf[start, end)} into {@code out}.
     *
     * @return the bytes the head took (its last byte is the LF of the empty line) when complete,
     *     validated and stored in {@code out}; 0 when more bytes are needed
     * @throws HttpParseException 400, 414, 431, 501 or 505; the connection must then be closed
     */
    public int parse(byte[] buf, int start, int end, RequestHead out) {
        Objects.checkFromToIndex(start, end, buf.length);
        try {
            return scan(buf, start, end, out);
        } catch (HttpParseException e) {
            reset();
            throw e;
        }
    }

    /** Forgets a partly parsed head. */
    public void reset() {
        started = false;
        inHeaders = false;
        scanned = 0;
        lineStart = 0;
        headerStart = 0;
        emptyLines = 0;
        fieldCount = 0;
        checked = 0;
        phase = 0;
    }

    /** Drops the cached header values, e.g. while a connection idles without buffers. */
    public void clearCache() {
        fields.clearCache();
        lastTarget = null;
        lastValidHost = null;
    }

    private int scan(byte[] buf, int start, int end, RequestHead out) {
        if (!started) {
            out.reset();
            clearFacts();
            started = true;
        }
        int pos = start + scanned;
        while (true) {
            int ls = start + lineStart;
            long window = inHeaders
                    ? (long) start + headerStart + maxHeaderBytes + 2
                    : (long) ls + maxRequestLineBytes + 2;
            int stop = (int) Math.min(end, window);
            int lf = ByteScan.indexOfLf(buf, pos, stop);
            if (lf == stop) {
                if (stop == window) {
                    throw inHeaders
                            ? HttpParseException.headersTooLarge("header section too large")
                            : new HttpParseException(414, "request-line too long");
                }
                scanned = stop - start;
                refuseImpossiblePrefix(buf, start, ls, stop);
                return 0;
            }
            // RFC 9112 §2.2: lines end with CRLF; a bare LF is not a line ending here.
            if (lf == ls || buf[lf - 1] != '\r') {
                throw badRequest("bare LF (RFC 9112 §2.2)");
            }
            int le = lf - 1;
            if (!inHeaders) {
                if (le == ls) {
                    if (++emptyLines > MAX_LEADING_EMPTY_LINES) {
                        throw badRequest("too many empty lines before request-line (RFC 9112 §2.2)");
                    }
                } else {
                    requestLine(buf, ls, le, out);
                    inHeaders = true;
                    headerStart = lf + 1 - start;
                }
            } else if (le == ls) {
                finish(out);
                int consumed = lf + 1 - start;
                reset();
                return consumed;
            } else {
                if (lf + 1 - (start + headerStart) > maxHeaderBytes) {
                    throw HttpParseException.headersTooLarge("header section too large");
                }
                if (++fieldCount > maxHeaderCount) {
                    throw HttpParseException.headersTooLarge("too many header fields");
                }
                field(buf, ls, le, out);
            }
            lineStart = lf + 1 - start;
            pos = lf + 1;
            checked = lineStart;
            phase = 0;
        }
    }

    // ---- early refusal (issue 10: bytes that can never start a request get 400 at once) ----

    private static final int METHOD = 0;
    private static final int TARGET = 1;
    private static final int VERSION = 2; // + index into "HTTP/D.D"
    private static final int LINE_END = 30; // CR seen: only LF may follow
    private static final int NAME = 20;
    private static final int VALUE = 21;
    private static final byte[] VERSION_SHAPE = bytes("HTTP/0.0");

    /**
     * Checks the bytes of the incomplete line {@code [ls, stop)} that arrived since the last call
     * against the grammar of a request-line (RFC 9112 §3) or a field line (§5), and throws at the
     * first byte no valid line could contain: a TLS ClientHello or binary garbage on a plain port
     * is answered 400 at once instead of after the request-headers timeout. Each byte is checked
     * once, however the line arrives. The complete line is then parsed in full as before.
     */
    private void refuseImpossiblePrefix(byte[] b, int start, int ls, int stop) {
        int i = Math.max(start + checked, ls);
        int ph = phase;
        if (i == ls) {
            ph = inHeaders ? NAME : METHOD;
        }
        for (; i < stop; i++) {
            byte c = b[i];
            if (ph == LINE_END) {
                throw badRequest("CR not followed by LF (RFC 9112 §2.2)");
            }
            if (c == '\r') {
                boolean atStart = i == ls;
                boolean canEnd = inHeaders ? atStart || ph == VALUE : atStart || ph == VERSION + 8;
                if (!canEnd) {
                    throw badRequest("line ends early (RFC 9112 §3, §5)");
                }
                ph = LINE_END;
                continue;
            }
            ph = switch (ph) {
                case METHOD -> c == ' ' && i > ls ? TARGET : require(is(c, TCHAR), ph, "method");
                case TARGET -> c == ' ' && b[i - 1] != ' ' ? VERSION : require(is(c, VCHAR), ph, "request-target");
                case NAME -> c == ':' && i > ls ? VALUE : require(is(c, TCHAR), ph, "field name");
                case VALUE -> require(is(c, FieldLineParser.FIELD), ph, "field value");
                default -> {
                    int k = ph - VERSION;
                    boolean ok = k < VERSION_SHAPE.length
                            && (VERSION_SHAPE[k] == '0' ? is(c, DIGIT) : c == VERSION_SHAPE[k]);
                    yield require(ok, ph + 1, "HTTP-version");
                }
            };
        }
        checked = stop - start;
        phase = ph;
    }

    private static int require(boolean ok, int next, String what) {
        if (!ok) {
            throw badRequest("invalid byte in " + what + " (RFC 9112 §3, §5)");
        }
        return next;
    }

    // ---- request-line (RFC 9112 §3) ----

    private void requestLine(byte[] b, int s, int e, RequestHead out) {
        int i = s;
        while (i < e && is(b[i], TCHAR)) {
            i++;
        }
        if (i == s || i == e || b[i] != ' ') {
            throw badRequest("malformed method or request-line (RFC 9112 §3)");
        }
        String method = method(b, s, i);
        int ts = ++i;
        while (i < e && b[i] != ' ') {
            if (!is(b[i], VCHAR)) {
                throw badRequest("invalid byte in request-target (RFC 9112 §3.2)");
            }
            i++;
        }
        if (i == ts) {
            throw badRequest("empty request-target or extra space (RFC 9112 §3)");
        }
        if (i == e) {
            throw badRequest("missing HTTP-version (RFC 9112 §3)");
        }
        int minor = version(b, i + 1, e);
        checkTargetForm(method, b, ts, i);
        out.method = method;
        out.target = target(b, ts, i);
        out.minorVersion = minor;
    }

    private static String method(byte[] b, int s, int e) {
        int len = e - s;
        for (int m = 0; m < METHOD_BYTES.length; m++) {
            byte[] k = METHOD_BYTES[m];
            if (k.length == len && Arrays.equals(b, s, e, k, 0, len)) {
                return METHODS[m];
            }
        }
        return new String(b, s, len, ISO_8859_1);
    }

    private String target(byte[] b, int s, int e) {
        int len = e - s;
        if (len == 1 && b[s] == '/') {
            return "/";
        }
        String last = lastTarget;
        if (last != null && last.length() == len && Arrays.equals(b, s, e, lastTargetBytes, 0, len)) {
            return last;
        }
        String t = new String(b, s, len, ISO_8859_1);
        if (len <= MAX_CACHED_TARGET) {
            System.arraycopy(b, s, lastTargetBytes, 0, len);
            lastTarget = t;
        }
        return t;
    }

    /** HTTP-version = "HTTP/" DIGIT "." DIGIT, case-sensitive (RFC 9112 §2.3); returns the minor version. */
    private static int version(byte[] b, int s, int e) {
        if (e - s != 8 || b[s] != 'H' || b[s + 1] != 'T' || b[s + 2] != 'T' || b[s + 3] != 'P'
                || b[s + 4] != '/' || !is(b[s + 5], DIGIT) || b[s + 6] != '.' || !is(b[s + 7], DIGIT)) {
            throw badRequest("malformed HTTP-version (RFC 9112 §2.3)");
        }
        if (b[s + 5] != '1') {
            throw new HttpParseException(505, "HTTP version not supported");
        }
        // RFC 9110 §6.2: a 1.x with x > 1 is answered as the highest 1.x we support.
        return b[s + 7] == '0' ? 0 : 1;
    }

    /** RFC 9112 §3.2: origin-form, absolute-form, authority-form (CONNECT), asterisk-form (OPTIONS). */
    private static void checkTargetForm(String method, byte[] b, int s, int e) {
        if ("CONNECT".equals(method)) {
            if (!isAuthority(b, s, e, true)) {
                throw badRequest("CONNECT needs authority-form host:port (RFC 9112 §3.2.3)");
            }
            return;
        }
        byte first = b[s];
        if (first == '/') {
            return;
        }
        if (first == '*' && e - s == 1) {
            if (!"OPTIONS".equals(method)) {
                throw badRequest("asterisk-form is only for OPTIONS (RFC 9112 §3.2.4)");
            }
            return;
        }
        int as;
        if (e - s > HTTP_SCHEME.length && equalsLower(b, s, HTTP_SCHEME)) {
            as = s + HTTP_SCHEME.length;
        } else if (e - s > HTTPS_SCHEME.length && equalsLower(b, s, HTTPS_SCHEME)) {
            as = s + HTTPS_SCHEME.length;
        } else {
            throw badRequest("unsupported request-target form (RFC 9112 §3.2)");
        }
        int ae = as;
        while (ae < e && b[ae] != '/' && b[ae] != '?' && b[ae] != '#') {
            ae++;
        }
        // RFC 9110 §4.2.1: http(s) URIs need a host; §4.2.4: userinfo is an error.
        if (!isAuthority(b, as, ae, false)) {
            throw badRequest("invalid authority in absolute-form (RFC 9110 §4.2)");
        }
    }

    /**
     * Whether {@code b[s, e)} is a plausible {@code uri-host [":" port]} (RFC 3986 §3.2.2):
     * a non-empty reg-name (unreserved, sub-delims, pct-encoded) or a bracketed IP-literal, then
     * an optional port of at most 5 digits up to 65535. CONNECT requires a port in 1..65535.
     */
    static boolean isAuthority(byte[] b, int s, int e, boolean requirePort) {
        int i = s;
        if (i < e && b[i] == '[') {
            int hs = ++i;
            while (i < e && b[i] != ']') {
                if (!is(b[i], HOST) && b[i] != ':') {
                    return false;
                }
                i++;
            }
            if (i == e || i == hs) {
                return false;
            }
            i++;
        } else {
            int hs = i;
            while (i < e && b[i] != ':') {
                if (b[i] == '%') {
                    if (i + 2 >= e || !is(b[i + 1], HEX) || !is(b[i + 2], HEX)) {
                        return false;
                    }
                    i += 3;
                    continue;
                }
                if (!is(b[i], HOST)) {
                    return false;
                }
                i++;
            }
            if (i == hs) {
                return false;
            }
        }
        if (i == e) {
            return !requirePort;
        }
        if (b[i++] != ':') {
            return false;
        }
        int ps = i;
        int port = 0;
        for (; i < e; i++) {
            if (!is(b[i], DIGIT) || i - ps == 5) {
                return false;
            }
            port = port * 10 + (b[i] - '0');
        }
        if (i == ps) {
            return !requirePort; // RFC 3986 allows an empty port after the colon
        }
        return port <= 65535 && (!requirePort || port > 0);
    }

    // ---- field lines (RFC 9112 §5) and framing (RFC 9112 §6) ----

    private void clearFacts() {
        hostCount = 0;
        contentLengthCount = 0;
        contentLength = -1;
        transferEncodingCount = 0;
        codingCount = 0;
        chunkedCount = 0;
        lastCodingChunked = false;
        connectionClose = false;
        connectionKeepAlive = false;
        connectionUpgrade = false;
        expect100 = false;
        upgrade = null;
    }

    private void field(byte[] b, int s, int e, RequestHead out) {
        int id = fields.parse(b, s, e, out.headers);
        if (id < 0 || id > FieldLineParser.UPGRADE_ID) {
            return;
        }
        int vs = fields.valueStart;
        int ve = fields.valueEnd;
        switch (id) {
            case FieldLineParser.HOST_ID -> {
                // RFC 9112 §3.2: more than one Host, or an invalid one, is a 400.
                if (++hostCount > 1) {
                    throw badRequest("more than one Host (RFC 9112 §3.2)");
                }
                String host = lastValue(out);
                // The value cache hands back the same instance for the same bytes: a Host already
                // validated on this connection need not be checked again.
                if (host != lastValidHost) {
                    if (vs < ve && !isAuthority(b, vs, ve, false)) {
                        throw badRequest("invalid Host (RFC 9112 §3.2)");
                    }
                    lastValidHost = host;
                }
                out.host = host;
            }
            case FieldLineParser.CONTENT_LENGTH_ID -> contentLength(b, vs, ve);
            case FieldLineParser.TRANSFER_ENCODING_ID -> {
                transferEncodingCount++;
                transferCodings(b, vs, ve);
            }
            case FieldLineParser.CONNECTION_ID -> connectionOptions(b, vs, ve);
            case FieldLineParser.EXPECT_ID -> expect100 |= listContains(b, vs, ve, CONTINUE_100);
            case FieldLineParser.UPGRADE_ID -> {
                String v = lastValue(out);
                upgrade = upgrade == null ? v : upgrade + ", " + v; // RFC 9110 §5.3 combination
            }
            default -> { }
        }
    }

    private static String lastValue(RequestHead out) {
        return out.headers.value(out.headers.size() - 1);
    }

    /*
     * RFC 9112 §6.3: Content-Length = 1*DIGIT. A list ("5, 5"), a sign, inner spaces, an empty
     * value or a second field line (even with the same value) are all rejected: recipients that
     * disagree on which length wins are how requests get smuggled.
     */
    private void contentLength(byte[] b, int s, int e) {
        if (++contentLengthCount > 1) {
            throw badRequest("more than one Content-Length (RFC 9112 §6.3)");
        }
        if (s == e) {
            throw badRequest("empty Content-Length (RFC 9112 §6.2)");
        }
        long v = 0;
        for (int i = s; i < e; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                throw badRequest("Content-Length is not 1*DIGIT (RFC 9112 §6.2)");
            }
            if (v > (Long.MAX_VALUE - d) / 10) {
                throw badRequest("Content-Length overflows (RFC 9112 §6.2)");
            }
            v = v * 10 + d;
        }
        contentLength = v;
    }

    /*
     * Transfer-Encoding is a list of codings, possibly across several field lines (RFC 9110 §5.3),
     * each a token with optional parameters. Only the shape and the chunked facts are recorded
     * here; the verdict is given in finish() once every field line has been seen.
     */
    private void transferCodings(byte[] b, int s, int e) {
        int i = s;
        while (i <= e) {
            int comma = i;
            while (comma < e && b[comma] != ',') {
                comma++;
            }
            int es = skipOws(b, i, comma);
            int ee = trimOws(b, es, comma);
            if (es < ee) { // RFC 9110 §5.6.1: empty list elements are ignored
                int ne = es;
                while (ne < ee && is(b[ne], TCHAR)) {
                    ne++;
                }
                boolean params = ne < ee;
                if (ne == es || (params && b[skipOws(b, ne, ee)] != ';')) {
                    throw badRequest("malformed Transfer-Encoding (RFC 9112 §6.1)");
                }
                boolean chunked = ne - es == CHUNKED.length && equalsLower(b, es, CHUNKED);
                if (chunked) {
                    if (params) {
                        throw badRequest("chunked takes no parameters (RFC 9112 §7.1)");
                    }
                    chunkedCount++;
                }
                codingCount++;
                lastCodingChunked = chunked;
            }
            i = comma + 1;
        }
    }

    private void connectionOptions(byte[] b, int s, int e) {
        int i = s;
        while (i <= e) {
            int comma = i;
            while (comma < e && b[comma] != ',') {
                comma++;
            }
            int es = skipOws(b, i, comma);
            int len = trimOws(b, es, comma) - es;
            if (len == CLOSE.length && equalsLower(b, es, CLOSE)) {
                connectionClose = true;
            } else if (len == KEEP_ALIVE.length && equalsLower(b, es, KEEP_ALIVE)) {
                connectionKeepAlive = true;
            } else if (len == UPGRADE.length && equalsLower(b, es, UPGRADE)) {
                connectionUpgrade = true;
            }
            i = comma + 1;
        }
    }

    /** Whether the comma-separated list {@code b[s, e)} has {@code token} (lower case) as an element. */
    private static boolean listContains(byte[] b, int s, int e, byte[] token) {
        int i = s;
        while (i <= e) {
            int comma = i;
            while (comma < e && b[comma] != ',') {
                comma++;
            }
            int es = skipOws(b, i, comma);
            if (trimOws(b, es, comma) - es == token.length && equalsLower(b, es, token)) {
                return true;
            }
            i = comma + 1;
        }
        return false;
    }

    private static int skipOws(byte[] b, int s, int e) {
        while (s < e && isOws(b[s])) {
            s++;
        }
        return s;
    }

    private static int trimOws(byte[] b, int s, int e) {
        while (e > s && isOws(b[e - 1])) {
            e--;
        }
        return e;
    }

    /**
     * Validates the framing of the complete head (RFC 9112 §3.2, §6.1, §6.3, §9.3).
     *
     * <p>Transfer-Encoding verdicts, in order: any TE in HTTP/1.0 -> 400 (§6.1); TE together
     * with Content-Length -> 400 (§6.1 allows rejecting; we do, it is the classic smuggling
     * vector); no coding at all -> 400; chunked more than once -> 400 (§6.1); final coding not
     * chunked -> 400, whatever the codings are, since the body length is then unknowable (§6.3);
     * chunked last but other codings before it (gzip, deflate, an unknown name...) -> 501,
     * because we decode no transfer coding but chunked (§6.1 "SHOULD respond with 501").
     */
    private void finish(RequestHead out) {
        boolean http11 = out.minorVersion == 1;
        if (hostCount == 0 && http11) {
            throw badRequest("missing Host (RFC 9112 §3.2)");
        }
        if (transferEncodingCount > 0) {
            if (!http11) {
                throw badRequest("Transfer-Encoding in HTTP/1.0 (RFC 9112 §6.1)");
            }
            if (contentLengthCount > 0) {
                throw badRequest("Content-Length with Transfer-Encoding (RFC 9112 §6.1)");
            }
            if (codingCount == 0) {
                throw badRequest("empty Transfer-Encoding (RFC 9112 §6.1)");
            }
            if (chunkedCount > 1) {
                throw badRequest("chunked applied more than once (RFC 9112 §6.1)");
            }
            if (!lastCodingChunked) {
                throw badRequest("final transfer coding is not chunked (RFC 9112 §6.3)");
            }
            if (codingCount > 1) {
                throw new HttpParseException(501, "transfer coding not implemented");
            }
            out.chunked = true;
        } else {
            out.contentLength = contentLength;
        }
        out.keepAlive = !connectionClose && (http11 || connectionKeepAlive);
        // RFC 9110 §10.1.1: a 100-continue expectation in an HTTP/1.0 request MUST be ignored.
        out.expectContinue = expect100 && http11;
        out.upgrade = connectionUpgrade ? upgrade : null;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(ISO_8859_1);
    }
}
