package dev.peregrine.files;

/**
 * What a {@code Range} header (RFC 9110 §14.1.2) asks of a representation of known length.
 * Only single byte ranges are served as parts: a request for several ranges gets the whole
 * representation with 200, which §14.2 allows ("a server MAY ignore the Range header field").
 * multipart/byteranges is rare in real clients, and many overlapping small ranges are a known
 * amplification attack (the 2011 "Apache Killer", CVE-2011-3192).
 */
sealed interface ByteRange {

    /** Serve the whole representation with 200: no Range, an invalid one, another unit, or several ranges. */
    record Whole() implements ByteRange {}

    /** Serve bytes {@code first..last} (inclusive, already clamped to the length) with 206. */
    record Part(long first, long last) implements ByteRange {
        long length() {
            return last - first + 1;
        }
    }

    /** No byte of the representation is in the range: 416 with {@code Content-Range: bytes *}{@code /length}. */
    record Unsatisfiable() implements ByteRange {}

    ByteRange WHOLE = new Whole();
    ByteRange UNSATISFIABLE = new Unsatisfiable();

    static ByteRange parse(String header, long length) {
        if (header == null || length == 0) {
            // A zero-length file has no byte to point at: §14.1.1 leaves only a suffix range
            // "satisfiable" and no way to write its Content-Range, so send the empty 200.
            return WHOLE;
        }
        String h = header.strip();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
            return WHOLE;
        }
        String spec = null;
        for (String element : h.substring(6).split(",", -1)) {
            String e = element.strip();
            if (e.isEmpty()) {
                continue; // a list may hold empty elements (§5.6.1)
            }
            if (spec != null) {
                return WHOLE; // several ranges: see the type's comment
            }
            spec = e;
        }
        return spec == null ? WHOLE : single(spec, length);
    }

    private static ByteRange single(String spec, long length) {
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return WHOLE;
        }
        long first = digits(spec, 0, dash);
        long last = digits(spec, dash + 1, spec.length());
        if (dash == 0) { // suffix-range: the last N bytes
            if (last < 0) {
                return WHOLE;
            }
            return last == 0 ? UNSATISFIABLE : new Part(Math.max(0, length - last), length - 1);
        }
        if (first < 0) {
            return WHOLE;
        }
        if (dash == spec.length() - 1) { // first-pos "-": to the end
            return first >= length ? UNSATISFIABLE : new Part(first, length - 1);
        }
        if (last < 0 || last < first) {
            return WHOLE; // invalid range-spec (§14.1.1): ignore the header
        }
        return first >= length ? UNSATISFIABLE : new Part(first, Math.min(last, length - 1));
    }

    /** The decimal in {@code s[from, to)}, saturating at Long.MAX_VALUE; -1 when empty or not all digits. */
    private static long digits(String s, int from, int to) {
        if (from >= to) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : v * 10 + (c - '0');
        }
        return v;
    }
}
