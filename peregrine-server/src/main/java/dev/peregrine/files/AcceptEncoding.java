package dev.peregrine.files;

import dev.peregrine.api.Headers;
import java.util.List;

/**
 * What a request's {@code Accept-Encoding} fields (RFC 9110 §12.5.3) say about each
 * {@link ContentCoding}, and the choice among the codings a file is available in.
 *
 * <p>Parsing is one pass over the field values with no splitting, no regular expression and
 * no allocation beyond this object (five ints): it runs for every file request.
 *
 * <p>Rules, beyond the grammar {@code #( codings [ OWS ";" OWS "q=" qvalue ] )}:
 * <ul>
 *   <li>Tokens and the {@code q} are case-insensitive (§8.4.1, §12.4.2); several fields form
 *       one list (§5.3); {@code x-gzip} means gzip (§8.4.1.3); unknown codings are ignored.
 *   <li>An element that does not fit the grammar (a qvalue such as {@code 2} or {@code 0.5000},
 *       another parameter) is ignored as a whole: guessing could send a coding the client
 *       refused. A coding listed twice gets the lower weight, for the same reason.
 *   <li>{@code *} weighs every coding not listed by name; identity is acceptable unless
 *       {@code identity;q=0}, or {@code *;q=0} without an entry for identity, refuses it.
 *       Unlisted, identity ranks below every coding the client named.
 *   <li>No field at all is read like an empty one: identity only. §12.5.3 would allow any
 *       coding, but clients that decode always send the field (curl without
 *       {@code --compressed} does not, and would print gzip to the terminal).
 * </ul>
 * The chosen response varies with this field, so it needs {@code Vary: Accept-Encoding}
 * whenever a file could be sent in more than one coding — including when identity is sent.
 */
final class AcceptEncoding {

    /** What a request without the field (or with an empty one) accepts: identity only. */
    static final AcceptEncoding IDENTITY_ONLY = new AcceptEncoding();

    private static final int UNSET = -1;
    /** Unlisted identity's weight: acceptable, but below any named coding (weights are in thousandths). */
    private static final int IMPLIED_IDENTITY = 1;

    // weights in thousandths (q=0.5 is 500), or UNSET when the element is absent
    private int br = UNSET;
    private int zstd = UNSET;
    private int gzip = UNSET;
    private int identity = UNSET;
    private int star = UNSET;

    private AcceptEncoding() {}

    /** Reads every {@code Accept-Encoding} field of {@code headers}, in order. */
    static AcceptEncoding of(Headers headers) {
        AcceptEncoding a = null;
        for (int i = 0, n = headers.size(); i < n; i++) {
            if (headers.name(i).equalsIgnoreCase("accept-encoding")) {
                if (a == null) {
                    a = new AcceptEncoding();
                }
                a.read(headers.value(i));
            }
        }
        return a == null ? IDENTITY_ONLY : a;
    }

    /** Reads the given field values as one list; an empty list is the field's absence. */
    static AcceptEncoding parse(List<String> fields) {
        if (fields.isEmpty()) {
            return IDENTITY_ONLY;
        }
        AcceptEncoding a = new AcceptEncoding();
        for (String field : fields) {
            a.read(field);
        }
        return a;
    }

    /** Reads one field value. */
    static AcceptEncoding parse(String field) {
        if (field == null) {
            return IDENTITY_ONLY;
        }
        AcceptEncoding a = new AcceptEncoding();
        a.read(field);
        return a;
    }

    /** The client's weight for {@code coding} in thousandths: 0 is "not acceptable", 1000 is q=1. */
    int qvalue(ContentCoding coding) {
        int q = switch (coding) {
            case BR -> br;
            case ZSTD -> zstd;
            case GZIP -> gzip;
            case IDENTITY -> identity;
        };
        if (q != UNSET) {
            return q;
        }
        if (star != UNSET) {
            return star;
        }
        return coding == ContentCoding.IDENTITY ? IMPLIED_IDENTITY : 0;
    }

    /** Whether the client takes {@code coding} at all; check before looking for a sidecar that could not be sent. */
    boolean accepts(ContentCoding coding) {
        return qvalue(coding) > 0;
    }

