package dev.peregrine.http2.frame;

import static dev.peregrine.http2.frame.StreamState.CloseCause.END_STREAM_RECEIVED;
import static dev.peregrine.http2.frame.StreamState.CloseCause.END_STREAM_SENT;
import static dev.peregrine.http2.frame.StreamState.CloseCause.RESET_RECEIVED;
import static dev.peregrine.http2.frame.StreamState.CloseCause.RESET_SENT;
import static dev.peregrine.http2.frame.StreamState.State.CLOSED;
import static dev.peregrine.http2.frame.StreamState.State.HALF_CLOSED_LOCAL;
import static dev.peregrine.http2.frame.StreamState.State.HALF_CLOSED_REMOTE;
import static dev.peregrine.http2.frame.StreamState.State.IDLE;
import static dev.peregrine.http2.frame.StreamState.State.OPEN;
import static dev.peregrine.http2.frame.StreamState.State.RESERVED_LOCAL;
import static dev.peregrine.http2.frame.StreamState.State.RESERVED_REMOTE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 9113 §5.1: every state against every event. */
class StreamStateTest {

    static final int ID = 5;

    /** A stream brought to a named starting point by legal moves only. */
    static StreamState in(String setup) throws Http2Exception {
        StreamState s = new StreamState(ID);
        switch (setup) {
            case "idle" -> {}
            case "reserved-local" -> s.sendPushPromise();
            case "reserved-remote" -> s.recvPushPromise();
            case "open" -> s.recvHeaders(false);
            case "open-responding" -> {
                s.recvHeaders(false);
                s.sendHeaders(false);
            }
            case "half-closed-local" -> {
                s.recvHeaders(false);
                s.sendHeaders(true);
            }
            case "half-closed-remote" -> s.recvHeaders(true);
            case "half-closed-remote-responding" -> {
                s.recvHeaders(true);
                s.sendHeaders(false);
            }
            case "closed-end-sent" -> {
                s.recvHeaders(true);
                s.sendHeaders(true);
            }
            case "closed-end-received" -> {
                s.recvHeaders(false);
                s.sendHeaders(true);
                s.recvData(true);
            }
            case "closed-reset-sent" -> {
                s.recvHeaders(false);
                s.sendReset(Http2ErrorCode.CANCEL.code());
            }
            case "closed-reset-received" -> {
                s.recvHeaders(false);
                s.recvReset(Http2ErrorCode.CANCEL.code());
            }
            default -> throw new IllegalArgumentException(setup);
        }
        return s;
    }

    interface Event {
        boolean apply(StreamState s) throws Http2Exception;
    }

    static final Map<String, Event> RECV = Map.of(
            "headers", s -> s.recvHeaders(false),
            "headers-es", s -> s.recvHeaders(true),
            "data", s -> s.recvData(false),
            "data-es", s -> s.recvData(true),
            "end-stream", StreamState::recvEndStream,
            "reset", s -> s.recvReset(8),
            "window-update", StreamState::recvWindowUpdate);

    static final Map<String, Event> SEND = Map.of(
            "headers", s -> run(() -> s.sendHeaders(false)),
            "headers-es", s -> run(() -> s.sendHeaders(true)),
            "data", s -> run(() -> s.sendData(false)),
            "data-es", s -> run(() -> s.sendData(true)),
            "end-stream", s -> run(s::sendEndStream),
            "reset", s -> run(() -> s.sendReset(8)));

    static boolean run(Runnable r) {
        r.run();
        return true;
    }

