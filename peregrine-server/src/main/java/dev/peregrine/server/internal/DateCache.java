package dev.peregrine.server.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The {@code Date} header (RFC 9110 §6.6.1, IMF-fixdate) pre-encoded once a second by the
 * heartbeat, so no response formats a date. Readers get an immutable array through a volatile
 * field: a response may carry the previous second's date, which the RFC allows.
 */
public final class DateCache {

    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.ROOT).withZone(ZoneOffset.UTC);

    private volatile byte[] headerLine;
    private volatile String value;
    private long second = Long.MIN_VALUE;

    public DateCache() {
        refresh(Instant.now());
    }

    /** Re-encodes when the second changed; called by the heartbeat. */
    public void refresh(Instant now) {
        long s = now.getEpochSecond();
        if (s == second) {
            return;
        }
        second = s;
        String v = IMF_FIXDATE.format(now);
        value = v;
        headerLine = ("date: " + v + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code date: <IMF-fixdate>\r\n}, ready to copy into a response head. Do not modify. */
    public byte[] headerLine() {
        return headerLine;
    }

    /** The current IMF-fixdate text, e.g. for HTTP/2 and HTTP/3 header encoders. */
    public String value() {
        return value;
    }

    /** Formats any instant as IMF-fixdate (for Last-Modified and the like). */
    public static String format(Instant instant) {
        return IMF_FIXDATE.format(instant);
    }
}