    /**
     * The coding to send, among those the file is available in: the client's highest weight,
     * ties going to the server's order ({@link ContentCoding#PREFERENCE}).
     *
     * @param available a mask of {@link ContentCoding#bit()}s; include identity when the
     *     plain file may be sent (for a static file it always can)
     * @return the coding, or {@code null} when none of them is acceptable (identity refused
     *     too): answer 406, or disregard the field and send identity, which §12.5.3 allows
     */
    ContentCoding select(int available) {
        ContentCoding best = null;
        int bestQ = 0;
        for (ContentCoding c : ContentCoding.PREFERENCE) {
            if ((available & c.bit()) != 0) {
                int q = qvalue(c);
                if (q > bestQ) {
                    best = c;
                    bestQ = q;
                }
            }
        }
        return best;
    }

    @Override
    public String toString() {
        return "AcceptEncoding[br=" + br + ", zstd=" + zstd + ", gzip=" + gzip
                + ", identity=" + identity + ", *=" + star + "]";
    }

    private void read(String s) {
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (c == ',' || c == ' ' || c == '\t') {
                i++; // list separators and empty elements (§5.6.1)
                continue;
            }
            int start = i;
            while (i < n && isTchar(s.charAt(i))) {
                i++;
            }
            int end = i;
            int q = end > start ? 1000 : UNSET;
            i = skipOws(s, i);
            if (q != UNSET && i < n && s.charAt(i) == ';') {
                i = skipOws(s, i + 1);
                q = UNSET;
                if (i + 1 < n && (s.charAt(i) == 'q' || s.charAt(i) == 'Q') && s.charAt(i + 1) == '=') {
                    long parsed = qvalue(s, i + 2);
                    if (parsed >= 0) {
                        q = (int) parsed;
                        i = skipOws(s, (int) (parsed >>> 32));
                    }
                }
            }
            if (q == UNSET || (i < n && s.charAt(i) != ',')) {
                int comma = s.indexOf(',', i); // malformed: drop this element, keep the rest
                i = comma < 0 ? n : comma;
                continue;
            }
            record(s, start, end, q);
        }
    }

    private void record(String s, int start, int end, int q) {
        int len = end - start;
        if (is(s, start, len, "gzip") || is(s, start, len, "x-gzip")) {
            gzip = merge(gzip, q);
        } else if (is(s, start, len, "br")) {
            br = merge(br, q);
        } else if (is(s, start, len, "zstd")) {
            zstd = merge(zstd, q);
        } else if (is(s, start, len, "identity")) {
            identity = merge(identity, q);
        } else if (len == 1 && s.charAt(start) == '*') {
            star = merge(star, q);
        }
    }

    private static int merge(int old, int q) {
        return old == UNSET ? q : Math.min(old, q);
    }

    private static boolean is(String s, int start, int len, String token) {
        return len == token.length() && s.regionMatches(true, start, token, 0, len);
    }

    /**
     * A qvalue ({@code "0" ["." 0*3DIGIT] / "1" ["." 0*3"0"]}) at {@code i}: the weight in
     * thousandths in the low 32 bits and the index after it in the high ones, or -1.
     */
    private static long qvalue(String s, int i) {
        int n = s.length();
        if (i >= n || (s.charAt(i) != '0' && s.charAt(i) != '1')) {
            return -1;
        }
        boolean one = s.charAt(i) == '1';
        int q = one ? 1000 : 0;
        i++;
        if (i < n && s.charAt(i) == '.') {
            i++;
            int scale = 100;
            for (int digits = 0; digits < 3 && i < n && isDigit(s.charAt(i)); digits++, i++) {
                int d = s.charAt(i) - '0';
                if (one && d != 0) {
                    return -1;
                }
                q += d * scale;
                scale /= 10;
            }
        }
        if (i < n && isDigit(s.charAt(i))) {
            return -1; // a fourth decimal, or "10"
        }
        return ((long) i << 32) | q;
    }

    private static int skipOws(String s, int i) {
        while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
        }
        return i;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** {@code tchar} of RFC 9110 §5.6.2. */
    private static boolean isTchar(char c) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || isDigit(c)) {
            return true;
        }
        return c < 0x7f && "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
