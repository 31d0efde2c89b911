package dev.peregrine.http3.frame;

import static dev.peregrine.http3.frame.TestBytes.concat;
import static dev.peregrine.http3.frame.TestBytes.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Pulling frames off a stream (RFC 9114 §7.1), whole and in every possible split. */
class FrameInputTest {

    /** A request stream: HEADERS, a reserved frame, DATA, empty DATA, an unknown frame, trailers. */
    static final byte[][] FRAMES = {
        hex("01 03 616263"),                       // HEADERS "abc"
        hex("21 02 eeee"),                         // reserved 0x21
        hex("00 05 68656c6c6f"),                   // DATA "hello"
        hex("00 00"),                              // empty DATA
        hex("7fff c000000000000001 ff"),           // unknown 0x3fff, 8-byte length 1
        hex("01 4001 78"),                         // HEADERS "x", 2-byte length
    };
    static final byte[] STREAM = concat(FRAMES);
    static final List<String> EVENTS = List.of(
            "HEADERS 616263", "skip 0x21 2", "DATA 68656c6c6f", "DATA ", "skip 0x3fff 1", "HEADERS 78");

    /** Reads every frame: HEADERS whole, DATA in 2-byte pieces, the rest skipped. */
    static List<String> drain(FrameInput in, List<String> events) throws IOException {
        while (in.nextFrame()) {
            if (in.type() == FrameType.DATA) {
                StringBuilder sb = new StringBuilder();
                byte[] piece = new byte[2];
                int n;
                while ((n = in.readPayload(piece, 0, piece.length)) >= 0) {
                    assertThat(n).isPositive();
                    sb.append(hex(java.util.Arrays.copyOf(piece, n)));
                }
                events.add("DATA " + sb);
            } else if (in.type() == FrameType.HEADERS) {
                events.add("HEADERS " + hex(in.payload(100)));
            } else {
                events.add("skip 0x" + Long.toHexString(in.type()) + " " + in.length());
                in.skipPayload();
            }
            assertThat(in.remaining()).isZero();
        }
        return events;
    }

    static List<String> drain(ByteSource source, int bufferSize) throws IOException {
        return drain(new FrameInput(source, bufferSize), new ArrayList<>());
    }

    @Test
    void readsEveryFrameInOrder_7_1() throws Exception {
        assertThat(drain(new FrameInput(ByteSource.of(STREAM)), new ArrayList<>())).isEqualTo(EVENTS);
    }

    @Test
    void oneByteAtATime_7_1() throws Exception {
        assertThat(drain(TestBytes.oneByteAtATime(STREAM), 16)).isEqualTo(EVENTS);
        assertThat(drain(TestBytes.oneByteAtATime(STREAM), FrameInput.DEFAULT_BUFFER_SIZE)).isEqualTo(EVENTS);
    }

    @Test
    void splitAtEveryByteBoundary_7_1() throws Exception {
        for (int split = 0; split <= STREAM.length; split++) {
            assertThat(drain(TestBytes.splitAt(STREAM, split), 16)).as("split at %d", split).isEqualTo(EVENTS);
            assertThat(drain(TestBytes.splitAt(STREAM, split), 1024)).as("split at %d", split).isEqualTo(EVENTS);
        }
    }

    @Test
    void endOfStreamBetweenFramesIsACleanEnd_7_1() throws Exception {
        int end = 0;
        for (int i = 0; i <= FRAMES.length; i++) {
            byte[] prefix = java.util.Arrays.copyOf(STREAM, end);
            assertThat(drain(TestBytes.oneByteAtATime(prefix), 16)).isEqualTo(EVENTS.subList(0, i));
            if (i < FRAMES.length) {
                end += FRAMES[i].length;
            }
        }
    }

