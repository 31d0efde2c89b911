package dev.peregrine.qpack;

import java.util.HashMap;
import java.util.Map;

/**
 * The QPACK static table (RFC 9204 §3.1, Appendix A): 99 fixed field lines, indexed from 0
 * (unlike HPACK's, from 1), in an order unrelated to HPACK's.
 *
 * <p>Names and values are string constants, so a decoder hands the same instances to its sink
 * every time and a field taken from here costs no allocation. Entries sharing a name are not
 * contiguous here (the {@code :status} codes sit at 24-28 and 63-71), so lookups go through a
 * map built once from each name to all of its indices; a lookup hashes a {@code String} whose
 * hash is cached, and allocates nothing.
 */
final class QpackStaticTable {

    /** The number of entries; valid indices are 0 to {@code SIZE - 1}. */
    static final int SIZE = 99;

    /** {@link #find} found no entry with that name. */
    static final int NO_MATCH = Integer.MIN_VALUE;

    /* Name, value, name, value, ... in index order: Appendix A verbatim. */
    private static final String[] ENTRIES = {
        ":authority", "", // 0
        ":path", "/", // 1
        "age", "0", // 2
        "content-disposition", "", // 3
        "content-length", "0", // 4
        "cookie", "", // 5
        "date", "", // 6
        "etag", "", // 7
        "if-modified-since", "", // 8
        "if-none-match", "", // 9
        "last-modified", "", // 10
        "link", "", // 11
        "location", "", // 12
        "referer", "", // 13
        "set-cookie", "", // 14
        ":method", "CONNECT", // 15
        ":method", "DELETE", // 16
        ":method", "GET", // 17
        ":method", "HEAD", // 18
        ":method", "OPTIONS", // 19
        ":method", "POST", // 20
        ":method", "PUT", // 21
        ":scheme", "http", // 22
        ":scheme", "https", // 23
        ":status", "103", // 24
        ":status", "200", // 25
        ":status", "304", // 26
        ":status", "404", // 27
        ":status", "503", // 28
        "accept", "*/*", // 29
        "accept", "application/dns-message", // 30
        "accept-encoding", "gzip, deflate, br", // 31
        "accept-ranges", "bytes", // 32
        "access-control-allow-headers", "cache-control", // 33
        "access-control-allow-headers", "content-type", // 34
        "access-control-allow-origin", "*", // 35
        "cache-control", "max-age=0", // 36
        "cache-control", "max-age=2592000", // 37
        "cache-control", "max-age=604800", // 38
        "cache-control", "no-cache", // 39
        "cache-control", "no-store", // 40
        "cache-control", "public, max-age=31536000", // 41
        "content-encoding", "br", // 42
        "content-encoding", "gzip", // 43
        "content-type", "application/dns-message", // 44
        "content-type", "application/javascript", // 45
        "content-type", "application/json", // 46
        "content-type", "application/x-www-form-urlencoded", // 47
        "content-type", "image/gif", // 48
        "content-type", "image/jpeg", // 49
        "content-type", "image/png", // 50
        "content-type", "text/css", // 51
        "content-type", "text/html; charset=utf-8", // 52
        "content-type", "text/plain", // 53
        "content-type", "text/plain;charset=utf-8", // 54
        "range", "bytes=0-", // 55
        "strict-transport-security", "max-age=31536000", // 56
        "strict-transport-security", "max-age=31536000; includesubdomains", // 57
        "strict-transport-security", "max-age=31536000; includesubdomains; preload", // 58
        "vary", "accept-encoding", // 59
        "vary", "origin", // 60
        "x-content-type-options", "nosniff", // 61
        "x-xss-protection", "1; mode=block", // 62
        ":status", "100", // 63
        ":status", "204", // 64
        ":status", "206", // 65
        ":status", "302", // 66
        ":status", "400", // 67
        ":status", "403", // 68
        ":status", "421", // 69
        ":status", "425", // 70
        ":status", "500", // 71
        "accept-language", "", // 72
        "access-control-allow-credentials", "FALSE", // 73
        "access-control-allow-credentials", "TRUE", // 74
        "access-control-allow-headers", "*", // 75
        "access-control-allow-methods", "get", // 76
        "access-control-allow-methods", "get, post, options", // 77
        "access-control-allow-methods", "options", // 78
        "access-control-expose-headers", "content-length", // 79
        "access-control-request-headers", "content-type", // 80
        "access-control-request-method", "get", // 81
        "access-control-request-method", "post", // 82
        "alt-svc", "clear", // 83
        "authorization", "", // 84
        "content-security-policy", "script-src 'none'; object-src 'none'; base-uri 'none'", // 85
        "early-data", "1", // 86
        "expect-ct", "", // 87
        "forwarded", "", // 88
        "if-range", "", // 89
        "origin", "", // 90
        "purpose", "prefetch", // 91
        "server", "", // 92
        "timing-allow-origin", "*", // 93
        "upgrade-insecure-requests", "1", // 94
        "user-agent", "", // 95
        "x-forwarded-for", "", // 96
        "x-frame-options", "deny", // 97
        "x-frame-options", "sameorigin", // 98
    };

