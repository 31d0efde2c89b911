package dev.peregrine.http1;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 10, "refuse early": bytes that no valid request could continue are refused at the first
 * impossible byte, not after a line end or the request-headers timeout — and every valid head
 * fed one byte at a time still parses. Each case feeds the bytes as a connection would, one
 * more each call with the same start.
 */
class RequestHeadEarlyRefusalTest {

    private final RequestHeadParser parser = new RequestHeadParser(1024, 4096, 32);
    private final RequestHead head = new RequestHead();

    /** Feeds {@code raw} one byte at a time; returns how many bytes it took to get a verdict. */
    private int feedUntilVerdict(byte[] raw) {
        for (int end = 1; end <= raw.length; end++) {
            if (parser.parse(raw, 0, end, head) > 0) {
                return end;
            }
        }
        return -1;
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
        "\r\n\r\nPOST /submit?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
        "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n",
        "GET http://a.example/p HTTP/1.1\r\nHost: a.example\r\n\r\n",
        "GET / HTTP/1.0\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nX-Empty:\r\nX-Tabs:\tv\t \r\nX-Latin: caf\u00e9\r\n\r\n",
        "M-SEARCH /~user/file%20name HTTP/1.1\r\nHost: a\r\nA!#$%&'*+-.^_`|~: token name\r\n\r\n",
    })
    void validHeadsStillParseWhenTheyArriveByteByByte(String request) {
        byte[] raw = request.getBytes(ISO_8859_1);
        assertThat(feedUntilVerdict(raw)).isEqualTo(raw.length);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "TLS ClientHello on the plain port | 16 03 01 02 00 01 00 01 fc 03 03 | 1",
        "binary garbage | ff fe 00 01 | 1",
        "NUL in the method | 47 00 | 2",
        "space before the method | 20 47 45 54 | 1",
        "two spaces before the target | 47 45 54 20 20 | 5",
        "control byte in the target | 47 45 54 20 2f 01 | 6",
        "misspelled version | 47 45 54 20 2f 20 48 54 54 51 | 10",
        "letter for the version digit | 47 45 54 20 2f 20 48 54 54 50 2f 78 | 12",
        "line ends after the target | 47 45 54 20 2f 0d | 6",
        "CR not followed by LF | 47 45 54 20 2f 20 48 54 54 50 2f 31 2e 31 0d 41 | 16",
    })
    void impossibleRequestLinesAreRefusedAtTheFirstImpossibleByte(String what, String hex, int refusedAt) {
        byte[] raw = hex(hex);
        assertRefusedAt(raw, refusedAt);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "NUL in a field name | 48 6f 00 | 3",
        "obs-fold line (RFC 9112 §5.2) | 09 66 6f 6c 64 | 1",
        "space before the colon | 48 6f 73 74 20 3a | 5",
        "control byte in a value | 58 3a 20 61 01 | 5",
        "name that ends without a colon | 48 6f 73 74 0d | 5",
    })
    void impossibleFieldLinesAreRefusedAtTheFirstImpossibleByte(String what, String hex, int refusedAt) {
        byte[] prefix = "GET / HTTP/1.1\r\n".getBytes(ISO_8859_1);
        byte[] line = hex(hex);
        byte[] raw = java.util.Arrays.copyOf(prefix, prefix.length + line.length);
        System.arraycopy(line, 0, raw, prefix.length, line.length);
        assertRefusedAt(raw, prefix.length + refusedAt);
    }

    private void assertRefusedAt(byte[] raw, int refusedAt) {
        for (int end = 1; end < refusedAt; end++) {
            assertThat(parser.parse(raw, 0, end, head)).as("still incomplete after %d bytes", end).isZero();
        }
        assertThatThrownBy(() -> parser.parse(raw, 0, refusedAt, head))
                .isInstanceOfSatisfying(HttpParseException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    private static byte[] hex(String spaced) {
        String[] parts = spaced.trim().split(" ");
        byte[] b = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            b[i] = (byte) Integer.parseInt(parts[i], 16);
        }
        return b;
    }
}
