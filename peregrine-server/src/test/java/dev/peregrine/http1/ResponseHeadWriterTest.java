package dev.peregrine.http1;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.api.Headers;
import dev.peregrine.exchange.WriteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ResponseHeadWriterTest {

    final WriteBuffer out = new WriteBuffer(16);

    String written() {
        return new String(out.array(), 0, out.size(), ISO_8859_1);
    }

    // ---------------------------------------------------------------- status line (RFC 9112 §4)

    @ParameterizedTest(name = "RFC 9110 §15: {0} {1}")
    @CsvSource(delimiter = '|', value = {
        "100|Continue", "101|Switching Protocols", "103|Early Hints", "200|OK", "201|Created", "204|No Content",
        "206|Partial Content", "301|Moved Permanently", "302|Found", "304|Not Modified", "307|Temporary Redirect",
        "308|Permanent Redirect", "400|Bad Request", "401|Unauthorized", "403|Forbidden", "404|Not Found",
        "405|Method Not Allowed", "408|Request Timeout", "411|Length Required", "413|Content Too Large",
        "414|URI Too Long", "416|Range Not Satisfiable", "417|Expectation Failed", "421|Misdirected Request",
        "422|Unprocessable Content", "426|Upgrade Required", "429|Too Many Requests",
        "431|Request Header Fields Too Large", "500|Internal Server Error", "501|Not Implemented",
        "502|Bad Gateway", "503|Service Unavailable", "504|Gateway Timeout", "505|HTTP Version Not Supported"})
    void standardStatusLines(int status, String reason) {
        ResponseHeadWriter.statusLine(out, status, null);
        assertThat(written()).isEqualTo("HTTP/1.1 " + status + " " + reason + "\r\n");
        assertThat(ResponseHeadWriter.reasonPhrase(status)).isEqualTo(reason);
    }

    @Test
    void customReason() {
        ResponseHeadWriter.statusLine(out, 200, "Fine, thanks\t\u00e9");
        assertThat(written()).isEqualTo("HTTP/1.1 200 Fine, thanks\t\u00e9\r\n");
    }

    @Test
    void unregisteredStatusKeepsTheSpaceBeforeAnEmptyReason() {
        ResponseHeadWriter.statusLine(out, 299, null);
        assertThat(written()).isEqualTo("HTTP/1.1 299 \r\n");
        assertThat(ResponseHeadWriter.reasonPhrase(299)).isNull();
        assertThat(ResponseHeadWriter.reasonPhrase(42)).isNull();
        assertThat(ResponseHeadWriter.reasonPhrase(1000)).isNull();
    }

    @Test
    void emptyCustomReason() {
        ResponseHeadWriter.statusLine(out, 200, "");
        assertThat(written()).isEqualTo("HTTP/1.1 200 \r\n");
    }

    @ParameterizedTest(name = "status {0} -> IllegalArgumentException")
    @ValueSource(ints = {-1, 0, 99, 600, 1000})
    void statusOutOfRange(int status) {
        assertThatThrownBy(() -> ResponseHeadWriter.statusLine(out, status, null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(out.size()).isZero();
    }

    @ParameterizedTest(name = "reason with U+{0} -> IllegalArgumentException")
    @ValueSource(ints = {0x0D, 0x0A, 0x00, 0x01, 0x1F, 0x7F})
    void reasonWithControlCharacter(int c) {
        assertThatThrownBy(() -> ResponseHeadWriter.statusLine(out, 200, "OK" + (char) c + "Set-Cookie: x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(out.size()).isZero();
    }

    // ---------------------------------------------------------------- fields (RFC 9110 §5)

    @Test
    void header() {
        ResponseHeadWriter.header(out, "Content-Type", "text/plain; charset=utf-8");
        ResponseHeadWriter.header(out, "X-Empty", "");
        ResponseHeadWriter.header(out, "X-Tab", "a\tb");
        ResponseHeadWriter.header(out, "X-Latin1", "caf\u00e9");
        assertThat(written()).isEqualTo(
                "Content-Type: text/plain; charset=utf-8\r\nX-Empty: \r\nX-Tab: a\tb\r\nX-Latin1: caf\u00e9\r\n");
    }

    @Test
    void tokenNamesWithEveryTchar() {
        ResponseHeadWriter.header(out, "!#$%&'*+-.^_`|~09azAZ", "v");
        assertThat(written()).isEqualTo("!#$%&'*+-.^_`|~09azAZ: v\r\n");
    }

    @ParameterizedTest(name = "RFC 9110 §5.1: invalid name \"{0}\" -> IllegalArgumentException")
    @ValueSource(strings = {"", " ", "X Y", "X:", "X\r\nY", "X\n", "X\0", "X(", "X\"", "X/Y", "X\u00e9", "X\u0100", "X\u010a"})
    void invalidNames(String name) {
        assertThatThrownBy(() -> ResponseHeadWriter.header(out, name, "v")).isInstanceOf(IllegalArgumentException.class);
        assertThat(out.size()).isZero();
    }

    @ParameterizedTest(name = "response splitting: value with U+{0} -> IllegalArgumentException")
    @ValueSource(ints = {0x0D, 0x0A, 0x00, 0x01, 0x08, 0x0B, 0x0C, 0x1B, 0x1F, 0x7F})
    void valuesWithControlCharacters(int c) {
        String value = "a" + (char) c + "Set-Cookie: evil=1";
        assertThatThrownBy(() -> ResponseHeadWriter.header(out, "X", value)).isInstanceOf(IllegalArgumentException.class);
        assertThat(out.size()).isZero();
    }

    @Test
    void responseSplittingAttemptIsRefusedWholesale() {
        ResponseHeadWriter.header(out, "A", "1");
        int before = out.size();
        assertThatThrownBy(() -> ResponseHeadWriter.header(out, "Location", "/x\r\n\r\nHTTP/1.1 200 OK\r\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("\r")
                .hasMessageNotContaining("\n");
        assertThat(out.size()).isEqualTo(before);
    }

    @ParameterizedTest(name = "char U+{0} above Latin-1 is written as '?', never as its low byte")
    @ValueSource(ints = {0x010A, 0x010D, 0x0100, 0x2028, 0xFF0A, 0xD83D})
    void charsAboveLatin1BecomeQuestionMarks(int c) {
        ResponseHeadWriter.header(out, "X", "a" + (char) c + "b");
        assertThat(written()).isEqualTo("X: a?b\r\n");
    }

    @Test
    void preEncodedNameWithNumber() {
        byte[] contentLength = ResponseHeadWriter.encodeName("Content-Length");
        assertThat(new String(contentLength, ISO_8859_1)).isEqualTo("Content-Length: ");
        ResponseHeadWriter.header(out, contentLength, 0);
        ResponseHeadWriter.header(out, contentLength, 1234567890123L);
        assertThat(written()).isEqualTo("Content-Length: 0\r\nContent-Length: 1234567890123\r\n");
    }

    @Test
    void encodeLineValidates() {
        assertThat(new String(ResponseHeadWriter.encodeLine("Server", "peregrine"), ISO_8859_1)).isEqualTo("Server: peregrine\r\n");
        assertThatThrownBy(() -> ResponseHeadWriter.encodeLine("Server", "a\nb")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ResponseHeadWriter.encodeName("Bad Name")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rawLineAndEnd() {
        ResponseHeadWriter.statusLine(out, 204, null);
        ResponseHeadWriter.rawLine(out, "Connection: close\r\n".getBytes(ISO_8859_1));
        ResponseHeadWriter.end(out);
        assertThat(written()).isEqualTo("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
    }

    @Test
    void writtenHeadIsParsedBackByTheRequestFieldRules() {
        // the writer's output obeys the same field grammar the parser enforces
        ResponseHeadWriter.header(out, "Host", "example.com");
        ResponseHeadWriter.header(out, "X-A", "a\tb \u00e9");
        byte[] fields = out.toByteArray();
        byte[] raw = new byte[16 + fields.length + 2];
        System.arraycopy("GET / HTTP/1.1\r\n".getBytes(ISO_8859_1), 0, raw, 0, 16);
        System.arraycopy(fields, 0, raw, 16, fields.length);
        raw[raw.length - 2] = '\r';
        raw[raw.length - 1] = '\n';
        RequestHead head = new RequestHead();
        assertThat(new RequestHeadParser(100, 100, 10).parse(raw, 0, raw.length, head)).isEqualTo(raw.length);
        assertThat(head.headers().get("x-a")).isEqualTo("a\tb \u00e9");
    }

    // ---------------------------------------------------------------- chunked (RFC 9112 §7.1)

    @ParameterizedTest(name = "chunk of {0} bytes -> \"{1}\"")
    @CsvSource({"1,1", "9,9", "10,a", "15,f", "16,10", "255,ff", "4096,1000", "2147483647,7fffffff"})
    void chunkHeader(int length, String hex) {
        ResponseHeadWriter.chunkHeader(out, length);
        assertThat(written()).isEqualTo(hex + "\r\n");
    }

    @ParameterizedTest(name = "chunk of {0} bytes -> IllegalArgumentException (would be the last-chunk)")
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    void chunkHeaderRejectsNonPositiveLengths(int length) {
        assertThatThrownBy(() -> ResponseHeadWriter.chunkHeader(out, length)).isInstanceOf(IllegalArgumentException.class);
        assertThat(out.size()).isZero();
    }

    @Test
    void chunkedBody() {
        ResponseHeadWriter.chunkHeader(out, 5);
        out.putAscii("hello");
        ResponseHeadWriter.chunkEnd(out);
        ResponseHeadWriter.lastChunk(out, null);
        assertThat(written()).isEqualTo("5\r\nhello\r\n0\r\n\r\n");
    }

    @Test
    void lastChunkWithTrailers() {
        ResponseHeadWriter.lastChunk(out, Headers.of("Grpc-Status", "0", "X-Sum", "abc def"));
        assertThat(written()).isEqualTo("0\r\nGrpc-Status: 0\r\nX-Sum: abc def\r\n\r\n");
    }

    @Test
    void lastChunkWithEmptyTrailers() {
        ResponseHeadWriter.lastChunk(out, new Headers());
        assertThat(written()).isEqualTo("0\r\n\r\n");
    }

    @Test
    void lastChunkRefusesInvalidTrailersWithoutWritingAnything() {
        assertThatThrownBy(() -> ResponseHeadWriter.lastChunk(out, Headers.of("A", "1", "B", "x\r\ny: z")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ResponseHeadWriter.lastChunk(out, Headers.of("A B", "1")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(out.size()).isZero();
    }

    @Test
    void chunkedRoundTripThroughTheDecoder() {
        ResponseHeadWriter.chunkHeader(out, 3);
        out.putAscii("abc");
        ResponseHeadWriter.chunkEnd(out);
        ResponseHeadWriter.chunkHeader(out, 26);
        out.putAscii("abcdefghijklmnopqrstuvwxyz");
        ResponseHeadWriter.chunkEnd(out);
        ResponseHeadWriter.lastChunk(out, Headers.of("Trailer-One", "1"));
        ChunkedDecoder d = new ChunkedDecoder(64, 1024, 8);
        byte[] dst = new byte[64];
        assertThat(d.decode(out.array(), 0, out.size(), dst, 0, dst.length)).isEqualTo(out.size());
        assertThat(d.isDone()).isTrue();
        assertThat(new String(dst, 0, d.produced(), ISO_8859_1)).isEqualTo("abcabcdefghijklmnopqrstuvwxyz");
        assertThat(d.trailers().get("trailer-one")).isEqualTo("1");
    }
}