    private static final String[] NAMES = new String[SIZE];
    private static final String[] VALUES = new String[SIZE];

    /** Each name to its indices, ascending. Never mutated after class initialisation. */
    private static final Map<String, int[]> INDICES_OF_NAME = new HashMap<>(128);

    static {
        if (ENTRIES.length != 2 * SIZE) {
            throw new AssertionError("static table must have " + SIZE + " entries");
        }
        for (int i = 0; i < SIZE; i++) {
            NAMES[i] = ENTRIES[2 * i];
            VALUES[i] = ENTRIES[2 * i + 1];
            INDICES_OF_NAME.merge(NAMES[i], new int[] {i}, QpackStaticTable::append);
        }
    }

    private QpackStaticTable() {}

    private static int[] append(int[] a, int[] b) {
        int[] c = new int[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** Whether {@code index} (as read off the wire, possibly huge) names an entry. */
    static boolean isValid(long index) {
        return index >= 0 && index < SIZE;
    }

    /** The name at {@code index}, 0 to {@code SIZE - 1}. */
    static String name(int index) {
        return NAMES[index];
    }

    /** The value at {@code index}, 0 to {@code SIZE - 1} ("" where Appendix A has none). */
    static String value(int index) {
        return VALUES[index];
    }

    /**
     * Looks a lowercase field up in one hash probe: the index of the entry with this exact name
     * and value if there is one (0 or more); else {@code -1 - i} where {@code i} is the lowest
     * index with this name; else {@link #NO_MATCH}.
     */
    static int find(String name, String value) {
        int[] indices = INDICES_OF_NAME.get(name);
        if (indices == null) {
            return NO_MATCH;
        }
        for (int i : indices) {
            if (VALUES[i].equals(value)) {
                return i;
            }
        }
        return -1 - indices[0];
    }

    /** The index of the exact entry, or -1. */
    static int exactIndex(String name, String value) {
        int r = find(name, value);
        return r >= 0 ? r : -1;
    }

    /** The lowest index with this name, or -1. */
    static int nameIndex(String name) {
        int[] indices = INDICES_OF_NAME.get(name);
        return indices == null ? -1 : indices[0];
    }

    /** The index of {@code :status} with this code, or -1 if Appendix A has none. */
    static int statusIndex(int status) {
        return switch (status) {
            case 103 -> 24;
            case 200 -> 25;
            case 304 -> 26;
            case 404 -> 27;
            case 503 -> 28;
            case 100 -> 63;
            case 204 -> 64;
            case 206 -> 65;
            case 302 -> 66;
            case 400 -> 67;
            case 403 -> 68;
            case 421 -> 69;
            case 425 -> 70;
            case 500 -> 71;
            default -> -1;
        };
    }
}
