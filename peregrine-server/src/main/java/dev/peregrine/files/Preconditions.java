package dev.peregrine.files;

import dev.peregrine.api.Headers;
import java.util.List;

/**
 * Conditional requests (RFC 9110 §13) for a representation described by its validators.
 * Evaluation follows the precedence of §13.2.2 exactly:
 *
 * <pre>
 *  1. If-Match present?            false -> 412           (strong comparison)
 *  2. else If-Unmodified-Since?    false -> 412           (ignored when not a valid date)
 *  3. If-None-Match present?       false -> 304 (GET/HEAD) (weak comparison)
 *  4. else If-Modified-Since?      false -> 304 (GET/HEAD only; ignored when not a valid date)
 *  5. GET with Range and If-Range: see {@link #ifRangeHolds}
 * </pre>
 */
final class Preconditions {

    /** What the precondition fields ask the server to do. */
    enum Outcome { PROCEED, NOT_MODIFIED, PRECONDITION_FAILED }

    /**
     * The validators of the selected representation.
     *
     * @param etag the entity tag as sent, quoted, with {@code W/} when weak
     * @param lastModified Last-Modified in epoch seconds
     * @param lastModifiedIsStrong whether the date may serve as a strong validator (§8.8.2.2):
     *     only when the file has not changed within the second before now
     */
    record Validators(String etag, long lastModified, boolean lastModifiedIsStrong) {}

    private Preconditions() {}

    static Outcome evaluate(String method, Headers headers, Validators v) {
        List<String> ifMatch = headers.getAll("if-match");
        if (!ifMatch.isEmpty()) {
            if (!anyMatches(ifMatch, v.etag(), true)) {
                return Outcome.PRECONDITION_FAILED;
            }
        } else {
            long since = singleDate(headers, "if-unmodified-since");
            if (since != Long.MIN_VALUE && v.lastModified() > since) {
                return Outcome.PRECONDITION_FAILED;
            }
        }
        boolean safe = method.equals("GET") || method.equals("HEAD");
        List<String> ifNoneMatch = headers.getAll("if-none-match");
        if (!ifNoneMatch.isEmpty()) {
            if (anyMatches(ifNoneMatch, v.etag(), false)) {
                return safe ? Outcome.NOT_MODIFIED : Outcome.PRECONDITION_FAILED;
            }
        } else if (safe) {
            long since = singleDate(headers, "if-modified-since");
            if (since != Long.MIN_VALUE && v.lastModified() <= since) {
                return Outcome.NOT_MODIFIED;
            }
        }
        return Outcome.PROCEED;
    }

    /**
     * Whether a Range request may be answered with a part (§13.1.5): the If-Range validator
     * must be a strong match — an entity tag compared strongly, or a date that exactly equals a
     * Last-Modified that is itself strong. Otherwise the whole representation is sent, so a
     * client resuming a download never splices bytes of two different versions.
     */
    static boolean ifRangeHolds(String ifRange, Validators v) {
        if (ifRange == null) {
            return true;
        }
        String value = ifRange.strip();
        if (value.startsWith("\"") || value.startsWith("W/")) {
            return !isWeak(value) && !isWeak(v.etag()) && value.equals(v.etag());
        }
        long date = HttpDate.parse(value);
        return date != Long.MIN_VALUE && v.lastModifiedIsStrong() && date == v.lastModified();
    }

    /**
     * Whether any member of the entity-tag lists in {@code fields} matches {@code etag}.
     * {@code *} matches any current representation (there always is one here). Tags may
     * contain commas inside their quotes, so the list is scanned, not split.
     */
    static boolean anyMatches(List<String> fields, String etag, boolean strong) {
        if (strong && isWeak(etag)) {
            return fields.stream().anyMatch(f -> f.strip().equals("*"));
        }
        String opaque = opaque(etag);
        for (String field : fields) {
            int i = 0;
            int n = field.length();
            while (i < n) {
                char c = field.charAt(i);
                if (c == ' ' || c == '\t' || c == ',') {
                    i++;
                    continue;
                }
                if (c == '*') {
                    return true;
                }
                boolean weak = field.startsWith("W/", i);
                int open = weak ? i + 2 : i;
                if (open >= n || field.charAt(open) != '"') {
                    break; // malformed: stop reading this field, as if it ended here
                }
                int close = field.indexOf('"', open + 1);
                if (close < 0) {
                    break;
                }
                if (!(strong && weak) && field.regionMatches(open, opaque, 0, opaque.length())
                        && opaque.length() == close - open + 1) {
                    return true;
                }
                i = close + 1;
            }
        }
        return false;
    }

    private static boolean isWeak(String etag) {
        return etag.startsWith("W/");
    }

    /** The quoted part of an entity tag, without any {@code W/}. */
    private static String opaque(String etag) {
        return isWeak(etag) ? etag.substring(2) : etag;
    }

    /**
     * The date of a field that must hold exactly one HTTP-date, or {@link Long#MIN_VALUE} to
     * ignore it: §13.1.3 and §13.1.4 say to ignore an invalid date or a list of several.
     */
    private static long singleDate(Headers headers, String name) {
        List<String> values = headers.getAll(name);
        return values.size() == 1 ? HttpDate.parse(values.getFirst()) : Long.MIN_VALUE;
    }
}
