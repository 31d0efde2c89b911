package dev.peregrine.server.internal;

/** JSON strings for the few places the server writes JSON (the directory listing, the status page). */
public final class JsonStrings {

    private JsonStrings() {}

    /** Appends {@code s} as a JSON string (RFC 8259 §7). */
    public static void quote(String s, StringBuilder out) {
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
