package dev.peregrine.http1;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.peregrine.api.Headers;
import dev.peregrine.exchange.WriteBuffer;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ChunkedDecoderTest {

    static final int MAX_LINE = 64;
    static final int MAX_TRAILER_BYTES = 128;
    static final int MAX_TRAILER_COUNT = 4;

    final ChunkedDecoder decoder = new ChunkedDecoder(MAX_LINE, MAX_TRAILER_BYTES, MAX_TRAILER_COUNT);

    static byte[] bytes(String s) {
        return s.getBytes(ISO_8859_1);
    }

    /** Decodes all of {@code in} in one call into a large array; asserts everything was consumed. */
    String decodeAll(String in) {
        byte[] src = bytes(in);
        byte[] dst = new byte[src.length];
        int consumed = decoder.decode(src, 0, src.length, dst, 0, dst.length);
        assertThat(consumed).as("consumed").isEqualTo(src.length);
        assertThat(decoder.isDone()).as("done").isTrue();
        return new String(dst, 0, decoder.produced(), ISO_8859_1);
    }

    /** Feeds {@code in} in pieces of {@code srcStep} bytes, offering {@code dstStep} bytes of room per call. */
    static String decodeInSteps(ChunkedDecoder d, byte[] src, int srcStep, int dstStep) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] dst = new byte[dstStep];
        int pos = 0;
        int idle = 0;
        while (!d.isDone()) {
            int limit = Math.min(src.length, pos + srcStep);
            int n = d.decode(src, pos, limit, dst, 0, dst.length);
            out.write(dst, 0, d.produced());
            pos += n;
            if (n == 0 && d.produced() == 0 && !d.isDone()) {
                assertThat(pos).as("stuck before the end of the input").isEqualTo(src.length);
                if (++idle > 1) {
                    break;
                }
            }
        }
        assertThat(d.isDone()).as("done").isTrue();
        assertThat(pos).as("consumed").isEqualTo(src.length);
        return out.toString(ISO_8859_1);
    }

    // ---------------------------------------------------------------- accepted

    static Stream<Arguments> accepted() {
        return Stream.of(
                arguments("RFC 9112 §7.1: one chunk", "5\r\nhello\r\n0\r\n\r\n", "hello"),
                arguments("RFC 9112 §7.1: two chunks", "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world"),
                arguments("RFC 9112 §7.1: no chunks, only last-chunk", "0\r\n\r\n", ""),
                arguments("RFC 9112 §7.1: upper-case hex", "A\r\n0123456789\r\n0\r\n\r\n", "0123456789"),
                arguments("RFC 9112 §7.1: lower-case hex", "a\r\n0123456789\r\n0\r\n\r\n", "0123456789"),
                arguments("RFC 9112 §7.1: leading zeros", "0005\r\nhello\r\n0\r\n\r\n", "hello"),
                arguments("RFC 9112 §7.1: 16 hex digits", "0000000000000005\r\nhello\r\n0000000000000000\r\n\r\n", "hello"),
                arguments("RFC 9112 §7.1: last-chunk of zeros", "5\r\nhello\r\n000\r\n\r\n", "hello"),
                arguments("RFC 9112 §7.1: data holding CRLF and NUL", "6\r\n\r\n\0\r\n\r\r\n0\r\n\r\n", "\r\n\0\r\n\r"),
                arguments("RFC 9112 §7.1: data holding obs-text", "2\r\n\u00ff\u0080\r\n0\r\n\r\n", "\u00ff\u0080"),
                arguments("RFC 9112 §7.1.1: ext name", "5;a\r\nhello\r\n0\r\n\r\n", "hello"),
                arguments("RFC 9112 §7.1.1: ext name=token", "5;name=value\r\nhello\r\n0\r\n\r\n", "hello"),
                arguments("RFC 9112 §7.1.1: ext quoted-string", "5;a=\"b c;d\"\r\nhello\r\n0\r\n\r\n", "hello"),
                arguments("RFC 9112 §7.1.1: ext quoted-pair", "5;a=\"x\\\"y\\\\\"\r\nhello\r\n0\r\n\r\n", "hello"),
                arguments("RFC 9112 §7.1.1: ext empty quoted-string", "5;a=\"\"\r\nhello\r\n0\r\n\r\n", "hello"),
                arguments("RFC 9112 §7.1.1: several exts", "5;a;b=c;d=\"e\"\r\nhello\r\n0;z\r\n\r\n", "hello"),
                arguments("RFC 9112 §7.1.1: BWS around ';' and '='", "5 ; a = b\t;\tc = \"d\"\r\nhello\r\n0\r\n\r\n", "hello"),
                arguments("RFC 9112 §7.1.1: BWS after quoted value then ';'", "5;a=\"b\" ;c\r\nhello\r\n0\r\n\r\n", "hello"),
                arguments("RFC 9112 §7.1.1: ext on last-chunk", "0;final=yes\r\n\r\n", ""),
                arguments("RFC 9112 §7.1.1: ext with obs-text quoted", "1;a=\"\u00e9\"\r\nx\r\n0\r\n\r\n", "x"),
                arguments("RFC 9112 §7.1.2: one trailer", "5\r\nhello\r\n0\r\nX-Sum: abc\r\n\r\n", "hello"),
                arguments("RFC 9112 §7.1.2: trailers at the count limit",
                        "0\r\n" + "A: 1\r\n".repeat(MAX_TRAILER_COUNT) + "\r\n", ""),
                arguments("RFC 9112 §7.1.2: trailer with OWS and empty value", "0\r\nA:  \t\r\nB:x\r\n\r\n", ""),
                arguments("chunk line at the length limit", "5;" + "a".repeat(MAX_LINE - 2) + "\r\nhello\r\n0\r\n\r\n", "hello"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void decodesInOneCall(String name, String in, String expected) {
        assertThat(decodeAll(in)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "byte by byte: {0}")
    @MethodSource("accepted")
    void decodesByteByByte(String name, String in, String expected) {
        assertThat(decodeInSteps(decoder, bytes(in), 1, 1)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "every split point: {0}")
    @MethodSource("accepted")
    void decodesAtEverySplitPoint(String name, String in, String expected) {
        byte[] src = bytes(in);
        for (int split = 0; split <= src.length; split++) {
            ChunkedDecoder d = new ChunkedDecoder(MAX_LINE, MAX_TRAILER_BYTES, MAX_TRAILER_COUNT);
            byte[] dst = new byte[src.length];
            int n1 = d.decode(src, 0, split, dst, 0, dst.length);
            int p1 = d.produced();
            assertThat(n1).as("split %d", split).isEqualTo(split);
            int n2 = d.decode(src, split, src.length, dst, p1, dst.length - p1);
            assertThat(n1 + n2).isEqualTo(src.length);
            assertThat(d.isDone()).isTrue();
            assertThat(new String(dst, 0, p1 + d.produced(), ISO_8859_1)).as("split %d", split).isEqualTo(expected);
        }
    }

    // ---------------------------------------------------------------- rejected

    static Stream<Arguments> rejected() {
        return Stream.of(
                arguments("RFC 9112 §7.1: empty chunk-size -> 400", "\r\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9112 §7.1: non-hex size -> 400", "g\r\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9112 §7.1: negative size -> 400", "-1\r\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9112 §7.1: size with '+' -> 400", "+5\r\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9112 §7.1: size with 0x prefix -> 400", "0x5\r\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9112 §7.1: leading SP before size -> 400", " 5\r\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9112 §7.1: 17 hex digits -> 400", "00000000000000005\r\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9112 §7.1: size overflowing a long -> 400", "8000000000000000\r\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9112 §7.1: size ffffffffffffffff -> 400", "ffffffffffffffff\r\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9112 §7.1: size then junk -> 400", "5x\r\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9112 §7.1.1: BWS after size without ext -> 400", "5 \r\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9112 §7.1.1: size SP digit -> 400", "5 5\r\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9112 §7.1.1: empty ext name -> 400", "5;\r\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9112 §7.1.1: ext starting with '=' -> 400", "5;=x\r\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9112 §7.1.1: ext empty value -> 400", "5;a=\r\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9112 §7.1.1: ext value with SP inside -> 400", "5;a=b c\r\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9112 §7.1.1: ext name then SP then name -> 400", "5;a b\r\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9112 §7.1.1: ext name then BWS then CRLF -> 400", "5;a \r\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9112 §7.1.1: ext token then BWS then CRLF -> 400", "5;a=b \r\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9112 §7.1.1: quoted value then BWS then CRLF -> 400", "5;a=\"b\" \r\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9112 §7.1.1: ext '=' twice -> 400", "5;a=b=c\r\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9112 §7.1.1: ext value then BWS '=' -> 400", "5;a=b =c\r\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9112 §7.1.1: ext name with '/' -> 400", "5;a/b\r\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9112 §7.1.1: ext value with '\"' inside token -> 400", "5;a=b\"\r\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9112 §7.1.1: unterminated quoted-string -> 400", "5;a=\"b\r\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9112 §7.1.1: junk after quoted-string -> 400", "5;a=\"b\"c\r\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9110 §5.6.4: control char in quoted-string -> 400", "5;a=\"\u0001\"\r\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9110 §5.6.4: quoted-pair of LF -> 400", "5;a=\"\\\n\"\r\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9112 §7.1.1: NUL in ext -> 400", "5;a\0\r\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9112 §2.2: bare LF after size -> 400", "5\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9112 §2.2: bare CR after size -> 400", "5\rhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9112 §2.2: bare LF after ext -> 400", "5;a=b\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9112 §2.2: bare LF after last-chunk -> 400", "0\n\r\n", 400),
                arguments("RFC 9112 §7.1: data longer than size -> 400", "3\r\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9112 §7.1: data shorter than size -> 400", "7\r\nhello\r\n0\r\n\r\n", 400),
                arguments("RFC 9112 §7.1: data then bare LF -> 400", "5\r\nhello\n0\r\n\r\n", 400),
                arguments("RFC 9112 §7.1: data then bare CR -> 400", "5\r\nhello\r0\r\n\r\n", 400),
                arguments("RFC 9112 §7.1: data then nothing, next size -> 400", "5\r\nhello0\r\n\r\n", 400),
                arguments("chunk line over limit -> 400", "5;" + "a".repeat(MAX_LINE - 1) + "\r\nhello\r\n0\r\n\r\n", 400),
                arguments("chunk size line of zeros over limit -> 400", "0".repeat(MAX_LINE + 1) + "\r\n\r\n", 400),
                arguments("RFC 9112 §2.2: bare LF ends trailer field -> 400", "0\r\nA: b\n\r\n", 400),
                arguments("RFC 9112 §2.2: bare LF as final empty line -> 400", "0\r\nA: b\r\n\n", 400),
                arguments("RFC 9112 §2.2: bare CR in trailer value -> 400", "0\r\nA: b\rc\r\n\r\n", 400),
                arguments("RFC 9112 §2.2: CR CR LF in trailer -> 400", "0\r\nA: b\r\r\n\r\n", 400),
                arguments("RFC 9112 §5.2: obs-fold in trailer -> 400", "0\r\nA: b\r\n c\r\n\r\n", 400),
                arguments("RFC 9112 §5.1: SP before colon in trailer -> 400", "0\r\nA : b\r\n\r\n", 400),
                arguments("RFC 9110 §5.1: empty trailer name -> 400", "0\r\n: b\r\n\r\n", 400),
                arguments("RFC 9112 §5: trailer without colon -> 400", "0\r\nAb\r\n\r\n", 400),
                arguments("RFC 9110 §5.5: NUL in trailer value -> 400", "0\r\nA: \0\r\n\r\n", 400),
                arguments("RFC 9110 §5.5: DEL in trailer value -> 400", "0\r\nA: \u007f\r\n\r\n", 400),
                arguments("trailer count over limit -> 431", "0\r\n" + "A: 1\r\n".repeat(MAX_TRAILER_COUNT + 1) + "\r\n", 431),
                arguments("trailer section over limit -> 431", "0\r\nA: " + "v".repeat(MAX_TRAILER_BYTES) + "\r\n\r\n", 431));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void rejects(String name, String in, int status) {
        byte[] src = bytes(in);
        HttpParseException e = catchThrowableOfType(HttpParseException.class,
                () -> decoder.decode(src, 0, src.length, new byte[src.length], 0, src.length));
        assertThat(e).as("expected a rejection").isNotNull();
        assertThat(e.status()).isEqualTo(status);
    }

    @ParameterizedTest(name = "byte by byte: {0}")
    @MethodSource("rejected")
    void rejectsByteByByte(String name, String in, int status) {
        byte[] src = bytes(in);
        HttpParseException e = catchThrowableOfType(HttpParseException.class,
                () -> decodeInSteps(decoder, src, 1, 1));
        assertThat(e).as("expected a rejection").isNotNull();
        assertThat(e.status()).isEqualTo(status);
    }

    // ---------------------------------------------------------------- behaviour

    @Test
    void trailersAreLowerCasedAndInterned() {
        decodeAll("3\r\nabc\r\n0\r\nServer-Timing: db;dur=53\r\nX-Checksum:  abc \r\nGRPC-STATUS: 0\r\n\r\n");
        Headers t = decoder.trailers();
        assertThat(t.size()).isEqualTo(3);
        assertThat(t.name(0)).isSameAs("server-timing");
        assertThat(t.value(0)).isEqualTo("db;dur=53");
        assertThat(t.name(1)).isEqualTo("x-checksum");
        assertThat(t.value(1)).isEqualTo("abc");
        assertThat(t.name(2)).isSameAs("grpc-status");
    }

    @Test
    void trailersSurviveByteByByteInput() {
        String in = "1\r\nx\r\n0\r\nA-B: c d\r\nE:\u00e9\r\n\r\n";
        decodeInSteps(decoder, bytes(in), 1, 1);
        assertThat(decoder.trailers().get("a-b")).isEqualTo("c d");
        assertThat(decoder.trailers().get("e")).isEqualTo("\u00e9");
    }

    @Test
    void noTrailersGiveAnEmptyHeaders() {
        decodeAll("0\r\n\r\n");
        assertThat(decoder.trailers().isEmpty()).isTrue();
    }

    @Test
    void bytesAfterTheBodyAreLeftForTheNextRequest() {
        String body = "5\r\nhello\r\n0\r\n\r\n";
        byte[] src = bytes(body + "GET / HTTP/1.1\r\n");
        byte[] dst = new byte[64];
        int n = decoder.decode(src, 0, src.length, dst, 0, dst.length);
        assertThat(n).isEqualTo(body.length());
        assertThat(decoder.isDone()).isTrue();
        assertThat(decoder.decode(src, n, src.length, dst, 0, dst.length)).isZero();
        assertThat(decoder.produced()).isZero();
    }

    @Test
    void fullDestinationStopsTheDataButNotTheFraming() {
        byte[] src = bytes("5\r\nhello\r\n0\r\n\r\n");
        byte[] dst = new byte[5];
        int n = decoder.decode(src, 0, src.length, dst, 0, 3);
        assertThat(decoder.produced()).isEqualTo(3);
        assertThat(n).isEqualTo(3 + 3); // "5\r\n" and "hel"
        assertThat(decoder.isDone()).isFalse();
        int m = decoder.decode(src, n, src.length, dst, 3, 2);
        assertThat(decoder.produced()).isEqualTo(2);
        assertThat(n + m).isEqualTo(src.length); // the framing after the data was consumed too
        assertThat(decoder.isDone()).isTrue();
        assertThat(new String(dst, ISO_8859_1)).isEqualTo("hello");
    }

    @Test
    void zeroRoomInDestinationConsumesOnlyFraming() {
        byte[] src = bytes("5\r\nhello\r\n0\r\n\r\n");
        assertThat(decoder.decode(src, 0, src.length, new byte[0], 0, 0)).isEqualTo(3);
        assertThat(decoder.produced()).isZero();
    }

    @Test
    void writesAtTheGivenOffset() {
        byte[] src = bytes("xx3\r\nabc\r\n0\r\n\r\nyy");
        byte[] dst = "--------".getBytes(ISO_8859_1);
        int n = decoder.decode(src, 2, src.length - 2, dst, 4, 4);
        assertThat(n).isEqualTo(src.length - 4);
        assertThat(new String(dst, ISO_8859_1)).isEqualTo("----abc-");
    }

    @Test
    void largeChunkAcrossManyReads() {
        byte[] data = new byte[100_000];
        new Random(42).nextBytes(data);
        WriteBuffer w = new WriteBuffer();
        ResponseHeadWriter.chunkHeader(w, data.length);
        w.put(data);
        ResponseHeadWriter.chunkEnd(w);
        ResponseHeadWriter.lastChunk(w, null);
        byte[] src = w.toByteArray();
        String expected = new String(data, ISO_8859_1);
        assertThat(decodeInSteps(decoder, src, 4096, 1000)).isEqualTo(expected);
        decoder.reset();
        assertThat(decodeInSteps(decoder, src, 777, 8192)).isEqualTo(expected);
    }

    @Test
    void randomSplitsAndDestinationSizes() {
        Random random = new Random(7);
        WriteBuffer w = new WriteBuffer();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            int len = 1 + random.nextInt(300);
            byte[] chunk = new byte[len];
            random.nextBytes(chunk);
            expected.append(new String(chunk, ISO_8859_1));
            ResponseHeadWriter.chunkHeader(w, len);
            w.put(chunk);
            ResponseHeadWriter.chunkEnd(w);
        }
        ResponseHeadWriter.lastChunk(w, Headers.of("X-Done", "yes"));
        byte[] src = w.toByteArray();
        for (int round = 0; round < 50; round++) {
            decoder.reset();
            int srcStep = 1 + random.nextInt(64);
            int dstStep = 1 + random.nextInt(64);
            assertThat(decodeInSteps(decoder, src, srcStep, dstStep)).isEqualTo(expected.toString());
            assertThat(decoder.trailers().get("x-done")).isEqualTo("yes");
        }
    }

    @Test
    void resetAllowsReuse() {
        decodeAll("3\r\nabc\r\n0\r\nA: 1\r\n\r\n");
        decoder.reset();
        assertThat(decoder.isDone()).isFalse();
        assertThat(decoder.trailers().isEmpty()).isTrue();
        assertThat(decodeAll("2\r\nde\r\n0\r\n\r\n")).isEqualTo("de");
    }

    @Test
    void resetAfterAPartialBody() {
        byte[] src = bytes("10\r\nabc");
        decoder.decode(src, 0, src.length, new byte[16], 0, 16);
        decoder.reset();
        assertThat(decodeAll("1\r\nz\r\n0\r\n\r\n")).isEqualTo("z");
    }

    @Test
    void trailerLimitTriggersBeforeTheLineEnds() {
        byte[] src = bytes("0\r\nA: " + "v".repeat(MAX_TRAILER_BYTES * 4));
        byte[] dst = new byte[8];
        int headLen = 3;
        // up to maxTrailerBytes + 2 buffered bytes are tolerated: the line could still end in time
        assertThat(decoder.decode(src, 0, headLen + MAX_TRAILER_BYTES + 2, dst, 0, dst.length))
                .isEqualTo(headLen + MAX_TRAILER_BYTES + 2);
        assertThatThrownBy(() -> decoder.decode(src, headLen + MAX_TRAILER_BYTES + 2, headLen + MAX_TRAILER_BYTES + 3, dst, 0, dst.length))
                .isInstanceOfSatisfying(HttpParseException.class, e -> assertThat(e.status()).isEqualTo(431));
    }

    @Test
    void trailerSectionAtTheLimitIsAccepted() {
        // field lines with CRLF count; the final empty line does not
        String line = "A: " + "v".repeat(MAX_TRAILER_BYTES - 5) + "\r\n";
        assertThat(line).hasSize(MAX_TRAILER_BYTES);
        decodeAll("0\r\n" + line + "\r\n");
        assertThat(decoder.trailers().get("a")).hasSize(MAX_TRAILER_BYTES - 5);
    }

    @Test
    void chunkLineLimitTriggersBeforeTheLineEnds() {
        byte[] src = bytes("1;" + "a".repeat(MAX_LINE * 2));
        byte[] dst = new byte[8];
        assertThat(decoder.decode(src, 0, MAX_LINE, dst, 0, dst.length)).isEqualTo(MAX_LINE);
        assertThatThrownBy(() -> decoder.decode(src, MAX_LINE, MAX_LINE + 1, dst, 0, dst.length))
                .isInstanceOfSatisfying(HttpParseException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    @Test
    void largestSizeIsAccepted() {
        byte[] src = bytes("7fffffffffffffff\r\nabc");
        byte[] dst = new byte[3];
        assertThat(decoder.decode(src, 0, src.length, dst, 0, 3)).isEqualTo(src.length);
        assertThat(decoder.produced()).isEqualTo(3);
        assertThat(decoder.isDone()).isFalse();
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> new ChunkedDecoder(0, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> decoder.decode(new byte[4], 0, 5, new byte[4], 0, 4))
                .isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> decoder.decode(new byte[4], 0, 4, new byte[4], 2, 4))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void splitTrailersOverManyCalls() {
        List<String> pieces = new ArrayList<>(List.of("0\r", "\nX", "-A", ": ", "1\r", "\n", "Y: 2", "\r\n\r", "\n"));
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (String p : pieces) {
            byte[] src = bytes(p);
            assertThat(decoder.decode(src, 0, src.length, new byte[1], 0, 1)).isEqualTo(src.length);
            all.writeBytes(src);
        }
        assertThat(decoder.isDone()).isTrue();
        assertThat(decoder.trailers().get("x-a")).isEqualTo("1");
        assertThat(decoder.trailers().get("y")).isEqualTo("2");
    }
}
