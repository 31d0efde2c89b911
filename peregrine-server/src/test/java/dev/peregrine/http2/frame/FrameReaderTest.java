package dev.peregrine.http2.frame;

import static dev.peregrine.testkit.H2Frames.concat;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.peregrine.testkit.H2Frames.Flag;
import dev.peregrine.testkit.H2Frames;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** Well-formed frames of every type (RFC 9113 §6) and the reader's behaviour around them. */
class FrameReaderTest {

    final FrameReader reader = new FrameReader(16_384);
    final RecordingListener listener = new RecordingListener(reader);

    static byte[] b(String s) {
        return s.getBytes(ISO_8859_1);
    }

    /** Reads {@code frames} in one call and asserts that all of it was consumed. */
    RecordingListener read(byte[]... frames) throws Http2Exception {
        ByteBuffer in = ByteBuffer.wrap(concat(frames));
        reader.read(in, listener);
        assertThat(in.remaining()).as("unconsumed").isZero();
        return listener;
    }

    @Test
    void data_6_1() throws Exception {
        read(H2Frames.data(1, b("hello"), false), H2Frames.data(1, b(""), true));
        assertThat(listener.events).containsExactly("DATA 1 'hello' es=false fc=5", "DATA 1 '' es=true fc=0");
    }

    @Test
    void dataPaddingIsStrippedButCountsForFlowControl_6_1() throws Exception {
        read(H2Frames.data(3, b("abc"), true, 6));
        // Flow-controlled length: Pad Length octet + 3 data + 6 padding.
        assertThat(listener.events).containsExactly("DATA 3 'abc' es=true fc=10");
    }

    @Test
    void dataWithPaddingFillingTheWholePayloadButThePadLengthOctet_6_1() throws Exception {
        // Pad Length 4 in a 5-octet payload: padding = length - 1 is the largest legal value.
        read(H2Frames.raw(H2Frames.DATA, H2Frames.PADDED, 1, new byte[] {4, 0, 0, 0, 0}));
        assertThat(listener.events).containsExactly("DATA 1 '' es=false fc=5");
    }

    @Test
    void headers_6_2() throws Exception {
        read(H2Frames.headers(1, b("block"), Flag.END_HEADERS, Flag.END_STREAM));
        assertThat(listener.events).containsExactly("HEADERS 1 'block' es=true eh=true");
    }

    @Test
    void headersPaddingAndPriorityFieldsAreDropped_6_2() throws Exception {
        read(H2Frames.headersFrame(5, b("frag")).padding(3).priority(1, 200, true).endHeaders().build(),
                H2Frames.headers(7, b("x"), Flag.PADDED, Flag.PRIORITY, Flag.END_HEADERS));
        assertThat(listener.events).containsExactly("HEADERS 5 'frag' es=false eh=true", "HEADERS 7 'x' es=false eh=true");
    }

    @Test
    void headersWithPaddingExactlyFillingTheRoom_6_2() throws Exception {
        // PADDED + PRIORITY, Pad Length = payload - 1 - 5: an empty fragment is legal.
        byte[] payload = {2, 0, 0, 0, 0, 15, 0, 0};
        read(H2Frames.raw(H2Frames.HEADERS, H2Frames.PADDED | H2Frames.PRIORITY_FLAG | H2Frames.END_HEADERS, 1, payload));
        assertThat(listener.events).containsExactly("HEADERS 1 '' es=false eh=true");
    }

    @Test
    void priority_6_3() throws Exception {
        read(H2Frames.priority(3, 1, 16, false), H2Frames.priority(9, 0, 256, true));
        assertThat(listener.events).containsExactly("PRIORITY 3", "PRIORITY 9");
    }

    @Test
    void rstStreamKeepsTheRawCode_6_4() throws Exception {
        read(H2Frames.rstStream(1, 0x8), H2Frames.rstStream(3, 0xdead));
        assertThat(listener.events).containsExactly("RST_STREAM 1 code=8", "RST_STREAM 3 code=57005");
    }

