package dev.peregrine.qpack;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.peregrine.api.Headers;
import dev.peregrine.hpack.HpackWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Fuzz tests of QPACK (RFC 9204): {@link QpackDecoder} on the peer's encoder stream and field
 * sections, {@link QpackEncoder} against it, and the encoder's decoder-stream parser; see
 * docs/fuzzing.md. Without {@code JAZZER_FUZZ} they replay the seeds under
 * {@code QpackFuzzTestInputs/}.
 */
class QpackFuzzTest {

    static final int[] CAPACITIES = {0, 220, 4096, 64};
    static final long[] SECTION_LIMITS = {Long.MAX_VALUE, 4096, 256, 64};
    static final int MAX_BLOCKED = 2;
    static final int GUARD = 8;

    /** One decoder fed the input, with its sink and decoder-stream output. */
    static final class Connection {
        final QpackDecoder decoder;
        final ByteArrayOutputStream decoderStream = new ByteArrayOutputStream();
        final byte guard;
        final boolean byteByByte;
        final List<String> results = new ArrayList<>();
        boolean failed;

        Connection(int capacity, long sectionLimit, byte guard, boolean byteByByte) {
            this.decoder = new QpackDecoder(capacity, MAX_BLOCKED, sectionLimit, decoderStream::write);
            this.guard = guard;
            this.byteByByte = byteByByte;
        }

        byte[] guarded(byte[] b) {
            byte[] buf = new byte[b.length + 2 * GUARD];
            Arrays.fill(buf, guard);
            System.arraycopy(b, 0, buf, GUARD, b.length);
            return buf;
        }

        void encoderStream(byte[] b) {
            byte[] buf = guarded(b);
            try {
                if (byteByByte) {
                    for (int i = 0; i < b.length; i++) {
                        decoder.onEncoderStream(buf, GUARD + i, 1);
                    }
                } else {
                    decoder.onEncoderStream(buf, GUARD, b.length);
                }
                results.add("table " + QpackTestSupport.entries(decoder.table()));
            } catch (QpackException e) {
                fail(e);
            }
        }

        /** Decodes a section, never waiting: a section that would block fails at once. */
        List<String> section(long streamId, byte[] b) throws InterruptedException {
            byte[] buf = guarded(b);
            QpackTestSupport.Fields fields = new QpackTestSupport.Fields();
            try {
                QpackDecoder.Outcome outcome = decoder.decode(streamId, buf, GUARD, b.length, fields, System.nanoTime());
                results.add(outcome + " " + fields.lines);
                return outcome == QpackDecoder.Outcome.DECODED ? fields.lines : null;
            } catch (QpackException e) {
                fail(e);
                return null;
            }
        }

        void fail(QpackException e) {
            assertThat(e.errorCode()).as("error code of %s", e)
                    .isIn(QpackException.QPACK_DECOMPRESSION_FAILED, QpackException.QPACK_ENCODER_STREAM_ERROR);
            results.add("error " + e.errorCode());
            failed = true;
        }
    }