    /**
     * The outcome of one event: the state after it, {@code ignored} (the method returned false:
     * discard the frame), {@code conn:CODE} / {@code stream:CODE} for the exception thrown, or
     * {@code ISE} for a send our own code must never attempt.
     */
    static String outcome(StreamState s, Event e) {
        StreamState.State before = s.state();
        StreamState.CloseCause causeBefore = s.closeCause();
        try {
            boolean processed = e.apply(s);
            if (!processed) {
                assertThat(s.state()).as("ignored events leave the state alone").isEqualTo(before);
                assertThat(s.closeCause()).isEqualTo(causeBefore);
                return "ignored";
            }
            return s.state().name();
        } catch (Http2ConnectionException x) {
            assertThat(s.state()).as("a failed move leaves the state alone").isEqualTo(before);
            assertThat(x.getMessage()).containsPattern("§\\d");
            return "conn:" + x.error();
        } catch (Http2StreamException x) {
            assertThat(s.state()).as("a failed move leaves the state alone").isEqualTo(before);
            assertThat(x.streamId()).isEqualTo(ID);
            assertThat(x.getMessage()).containsPattern("§\\d");
            return "stream:" + x.error();
        } catch (IllegalStateException x) {
            assertThat(s.state()).as("a refused send leaves the state alone").isEqualTo(before);
            return "ISE";
        } catch (Http2Exception x) {
            throw new AssertionError(x);
        }
    }

