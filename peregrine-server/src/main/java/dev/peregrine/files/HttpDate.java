package dev.peregrine.files;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.Locale;

/**
 * HTTP-date (RFC 9110 §5.6.7) in whole seconds since the epoch: IMF-fixdate out, and in all
 * three forms a recipient must accept — IMF-fixdate, the obsolete RFC 850 form and asctime.
 */
final class HttpDate {

    // Not DateTimeFormatter.RFC_1123_DATE_TIME: it writes one-digit days ("Tue, 3 Jun"),
    // which IMF-fixdate forbids.
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    // Parsers skip the day name: it is redundant, and java.time would reject a date whose
    // weekday disagrees — which every RFC 850 date does once its two-digit year is read as 20yy.
    private static final DateTimeFormatter IMF_FIXDATE_NO_DAY =
            strict("dd MMM uuuu HH:mm:ss 'GMT'");
    private static final DateTimeFormatter RFC_850_NO_DAY =
            strict("dd-MMM-uu HH:mm:ss 'GMT'");
    private static final DateTimeFormatter ASCTIME_NO_DAY =
            strict("MMM ppd HH:mm:ss uuuu");

    private HttpDate() {}

    /** STRICT, so "31 Feb" is no date rather than quietly 28 Feb. */
    private static DateTimeFormatter strict(String pattern) {
        return DateTimeFormatter.ofPattern(pattern, Locale.US).withResolverStyle(ResolverStyle.STRICT);
    }

    static String format(long epochSecond) {
        return IMF_FIXDATE.format(Instant.ofEpochSecond(epochSecond));
    }

    /** Seconds since the epoch, or {@link Long#MIN_VALUE} when the text is no HTTP-date (the caller then ignores the field). */
    static long parse(String text) {
        if (text == null) {
            return Long.MIN_VALUE;
        }
        String s = text.strip();
        try {
            int comma = s.indexOf(',');
            if (comma == 3) {
                return LocalDateTime.parse(s.substring(4).stripLeading(), IMF_FIXDATE_NO_DAY)
                        .toEpochSecond(ZoneOffset.UTC);
            }
            if (comma > 3) {
                return rfc850(s.substring(comma + 1).stripLeading());
            }
            if (s.length() > 4 && s.charAt(3) == ' ') {
                return LocalDateTime.parse(s.substring(4), ASCTIME_NO_DAY).toEpochSecond(ZoneOffset.UTC);
            }
            return Long.MIN_VALUE;
        } catch (DateTimeException | IndexOutOfBoundsException e) {
            return Long.MIN_VALUE;
        }
    }

    /**
     * RFC 850 has a two-digit year; RFC 9110 says to read one that looks more than 50 years in
     * the future as the most recent past year with those digits. java.time's {@code yy} pins
     * 2000-2099 instead, so the century is fixed up here.
     */
    private static long rfc850(String s) {
        LocalDateTime t = LocalDateTime.parse(s, RFC_850_NO_DAY);
        int nowYear = LocalDateTime.now(ZoneOffset.UTC).getYear();
        int year = nowYear - Math.floorMod(nowYear, 100) + t.getYear() % 100;
        if (year > nowYear + 50) {
            year -= 100;
        }
        return t.withYear(year).toEpochSecond(ZoneOffset.UTC);
    }
}
