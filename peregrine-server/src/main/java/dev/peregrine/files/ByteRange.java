package dev.peregrine.files;

import java.util.ArrayList;
import java.util.List;

/**
 * What a {@code Range} header (RFC 9110 §14.1.2) asks of a representation of known length.
 * {@link #parse} serves single byte ranges only: a request for several ranges gets the whole
 * representation with 200, which §14.2 allows ("a server MAY ignore the Range header field").
 * {@link #parseMultiple} also answers several ranges with {@link ByteRanges.Parts}, under the
 * limits that defuse many overlapping small ranges, a known amplification attack (the 2011
 * "Apache Killer", CVE-2011-3192).
 */
sealed interface ByteRange extends ByteRanges {

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

    /**
     * Most range-specs {@link #parseMultiple} reads; more get the whole representation. The
     * clients that ask for several ranges (PDF readers fetching objects, download tools) ask
     * for a handful; the Apache Killer sent over a thousand. 16 keeps the parsing, the part
     * headers and the seeks bounded while serving every real client.
     */
    int MAX_RANGES = 16;

    /**
     * Parts at most this many bytes apart are sent as one (§15.3.7.2 allows it): a gap this small costs
     * less to send than another part's boundary, Content-Type and Content-Range lines.
     */
    long COALESCE_GAP = 80;

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

    /**
     * Like {@link #parse}, but several ranges may be answered with {@link ByteRanges.Parts}
     * for a {@code multipart/byteranges} 206. One range gives the same answer as {@link #parse}.
     * For several:
     * <ol>
     *   <li>more than {@link #MAX_RANGES} range-specs, or any invalid one: {@link Whole}
     *       (§14.1.1 says to ignore an invalid ranges-specifier);
     *   <li>unsatisfiable specs are dropped; none left: {@link Unsatisfiable};
     *   <li>ranges asking for more bytes in total than the representation has overlap
     *       heavily, a sign of attack (§14.2): {@link Whole}, which holds every byte asked for;
     *   <li>overlapping ranges and ranges at most {@link #COALESCE_GAP} bytes apart are merged;
     *       what remains as one range is a single {@link Part};
     *   <li>otherwise {@link ByteRanges.Parts}, in the order the client listed them (a merged
     *       part where its first member was), as §15.3.7.2 asks — descending order included.
     * </ol>
     */
    static ByteRanges parseMultiple(String header, long length) {
        if (header == null || length == 0) {
            return WHOLE; // see parse
        }
        String h = header.strip();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) {
            return WHOLE;
        }
        Part[] parts = new Part[MAX_RANGES];
        int count = 0;
        int specs = 0;
        int i = 6;
        while (i <= h.length()) {
            int comma = h.indexOf(',', i);
            int end = comma < 0 ? h.length() : comma;
            String spec = h.substring(i, end).strip();
            i = end + 1;
            if (spec.isEmpty()) {
                continue; // a list may hold empty elements (§5.6.1)
            }
            if (++specs > MAX_RANGES) {
                return WHOLE; // stop reading: the rest of an Apache Killer header is never parsed
            }
            switch (single(spec, length)) {
                case Part p -> parts[count++] = p;
                case Unsatisfiable u -> { }
                case Whole w -> {
                    return WHOLE;
                }
            }
        }
        if (count <= 1) {
            return count == 1 ? parts[0] : specs == 0 ? WHOLE : UNSATISFIABLE;
        }
        long asked = 0;
        for (int k = 0; k < count; k++) {
            if (parts[k].length() > length - asked) { // asked + part > length, without overflow
                return WHOLE;
            }
            asked += parts[k].length();
        }
        return coalesce(parts, count);
    }

    /** Merges overlapping and near parts; keeps the request's order of what remains. */
    private static ByteRanges coalesce(Part[] parts, int count) {
        int[] order = new int[count]; // indices into parts, by first byte
        for (int k = 0; k < count; k++) {
            int j = k;
            while (j > 0 && parts[order[j - 1]].first() > parts[k].first()) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = k;
        }
        long[] firsts = new long[count];
        long[] lasts = new long[count];
        int[] listed = new int[count]; // the earliest request position among a merged part's members
        int merged = 0;
        for (int k = 0; k < count; k++) {
            Part p = parts[order[k]];
            if (merged > 0 && p.first() - lasts[merged - 1] <= COALESCE_GAP + 1) {
                lasts[merged - 1] = Math.max(lasts[merged - 1], p.last());
                listed[merged - 1] = Math.min(listed[merged - 1], order[k]);
            } else {
                firsts[merged] = p.first();
                lasts[merged] = p.last();
                listed[merged] = order[k];
                merged++;
            }
        }
        if (merged == 1) {
            return new Part(firsts[0], lasts[0]);
        }
        List<Part> result = new ArrayList<>(merged);
        for (int position = 0; position < count; position++) {
            for (int m = 0; m < merged; m++) {
                if (listed[m] == position) {
                    result.add(new Part(firsts[m], lasts[m]));
                }
            }
        }
        return new ByteRanges.Parts(result);
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