    @Test
    void settings_6_5() throws Exception {
        read(H2Frames.settings(
                Http2Settings.HEADER_TABLE_SIZE, 0,
                Http2Settings.ENABLE_PUSH, 0,
                Http2Settings.MAX_CONCURRENT_STREAMS, 0xffff_ffffL,
                Http2Settings.INITIAL_WINDOW_SIZE, Integer.MAX_VALUE,
                Http2Settings.MAX_FRAME_SIZE, 16_777_215,
                Http2Settings.MAX_HEADER_LIST_SIZE, 8192,
                Http2Settings.ENABLE_CONNECT_PROTOCOL, 1),
                H2Frames.settingsAck());
        assertThat(listener.events).hasSize(2).last().isEqualTo("SETTINGS_ACK");
        Http2Settings s = listener.settings.getFirst();
        assertThat(s.headerTableSize()).isZero();
        assertThat(s.enablePush()).isFalse();
        assertThat(s.maxConcurrentStreams()).isEqualTo(0xffff_ffffL);
        assertThat(s.initialWindowSize()).isEqualTo(Integer.MAX_VALUE);
        assertThat(s.maxFrameSize()).isEqualTo(16_777_215);
        assertThat(s.maxHeaderListSize()).isEqualTo(8192);
        assertThat(s.enableConnectProtocol()).isTrue();
    }

    @Test
    void emptySettingsIsLegal_3_4() throws Exception {
        read(H2Frames.settings());
        assertThat(listener.settings.getFirst().countSet()).isZero();
    }

    @Test
    void settingsUnknownIdentifiersIgnoredAndLastValueWins_6_5_2_and_6_5_3() throws Exception {
        read(H2Frames.settings(0x99, 7, Http2Settings.INITIAL_WINDOW_SIZE, 1, 0x7, 5, Http2Settings.INITIAL_WINDOW_SIZE, 2));
        Http2Settings s = listener.settings.getFirst();
        assertThat(s.initialWindowSize()).isEqualTo(2);
        assertThat(s.countSet()).isOne();
    }

    @Test
    void settingsInstanceIsReusedAndResetPerFrame_6_5() throws Exception {
        Http2Settings[] seen = new Http2Settings[2];
        RecordingListener l = new RecordingListener() {
            int i;

            @Override
            public void onSettings(Http2Settings received) throws Http2Exception {
                seen[i++] = received;
                super.onSettings(received);
            }
        };
        reader.read(ByteBuffer.wrap(concat(
                H2Frames.settings(Http2Settings.MAX_FRAME_SIZE, 20_000),
                H2Frames.settings(Http2Settings.ENABLE_PUSH, 0))), l);
        assertThat(seen[0]).isSameAs(seen[1]);
        // The second frame does not inherit the first one's value.
        assertThat(l.settings.get(1).isSet(Http2Settings.MAX_FRAME_SIZE)).isFalse();
        assertThat(l.settings.get(1).maxFrameSize()).isEqualTo(16_384);
    }

    @Test
    void ping_6_7() throws Exception {
        read(H2Frames.ping(0x0102030405060708L, false), H2Frames.ping(-1L, true));
        assertThat(listener.events).containsExactly("PING 102030405060708 ack=false", "PING ffffffffffffffff ack=true");
    }

    @Test
    void goAway_6_8() throws Exception {
        read(H2Frames.goAway(7, 0x2, b("bye")), H2Frames.goAway(0x8000_0005, 0xffff_ffff));
        // The reserved bit of Last-Stream-ID is ignored; unknown codes arrive raw.
        assertThat(listener.events).containsExactly("GOAWAY last=7 code=2 'bye'", "GOAWAY last=5 code=-1 ''");
    }

    @Test
    void windowUpdate_6_9() throws Exception {
        read(H2Frames.windowUpdate(0, 1), H2Frames.windowUpdate(3, Integer.MAX_VALUE), H2Frames.windowUpdate(5, 0x8000_0010));
        assertThat(listener.events).containsExactly("WINDOW_UPDATE 0 +1", "WINDOW_UPDATE 3 +2147483647", "WINDOW_UPDATE 5 +16");
    }

    @Test
    void reservedBitOfTheStreamIdentifierIsIgnored_4_1() throws Exception {
        read(H2Frames.raw(H2Frames.SETTINGS, H2Frames.ACK, 0x8000_0000, new byte[0]),
                H2Frames.data(0x8000_0003, b("x"), false));
        assertThat(listener.events).containsExactly("SETTINGS_ACK", "DATA 3 'x' es=false fc=1");
    }

    @Test
    void unusedFlagsAreIgnored_4_1() throws Exception {
        read(H2Frames.raw(H2Frames.PING, 0xfe, 0, new byte[8]),
                H2Frames.raw(H2Frames.DATA, 0xf6, 1, b("d")),
                H2Frames.raw(H2Frames.WINDOW_UPDATE, 0xff, 0, new byte[] {0, 0, 0, 1}));
        assertThat(listener.events).containsExactly("PING 0 ack=false", "DATA 1 'd' es=false fc=1", "WINDOW_UPDATE 0 +1");
    }

