package dev.peregrine.observe;

/**
 * The default access-log line written straight into the writer's byte buffer, the same bytes
 * {@link AccessLog.Entry#commonLogFormat()} gives: at a million pipelined requests a second a
 * line formatted into a {@code StringBuilder} and then copied cost a quarter of the one core
 * the server shares with the log's thread. The address and time arrive as bytes cached by the
 * caller; method, target and protocol are escaped as {@code Entry} escapes them.
 */
final class ClfBytes {

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] DASHES = " - - [".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private ClfBytes() { }

    /** The most bytes {@link #write} may use for a line with these strings. */
    static int bound(byte[] address, byte[] time, String method, String target, String protocol) {
        // Each escaped char takes at most 4 bytes (\xHH); numbers at most 20 digits each.
        return address.length + time.length + 4 * (method.length() + target.length()) + protocol.length() + 96;
    }

    /**
     * Writes the line and its newline at {@code pos}; returns the position after it, or -1 if a
     * string holds a non-ASCII char (the caller then formats the line the general way).
     */
    static int write(byte[] b, int pos, byte[] address, byte[] time, String method, String target, String protocol,
            int status, long bytes, long durationNanos) {
        int p = prefix(b, pos, address, time, method, target, protocol);
        return p < 0 ? -1 : suffix(b, p, status, bytes, durationNanos);
    }

    /**
     * The part of a line before its status — {@code host - - [time] "METHOD target PROTOCOL" } —
     * at {@code pos}; returns the position after it, or -1 for a non-ASCII char. Lines that
     * share it (one connection asking for one path within a second) may copy it instead.
     */
    static int prefix(byte[] b, int pos, byte[] address, byte[] time, String method, String target,
            String protocol) {
        int p = put(b, pos, address);
        p = put(b, p, DASHES);
        p = put(b, p, time);
        b[p++] = ']';
        b[p++] = ' ';
        b[p++] = '"';
        if ((p = quoted(b, p, method)) < 0) {
            return -1;
        }
        b[p++] = ' ';
        if ((p = quoted(b, p, target)) < 0) {
            return -1;
        }
        b[p++] = ' ';
        for (int i = 0; i < protocol.length(); i++) {
            char c = protocol.charAt(i);
            if (c >= 0x80) {
                return -1;
            }
            b[p++] = (byte) c;
        }
        b[p++] = '"';
        b[p++] = ' ';
        return p;
    }

    /** The most bytes {@link #suffix} uses. */
    static final int SUFFIX_BOUND = 3 * 20 + 8;

    /** The rest of a line after {@link #prefix}: {@code status bytes duration} and the newline. */
    static int suffix(byte[] b, int p, int status, long bytes, long durationNanos) {
        p = decimal(b, p, status);
        b[p++] = ' ';
        if (bytes > 0) {
            p = decimal(b, p, bytes);
        } else {
            b[p++] = '-';
        }
        long tenths = durationNanos / 100_000; // one decimal of a millisecond
        b[p++] = ' ';
        p = decimal(b, p, tenths / 10);
        b[p++] = '.';
        b[p++] = (byte) ('0' + tenths % 10);
        b[p++] = 'm';
        b[p++] = 's';
        b[p++] = '\n';
        return p;
    }

    private static int put(byte[] b, int p, byte[] s) {
        System.arraycopy(s, 0, b, p, s.length);
        return p + s.length;
    }

    /** As {@code Entry.quoted}: quotes and backslashes escaped, control characters as {@code \xHH}. */
    private static int quoted(byte[] b, int p, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                return -1;
            }
            if (c == '"' || c == '\\') {
                b[p++] = '\\';
                b[p++] = (byte) c;
            } else if (c < 0x20 || c == 0x7f) {
                b[p++] = '\\';
                b[p++] = 'x';
                b[p++] = HEX[c >> 4];
                b[p++] = HEX[c & 0xf];
            } else {
                b[p++] = (byte) c;
            }
        }
        return p;
    }

    /** {@code v} (not negative) in decimal. */
    private static int decimal(byte[] b, int p, long v) {
        if (v < 0) {
            v = 0; // durations and sizes are never negative; a clock step must not garble the line
        }
        if (v < 1000) { // a status, a small body, a duration in ms: no digit-counting loop
            int i = (int) v;
            if (i >= 100) {
                b[p++] = (byte) ('0' + i / 100);
            }
            if (i >= 10) {
                b[p++] = (byte) ('0' + i / 10 % 10);
            }
            b[p++] = (byte) ('0' + i % 10);
            return p;
        }
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) {
            digits++;
        }
        for (int i = p + digits - 1; i >= p; i--) {
            b[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return p + digits;
    }
}
