package dev.peregrine.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The byte writer must give exactly the line {@code Entry.commonLogFormat()} gives. */
class ClfBytesTest {

    private static void assertSameLine(String address, String method, String target, int status, long bytes,
            long nanos) {
        Instant time = Instant.parse("2026-12-02T15:30:07.123Z");
        String expected = new AccessLog.Entry(time, address, method, target, "HTTP/1.1", status, bytes, nanos)
                .commonLogFormat() + "\n";
        byte[] addr = address.getBytes(StandardCharsets.US_ASCII);
        byte[] when = ClfTime.format(time.getEpochSecond()).getBytes(StandardCharsets.US_ASCII);
        byte[] buf = new byte[ClfBytes.bound(addr, when, method, target, "HTTP/1.1")];
        int end = ClfBytes.write(buf, 0, addr, when, method, target, "HTTP/1.1", status, bytes, nanos);
        assertThat(new String(buf, 0, end, StandardCharsets.US_ASCII)).isEqualTo(expected);
    }

    @Test
    void plainLinesMatch() {
        assertSameLine("127.0.0.1", "GET", "/index.html", 200, 1534, 812_345);
        assertSameLine("::1", "HEAD", "/", 304, 0, 0);
        assertSameLine("10.0.0.7", "POST", "/upload?x=1", 201, Long.MAX_VALUE, 9_999_999_999L);
        assertSameLine("-", "DELETE", "*", 599, 1, 99_999);
    }

    @Test
    void numbersAtEveryDigitCountMatch() {
        long[] sizes = {1, 9, 10, 99, 100, 101, 999, 1000, 1001, 9_999, 10_000, 123_456_789};
        for (long size : sizes) {
            assertSameLine("127.0.0.1", "GET", "/", 200, size, size * 100_000); // duration: size tenths of a ms
        }
    }

    @Test
    void escapesMatch() {
        // Quotes, backslashes and control characters, every one the tightest bound allows.
        assertSameLine("127.0.0.1", "G\"ET", "/a\\b\"c\u0001\u001f\u007f" + "\u0000".repeat(40), 400, 0, 1);
    }

    @Test
    void aNonAsciiTargetIsLeftToTheGeneralPath() {
        byte[] addr = "1.2.3.4".getBytes(StandardCharsets.US_ASCII);
        byte[] when = ClfTime.format(0).getBytes(StandardCharsets.US_ASCII);
        byte[] buf = new byte[ClfBytes.bound(addr, when, "GET", "/caf\u00e9", "HTTP/1.1")];
        assertThat(ClfBytes.write(buf, 0, addr, when, "GET", "/caf\u00e9", "HTTP/1.1", 200, 5, 1)).isEqualTo(-1);
    }
}