    /**
     * The peer's encoder stream and field sections, interleaved. Input: one byte choosing the
     * table capacity we advertise (bits 0-1) and our field section limit (bits 2-3), then records
     * of a kind byte, a length byte and that many bytes (the last possibly shorter): an even kind
     * is encoder-stream bytes, an odd one a field section on stream {@code 4 * (kind >> 1)}.
     *
     * <p>Only {@link QpackException} is thrown, with a decoder's error code; reads stay inside
     * each fragment (a decoder whose input sits among other guard bytes agrees); the encoder
     * stream may be split anywhere (fed a byte at a time it builds the same table and fails at
     * the same record); the table keeps its size within its capacity; every section a decoder
     * with a field section limit delivers is the prefix of the unlimited decoder's fields that
     * fits the limit; and our decoder-stream bytes are well formed, acknowledging only sections
     * that referenced the table.
     */
    @FuzzTest
    void decodeStreams(byte[] input) throws InterruptedException {
        if (input.length == 0) {
            return;
        }
        int capacity = CAPACITIES[input[0] & 3];
        long limit = SECTION_LIMITS[(input[0] >> 2) & 3];
        Connection a = new Connection(capacity, limit, (byte) 0x00, false);
        Connection b = new Connection(capacity, limit, (byte) 0xFF, true);
        Connection u = new Connection(capacity, Long.MAX_VALUE, (byte) 0x80, false);
        List<Long> acknowledged = new ArrayList<>();
        for (int p = 1; p + 1 < input.length && !a.failed; ) {
            int kind = input[p] & 0xFF;
            int len = Math.min(input[p + 1] & 0xFF, input.length - p - 2);
            byte[] record = Arrays.copyOfRange(input, p + 2, p + 2 + len);
            p += 2 + len;
            if ((kind & 1) == 0) {
                a.encoderStream(record);
                b.encoderStream(record);
                u.encoderStream(record);
            } else {
                long streamId = 4L * (kind >> 1);
                a.section(streamId, record);
                b.section(streamId, record);
                List<String> all = u.section(streamId, record);
                if (all != null && !a.failed) {
                    List<String> fitting = prefixWithin(all, limit);
                    String expected = (fitting.size() == all.size() ? "DECODED " : "TOO_LARGE ") + fitting;
                    assertThat(a.results.getLast()).as("the fields within the section limit").isEqualTo(expected);
                }
                if (!a.failed && sectionReferencesTable(record)) {
                    acknowledged.add(streamId);
                }
            }
            assertThat(b.results).as("split encoder stream, other guard bytes").isEqualTo(a.results);
            assertThat(a.failed).as("fails like the unlimited decoder").isEqualTo(u.failed);
            checkTable(a.decoder.table(), capacity);
        }
        List<Long> acks = new ArrayList<>();
        long incrementsA = parseDecoderStream(a.decoderStream.toByteArray(), acks);
        assertThat(acks).as("Section Acknowledgments").isEqualTo(acknowledged);
        if (!a.failed) {
            // After an encoder-stream error the connection closes; the inserts of the failing
            // call are then never acknowledged, and how many those are depends on the split.
            assertThat(parseDecoderStream(b.decoderStream.toByteArray(), new ArrayList<>()))
                    .as("inserts acknowledged, however the encoder stream was split").isEqualTo(incrementsA);
        }
        assertThat(a.decoderStream.toByteArray()).isEqualTo(u.decoderStream.toByteArray());
        assertThat(incrementsA).isLessThanOrEqualTo(a.decoder.table().insertCount());
    }

    /**
     * Fuzzer-built responses, requests and trailers through our (static-table-only) encoder and
     * back through our decoder: the same fields, names lower-cased, and nothing on the decoder
     * stream, since nothing referenced the dynamic table.
     */
    @FuzzTest
    void roundTrip(FuzzedDataProvider data) throws Exception {
        QpackEncoder encoder = new QpackEncoder();
        ByteArrayOutputStream decoderStream = new ByteArrayOutputStream();
        QpackDecoder decoder = new QpackDecoder(0, 0, Long.MAX_VALUE, decoderStream::write);
        HpackWriter out = new HpackWriter();
        for (int sections = data.consumeInt(1, 6); sections > 0 && data.remainingBytes() > 0; sections--) {
            out.reset();
            List<String> expected = new ArrayList<>();
            Headers headers = new Headers();
            switch (data.consumeInt(0, 2)) {
                case 0 -> {
                    int status = data.consumeInt(100, 999);
                    expected.add(":status: " + status);
                    fields(data, headers, expected);
                    encoder.encode(status, headers, out);
                }
                case 1 -> {
                    String method = data.consumeBoolean() ? "GET" : token(data);
                    String scheme = data.consumeBoolean() ? "https" : null;
                    String authority = data.consumeBoolean() ? value(data) : null;
                    String path = data.consumeBoolean() ? value(data) : null;
                    expected.add(":method: " + method);
                    if (scheme != null) {
                        expected.add(":scheme: " + scheme);
                    }
                    if (authority != null) {
                        expected.add(":authority: " + authority);
                    }
                    if (path != null) {
                        expected.add(":path: " + path);
                    }
                    fields(data, headers, expected);
                    encoder.encodeRequest(method, scheme, authority, path, headers, out);
                }
                default -> {
                    fields(data, headers, expected);
                    encoder.encodeTrailers(headers, out);
                }
            }
            QpackTestSupport.Fields fields = new QpackTestSupport.Fields();
            byte[] section = out.toByteArray();
            assertThat(decoder.decode(0, section, 0, section.length, fields, QpackTestSupport.FOREVER))
                    .isEqualTo(QpackDecoder.Outcome.DECODED);
            assertThat(fields.lines).isEqualTo(expected);
        }
        assertThat(decoderStream.size()).as("decoder stream").isZero();
    }

