package dev.peregrine.http3.frame;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Fuzz tests of HTTP/3 framing: {@link FrameInput} (RFC 9114 §7.1), {@link VarInt} (RFC 9000
 * §16) and {@link Http3Settings} (§7.2.4), and {@link FrameWriter} against them; see
 * docs/fuzzing.md. Without {@code JAZZER_FUZZ} they replay the seeds under
 * {@code FrameInputFuzzTestInputs/}.
 */
class FrameInputFuzzTest {

    static final int[] BUFFER_SIZES = {16, 17, 64, FrameInput.DEFAULT_BUFFER_SIZE};
    static final int MAX_CONTROL = 1024;
    static final int MAX_HEADERS = 4096;
    static final int GUARD = 8;
    static final HexFormat HEX = HexFormat.of();

    /**
     * Arbitrary bytes as one stream. Input: one byte of options (bit 0: a unidirectional stream,
     * which starts with its stream type; bits 1-2: the reader's buffer size, 16 to 16384), then
     * the stream's bytes.
     *
     * <p>Only {@link Http3ConnectionException} is thrown, with H3_FRAME_ERROR, H3_EXCESSIVE_LOAD
     * or H3_SETTINGS_ERROR; {@code readPayload} returns 1 to {@code min(len, remaining)} bytes,
     * writes only where asked, and adds up to the declared length; the source is never asked for
     * zero bytes (it would be asked forever); and the frames read are the same for every buffer
     * size and however the source splits the stream.
     */
    @FuzzTest
    void arbitraryStream(byte[] input) throws IOException {
        if (input.length == 0) {
            return;
        }
        boolean unidirectional = (input[0] & 1) != 0;
        int bufferSize = BUFFER_SIZES[(input[0] >> 1) & 3];
        byte[] stream = Arrays.copyOfRange(input, 1, input.length);
        Random random = new Random(Arrays.hashCode(input));
        List<String> whole = drain(new Source(stream, null), bufferSize, unidirectional, random);
        assertThat(drain(new Source(stream, new Random(1)), 16, unidirectional, random))
                .as("split by the source, smallest buffer").isEqualTo(whole);
        assertThat(drain(new Source(stream, random), FrameInput.DEFAULT_BUFFER_SIZE, unidirectional, random))
                .as("split by the source, default buffer").isEqualTo(whole);
    }

    /**
     * A stream written with {@link FrameWriter} from fuzzer-chosen frames (DATA, HEADERS, SETTINGS
     * with or without grease, GOAWAY, MAX_PUSH_ID, CANCEL_PUSH, reserved and unknown types), read
     * back in random pieces: the same frames, payloads, settings and IDs.
     */
    @FuzzTest
    void roundTrip(FuzzedDataProvider data) throws IOException {
        FrameBuffer out = new FrameBuffer();
        List<String> expected = new ArrayList<>();
        boolean unidirectional = data.consumeBoolean();
        if (unidirectional) {
            long type = data.consumeLong(0, VarInt.MAX_VALUE);
            FrameWriter.streamType(type, out);
            expected.add("stream type " + type);
        }
        for (int frames = data.consumeInt(0, 12); frames > 0; frames--) {
            switch (data.consumeInt(0, 6)) {
                case 0, 1 -> {
                    long type = data.consumeBoolean() ? FrameType.DATA : FrameType.HEADERS;
                    byte[] payload = data.consumeBytes(data.consumeInt(0, type == FrameType.DATA ? 3000 : MAX_HEADERS));
                    FrameWriter.header(type, payload.length, out);
                    out.write(payload, 0, payload.length);
                    expected.add(FrameType.name(type) + " " + HEX.formatHex(payload));
                }
                case 2 -> {
                    Http3Settings settings = new Http3Settings(
                            data.consumeLong(0, VarInt.MAX_VALUE),
                            data.consumeBoolean() ? Http3Settings.UNLIMITED : data.consumeLong(0, VarInt.MAX_VALUE),
                            data.consumeLong(0, VarInt.MAX_VALUE), data.consumeBoolean(), data.consumeBoolean());
                    FrameWriter.settings(settings, data.consumeBoolean(), out);
                    expected.add("SETTINGS " + settings);
                }
                case 3 -> {
                    long id = data.consumeLong(0, VarInt.MAX_VALUE);
                    long type = data.pickValue(new long[] {FrameType.GOAWAY, FrameType.MAX_PUSH_ID, FrameType.CANCEL_PUSH});
                    if (type == FrameType.GOAWAY) {
                        FrameWriter.goAway(id, out);
                    } else if (type == FrameType.MAX_PUSH_ID) {
                        FrameWriter.maxPushId(id, out);
                    } else {
                        FrameWriter.cancelPush(id, out);
                    }
                    expected.add(FrameType.name(type) + " id=" + id);
                }
                default -> {
                    long type = data.consumeBoolean()
                            ? Reserved.value(data.consumeLong(0, (VarInt.MAX_VALUE - 0x21) / 0x1f))
                            : data.consumeLong(0x0e, VarInt.MAX_VALUE);
                    if (FrameType.isKnown(type) || FrameType.isHttp2Only(type)) {
                        continue;
                    }
                    byte[] payload = data.consumeBytes(data.consumeInt(0, 300));
                    FrameWriter.header(type, payload.length, out);
                    out.write(payload, 0, payload.length);
                    expected.add("skip " + FrameType.name(type) + " " + payload.length);
                }
            }
        }
        expected.add("end");
        byte[] stream = out.toByteArray();
        Random random = new Random(data.consumeLong());
        int bufferSize = BUFFER_SIZES[data.consumeInt(0, BUFFER_SIZES.length - 1)];
        assertThat(drain(new Source(stream, random), bufferSize, unidirectional, random)).isEqualTo(expected);
    }