    @ParameterizedTest(name = "§5.1 {0}: recv {1} -> {2}")
    @CsvSource({
        // idle: only HEADERS (and PRIORITY) may arrive.
        "idle, headers, OPEN",
        "idle, headers-es, HALF_CLOSED_REMOTE",
        "idle, data, conn:PROTOCOL_ERROR",
        "idle, data-es, conn:PROTOCOL_ERROR",
        "idle, end-stream, conn:PROTOCOL_ERROR",
        "idle, reset, conn:PROTOCOL_ERROR", // §6.4
        "idle, window-update, conn:PROTOCOL_ERROR",
        // reserved (local): RST_STREAM, PRIORITY, WINDOW_UPDATE only.
        "reserved-local, headers, conn:PROTOCOL_ERROR",
        "reserved-local, headers-es, conn:PROTOCOL_ERROR",
        "reserved-local, data, conn:PROTOCOL_ERROR",
        "reserved-local, data-es, conn:PROTOCOL_ERROR",
        "reserved-local, end-stream, conn:PROTOCOL_ERROR",
        "reserved-local, reset, CLOSED",
        "reserved-local, window-update, RESERVED_LOCAL",
        // reserved (remote): HEADERS, RST_STREAM, PRIORITY only.
        "reserved-remote, headers, HALF_CLOSED_LOCAL",
        "reserved-remote, headers-es, CLOSED",
        "reserved-remote, data, conn:PROTOCOL_ERROR",
        "reserved-remote, data-es, conn:PROTOCOL_ERROR",
        "reserved-remote, end-stream, conn:PROTOCOL_ERROR",
        "reserved-remote, reset, CLOSED",
        "reserved-remote, window-update, conn:PROTOCOL_ERROR",
        // open: anything; a second HEADERS must end the stream (§8.1 trailers).
        "open, headers, stream:PROTOCOL_ERROR",
        "open, headers-es, HALF_CLOSED_REMOTE",
        "open, data, OPEN",
        "open, data-es, HALF_CLOSED_REMOTE",
        "open, end-stream, HALF_CLOSED_REMOTE",
        "open, reset, CLOSED",
        "open, window-update, OPEN",
        // half-closed (local): any frame may arrive.
        "half-closed-local, headers, stream:PROTOCOL_ERROR",
        "half-closed-local, headers-es, CLOSED",
        "half-closed-local, data, HALF_CLOSED_LOCAL",
        "half-closed-local, data-es, CLOSED",
        "half-closed-local, end-stream, CLOSED",
        "half-closed-local, reset, CLOSED",
        "half-closed-local, window-update, HALF_CLOSED_LOCAL",
        // half-closed (remote): WINDOW_UPDATE, PRIORITY, RST_STREAM; the rest STREAM_CLOSED.
        "half-closed-remote, headers, stream:STREAM_CLOSED",
        "half-closed-remote, headers-es, stream:STREAM_CLOSED",
        "half-closed-remote, data, stream:STREAM_CLOSED",
        "half-closed-remote, data-es, stream:STREAM_CLOSED",
        "half-closed-remote, end-stream, stream:STREAM_CLOSED",
        "half-closed-remote, reset, CLOSED",
        "half-closed-remote, window-update, HALF_CLOSED_REMOTE",
        // closed after END_STREAM both ways: STREAM_CLOSED (the connection may escalate).
        "closed-end-sent, headers, stream:STREAM_CLOSED",
        "closed-end-sent, headers-es, stream:STREAM_CLOSED",
        "closed-end-sent, data, stream:STREAM_CLOSED",
        "closed-end-sent, data-es, stream:STREAM_CLOSED",
        "closed-end-sent, end-stream, stream:STREAM_CLOSED",
        "closed-end-sent, reset, ignored",
        "closed-end-sent, window-update, ignored",
        "closed-end-received, headers, stream:STREAM_CLOSED",
        "closed-end-received, data-es, stream:STREAM_CLOSED",
        "closed-end-received, reset, ignored",
        "closed-end-received, window-update, ignored",
        // closed by our RST_STREAM: whatever was in flight is ignored.
        "closed-reset-sent, headers, ignored",
        "closed-reset-sent, headers-es, ignored",
        "closed-reset-sent, data, ignored",
        "closed-reset-sent, data-es, ignored",
        "closed-reset-sent, end-stream, ignored",
        "closed-reset-sent, reset, ignored",
        "closed-reset-sent, window-update, ignored",
        // closed by the peer's RST_STREAM: it should know better.
        "closed-reset-received, headers, stream:STREAM_CLOSED",
        "closed-reset-received, headers-es, stream:STREAM_CLOSED",
        "closed-reset-received, data, stream:STREAM_CLOSED",
        "closed-reset-received, data-es, stream:STREAM_CLOSED",
        "closed-reset-received, end-stream, stream:STREAM_CLOSED",
        "closed-reset-received, reset, ignored",
        "closed-reset-received, window-update, ignored",
    })
    void receive(String setup, String event, String expected) throws Exception {
        assertThat(outcome(in(setup), RECV.get(event))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "§5.1 {0}: send {1} -> {2}")
    @CsvSource({
        "idle, headers, OPEN",
        "idle, headers-es, HALF_CLOSED_LOCAL",
        "idle, data, ISE",
        "idle, data-es, ISE",
        "idle, end-stream, ISE",
        "idle, reset, ISE", // §6.4: never for an idle stream
        "reserved-local, headers, HALF_CLOSED_REMOTE",
        "reserved-local, headers-es, CLOSED",
        "reserved-local, data, ISE",
        "reserved-local, end-stream, ISE",
        "reserved-local, reset, CLOSED",
        "reserved-remote, headers, ISE",
        "reserved-remote, headers-es, ISE",
        "reserved-remote, data, ISE",
        "reserved-remote, end-stream, ISE",
        "reserved-remote, reset, CLOSED",
        // open, before our HEADERS: DATA first would be malformed (§8.1).
        "open, headers, OPEN",
        "open, headers-es, HALF_CLOSED_LOCAL",
        "open, data, ISE",
        "open, data-es, ISE",
        "open, end-stream, ISE",
        "open, reset, CLOSED",
        "open-responding, headers, OPEN",
        "open-responding, headers-es, HALF_CLOSED_LOCAL",
        "open-responding, data, OPEN",
        "open-responding, data-es, HALF_CLOSED_LOCAL",
        "open-responding, end-stream, HALF_CLOSED_LOCAL",
        "open-responding, reset, CLOSED",
        // half-closed (local): only WINDOW_UPDATE, PRIORITY, RST_STREAM may be sent.
        "half-closed-local, headers, ISE",
        "half-closed-local, headers-es, ISE",
        "half-closed-local, data, ISE",
        "half-closed-local, data-es, ISE",
        "half-closed-local, end-stream, ISE",
        "half-closed-local, reset, CLOSED",
        "half-closed-remote, headers, HALF_CLOSED_REMOTE",
        "half-closed-remote, headers-es, CLOSED",
        "half-closed-remote, data, ISE",
        "half-closed-remote, end-stream, ISE",
        "half-closed-remote, reset, CLOSED",
        "half-closed-remote-responding, headers-es, CLOSED",
        "half-closed-remote-responding, data, HALF_CLOSED_REMOTE",
        "half-closed-remote-responding, data-es, CLOSED",
        "half-closed-remote-responding, end-stream, CLOSED",
        // closed: nothing but RST_STREAM (e.g. answering a frame received after END_STREAM).
        "closed-end-sent, headers, ISE",
        "closed-end-sent, data, ISE",
        "closed-end-sent, end-stream, ISE",
        "closed-end-sent, reset, CLOSED",
        "closed-end-received, headers-es, ISE",
        "closed-end-received, data-es, ISE",
        "closed-reset-received, headers, ISE",
        "closed-reset-received, data, ISE",
        "closed-reset-sent, data-es, ISE",
    })
    void send(String setup, String event, String expected) throws Exception {
        assertThat(outcome(in(setup), SEND.get(event))).isEqualTo(expected);
    }

    @Test
    void closeCauseSaysHowAndByWhom_5_1() throws Exception {
        assertThat(in("closed-end-sent").closeCause()).isEqualTo(END_STREAM_SENT);
        assertThat(in("closed-end-received").closeCause()).isEqualTo(END_STREAM_RECEIVED);
        StreamState sent = in("closed-reset-sent");
        assertThat(sent.closeCause()).isEqualTo(RESET_SENT);
        assertThat(sent.resetCode()).isEqualTo(Http2ErrorCode.CANCEL.code());
        assertThat(sent.isReset()).isTrue();
        StreamState received = in("closed-reset-received");
        assertThat(received.closeCause()).isEqualTo(RESET_RECEIVED);
        assertThat(received.isReset()).isTrue();
        assertThat(in("closed-end-sent").isReset()).isFalse();
        assertThat(in("closed-end-sent").resetCode()).isZero();
        assertThat(in("open").closeCause()).isNull();
    }

    @Test
    void pushReservationsCloseWithEndStream_5_1() throws Exception {
        StreamState local = in("reserved-local");
        local.sendHeaders(true);
        assertThat(local.closeCause()).isEqualTo(END_STREAM_SENT);
        StreamState remote = in("reserved-remote");
        remote.recvHeaders(true);
        assertThat(remote.closeCause()).isEqualTo(END_STREAM_RECEIVED);
    }

    @Test
    void resettingAStreamTheyEndedMakesLaterFramesIgnored_5_1() throws Exception {
        // The peer sent DATA after END_STREAM; we answer RST_STREAM(STREAM_CLOSED). Whatever
        // else it had in flight must now be ignored, not answered with more RST_STREAMs (§5.4.2).
        StreamState s = in("closed-end-sent");
        Http2StreamException e = catchThrowableOfType(Http2StreamException.class, () -> s.recvData(false));
        s.sendReset(e.error().code());
        assertThat(s.closeCause()).isEqualTo(RESET_SENT);
        assertThat(s.recvData(false)).isFalse();
    }

    @Test
    void peerResetOfAClosedStreamKeepsTheFirstCause_5_4_2() throws Exception {
        StreamState s = in("closed-end-received");
        assertThat(s.recvReset(Http2ErrorCode.NO_ERROR.code())).isFalse();
        assertThat(s.closeCause()).isEqualTo(END_STREAM_RECEIVED);
    }

    @Test
    void requestResponseLifecycleOfAServer_8_8() throws Exception {
        StreamState s = new StreamState(1);
        assertThat(s.recvHeaders(false)).isTrue(); // request headers
        assertThat(s.recvData(false)).isTrue();
        assertThat(s.recvHeaders(true)).isTrue(); // trailers end the request
        assertThat(s.state()).isEqualTo(HALF_CLOSED_REMOTE);
        s.sendHeaders(false); // 103 Early Hints
        s.sendHeaders(false); // 200
        s.sendData(false);
        assertThat(s.canSendData()).isTrue();
        s.sendHeaders(true); // response trailers
        assertThat(s.state()).isEqualTo(CLOSED);
        assertThat(s.closeCause()).isEqualTo(END_STREAM_SENT);
        assertThat(s.canSend()).isFalse();
    }

    @Test
    void endStreamAsASeparateEvent_5_1() throws Exception {
        StreamState s = in("open-responding");
        assertThat(s.recvData(false)).isTrue();
        assertThat(s.recvEndStream()).isTrue();
        assertThat(s.state()).isEqualTo(HALF_CLOSED_REMOTE);
        s.sendData(false);
        s.sendEndStream();
        assertThat(s.state()).isEqualTo(CLOSED);
        assertThat(s.closeCause()).isEqualTo(END_STREAM_SENT);
    }

    @Test
    void dataBeforeResponseHeadersIsMalformedForAClient_8_1() throws Exception {
        StreamState s = new StreamState(1);
        s.sendHeaders(true);
        assertThat(s.state()).isEqualTo(HALF_CLOSED_LOCAL);
        Http2StreamException e = catchThrowableOfType(Http2StreamException.class, () -> s.recvData(false));
        assertThat(e.error()).isEqualTo(Http2ErrorCode.PROTOCOL_ERROR);
        assertThat(s.recvHeaders(false)).isTrue();
        assertThat(s.recvData(true)).isTrue();
        assertThat(s.closeCause()).isEqualTo(END_STREAM_RECEIVED);
    }

    @Test
    void pushPromiseOnlyReservesIdleStreams_5_1_and_6_6() throws Exception {
        StreamState s = in("open");
        Http2ConnectionException e = catchThrowableOfType(Http2ConnectionException.class, s::recvPushPromise);
        assertThat(e.error()).isEqualTo(Http2ErrorCode.PROTOCOL_ERROR);
        assertThatThrownBy(s::sendPushPromise).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void queriesPerState_5_1_and_5_1_2() throws Exception {
        record Q(String setup, boolean active, boolean recvData, boolean send, boolean sendData, boolean closed) {}
        Stream.of(
                new Q("idle", false, false, false, false, false),
                new Q("reserved-local", false, false, true, false, false),
                new Q("reserved-remote", false, false, false, false, false),
                new Q("open", true, true, true, false, false),
                new Q("open-responding", true, true, true, true, false),
                new Q("half-closed-local", true, true, false, false, false),
                new Q("half-closed-remote", true, false, true, false, false),
                new Q("half-closed-remote-responding", true, false, true, true, false),
                new Q("closed-end-sent", false, false, false, false, true),
                new Q("closed-reset-received", false, false, false, false, true))
                .forEach(q -> {
                    StreamState s;
                    try {
                        s = in(q.setup());
                    } catch (Http2Exception e) {
                        throw new AssertionError(e);
                    }
                    assertThat(s.isActive()).as(q.setup() + " active").isEqualTo(q.active());
                    assertThat(s.canRecvData()).as(q.setup() + " canRecvData").isEqualTo(q.recvData());
                    assertThat(s.canSend()).as(q.setup() + " canSend").isEqualTo(q.send());
                    assertThat(s.canSendData()).as(q.setup() + " canSendData").isEqualTo(q.sendData());
                    assertThat(s.isClosed()).as(q.setup() + " closed").isEqualTo(q.closed());
                });
        assertThat(in("idle").state()).isEqualTo(IDLE);
        assertThat(in("open").state()).isEqualTo(OPEN);
        assertThat(in("reserved-local").state()).isEqualTo(RESERVED_LOCAL);
        assertThat(in("reserved-remote").state()).isEqualTo(RESERVED_REMOTE);
    }

    @Test
    void streamZeroIsNoStream_5_1_1() {
        assertThatThrownBy(() -> new StreamState(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new StreamState(7).streamId()).isEqualTo(7);
        assertThat(new StreamState(7)).hasToString("StreamState[7 idle]");
    }
}
