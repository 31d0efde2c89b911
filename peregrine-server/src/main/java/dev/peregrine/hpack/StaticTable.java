package dev.peregrine.hpack;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The HPACK static table (RFC 7541 Appendix A): 61 fixed entries, index 1 to 61.
 *
 * <p>Names and values are string literals, so the decoder hands the same constant instances to
 * its sink every time: a field taken from this table costs no allocation.
 */
final class StaticTable {

    /** The number of entries; dynamic table indices start right after (RFC 7541 §2.3.3). */
    static final int LENGTH = 61;

    // Index 0 is not an entry (RFC 7541 §6.1: index 0 is an error).
    private static final String[] NAMES = {
        null,
        ":authority",                  // 1
        ":method",                     // 2
        ":method",                     // 3
        ":path",                       // 4
        ":path",                       // 5
        ":scheme",                     // 6
        ":scheme",                     // 7
        ":status",                     // 8
        ":status",                     // 9
        ":status",                     // 10
        ":status",                     // 11
        ":status",                     // 12
        ":status",                     // 13
        ":status",                     // 14
        "accept-charset",              // 15
        "accept-encoding",             // 16
        "accept-language",             // 17
        "accept-ranges",               // 18
        "accept",                      // 19
        "access-control-allow-origin", // 20
        "age",                         // 21
        "allow",                       // 22
        "authorization",               // 23
        "cache-control",               // 24
        "content-disposition",         // 25
        "content-encoding",            // 26
        "content-language",            // 27
        "content-length",              // 28
        "content-location",            // 29
        "content-range",               // 30
        "content-type",                // 31
        "cookie",                      // 32
        "date",                        // 33
        "etag",                        // 34
        "expect",                      // 35
        "expires",                     // 36
        "from",                        // 37
        "host",                        // 38
        "if-match",                    // 39
        "if-modified-since",           // 40
        "if-none-match",               // 41
        "if-range",                    // 42
        "if-unmodified-since",         // 43
        "last-modified",               // 44
        "link",                        // 45
        "location",                    // 46
        "max-forwards",                // 47
        "proxy-authenticate",          // 48
        "proxy-authorization",         // 49
        "range",                       // 50
        "referer",                     // 51
        "refresh",                     // 52
        "retry-after",                 // 53
        "server",                      // 54
        "set-cookie",                  // 55
        "strict-transport-security",   // 56
        "transfer-encoding",           // 57
        "user-agent",                  // 58
        "vary",                        // 59
        "via",                         // 60
        "www-authenticate",            // 61
    };

    private static final String[] VALUES = new String[LENGTH + 1];

    static {
        Arrays.fill(VALUES, 1, LENGTH + 1, "");
        VALUES[2] = "GET";
        VALUES[3] = "POST";
        VALUES[4] = "/";
        VALUES[5] = "/index.html";
        VALUES[6] = "http";
        VALUES[7] = "https";
        VALUES[8] = "200";
        VALUES[9] = "204";
        VALUES[10] = "206";
        VALUES[11] = "304";
        VALUES[12] = "400";
        VALUES[13] = "404";
        VALUES[14] = "500";
        VALUES[16] = "gzip, deflate";
    }

    /** Name to its first (lowest) index; entries sharing a name are contiguous. Never mutated. */
    private static final Map<String, Integer> FIRST_INDEX_OF_NAME = new HashMap<>(128);

    static {
        for (int i = LENGTH; i >= 1; i--) {
            FIRST_INDEX_OF_NAME.put(NAMES[i], i);
        }
    }

    private StaticTable() {}

    /** The name at {@code index}, 1 to {@link #LENGTH}. */
    static String name(int index) {
        return NAMES[index];
    }

    /** The value at {@code index}, 1 to {@link #LENGTH} ("" for name-only entries). */
    static String value(int index) {
        return VALUES[index];
    }

    /**
     * Looks a field up: the index of an entry with this exact name and value if there is one,
     * else minus the index of the first entry with this name, else 0.
     */
    static int find(String name, String value) {
        Integer first = FIRST_INDEX_OF_NAME.get(name);
        if (first == null) {
            return 0;
        }
        int start = first;
        for (int i = start; i <= LENGTH && NAMES[i].equals(name); i++) {
            if (VALUES[i].equals(value)) {
                return i;
            }
        }
        return -start;
    }

    /** The index of {@code :status} with this code, or 0 if the table has none (§A: 8 to 14). */
    static int statusIndex(int status) {
        return switch (status) {
            case 200 -> 8;
            case 204 -> 9;
            case 206 -> 10;
            case 304 -> 11;
            case 400 -> 12;
            case 404 -> 13;
            case 500 -> 14;
            default -> 0;
        };
    }
}