    /**
     * Arbitrary bytes as variable-length integers and as a SETTINGS payload: {@link VarInt#read}
     * needs exactly {@link VarInt#encodedLength} bytes, stays within 2^62-1 and, written back on
     * the same length, gives the same bytes (non-minimal encodings included); reading through a
     * {@link ByteSource} agrees and consumes only the integer; the shortest encoding of the value
     * reads back too. {@link Http3Settings#parse} throws only {@link Http3ConnectionException},
     * and what it accepts encodes and parses back to the same settings.
     */
    @FuzzTest
    void varIntsAndSettings(byte[] input) throws IOException {
        for (int off = 0; off < input.length; off++) {
            int n = VarInt.encodedLength(input[off]);
            for (int len = 0; len < Math.min(n, input.length - off); len++) {
                assertThat(VarInt.read(input, off, len)).as("cut short").isEqualTo(VarInt.NEED_MORE);
            }
            if (input.length - off < n) {
                break;
            }
            long v = VarInt.read(input, off, input.length - off);
            assertThat(v).isBetween(0L, VarInt.MAX_VALUE);
            byte[] again = new byte[n + 2 * GUARD];
            assertThat(VarInt.write(v, n, again, GUARD)).isEqualTo(GUARD + n);
            assertThat(Arrays.copyOfRange(again, GUARD, GUARD + n)).isEqualTo(Arrays.copyOfRange(input, off, off + n));
            assertThat(Arrays.copyOf(again, GUARD)).as("written before its offset").isEqualTo(new byte[GUARD]);
            assertThat(Arrays.copyOfRange(again, GUARD + n, again.length)).as("written past its length")
                    .isEqualTo(new byte[GUARD]);
            Source source = new Source(Arrays.copyOfRange(input, off, input.length), new Random(v));
            assertThat(VarInt.read(source)).isEqualTo(v);
            assertThat(source.pos).as("consumed by the stream read").isEqualTo(n);
            byte[] shortest = new byte[VarInt.length(v)];
            VarInt.write(v, shortest, 0);
            assertThat(VarInt.read(shortest, 0, shortest.length)).isEqualTo(v);
        }
        Http3Settings parsed;
        try {
            parsed = Http3Settings.parse(input, 0, input.length);
        } catch (Http3ConnectionException e) {
            assertThat(e.error()).isIn(Http3ErrorCode.H3_FRAME_ERROR, Http3ErrorCode.H3_SETTINGS_ERROR);
            return;
        }
        byte[] encoded = new byte[parsed.encodedLength(true)];
        int end = parsed.encode(encoded, 0, true);
        assertThat(end).isEqualTo(encoded.length);
        assertThat(Http3Settings.parse(encoded, 0, end)).isEqualTo(parsed);
    }