    @Test
    void unknownFrameTypesAreSkipped_4_1_and_5_5() throws Exception {
        read(H2Frames.raw(0x0a, 0xff, 0, b("ignored")),
                H2Frames.ping(1, false),
                H2Frames.raw(0xff, 0, 3, new byte[100]),
                H2Frames.data(1, b("after"), true));
        assertThat(listener.events).containsExactly(
                "UNKNOWN type=10 0 len=7", "PING 1 ack=false", "UNKNOWN type=255 3 len=100", "DATA 1 'after' es=true fc=5");
    }

    @Test
    void unknownFrameBetweenCompleteFieldBlocksIsFine_5_5() throws Exception {
        read(H2Frames.headers(1, b("a"), Flag.END_HEADERS), H2Frames.raw(0xbb, 0, 1, new byte[0]),
                H2Frames.headers(3, b("b"), Flag.END_HEADERS));
        assertThat(listener.events).hasSize(3);
    }

    @Test
    void continuationSequence_6_10() throws Exception {
        read(H2Frames.headers(1, b("ab"), Flag.END_STREAM),
                H2Frames.continuation(1, b("cde"), false),
                H2Frames.continuation(1, b(""), false),
                H2Frames.continuation(1, b("f"), true),
                H2Frames.data(3, b("other stream is fine again"), false));
        assertThat(listener.events).containsExactly(
                "HEADERS 1 'ab' es=true eh=false",
                "CONTINUATION 1 'cde' eh=false",
                "CONTINUATION 1 '' eh=false",
                "CONTINUATION 1 'f' eh=true",
                "DATA 3 'other stream is fine again' es=false fc=26");
        // Budget counters, as seen inside each callback.
        assertThat(listener.blockLengths).containsExactly(2L, 5L, 5L, 6L);
        assertThat(reader.headerBlockFrameCount()).isEqualTo(4);
        assertThat(reader.expectingContinuation()).isFalse();
    }

    @Test
    void headerBlockCountersRestartWithEachHeaders_6_10() throws Exception {
        read(H2Frames.headers(1, b("12345"), Flag.END_HEADERS), H2Frames.headers(3, b("ab")));
        assertThat(reader.headerBlockLength()).isEqualTo(2);
        assertThat(reader.headerBlockFrameCount()).isEqualTo(1);
        assertThat(reader.expectingContinuation()).isTrue();
        assertThat(reader.continuationStream()).isEqualTo(3);
    }

    @Test
    void headerBlockLengthExcludesPaddingAndPriority_6_2() throws Exception {
        read(H2Frames.headersFrame(1, b("abc")).padding(10).priority(0, 1, false).build());
        assertThat(listener.blockLengths).containsExactly(3L);
    }

    @Test
    void frameOfExactlyMaxFrameSizeIsAccepted_4_2() throws Exception {
        read(H2Frames.data(1, new byte[16_384], false));
        assertThat(listener.events).hasSize(1);
    }

    @Test
    void raisingMaxFrameSizeAcceptsLargerFrames_4_2() throws Exception {
        reader.setMaxFrameSize(20_000);
        read(H2Frames.data(1, new byte[20_000], false));
        assertThat(listener.events).hasSize(1);
        assertThat(reader.maxFrameSize()).isEqualTo(20_000);
    }

    @Test
    void maxFrameSizeMustBeLegal_4_2() {
        assertThatThrownBy(() -> new FrameReader(16_383)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> reader.setMaxFrameSize(1 << 24)).isInstanceOf(IllegalArgumentException.class);
        assertThat(FrameReader.bufferSizeFor(16_384)).isEqualTo(16_393);
    }

    @Test
    void readsFromABufferWithAnArrayOffset() throws Exception {
        byte[] frames = concat(H2Frames.ping(5, false), H2Frames.data(1, b("zz"), false));
        byte[] big = new byte[frames.length + 10];
        System.arraycopy(frames, 0, big, 7, frames.length);
        ByteBuffer in = ByteBuffer.wrap(big, 7, frames.length).slice();
        assertThat(in.arrayOffset()).isEqualTo(7);
        reader.read(in, listener);
        assertThat(in.hasRemaining()).isFalse();
        assertThat(listener.events).containsExactly("PING 5 ack=false", "DATA 1 'zz' es=false fc=2");
    }

    @Test
    void readsFromThePositionAndStopsAtTheLimit() throws Exception {
        byte[] frames = concat(H2Frames.ping(1, false), H2Frames.ping(2, false), H2Frames.ping(3, false));
        ByteBuffer in = ByteBuffer.wrap(frames);
        in.position(17).limit(34);
        reader.read(in, listener);
        assertThat(in.position()).isEqualTo(34);
        assertThat(listener.events).containsExactly("PING 2 ack=false");
    }