    @Test
    void endOfStreamInsideAFrameHeaderOrPayloadIsFrameError_7_1() {
        java.util.Set<Integer> boundaries = new java.util.HashSet<>();
        int end = 0;
        for (byte[] f : FRAMES) {
            boundaries.add(end);
            end += f.length;
        }
        for (int cut = 1; cut < STREAM.length; cut++) {
            if (boundaries.contains(cut)) {
                continue;
            }
            byte[] prefix = java.util.Arrays.copyOf(STREAM, cut);
            for (Function<byte[], ByteSource> source : List.<Function<byte[], ByteSource>>of(
                    ByteSource::of, TestBytes::oneByteAtATime)) {
                Http3ConnectionException e = catchThrowableOfType(Http3ConnectionException.class,
                        () -> drain(source.apply(prefix), 16));
                assertThat(e).as("cut at %d", cut).isNotNull();
                assertThat(e.code()).isEqualTo(Http3ErrorCode.H3_FRAME_ERROR.code());
            }
        }
    }

    @Test
    void eachPayloadReaderReportsATruncatedPayload_7_1() throws Exception {
        FrameInput data = new FrameInput(ByteSource.of(hex("00 05 6869")));
        assertThat(data.nextFrame()).isTrue();
        byte[] b = new byte[5];
        assertThat(data.readPayload(b, 0, 5)).isEqualTo(2);
        assertFrameError(() -> data.readPayload(b, 0, 5));

        FrameInput headers = new FrameInput(ByteSource.of(hex("01 05 6869")));
        assertThat(headers.nextFrame()).isTrue();
        assertFrameError(() -> headers.payload(100));

        FrameInput unknown = new FrameInput(ByteSource.of(hex("21 05 6869")));
        assertThat(unknown.nextFrame()).isTrue();
        assertFrameError(unknown::skipPayload);

        FrameInput autoSkip = new FrameInput(ByteSource.of(hex("21 05 6869")));
        assertThat(autoSkip.nextFrame()).isTrue();
        assertFrameError(autoSkip::nextFrame);

        FrameInput goAway = new FrameInput(ByteSource.of(hex("07 02 40")));
        assertThat(goAway.nextFrame()).isTrue();
        assertFrameError(goAway::idPayload);
    }