    /** Reads every frame, recording it as text, each kind of payload read the way a server does. */
    static List<String> drain(Source source, int bufferSize, boolean unidirectional, Random random) {
        FrameInput in = new FrameInput(source, bufferSize);
        List<String> events = new ArrayList<>();
        try {
            if (unidirectional) {
                long type = in.streamType();
                if (type < 0) {
                    events.add("ended in the stream type");
                    return events;
                }
                events.add("stream type " + type);
            }
            while (in.nextFrame()) {
                long type = in.type();
                long length = in.length();
                assertThat(length).isBetween(0L, VarInt.MAX_VALUE);
                assertThat(in.remaining()).isEqualTo(length);
                if (type == FrameType.DATA) {
                    events.add("DATA " + readData(in, random));
                } else if (type == FrameType.HEADERS) {
                    events.add("HEADERS " + HEX.formatHex(in.payload(MAX_HEADERS)));
                } else if (type == FrameType.SETTINGS) {
                    events.add("SETTINGS " + in.settingsPayload(MAX_CONTROL));
                } else if (type == FrameType.GOAWAY || type == FrameType.MAX_PUSH_ID || type == FrameType.CANCEL_PUSH) {
                    long id = in.idPayload();
                    assertThat(id).isBetween(0L, VarInt.MAX_VALUE);
                    events.add(FrameType.name(type) + " id=" + id);
                } else {
                    in.skipPayload();
                    events.add("skip " + FrameType.name(type) + " " + length);
                }
                assertThat(in.remaining()).as("payload used up").isZero();
            }
            events.add("end");
        } catch (Http3ConnectionException e) {
            assertThat(e.error()).as("error of %s", e).isIn(Http3ErrorCode.H3_FRAME_ERROR,
                    Http3ErrorCode.H3_EXCESSIVE_LOAD, Http3ErrorCode.H3_SETTINGS_ERROR);
            events.add("error " + e.error());
        } catch (IOException e) {
            throw new AssertionError("not an HTTP/3 error", e);
        }
        return events;
    }

    static final int MAX_PIECE = 40_000;

    /**
     * A DATA payload read in random pieces (some above the buffer size, which take the direct
     * path) into one array filled with a marker byte; returns it as hex.
     */
    static String readData(FrameInput in, Random random) throws IOException {
        StringBuilder sb = new StringBuilder();
        byte[] b = new byte[MAX_PIECE + 2 * GUARD];
        Arrays.fill(b, (byte) 0x5A);
        long total = 0;
        while (true) {
            long before = in.remaining();
            int len = random.nextBoolean() ? 1 + random.nextInt(8) : 1 + random.nextInt(MAX_PIECE);
            int n = in.readPayload(b, GUARD, len);
            if (n < 0) {
                assertThat(before).as("-1 only at the end of the payload").isZero();
                break;
            }
            assertThat(n).as("bytes read").isBetween(1, (int) Math.min(len, before));
            assertThat(in.remaining()).isEqualTo(before - n);
            // Only the first GUARD bytes past what was read can tell a longer write, and the
            // bytes before the offset a write below it.
            for (int i = 0; i < GUARD; i++) {
                assertThat(b[i]).as("written before the offset").isEqualTo((byte) 0x5A);
                assertThat(b[GUARD + n + i]).as("written past what was read").isEqualTo((byte) 0x5A);
            }
            sb.append(HEX.formatHex(b, GUARD, GUARD + n));
            Arrays.fill(b, GUARD, GUARD + n, (byte) 0x5A);
            total += n;
        }
        assertThat(total).as("payload bytes").isEqualTo(in.length());
        return sb.toString();
    }

    /** A stream over fixed bytes, handing them out in random pieces (all at once without a Random). */
    static final class Source implements ByteSource {
        final byte[] bytes;
        final Random random;
        int pos;

        Source(byte[] bytes, Random random) {
            this.bytes = bytes;
            this.random = random;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            assertThat(len).as("asked for no bytes").isPositive();
            if (pos == bytes.length) {
                return -1;
            }
            int n = Math.min(len, bytes.length - pos);
            if (random != null) {
                n = Math.min(n, 1 + random.nextInt(random.nextBoolean() ? 4 : 3000));
            }
            System.arraycopy(bytes, pos, b, off, n);
            pos += n;
            return n;
        }
    }
}
