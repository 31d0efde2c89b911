package dev.peregrine.http2.frame;

import static dev.peregrine.testkit.H2Frames.concat;
import static dev.peregrine.testkit.H2Frames.raw;
import static dev.peregrine.http2.frame.Http2ErrorCode.FLOW_CONTROL_ERROR;
import static dev.peregrine.http2.frame.Http2ErrorCode.FRAME_SIZE_ERROR;
import static dev.peregrine.http2.frame.Http2ErrorCode.PROTOCOL_ERROR;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.peregrine.testkit.H2Frames.Flag;
import dev.peregrine.testkit.H2Frames;
import java.nio.ByteBuffer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every malformed frame RFC 9113 §3.4–§6.10 names, with the error kind and code it names. */
class FrameReaderErrorsTest {

    final FrameReader reader = new FrameReader(16_384);
    final RecordingListener listener = new RecordingListener(reader);

    static byte[] b(String s) {
        return s.getBytes(ISO_8859_1);
    }

    static byte[] n(int length) {
        return new byte[length];
    }

    /** An open field block on stream 1, awaiting CONTINUATION. */
    static final byte[] OPEN_BLOCK = H2Frames.headers(1, b("hdr"));

    static Stream<Arguments> connectionErrors() {
        return Stream.of(
                // §4.2: larger than the SETTINGS_MAX_FRAME_SIZE we advertise, for any type.
                arguments("§4.2 DATA longer than MAX_FRAME_SIZE", H2Frames.data(1, n(16_385), false), FRAME_SIZE_ERROR),
                arguments("§4.2 unknown type longer than MAX_FRAME_SIZE", raw(0xee, 0, 0, n(16_385)), FRAME_SIZE_ERROR),
                arguments("§4.2 PING longer than MAX_FRAME_SIZE", raw(H2Frames.PING, 0, 0, n(20_000)), FRAME_SIZE_ERROR),
                // Stream 0 where a stream is required.
                arguments("§6.1 DATA on stream 0", H2Frames.data(0, b("x"), false), PROTOCOL_ERROR),
                arguments("§6.2 HEADERS on stream 0", H2Frames.headers(0, b("x"), Flag.END_HEADERS), PROTOCOL_ERROR),
                arguments("§6.3 PRIORITY on stream 0", H2Frames.priority(0, 1, 16, false), PROTOCOL_ERROR),
                arguments("§6.4 RST_STREAM on stream 0", H2Frames.rstStream(0, 0), PROTOCOL_ERROR),
                arguments("§6.10 CONTINUATION on stream 0", H2Frames.continuation(0, b("x"), true), PROTOCOL_ERROR),
                // A stream where stream 0 is required.
                arguments("§6.5 SETTINGS on stream 1", raw(H2Frames.SETTINGS, 0, 1, n(0)), PROTOCOL_ERROR),
                arguments("§6.5 SETTINGS ACK on stream 1", raw(H2Frames.SETTINGS, H2Frames.ACK, 1, n(0)), PROTOCOL_ERROR),
                arguments("§6.7 PING on stream 1", raw(H2Frames.PING, 0, 1, n(8)), PROTOCOL_ERROR),
                arguments("§6.8 GOAWAY on stream 1", raw(H2Frames.GOAWAY, 0, 1, n(8)), PROTOCOL_ERROR),
                // Padding (§6.1, §6.2).
                arguments("§6.1 DATA Pad Length equal to the payload length",
                        raw(H2Frames.DATA, H2Frames.PADDED, 1, new byte[] {5, 1, 2, 3, 4}), PROTOCOL_ERROR),
                arguments("§6.1 DATA Pad Length beyond the payload",
                        raw(H2Frames.DATA, H2Frames.PADDED, 1, new byte[] {(byte) 255, 1}), PROTOCOL_ERROR),
                arguments("§6.1 DATA PADDED with no room for Pad Length", raw(H2Frames.DATA, H2Frames.PADDED, 1, n(0)),
                        FRAME_SIZE_ERROR),
                arguments("§6.2 HEADERS Pad Length equal to the payload length",
                        raw(H2Frames.HEADERS, H2Frames.PADDED | H2Frames.END_HEADERS, 1, new byte[] {3, 'a', 'b'}),
                        PROTOCOL_ERROR),
                arguments("§6.2 HEADERS padding eating into the priority fields",
                        raw(H2Frames.HEADERS, H2Frames.PADDED | H2Frames.PRIORITY_FLAG | H2Frames.END_HEADERS, 1,
                                new byte[] {3, 0, 0, 0, 0, 15, 0, 0}), PROTOCOL_ERROR),
                arguments("§6.2 HEADERS PADDED with no room for Pad Length",
                        raw(H2Frames.HEADERS, H2Frames.PADDED | H2Frames.END_HEADERS, 1, n(0)), FRAME_SIZE_ERROR),
                arguments("§6.2 HEADERS PRIORITY with no room for the priority fields",
                        raw(H2Frames.HEADERS, H2Frames.PRIORITY_FLAG | H2Frames.END_HEADERS, 1, n(4)), FRAME_SIZE_ERROR),
                arguments("§6.2 HEADERS PADDED+PRIORITY with 5 octets",
                        raw(H2Frames.HEADERS, H2Frames.PADDED | H2Frames.PRIORITY_FLAG | H2Frames.END_HEADERS, 1, n(5)),
                        FRAME_SIZE_ERROR),
                // Fixed lengths.
                arguments("§6.4 RST_STREAM of 3 octets", raw(H2Frames.RST_STREAM, 0, 1, n(3)), FRAME_SIZE_ERROR),
                arguments("§6.4 RST_STREAM of 5 octets", raw(H2Frames.RST_STREAM, 0, 1, n(5)), FRAME_SIZE_ERROR),
                arguments("§6.5 SETTINGS of 5 octets", raw(H2Frames.SETTINGS, 0, 0, n(5)), FRAME_SIZE_ERROR),
                arguments("§6.5 SETTINGS of 13 octets", raw(H2Frames.SETTINGS, 0, 0, n(13)), FRAME_SIZE_ERROR),
                arguments("§6.5 SETTINGS ACK with a payload", raw(H2Frames.SETTINGS, H2Frames.ACK, 0, n(6)), FRAME_SIZE_ERROR),
                arguments("§6.7 PING of 7 octets", raw(H2Frames.PING, 0, 0, n(7)), FRAME_SIZE_ERROR),
                arguments("§6.7 PING of 9 octets", raw(H2Frames.PING, H2Frames.ACK, 0, n(9)), FRAME_SIZE_ERROR),
                arguments("§6.8 GOAWAY of 7 octets", raw(H2Frames.GOAWAY, 0, 0, n(7)), FRAME_SIZE_ERROR),
                arguments("§6.9 WINDOW_UPDATE of 3 octets on stream 0", raw(H2Frames.WINDOW_UPDATE, 0, 0, n(3)), FRAME_SIZE_ERROR),
                arguments("§6.9 WINDOW_UPDATE of 5 octets on stream 1", raw(H2Frames.WINDOW_UPDATE, 0, 1, n(5)), FRAME_SIZE_ERROR),
                // Settings values (§6.5.2, RFC 8441 §3).
                arguments("§6.5.2 ENABLE_PUSH 2", H2Frames.settings(Http2Settings.ENABLE_PUSH, 2), PROTOCOL_ERROR),
                arguments("§6.5.2 INITIAL_WINDOW_SIZE 2^31", H2Frames.settings(Http2Settings.INITIAL_WINDOW_SIZE, 1L << 31),
                        FLOW_CONTROL_ERROR),
                arguments("§6.5.2 INITIAL_WINDOW_SIZE 2^32-1",
                        H2Frames.settings(Http2Settings.INITIAL_WINDOW_SIZE, 0xffff_ffffL), FLOW_CONTROL_ERROR),
                arguments("§6.5.2 MAX_FRAME_SIZE 16383", H2Frames.settings(Http2Settings.MAX_FRAME_SIZE, 16_383), PROTOCOL_ERROR),
                arguments("§6.5.2 MAX_FRAME_SIZE 2^24", H2Frames.settings(Http2Settings.MAX_FRAME_SIZE, 1 << 24), PROTOCOL_ERROR),
                arguments("§6.5.2 MAX_FRAME_SIZE 0", H2Frames.settings(Http2Settings.MAX_FRAME_SIZE, 0), PROTOCOL_ERROR),
                arguments("RFC 8441 §3 ENABLE_CONNECT_PROTOCOL 2",
                        H2Frames.settings(Http2Settings.ENABLE_CONNECT_PROTOCOL, 2), PROTOCOL_ERROR),
                arguments("§6.5.2 a bad value after a good one",
                        H2Frames.settings(Http2Settings.MAX_FRAME_SIZE, 20_000, Http2Settings.ENABLE_PUSH, 7), PROTOCOL_ERROR),
                // WINDOW_UPDATE increment 0 on the connection (§6.9).
                arguments("§6.9 WINDOW_UPDATE increment 0 on stream 0", H2Frames.windowUpdate(0, 0), PROTOCOL_ERROR),
                arguments("§6.9 WINDOW_UPDATE increment 0 with only the reserved bit",
                        H2Frames.windowUpdate(0, 0x8000_0000), PROTOCOL_ERROR),
                // §8.4: a server never accepts PUSH_PROMISE.
                arguments("§8.4 PUSH_PROMISE to a server", H2Frames.pushPromise(1, 2, b("x"), true), PROTOCOL_ERROR),
                arguments("§8.4 PUSH_PROMISE on stream 0", H2Frames.pushPromise(0, 2, b("x"), true), PROTOCOL_ERROR),
                // Field block sequencing (§6.10, §4.3, §5.5).
                arguments("§6.10 CONTINUATION with no field block open", H2Frames.continuation(1, b("x"), true), PROTOCOL_ERROR),
                arguments("§6.10 CONTINUATION after END_HEADERS",
                        concat(H2Frames.headers(1, b("a"), Flag.END_HEADERS), H2Frames.continuation(1, b("b"), true)),
                        PROTOCOL_ERROR),
                arguments("§6.10 CONTINUATION after the block's last CONTINUATION",
                        concat(OPEN_BLOCK, H2Frames.continuation(1, b("b"), true), H2Frames.continuation(1, b("c"), true)),
                        PROTOCOL_ERROR),
                arguments("§6.10 CONTINUATION on another stream",
                        concat(OPEN_BLOCK, H2Frames.continuation(3, b("b"), true)), PROTOCOL_ERROR),
                arguments("§6.10 CONTINUATION on stream 0 inside a block",
                        concat(OPEN_BLOCK, H2Frames.continuation(0, b("b"), true)), PROTOCOL_ERROR),
                arguments("§6.2 DATA on the same stream inside a block",
                        concat(OPEN_BLOCK, H2Frames.data(1, b("x"), false)), PROTOCOL_ERROR),
                arguments("§6.2 HEADERS on another stream inside a block",
                        concat(OPEN_BLOCK, H2Frames.headers(3, b("x"), Flag.END_HEADERS)), PROTOCOL_ERROR),
                arguments("§6.2 HEADERS on the same stream inside a block",
                        concat(OPEN_BLOCK, H2Frames.headers(1, b("x"), Flag.END_HEADERS)), PROTOCOL_ERROR),
                arguments("§6.3 PRIORITY inside a block", concat(OPEN_BLOCK, H2Frames.priority(1, 0, 16, false)), PROTOCOL_ERROR),
                arguments("§6.2 PING inside a block", concat(OPEN_BLOCK, H2Frames.ping(1, false)), PROTOCOL_ERROR),
                arguments("§6.2 SETTINGS inside a block", concat(OPEN_BLOCK, H2Frames.settingsAck()), PROTOCOL_ERROR),
                arguments("§6.2 WINDOW_UPDATE inside a block", concat(OPEN_BLOCK, H2Frames.windowUpdate(0, 1)), PROTOCOL_ERROR),
                arguments("§6.2 RST_STREAM inside a block", concat(OPEN_BLOCK, H2Frames.rstStream(1, 8)), PROTOCOL_ERROR),
                arguments("§5.5 unknown frame type inside a block", concat(OPEN_BLOCK, raw(0x0b, 0, 1, n(0))), PROTOCOL_ERROR),
                arguments("§5.5 unknown frame type on stream 0 inside a block",
                        concat(OPEN_BLOCK, H2Frames.continuation(1, b("more"), false), raw(0xfa, 0, 0, n(3))),
                        PROTOCOL_ERROR));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("connectionErrors")
    void connectionError(String rule, byte[] frames, Http2ErrorCode code) {
        Http2ConnectionException e =
                catchThrowableOfType(Http2ConnectionException.class, () -> reader.read(ByteBuffer.wrap(frames), listener));
        assertThat(e).as(rule).isNotNull();
        assertThat(e.error()).as(rule).isEqualTo(code);
        assertThat(e.getMessage()).as("the message names the rule").containsPattern("§\\d");
        // The reader is now unusable: the connection must send GOAWAY and close (§5.4.1).
        assertThatThrownBy(() -> reader.read(ByteBuffer.wrap(H2Frames.ping(1, false)), listener))
                .isInstanceOf(IllegalStateException.class);
    }

    static Stream<Arguments> streamErrors() {
        return Stream.of(
                arguments("§6.3 PRIORITY of 4 octets", raw(H2Frames.PRIORITY, 0, 3, n(4)), 3, FRAME_SIZE_ERROR),
                arguments("§6.3 PRIORITY of 6 octets", raw(H2Frames.PRIORITY, 0, 5, n(6)), 5, FRAME_SIZE_ERROR),
                arguments("§6.3 PRIORITY of 0 octets", raw(H2Frames.PRIORITY, 0, 7, n(0)), 7, FRAME_SIZE_ERROR),
                arguments("RFC 7540 §5.3.1 PRIORITY depending on itself", H2Frames.priority(9, 9, 16, false), 9, PROTOCOL_ERROR),
                arguments("RFC 7540 §5.3.1 PRIORITY depending on itself, exclusive",
                        H2Frames.priority(11, 11, 16, true), 11, PROTOCOL_ERROR),
                arguments("RFC 7540 §5.3.1 HEADERS depending on itself",
                        H2Frames.headersFrame(13, b("h")).priority(13, 16, false).endHeaders().build(), 13, PROTOCOL_ERROR),
                arguments("§6.9 WINDOW_UPDATE increment 0 on a stream", H2Frames.windowUpdate(15, 0), 15, PROTOCOL_ERROR),
                arguments("§6.9 WINDOW_UPDATE increment 0 on a stream, reserved bit set",
                        H2Frames.windowUpdate(17, 0x8000_0000), 17, PROTOCOL_ERROR));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streamErrors")
    void streamError(String rule, byte[] frame, int streamId, Http2ErrorCode code) throws Exception {
        ByteBuffer in = ByteBuffer.wrap(concat(frame, H2Frames.ping(42, false)));
        Http2StreamException e = catchThrowableOfType(Http2StreamException.class, () -> reader.read(in, listener));
        assertThat(e).as(rule).isNotNull();
        assertThat(e.error()).as(rule).isEqualTo(code);
        assertThat(e.streamId()).as(rule).isEqualTo(streamId);
        assertThat(e.getMessage()).containsPattern("§\\d");
        // A stream error consumed just that frame (§5.4.2): the connection goes on.
        assertThat(in.position()).isEqualTo(frame.length);
        reader.read(in, listener);
        assertThat(listener.events).last().isEqualTo("PING 2a ack=false");
    }

    @Test
    void headersDependingOnItselfIsDeliveredBeforeTheStreamError_4_3() {
        // The fragment must reach the HPACK decoder even though the stream is then reset.
        byte[] frame = H2Frames.headersFrame(3, b("block")).priority(3, 16, false).endStream().endHeaders().build();
        assertThatThrownBy(() -> reader.read(ByteBuffer.wrap(frame), listener)).isInstanceOf(Http2StreamException.class);
        assertThat(listener.events).containsExactly("HEADERS 3 'block' es=true eh=true");
    }

    @Test
    void headersDependingOnItselfWithoutEndHeadersStillExpectsContinuation_6_10() throws Exception {
        ByteBuffer in = ByteBuffer.wrap(concat(
                H2Frames.headersFrame(3, b("a")).priority(3, 16, false).build(),
                H2Frames.continuation(3, b("b"), true)));
        assertThatThrownBy(() -> reader.read(in, listener)).isInstanceOf(Http2StreamException.class);
        reader.read(in, listener);
        assertThat(listener.events).containsExactly("HEADERS 3 'a' es=false eh=false", "CONTINUATION 3 'b' eh=true");
    }

    @Test
    void oversizedFrameFailsAsSoonAsItsHeaderArrives_4_2() {
        // Only the 9-octet header: the reader must not wait for 16 MiB it would never accept.
        byte[] header = raw(1 << 20, H2Frames.DATA, 0, 1, n(0));
        Http2ConnectionException e = catchThrowableOfType(Http2ConnectionException.class,
                () -> reader.read(ByteBuffer.wrap(header), listener));
        assertThat(e.error()).isEqualTo(FRAME_SIZE_ERROR);
    }

    @Test
    void misplacedFrameFailsAsSoonAsItsHeaderArrives_6_10() {
        byte[] headerOnly = raw(100, H2Frames.DATA, 0, 1, n(0));
        ByteBuffer in = ByteBuffer.wrap(concat(OPEN_BLOCK, headerOnly));
        Http2ConnectionException e = catchThrowableOfType(Http2ConnectionException.class, () -> reader.read(in, listener));
        assertThat(e.error()).isEqualTo(PROTOCOL_ERROR);
    }

    @Test
    void streamErrorWaitsForTheWholeFrame_5_4_2() throws Exception {
        // A PRIORITY of the wrong length is a stream error, which consumes the frame: so it is
        // raised only once the frame is complete.
        byte[] frame = raw(H2Frames.PRIORITY, 0, 3, n(50));
        ByteBuffer in = ByteBuffer.wrap(frame, 0, 20);
        reader.read(in, listener);
        assertThat(in.position()).isZero();
        assertThatThrownBy(() -> reader.read(ByteBuffer.wrap(frame), listener)).isInstanceOf(Http2StreamException.class);
    }

    @Test
    void smallerMaxFrameSizeAppliesToTheNextFrame_4_2() throws Exception {
        reader.setMaxFrameSize(20_000);
        reader.read(ByteBuffer.wrap(H2Frames.data(1, n(20_000), false)), listener);
        reader.setMaxFrameSize(16_384);
        Http2ConnectionException e = catchThrowableOfType(Http2ConnectionException.class,
                () -> reader.read(ByteBuffer.wrap(H2Frames.data(1, n(16_385), false)), listener));
        assertThat(e.error()).isEqualTo(FRAME_SIZE_ERROR);
    }
}
