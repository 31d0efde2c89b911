package dev.peregrine.observe;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The Common Log Format time, {@code 21/Nov/2025:05:03:00 +0000} (UTC), formatted once per
 * second: a busy log has many lines per second, and a {@link DateTimeFormatter} per line would
 * cost more than the rest of the line. Safe from any thread (the cache is one immutable pair).
 */
final class ClfTime {

    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.US).withZone(ZoneOffset.UTC);

    private record Cached(long second, String text) { }

    private static volatile Cached last = new Cached(Long.MIN_VALUE, "");

    private ClfTime() { }

    static String format(Instant time) {
        return format(time.getEpochSecond());
    }

    static String format(long second) {
        Cached cached = last;
        if (cached.second() != second) {
            cached = new Cached(second, FORMAT.format(Instant.ofEpochSecond(second)));
            last = cached;
        }
        return cached.text();
    }
}
