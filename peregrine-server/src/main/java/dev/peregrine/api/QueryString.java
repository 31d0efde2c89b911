package dev.peregrine.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads {@code application/x-www-form-urlencoded} query strings ({@code a=1&b=x%20y}). */
public final class QueryString {

    private QueryString() {}

    /** The first decoded value of {@code name}, {@code ""} for a bare {@code name}, or {@code null}. */
    public static String first(String query, String name) {
        if (query == null || query.isEmpty()) {
            return null;
        }
        int start = 0;
        int n = query.length();
        while (start <= n) {
            int amp = query.indexOf('&', start);
            int end = amp < 0 ? n : amp;
            int eq = query.indexOf('=', start);
            int keyEnd = eq < 0 || eq > end ? end : eq;
            if (decode(query.substring(start, keyEnd)).equals(name)) {
                return keyEnd == end ? "" : decode(query.substring(keyEnd + 1, end));
            }
            if (amp < 0) {
                break;
            }
            start = amp + 1;
        }
        return null;
    }

    /** Every parameter in order of first appearance, each with all its decoded values. */
    public static Map<String, List<String>> parse(String query) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return params;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            params.computeIfAbsent(key, k -> new ArrayList<>(1)).add(value);
        }
        return params;
    }

    private static String decode(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return s; // a malformed escape stays literal rather than failing the request
        }
    }
}
