package dev.peregrine.files;

import dev.peregrine.files.DirectoryListing.Contents;
import dev.peregrine.files.DirectoryListing.Entry;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * A listing as JSON (RFC 8259), for scripts: an array of
 * {@code {"name": ..., "type": "file"|"directory", "size": bytes|null, "modified": RFC 3339 UTC}},
 * in the requested order. Folders have no size: {@code null}, rather than a number that would
 * read as one.
 */
final class ListingJson {

    private ListingJson() {}

    static byte[] render(Contents contents) {
        StringBuilder json = new StringBuilder(16 + contents.entries().size() * 96).append('[');
        boolean first = true;
        for (Entry e : contents.entries()) {
            json.append(first ? "\n" : ",\n");
            first = false;
            json.append("{\"name\":");
            quote(e.name(), json);
            json.append(",\"type\":\"").append(e.directory() ? "directory" : "file")
                .append("\",\"size\":").append(e.directory() ? "null" : Long.toString(e.size()))
                .append(",\"modified\":\"")
                // ISO_INSTANT of a whole-second instant is RFC 3339's date-time in UTC: 2020-01-02T03:04:05Z
                .append(DateTimeFormatter.ISO_INSTANT.format(e.modified().truncatedTo(ChronoUnit.SECONDS)))
                .append("\"}");
        }
        json.append(first ? "]\n" : "\n]\n");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Appends {@code s} as a JSON string (RFC 8259 §7). */
    static void quote(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    // Control characters must be escaped; U+2028/U+2029 too, so the text is also
                    // valid JavaScript; and a lone surrogate, which has no UTF-8 form, keeps its
                    // code unit instead of turning into '?' on the way out.
                    boolean lone = Character.isSurrogate(c) && !pairedAt(s, i);
                    if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || lone) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                        if (Character.isHighSurrogate(c)) {
                            out.append(s.charAt(++i)); // its low half, checked by pairedAt
                        }
                    }
                }
            }
        }
        out.append('"');
    }

    /** Whether the surrogate at {@code i} is the high half of a valid pair. */
    private static boolean pairedAt(String s, int i) {
        return Character.isHighSurrogate(s.charAt(i)) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
}