    @Test
    void directReadOfABigDataFrameNeverReadsPastTheFrame() throws Exception {
        byte[] body = new byte[40_000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 31);
        }
        byte[] header = new byte[16];
        int h = FrameWriter.dataHeader(body.length, header, 0);
        byte[] stream = concat(java.util.Arrays.copyOf(header, h), body, hex("21 00"));
        FrameInput in = new FrameInput(ByteSource.of(stream), 16);
        assertThat(in.nextFrame()).isTrue();
        byte[] got = new byte[body.length + 10];
        int total = 0;
        int n;
        while ((n = in.readPayload(got, total, got.length - total)) > 0) {
            total += n;
        }
        assertThat(total).isEqualTo(body.length);
        assertThat(java.util.Arrays.copyOf(got, total)).isEqualTo(body);
        assertThat(in.nextFrame()).isTrue();
        assertThat(in.type()).isEqualTo(0x21);
        assertThat(in.nextFrame()).isFalse();
    }

    @Test
    void streamsAHugeDataFrameThroughAFixedBuffer() throws Exception {
        long size = 64L << 20;
        byte[] header = new byte[16];
        int h = FrameWriter.dataHeader(size, header, 0);
        TestBytes.Counting source = new TestBytes.Counting(
                TestBytes.chain(ByteSource.of(java.util.Arrays.copyOf(header, h)), TestBytes.zeros(size)));
        FrameInput in = new FrameInput(source);
        assertThat(in.nextFrame()).isTrue();
        assertThat(in.length()).isEqualTo(size);
        byte[] chunk = new byte[8192];
        long total = 0;
        int n;
        while ((n = in.readPayload(chunk, 0, chunk.length)) > 0) {
            total += n;
        }
        assertThat(total).isEqualTo(size);
        assertThat(source.largestRead).isLessThanOrEqualTo(FrameInput.DEFAULT_BUFFER_SIZE);
        assertThat(in.nextFrame()).isFalse();
    }

    @Test
    void skipsALargeUnknownFrameWithoutBufferingIt_9() throws Exception {
        long size = 10L << 20;
        byte[] header = new byte[16];
        int h = FrameWriter.header(0x1f * 5 + 0x21, size, header, 0);
        TestBytes.Counting source = new TestBytes.Counting(TestBytes.chain(
                TestBytes.chain(ByteSource.of(java.util.Arrays.copyOf(header, h)), TestBytes.zeros(size)),
                ByteSource.of(hex("07 01 08"))));
        FrameInput in = new FrameInput(source, 4096);
        assertThat(in.nextFrame()).isTrue();
        assertThat(FrameType.isReserved(in.type())).isTrue();
        in.skipPayload();
        assertThat(in.remaining()).isZero();
        assertThat(source.largestRead).isLessThanOrEqualTo(4096);
        assertThat(in.nextFrame()).isTrue();
        assertThat(in.type()).isEqualTo(FrameType.GOAWAY);
        assertThat(in.idPayload()).isEqualTo(8);
        assertThat(in.nextFrame()).isFalse();
        assertThat(source.delivered).isEqualTo(h + size + 3);
    }

    @Test
    void nextFrameSkipsWhatWasNotRead() throws Exception {
        FrameInput in = new FrameInput(ByteSource.of(hex("00 04 01020304 01 01 aa")), 16);
        assertThat(in.nextFrame()).isTrue();
        byte[] b = new byte[1];
        assertThat(in.readPayload(b, 0, 1)).isEqualTo(1);
        assertThat(in.remaining()).isEqualTo(3);
        assertThat(in.nextFrame()).isTrue();
        assertThat(in.type()).isEqualTo(FrameType.HEADERS);
        assertThat(in.payload(1)).containsExactly(0xaa);
    }

    @Test
    void oversizedControlPayloadIsExcessiveLoadBeforeReadingIt_10_5() throws Exception {
        // Only the header is there: the check must come before the payload is waited for.
        TestBytes.Counting source = new TestBytes.Counting(ByteSource.of(hex("04 4401")));
        FrameInput in = new FrameInput(source);
        assertThat(in.nextFrame()).isTrue();
        assertThat(in.length()).isEqualTo(1025);
        Http3ConnectionException e = catchThrowableOfType(Http3ConnectionException.class, () -> in.payload(1024));
        assertThat(e.code()).isEqualTo(Http3ErrorCode.H3_EXCESSIVE_LOAD.code());
        Http3ConnectionException s = catchThrowableOfType(Http3ConnectionException.class, () -> in.settingsPayload(1024));
        assertThat(s.code()).isEqualTo(Http3ErrorCode.H3_EXCESSIVE_LOAD.code());

        FrameInput headers = new FrameInput(ByteSource.of(hex("01 c000000100000000")));
        assertThat(headers.nextFrame()).isTrue();
        assertThat(catchThrowableOfType(Http3ConnectionException.class, () -> headers.payload(Integer.MAX_VALUE)).code())
                .isEqualTo(Http3ErrorCode.H3_EXCESSIVE_LOAD.code());
    }

    @Test
    void payloadAtExactlyTheLimitIsAccepted() throws Exception {
        FrameInput in = new FrameInput(ByteSource.of(hex("04 02 0710")));
        assertThat(in.nextFrame()).isTrue();
        assertThat(in.settingsPayload(2)).isEqualTo(Http3Settings.DEFAULTS.withQpackBlockedStreams(16));
    }

    @Test
    void payloadIsNotForData() throws Exception {
        FrameInput in = new FrameInput(ByteSource.of(hex("00 01 aa")));
        assertThat(in.nextFrame()).isTrue();
        assertThatThrownBy(() -> in.payload(100)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void idPayloadIsExactlyOneVarInt_7_1() throws Exception {
        assertThat(idOf("07 01 04")).isEqualTo(4);
        assertThat(idOf("0d 02 4004")).as("non-minimal").isEqualTo(4);
        assertThat(idOf("03 08 c000000000000007")).isEqualTo(7);
        for (String bad : new String[] {"07 00", "07 02 0400", "0d 04 4004 0000", "03 02 8000 0000", "07 09 c000000000000000 00"}) {
            FrameInput in = new FrameInput(ByteSource.of(hex(bad)));
            assertThat(in.nextFrame()).isTrue();
            assertFrameError(in::idPayload);
        }
    }

    @Test
    void anIdPayloadLongerThanAnyVarIntFailsWithoutWaitingForIt_7_1() throws Exception {
        byte[] header = hex("07 4400");
        ByteSource onlyTheHeader = new ByteSource() {
            int pos;

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos == header.length) {
                    throw new AssertionError("read past the frame header");
                }
                b[off] = header[pos++];
                return 1;
            }
        };
        FrameInput in = new FrameInput(onlyTheHeader, 16);
        assertThat(in.nextFrame()).isTrue();
        assertThat(in.length()).isEqualTo(1024);
        assertFrameError(in::idPayload);
    }

    @Test
    void parseIdOnAnArray_7_1() throws Exception {
        byte[] p = hex("ff 4004 ff");
        assertThat(FrameInput.parseId(FrameType.GOAWAY, p, 1, 2)).isEqualTo(4);
        assertFrameError(() -> FrameInput.parseId(FrameType.GOAWAY, p, 1, 3));
        assertFrameError(() -> FrameInput.parseId(FrameType.GOAWAY, p, 1, 1));
        assertFrameError(() -> FrameInput.parseId(FrameType.MAX_PUSH_ID, p, 1, 0));
    }

    @Test
    void streamTypeThenFrames_6_2() throws Exception {
        FrameInput in = new FrameInput(TestBytes.oneByteAtATime(hex("00 04 02 0710")), 16);
        assertThat(in.streamType()).isEqualTo(StreamType.CONTROL);
        assertThat(in.nextFrame()).isTrue();
        assertThat(in.type()).isEqualTo(FrameType.SETTINGS);
        assertThat(in.settingsPayload(64).qpackBlockedStreams()).isEqualTo(16);
        assertThat(in.nextFrame()).isFalse();

        FrameInput reserved = new FrameInput(ByteSource.of(hex("4040 aabbcc")));
        assertThat(reserved.streamType()).isEqualTo(0x40);
    }

    @Test
    void aStreamEndedBeforeItsTypeIsToleratedNotAnError_6_2() throws Exception {
        assertThat(new FrameInput(ByteSource.of(new byte[0])).streamType()).isEqualTo(-1);
        assertThat(new FrameInput(ByteSource.of(hex("80 00"))).streamType()).isEqualTo(-1);
    }

    @Test
    void misuseIsAnIllegalState() throws Exception {
        FrameInput in = new FrameInput(ByteSource.of(hex("21 00")));
        assertThatThrownBy(in::type).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(in::skipPayload).isInstanceOf(IllegalStateException.class);
        assertThat(in.nextFrame()).isTrue();
        assertThatThrownBy(in::streamType).isInstanceOf(IllegalStateException.class);
        assertThat(in.readPayload(new byte[1], 0, 1)).isEqualTo(-1);
        assertThat(in.nextFrame()).isFalse();
        assertThatThrownBy(in::length).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new FrameInput(ByteSource.of(new byte[0]), 15))
                .isInstanceOf(IllegalArgumentException.class);
    }

    interface Call {
        void run() throws Exception;
    }

    static void assertFrameError(Call call) {
        Http3ConnectionException e = catchThrowableOfType(Http3ConnectionException.class, call::run);
        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(Http3ErrorCode.H3_FRAME_ERROR.code());
    }

    static long idOf(String hex) throws IOException {
        FrameInput in = new FrameInput(ByteSource.of(hex(hex)));
        assertThat(in.nextFrame()).isTrue();
        long id = in.idPayload();
        assertThat(in.nextFrame()).isFalse();
        return id;
    }
}
