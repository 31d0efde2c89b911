package dev.peregrine.exchange;

/**
 * The checks every protocol applies to the fields a handler sets, before any byte of them is
 * written: names are tokens (RFC 9110 §5.1), values carry no CR, LF, NUL or other control
 * character but HTAB (§5.5). That makes response splitting impossible whatever the handler
 * echoes into a header.
 */
public final class FieldChecks {

    private static final boolean[] TOKEN = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TOKEN[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TOKEN[c] = true;
            TOKEN[c - 'a' + 'A'] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = true;
        }
    }

    private FieldChecks() {}

    /** @throws IllegalArgumentException the name is empty or not a token */
    public static void checkName(String name) {
        int n = name.length();
        if (n == 0) {
            throw new IllegalArgumentException("empty field name");
        }
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            if (c > 0x7F || !TOKEN[c]) {
                throw new IllegalArgumentException("field name is not a token: " + quote(name));
            }
        }
    }

    /**
     * Field-value (or reason-phrase) chars: HTAB, SP, VCHAR, obs-text. Chars above 0xFF are
     * written as '?', so only Latin-1 needs checking.
     *
     * @throws IllegalArgumentException the value has a control character
     */
    public static void checkValue(String value, String what) {
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7F) {
                throw new IllegalArgumentException(what + " has a control character: " + quote(value));
            }
        }
    }

    /** Checks every field of {@code fields}; {@code what} names the values in the message. */
    public static void checkAll(dev.peregrine.api.Headers fields, String what) {
        for (int i = 0, n = fields.size(); i < n; i++) {
            checkName(fields.name(i));
            checkValue(fields.value(i), what);
        }
    }

    /** Shows control characters escaped, so an exception message cannot split a log line either. */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length() && i < 100; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
