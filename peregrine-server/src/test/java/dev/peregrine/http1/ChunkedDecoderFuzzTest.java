package dev.peregrine.http1;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.peregrine.api.Headers;
import dev.peregrine.exchange.WriteBuffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Fuzz tests of {@link ChunkedDecoder} (RFC 9112 §7.1); see docs/fuzzing.md. Without
 * {@code JAZZER_FUZZ} they replay the seeds under {@code ChunkedDecoderFuzzTestInputs/}.
 */
class ChunkedDecoderFuzzTest {

    // Small limits, so that the fuzzer reaches the limit checks with short inputs.
    static final int MAX_LINE = 64;
    static final int MAX_TRAILER_BYTES = 256;
    static final int MAX_TRAILER_COUNT = 8;
    static final int GUARD = 8;

    /** What decoding one input came to: an error status, or the body read so far. */
    record Outcome(int status, int consumed, String data, boolean done, List<String> trailers) {

        static Outcome error(int status) {
            return new Outcome(status, -1, null, false, null);
        }
    }

    /**
     * Arbitrary bytes as a chunked body: the only exception is {@link HttpParseException} (400 or
     * 431); the decoder reads only {@code src[pos, limit)} and writes only {@code dst[off, off + len)};
     * and the outcome is the same in one call, byte by byte, and in random pieces with random room.
     */
    @FuzzTest
    void arbitraryBytes(byte[] input) {
        Outcome whole = oneCall(input, (byte) '\n');
        assertThat(oneCall(input, (byte) '0')).as("the bytes around the input changed the outcome").isEqualTo(whole);
        assertThat(inPieces(input, new Random(1), 1, 1)).as("byte by byte").isEqualTo(whole);
        assertThat(inPieces(input, new Random(Arrays.hashCode(input)), 9, 9)).as("random pieces").isEqualTo(whole);
        if (whole.status() == 0 && !whole.done()) {
            assertThat(whole.consumed()).as("an unfinished body with room to spare is consumed whole")
                    .isEqualTo(input.length);
        }
    }