    @Test
    void directBuffersAreRejected() {
        ByteBuffer direct = ByteBuffer.allocateDirect(16);
        assertThatThrownBy(() -> reader.read(direct, listener)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void framesReadCountsEveryCompleteFrame() throws Exception {
        read(H2Frames.ping(1, false), H2Frames.raw(0x42, 0, 0, new byte[0]), H2Frames.settingsAck());
        ByteBuffer partial = ByteBuffer.wrap(H2Frames.ping(1, false), 0, 12);
        reader.read(partial, listener);
        assertThat(reader.framesRead()).isEqualTo(3);
    }

    @Test
    void streamErrorConsumesTheFrameAndReadingGoesOn_5_4_2() throws Exception {
        ByteBuffer in = ByteBuffer.wrap(concat(
                H2Frames.ping(1, false),
                H2Frames.windowUpdate(3, 0),
                H2Frames.ping(2, false)));
        Http2StreamException e = catchThrowableOfType(Http2StreamException.class, () -> reader.read(in, listener));
        assertThat(e.streamId()).isEqualTo(3);
        assertThat(in.position()).as("after the WINDOW_UPDATE").isEqualTo(17 + 13);
        reader.read(in, listener);
        assertThat(in.hasRemaining()).isFalse();
        assertThat(listener.events).containsExactly("PING 1 ack=false", "PING 2 ack=false");
    }

    @Test
    void listenerStreamErrorDuringAFieldBlockKeepsTheSequencing_6_10() throws Exception {
        // The connection refuses the stream from onHeaders; the CONTINUATION that follows must
        // still be accepted as part of the block (and reach the HPACK decoder, §4.3).
        RecordingListener refusing = new RecordingListener() {
            @Override
            public void onHeaders(int streamId, byte[] f, int off, int len, boolean es, boolean eh) throws Http2Exception {
                super.onHeaders(streamId, f, off, len, es, eh);
                throw new Http2StreamException(streamId, Http2ErrorCode.REFUSED_STREAM, "§5.1.2: too many streams");
            }
        };
        ByteBuffer in = ByteBuffer.wrap(concat(H2Frames.headers(1, b("a")), H2Frames.continuation(1, b("b"), true)));
        assertThatThrownBy(() -> reader.read(in, refusing)).isInstanceOf(Http2StreamException.class);
        reader.read(in, refusing);
        assertThat(refusing.events).containsExactly("HEADERS 1 'a' es=false eh=false", "CONTINUATION 1 'b' eh=true");
    }

    @Test
    void connectionErrorFromTheListenerBreaksTheReader_5_4_1() {
        FrameListener l = new RecordingListener() {
            @Override
            public void onPing(long payload, boolean ack) throws Http2Exception {
                throw new Http2ConnectionException(Http2ErrorCode.ENHANCE_YOUR_CALM, "§10.5: ping flood");
            }
        };
        ByteBuffer in = ByteBuffer.wrap(concat(H2Frames.ping(1, false), H2Frames.ping(2, false)));
        Http2ConnectionException e = catchThrowableOfType(Http2ConnectionException.class, () -> reader.read(in, l));
        assertThat(e.error()).isEqualTo(Http2ErrorCode.ENHANCE_YOUR_CALM);
        assertThatThrownBy(() -> reader.read(in, l)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void defaultListenerMethods() throws Exception {
        FrameListener minimal = new RecordingListener() {
            @Override
            public void onPriority(int streamId) {}
        };
        minimal.onPriority(1);
        Http2ConnectionException e =
                catchThrowableOfType(Http2ConnectionException.class, () -> new FrameListener() {
                    public void onData(int s, byte[] d, int o, int l, boolean e1, int f) {}
                    public void onHeaders(int s, byte[] d, int o, int l, boolean e1, boolean e2) {}
                    public void onContinuation(int s, byte[] d, int o, int l, boolean e1) {}
                    public void onRstStream(int s, int c) {}
                    public void onSettings(Http2Settings r) {}
                    public void onSettingsAck() {}
                    public void onPing(long p, boolean a) {}
                    public void onGoAway(int l, int c, byte[] d, int o, int n) {}
                    public void onWindowUpdate(int s, int i) {}
                }.onPushPromise(2));
        assertThat(e.error()).isEqualTo(Http2ErrorCode.PROTOCOL_ERROR);
        assertThat(e.getMessage()).contains("§8.4");
    }
}
