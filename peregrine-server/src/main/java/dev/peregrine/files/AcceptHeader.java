package dev.peregrine.files;

import java.util.List;
import java.util.Locale;

/**
 * Reads the weights an {@code Accept} field gives media types (RFC 9110 §12.5.1), enough to
 * choose between the few representations a handler can produce.
 *
 * <p>A type's weight is the {@code q} of the most specific range that matches it —
 * {@code type/subtype} over {@code type/*} over {@code *}{@code /*} — so
 * {@code text/*;q=0.2, text/html} gives HTML 1 and plain text 0.2. Media-range parameters
 * other than {@code q} are not compared (the representations here carry none a client asks
 * for), but a range with them still counts as the exact type. An element that does not
 * parse, or whose weight is not a valid {@code qvalue} (RFC 9110 §12.4.2), is skipped.
 */
final class AcceptHeader {

    private AcceptHeader() {}

    /**
     * Whether the fields prefer {@code candidate} strictly over {@code usual}; no field at all,
     * or a tie (as with {@code *}{@code /*}), keeps {@code usual}.
     */
    static boolean prefers(List<String> acceptFields, String candidate, String usual) {
        return weight(acceptFields, candidate) > weight(acceptFields, usual);
    }

    /**
     * The weight, in thousandths, the fields give {@code mediaType} (lower-case
     * {@code type/subtype}): 1000 when there is no Accept field (RFC 9110 §12.5.1: any type is
     * acceptable), 0 when no range matches.
     */
    static int weight(List<String> acceptFields, String mediaType) {
        if (acceptFields.isEmpty()) {
            return 1000;
        }
        int slash = mediaType.indexOf('/');
        String type = mediaType.substring(0, slash);
        String subtype = mediaType.substring(slash + 1);
        int bestSpecificity = -1;
        int weight = 0;
        for (String field : acceptFields) {
            for (String element : field.split(",", -1)) {
                String[] parts = element.split(";", -1);
                String range = parts[0].strip().toLowerCase(Locale.ROOT);
                int s = range.indexOf('/');
                if (s <= 0 || s == range.length() - 1) {
                    continue; // empty list element (allowed, RFC 9110 §5.6.1) or not a range
                }
                String rangeType = range.substring(0, s);
                String rangeSubtype = range.substring(s + 1);
                int specificity;
                if (rangeType.equals("*") && rangeSubtype.equals("*")) {
                    specificity = 0;
                } else if (rangeType.equals(type) && rangeSubtype.equals("*")) {
                    specificity = 1;
                } else if (rangeType.equals(type) && rangeSubtype.equals(subtype)) {
                    specificity = 2;
                } else {
                    continue;
                }
                int q = qvalue(parts);
                if (q >= 0 && specificity > bestSpecificity) {
                    bestSpecificity = specificity;
                    weight = q;
                }
            }
        }
        return weight;
    }

    /** The element's {@code q} in thousandths, 1000 when absent, -1 when malformed. */
    private static int qvalue(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).strip().equalsIgnoreCase("q")) {
                return parseQ(p.substring(eq + 1).strip());
            }
        }
        return 1000;
    }

    /** {@code qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )}, in thousandths; -1 if it is not one. */
    static int parseQ(String s) {
        if (s.isEmpty() || s.length() > 5 || (s.charAt(0) != '0' && s.charAt(0) != '1')) {
            return -1;
        }
        if (s.length() > 1 && s.charAt(1) != '.') {
            return -1;
        }
        int value = (s.charAt(0) - '0') * 1000;
        int scale = 100;
        for (int i = 2; i < s.length(); i++, scale /= 10) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value += (c - '0') * scale;
        }
        return value > 1000 ? -1 : value;
    }
}