    /**
     * Arbitrary bytes as the peer's decoder stream, read by our encoder (§4.4): only
     * QPACK_DECODER_STREAM_ERROR, and the same verdict whether the bytes come at once or one by one.
     */
    @FuzzTest
    void encoderReadsDecoderStream(byte[] input) {
        String whole = decoderStreamVerdict(input, input.length);
        assertThat(decoderStreamVerdict(input, 1)).as("byte by byte").isEqualTo(whole);
    }

    static String decoderStreamVerdict(byte[] input, int piece) {
        QpackEncoder encoder = new QpackEncoder();
        try {
            for (int i = 0; i < input.length; i += piece) {
                encoder.onDecoderStream(input, i, Math.min(piece, input.length - i));
            }
            return "ok";
        } catch (QpackException e) {
            assertThat(e.errorCode()).isEqualTo(QpackException.QPACK_DECODER_STREAM_ERROR);
            return "error";
        }
    }

    /** Whether a section's Required Insert Count (its first prefix integer, §4.5.1.1) is non-zero. */
    static boolean sectionReferencesTable(byte[] section) {
        if (section.length == 0) {
            return false;
        }
        QpackReader in = new QpackReader(QpackException.QPACK_DECOMPRESSION_FAILED);
        in.reset(section, 0, section.length);
        try {
            return in.readInteger(8) > 0;
        } catch (QpackException e) {
            return false;
        }
    }

    /**
     * Parses our decoder stream (§4.4), asserting every instruction is complete and valid, and
     * collecting the stream IDs of Section Acknowledgments; returns the sum of the Insert Count
     * Increments.
     */
    static long parseDecoderStream(byte[] bytes, List<Long> acks) {
        QpackReader in = new QpackReader(QpackException.QPACK_DECODER_STREAM_ERROR);
        in.reset(bytes, 0, bytes.length);
        long increments = 0;
        try {
            while (in.hasRemaining()) {
                int first = in.peek();
                if ((first & 0x80) != 0) {
                    acks.add(in.readInteger(7)); // Section Acknowledgment
                } else if ((first & 0x40) != 0) {
                    throw new AssertionError("Stream Cancellation, but no stream was cancelled");
                } else {
                    long increment = in.readInteger(6);
                    assertThat(increment).as("Insert Count Increment").isPositive();
                    increments += increment;
                }
            }
        } catch (QpackException e) {
            throw new AssertionError("malformed decoder stream", e);
        }
        return increments;
    }

    static List<String> prefixWithin(List<String> lines, long limit) {
        long size = 0;
        List<String> prefix = new ArrayList<>();
        for (String line : lines) {
            size += line.length() - 2 + QpackDynamicTable.ENTRY_OVERHEAD; // minus ": "
            if (size > limit) {
                break;
            }
            prefix.add(line);
        }
        return prefix;
    }

    static void checkTable(QpackDynamicTable table, int maxCapacity) {
        assertThat(table.capacity()).isBetween(0L, (long) maxCapacity);
        long sum = 0;
        for (long i = table.firstIndex(); i < table.insertCount(); i++) {
            sum += table.get(i).size();
        }
        assertThat(table.size()).as("size is the sum of the entries").isEqualTo(sum)
                .isLessThanOrEqualTo(table.capacity());
    }

    static void fields(FuzzedDataProvider data, Headers headers, List<String> expected) {
        for (int n = data.consumeInt(0, 10); n > 0; n--) {
            String name = data.consumeBoolean()
                    ? QpackStaticTable.name(data.consumeInt(0, QpackStaticTable.SIZE - 1))
                    : token(data);
            String value = data.consumeBoolean() && data.consumeBoolean()
                    ? QpackStaticTable.value(data.consumeInt(0, QpackStaticTable.SIZE - 1))
                    : value(data);
            headers.add(name, value);
            expected.add(name.toLowerCase(Locale.ROOT) + ": " + value);
        }
    }

    static String token(FuzzedDataProvider data) {
        String chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!#$%&'*+^`|~";
        StringBuilder sb = new StringBuilder();
        for (int n = data.consumeInt(1, 20); n > 0; n--) {
            sb.append(chars.charAt(data.consumeInt(0, chars.length() - 1)));
        }
        return sb.toString();
    }

    static String value(FuzzedDataProvider data) {
        return new String(data.consumeBytes(data.consumeInt(0, 500)), StandardCharsets.ISO_8859_1);
    }
}