    /**
     * A body written with the server's own chunk writer ({@link ResponseHeadWriter}), with
     * fuzzer-chosen chunks, extensions and trailers, decodes to the same data and trailers in
     * random pieces, and stops exactly at its end: the next request's bytes are left alone.
     */
    @FuzzTest
    void roundTrip(FuzzedDataProvider data) {
        WriteBuffer out = new WriteBuffer();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        int chunks = data.consumeInt(0, 6);
        for (int i = 0; i < chunks; i++) {
            byte[] chunk = data.consumeBytes(data.consumeInt(1, 300));
            if (chunk.length == 0) {
                break;
            }
            if (data.consumeBoolean()) {
                out.putHex(chunk.length).putAscii(extension(data)).put((byte) '\r').put((byte) '\n');
            } else {
                ResponseHeadWriter.chunkHeader(out, chunk.length);
            }
            out.put(chunk);
            ResponseHeadWriter.chunkEnd(out);
            expected.writeBytes(chunk);
        }
        Headers trailers = null;
        List<String> expectedTrailers = new ArrayList<>();
        int trailerCount = data.consumeInt(0, 4);
        if (trailerCount > 0) {
            trailers = new Headers();
            for (int i = 0; i < trailerCount; i++) {
                String name = token(data, 1, 16).toLowerCase(java.util.Locale.ROOT);
                String value = fieldValue(data, 32);
                trailers.add(name, value);
                expectedTrailers.add(name + ": " + value);
            }
        }
        ResponseHeadWriter.lastChunk(out, trailers);
        int bodyLength = out.size();
        out.putAscii("GET / HTTP/1.1\r\n");
        byte[] wire = out.toByteArray();

        ChunkedDecoder decoder = new ChunkedDecoder(MAX_LINE, MAX_TRAILER_BYTES, MAX_TRAILER_COUNT);
        Random random = new Random(data.consumeLong());
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] dst = new byte[64];
        int pos = 0;
        for (int calls = 0; !decoder.isDone(); calls++) {
            assertThat(calls).as("no progress").isLessThan(4 * wire.length + 16);
            int limit = Math.min(wire.length, pos + 1 + random.nextInt(40));
            int room = 1 + random.nextInt(dst.length - 1);
            int n = decoder.decode(wire, pos, limit, dst, 0, room);
            body.write(dst, 0, decoder.produced());
            pos += n;
        }
        assertThat(pos).as("consumed exactly the body").isEqualTo(bodyLength);
        assertThat(body.toByteArray()).isEqualTo(expected.toByteArray());
        assertThat(lines(decoder.trailers())).isEqualTo(expectedTrailers);
    }

    /** Decodes in one call, the input set in a larger array filled with {@code guard}. */
    static Outcome oneCall(byte[] input, byte guard) {
        byte[] src = surround(input, guard);
        byte[] before = src.clone();
        byte[] dst = new byte[input.length + 2 * GUARD];
        Arrays.fill(dst, (byte) 0x5A);
        ChunkedDecoder decoder = new ChunkedDecoder(MAX_LINE, MAX_TRAILER_BYTES, MAX_TRAILER_COUNT);
        try {
            int n = decoder.decode(src, GUARD, GUARD + input.length, dst, GUARD, input.length);
            assertThat(n).as("consumed").isBetween(0, input.length);
            int produced = decoder.produced();
            assertThat(produced).as("produced").isBetween(0, input.length);
            checkGuards(dst, GUARD, GUARD + input.length);
            return new Outcome(0, n, latin1(dst, GUARD, produced), decoder.isDone(), lines(decoder.trailers()));
        } catch (HttpParseException e) {
            return error(e);
        } finally {
            assertThat(src).as("the input was written to").isEqualTo(before);
        }
    }

    /**
     * Decodes in pieces of 1 to {@code maxPiece} bytes, with 0 to {@code maxRoom} bytes of room
     * (at least 1 after a call that made no progress), stopping when done or when the input is used up.
     */
    static Outcome inPieces(byte[] input, Random random, int maxPiece, int maxRoom) {
        byte[] src = surround(input, (byte) '\r');
        byte[] dst = new byte[maxRoom + 2 * GUARD];
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        ChunkedDecoder decoder = new ChunkedDecoder(MAX_LINE, MAX_TRAILER_BYTES, MAX_TRAILER_COUNT);
        int pos = 0;
        boolean stalled = false;
        try {
            for (int calls = 0; !decoder.isDone(); calls++) {
                assertThat(calls).as("no progress").isLessThan(4 * input.length + 16);
                int limit = Math.min(input.length, pos + 1 + random.nextInt(maxPiece));
                int room = random.nextInt(maxRoom + 1);
                if (stalled && room == 0) {
                    room = 1;
                }
                Arrays.fill(dst, (byte) 0x5A);
                int n = decoder.decode(src, GUARD + pos, GUARD + limit, dst, GUARD, room);
                assertThat(n).as("consumed").isBetween(0, limit - pos);
                int produced = decoder.produced();
                assertThat(produced).as("produced").isBetween(0, room);
                checkGuards(dst, GUARD, GUARD + room);
                data.write(dst, GUARD, produced);
                pos += n;
                if (pos == input.length && limit == pos && n == 0) {
                    break; // input used up
                }
                stalled = n == 0 && produced == 0;
            }
            return new Outcome(0, pos, data.toString(StandardCharsets.ISO_8859_1), decoder.isDone(),
                    lines(decoder.trailers()));
        } catch (HttpParseException e) {
            return error(e);
        }
    }

    static Outcome error(HttpParseException e) {
        assertThat(e.status()).as("status of %s", e).isIn(400, 431);
        return Outcome.error(e.status());
    }

    static byte[] surround(byte[] input, byte guard) {
        byte[] src = new byte[input.length + 2 * GUARD];
        Arrays.fill(src, guard);
        System.arraycopy(input, 0, src, GUARD, input.length);
        return src;
    }

    /** Asserts that nothing outside {@code [from, to)} of a 0x5A-filled array was written. */
    static void checkGuards(byte[] dst, int from, int to) {
        for (int i = 0; i < dst.length; i++) {
            if (i < from || i >= to) {
                assertThat(dst[i]).as("dst[%d] is outside the room given", i).isEqualTo((byte) 0x5A);
            }
        }
    }

    static String latin1(byte[] b, int off, int len) {
        return new String(b, off, len, StandardCharsets.ISO_8859_1);
    }

    static List<String> lines(Headers headers) {
        List<String> lines = new ArrayList<>();
        headers.forEach((n, v) -> lines.add(n + ": " + v));
        return lines;
    }

    // ---- valid pieces of RFC 9112 §7.1.1 chunk extensions and RFC 9110 §5 fields ----

    static final String TCHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

    static String token(FuzzedDataProvider data, int min, int max) {
        int n = data.consumeInt(min, max);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(TCHARS.charAt(data.consumeInt(0, TCHARS.length() - 1)));
        }
        return sb.toString();
    }

    /** A field value of VCHAR, obs-text and inner SP / HTAB: what a recipient keeps after trimming OWS. */
    static String fieldValue(FuzzedDataProvider data, int max) {
        int n = data.consumeInt(0, max);
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            int c = data.consumeInt(0x20, 0xFF);
            if (c == 0x7F || (c == ' ' && (i == 0 || i == n - 1))) {
                c = 'x';
            }
            sb.append((char) c);
        }
        return sb.toString();
    }

    /** {@code *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] )}, at most ~40 bytes. */
    static String extension(FuzzedDataProvider data) {
        StringBuilder sb = new StringBuilder();
        for (int i = data.consumeInt(1, 2); i > 0; i--) {
            sb.append(data.consumeBoolean() ? " ;" : ";").append(data.consumeBoolean() ? "\t" : "");
            sb.append(token(data, 1, 6));
            switch (data.consumeInt(0, 2)) {
                case 1 -> sb.append(data.consumeBoolean() ? " = " : "=").append(token(data, 1, 6));
                case 2 -> sb.append('=').append('"').append(quoted(data)).append('"');
                default -> { }
            }
        }
        return sb.toString();
    }

    static String quoted(FuzzedDataProvider data) {
        StringBuilder sb = new StringBuilder();
        for (int i = data.consumeInt(0, 6); i > 0; i--) {
            char c = (char) data.consumeInt(0x20, 0x7E);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
