package dev.peregrine.http2.frame;

import static dev.peregrine.http2.frame.Http2ErrorCode.PROTOCOL_ERROR;
import static dev.peregrine.http2.frame.Http2ErrorCode.STREAM_CLOSED;

/**
 * The life cycle of one stream, RFC 9113 §5.1, as seen by one endpoint:
 *
 * <pre>
 *                              +--------+
 *                      send PP |        | recv PP
 *                     ,--------+  idle  +--------.
 *                    /         |        |         \
 *                   v          +--------+          v
 *            +----------+          |           +----------+
 *            |          |          | send H /  |          |
 *     ,------+ reserved |          | recv H    | reserved +------.
 *     |      | (local)  |          |           | (remote) |      |
 *     |      +---+------+          v           +------+---+      |
 *     |          |             +--------+             |          |
 *     |          |     recv ES |        | send ES     |          |
 *     |   send H |     ,-------+  open  +-------.     | recv H   |
 *     |          |    /        |        |        \    |          |
 *     |          v   v         +---+----+         v   v          |
 *     |      +----------+          |           +----------+      |
 *     |      |   half-  |          |           |   half-  |      |
 *     |      |  closed  |          | send R /  |  closed  |      |
 *     |      | (remote) |          | recv R    | (local)  |      |
 *     |      +----+-----+          |           +-----+----+      |
 *     |           |                |                 |           |
 *     |           | send ES /      |       recv ES / |           |
 *     |           |  send R /      v        send R / |           |
 *     |           |  recv R    +--------+   recv R   |           |
 *     | send R /  `-----------&gt;|        |&lt;-----------'  send R / |
 *     | recv R                 | closed |               recv R   |
 *     `-----------------------&gt;|        |&lt;-----------------------'
 *                              +--------+
 *
 *   H: HEADERS (with its CONTINUATIONs)   PP: PUSH_PROMISE (for the promised stream)
 *   ES: END_STREAM flag                   R: RST_STREAM
 * </pre>
 *
 * <p>Each method is one event of the diagram. END_STREAM is a separate event from the frame that
 * carries it (§5.1), so {@code recvHeaders(true)} is {@code recvHeaders(false)} followed by
 * {@link #recvEndStream()}, and likewise for DATA and for the send side.
 *
 * <p><b>Receiving</b> is peer input: an illegal move throws the error §5.1 names and leaves the
 * state unchanged. Idle and reserved streams take a connection error PROTOCOL_ERROR; a
 * half-closed (remote) stream a stream error STREAM_CLOSED. A closed stream depends on how it
 * closed, hence {@link #closeCause()} (the distinction h2's {@code Cause} makes):
 *
 * <ul>
 *   <li>{@link CloseCause#RESET_SENT}: the peer may have sent frames before it saw our
 *       RST_STREAM; they MUST be ignored (§5.1, "closed"). The {@code recv} methods return false:
 *       discard the frame after the minimal processing §5.1 asks for (HPACK-decode field blocks,
 *       charge DATA to the connection window).
 *   <li>{@link CloseCause#RESET_RECEIVED}: DATA or HEADERS after the peer's own RST_STREAM are a
 *       stream error STREAM_CLOSED (RFC 7540 §5.1).
 *   <li>{@link CloseCause#END_STREAM_SENT}, {@link CloseCause#END_STREAM_RECEIVED}: DATA or
 *       HEADERS after the peer's END_STREAM are thrown as a stream error STREAM_CLOSED, which the
 *       connection MAY escalate to a connection error STREAM_CLOSED (§5.1).
 * </ul>
 *
 * WINDOW_UPDATE and RST_STREAM on a closed stream are always ignored (return false): they can be
 * in flight when we close it (§5.1). PRIORITY is legal in every state and has no event here.
 *
 * <p><b>Sending</b> is our own code: an illegal move is a bug and throws
 * {@link IllegalStateException}; {@link #canSend()} tells whether HEADERS may be sent, e.g. after
 * the peer reset the stream.
 *
 * <p>Beyond the diagram, the machine enforces the HTTP message shape of §8.1 on received frames:
 * DATA before any HEADERS, and a second HEADERS (trailers) without END_STREAM, are malformed,
 * a stream error PROTOCOL_ERROR (§8.1.1). A client would have to let 1xx interim responses
 * through; this machine is written for a server, which never receives them.
 *
 * <p>Which streams a peer may open (§5.1.1 identifiers, §5.1.2 concurrency) is the connection's
 * business. Not thread-safe.
 */
public final class StreamState {

    /** The states of §5.1. */
    public enum State {
        IDLE, RESERVED_LOCAL, RESERVED_REMOTE, OPEN, HALF_CLOSED_LOCAL, HALF_CLOSED_REMOTE, CLOSED
    }

    /** How a stream reached {@link State#CLOSED}, and by whom. */
    public enum CloseCause {
        /** Both sides sent END_STREAM; ours came last. */
        END_STREAM_SENT,
        /** Both sides sent END_STREAM; the peer's came last. */
        END_STREAM_RECEIVED,
        /** We sent RST_STREAM. */
        RESET_SENT,
        /** The peer sent RST_STREAM. */
        RESET_RECEIVED
    }

    private final int streamId;
    private State state = State.IDLE;
    private CloseCause closeCause;
    private int resetCode;
    private boolean headersReceived;
    private boolean headersSent;

    public StreamState(int streamId) {
        if (streamId <= 0) {
            throw new IllegalArgumentException("stream id must be 1..2^31-1: " + streamId);
        }
        this.streamId = streamId;
    }

    public int streamId() {
        return streamId;
    }

    public State state() {
        return state;
    }

    /** How the stream closed; null while it is not {@link State#CLOSED}. */
    public CloseCause closeCause() {
        return closeCause;
    }

    /** The raw RST_STREAM error code when {@link #closeCause()} is a reset; otherwise 0. */
    public int resetCode() {
        return resetCode;
    }

    public boolean isClosed() {
        return state == State.CLOSED;
    }

    /** Whether the stream was closed by a RST_STREAM, sent or received. */
    public boolean isReset() {
        return closeCause == CloseCause.RESET_SENT || closeCause == CloseCause.RESET_RECEIVED;
    }

    /** Whether the stream counts toward SETTINGS_MAX_CONCURRENT_STREAMS: open or half-closed (§5.1.2). */
    public boolean isActive() {
        return state == State.OPEN || state == State.HALF_CLOSED_LOCAL || state == State.HALF_CLOSED_REMOTE;
    }

    /** Whether the peer may still send DATA: open or half-closed (local) (§6.1). */
    public boolean canRecvData() {
        return state == State.OPEN || state == State.HALF_CLOSED_LOCAL;
    }

    /**
     * Whether we may send HEADERS: open, half-closed (remote) or reserved (local) (§6.2). DATA
     * further needs our HEADERS first: {@link #canSendData()}.
     */
    public boolean canSend() {
        return state == State.OPEN || state == State.HALF_CLOSED_REMOTE || state == State.RESERVED_LOCAL;
    }

    /** Whether we may send DATA: open or half-closed (remote), after our HEADERS (§6.1, §8.1). */
    public boolean canSendData() {
        return headersSent && (state == State.OPEN || state == State.HALF_CLOSED_REMOTE);
    }

    // ---- receiving

    /**
     * The peer's HEADERS (with its CONTINUATIONs), and its END_STREAM if set.
     *
     * @return true to process the field block; false if the stream was reset by us and the block
     *     is to be HPACK-decoded and dropped
     */
    public boolean recvHeaders(boolean endStream) throws Http2Exception {
        switch (state) {
            case IDLE -> {
                state = endStream ? State.HALF_CLOSED_REMOTE : State.OPEN;
            }
            case RESERVED_REMOTE -> {
                state = State.HALF_CLOSED_LOCAL;
                if (endStream) {
                    close(CloseCause.END_STREAM_RECEIVED, 0);
                }
            }
            case OPEN, HALF_CLOSED_LOCAL -> {
                if (headersReceived && !endStream) {
                    throw new Http2StreamException(streamId, PROTOCOL_ERROR,
                            "§8.1: a second HEADERS (trailers) must carry END_STREAM");
                }
                if (endStream) {
                    endRemote();
                }
            }
            case RESERVED_LOCAL -> throw new Http2ConnectionException(PROTOCOL_ERROR,
                    "§5.1: HEADERS received on a reserved (local) stream");
            case HALF_CLOSED_REMOTE -> throw new Http2StreamException(streamId, STREAM_CLOSED,
                    "§5.1: HEADERS received on a half-closed (remote) stream");
            case CLOSED -> {
                return recvOnClosed("HEADERS");
            }
        }
        headersReceived = true;
        return true;
    }

    /**
     * The peer's DATA, and its END_STREAM if set.
     *
     * @return true to deliver the data; false if the stream was reset by us and the frame is to
     *     be dropped (it still counts against the connection window, §6.9)
     */
    public boolean recvData(boolean endStream) throws Http2Exception {
        switch (state) {
            case OPEN, HALF_CLOSED_LOCAL -> {
                if (!headersReceived) {
                    throw new Http2StreamException(streamId, PROTOCOL_ERROR, "§8.1: DATA before HEADERS");
                }
                if (endStream) {
                    endRemote();
                }
                return true;
            }
            case HALF_CLOSED_REMOTE -> throw new Http2StreamException(streamId, STREAM_CLOSED,
                    "§5.1: DATA received on a half-closed (remote) stream");
            case CLOSED -> {
                return recvOnClosed("DATA");
            }
            default -> throw new Http2ConnectionException(PROTOCOL_ERROR,
                    "§5.1: DATA received on a stream in state " + describe());
        }
    }

    /**
     * The peer's END_STREAM flag as an event of its own (§5.1); only open or half-closed (local).
     *
     * @return false if the stream was reset by us and the flag is to be ignored
     */
    public boolean recvEndStream() throws Http2Exception {
        switch (state) {
            case OPEN, HALF_CLOSED_LOCAL -> {
                endRemote();
                return true;
            }
            case HALF_CLOSED_REMOTE -> throw new Http2StreamException(streamId, STREAM_CLOSED,
                    "§5.1: END_STREAM received on a half-closed (remote) stream");
            case CLOSED -> {
                return recvOnClosed("END_STREAM");
            }
            default -> throw new Http2ConnectionException(PROTOCOL_ERROR,
                    "§5.1: END_STREAM received on a stream in state " + describe());
        }
    }

    /**
     * The peer's RST_STREAM.
     *
     * @return true if it closed the stream; false if the stream was already closed and the frame
     *     is to be ignored (never answered with another RST_STREAM, §5.4.2)
     * @throws Http2ConnectionException PROTOCOL_ERROR on an idle stream (§6.4)
     */
    public boolean recvReset(int errorCode) throws Http2ConnectionException {
        if (state == State.IDLE) {
            throw new Http2ConnectionException(PROTOCOL_ERROR, "§6.4: RST_STREAM received on an idle stream");
        }
        if (state == State.CLOSED) {
            return false;
        }
        close(CloseCause.RESET_RECEIVED, errorCode);
        return true;
    }

    /**
     * The peer's WINDOW_UPDATE for this stream.
     *
     * @return true to apply it to the stream's send window; false if the stream is closed and
     *     the frame is to be ignored (§5.1, §6.9)
     * @throws Http2ConnectionException PROTOCOL_ERROR on an idle or reserved (remote) stream
     */
    public boolean recvWindowUpdate() throws Http2ConnectionException {
        return switch (state) {
            case IDLE, RESERVED_REMOTE -> throw new Http2ConnectionException(PROTOCOL_ERROR,
                    "§5.1: WINDOW_UPDATE received on a stream in state " + describe());
            case CLOSED -> false;
            default -> true;
        };
    }

    /** The peer promised this stream in a PUSH_PROMISE: idle to reserved (remote). */
    public void recvPushPromise() throws Http2ConnectionException {
        if (state != State.IDLE) {
            throw new Http2ConnectionException(PROTOCOL_ERROR,
                    "§6.6: PUSH_PROMISE promised a stream that is not idle");
        }
        state = State.RESERVED_REMOTE;
    }

    // ---- sending

    /** We send HEADERS (with its CONTINUATIONs), and END_STREAM if set. */
    public void sendHeaders(boolean endStream) {
        switch (state) {
            case IDLE -> state = endStream ? State.HALF_CLOSED_LOCAL : State.OPEN;
            case RESERVED_LOCAL -> {
                state = State.HALF_CLOSED_REMOTE;
                if (endStream) {
                    close(CloseCause.END_STREAM_SENT, 0);
                }
            }
            case OPEN, HALF_CLOSED_REMOTE -> {
                if (endStream) {
                    endLocal();
                }
            }
            default -> throw illegalSend("HEADERS");
        }
        headersSent = true;
    }

    /** We send DATA, and END_STREAM if set; only after our HEADERS. */
    public void sendData(boolean endStream) {
        if (!canSendData()) {
            throw illegalSend("DATA");
        }
        if (endStream) {
            endLocal();
        }
    }

    /**
     * Our END_STREAM flag as an event of its own, e.g. on an empty DATA frame; like DATA it needs
     * our HEADERS first (a HEADERS carrying END_STREAM is {@code sendHeaders(true)}).
     */
    public void sendEndStream() {
        if (!canSendData()) {
            throw illegalSend("END_STREAM");
        }
        endLocal();
    }

    /**
     * We send RST_STREAM: closed from any state but idle (§6.4). Also legal on a closed stream,
     * e.g. to answer a frame the peer sent after END_STREAM; the stream then counts as reset by
     * us, so that what else the peer had in flight is ignored.
     */
    public void sendReset(int errorCode) {
        if (state == State.IDLE) {
            throw new IllegalStateException("§6.4: RST_STREAM must not be sent for idle stream " + streamId);
        }
        close(CloseCause.RESET_SENT, errorCode);
    }

    /** We promise this stream in a PUSH_PROMISE: idle to reserved (local). */
    public void sendPushPromise() {
        if (state != State.IDLE) {
            throw illegalSend("PUSH_PROMISE");
        }
        state = State.RESERVED_LOCAL;
    }

    // ---- internals

    private boolean recvOnClosed(String what) throws Http2StreamException {
        if (closeCause == CloseCause.RESET_SENT) {
            return false; // §5.1: frames received after we sent RST_STREAM MUST be ignored.
        }
        throw new Http2StreamException(streamId, STREAM_CLOSED, closeCause == CloseCause.RESET_RECEIVED
                ? "§5.1: " + what + " received on a stream the peer reset"
                : "§5.1: " + what + " received on a stream the peer had ended");
    }

    private void endRemote() {
        if (state == State.OPEN) {
            state = State.HALF_CLOSED_REMOTE;
        } else {
            close(CloseCause.END_STREAM_RECEIVED, 0);
        }
    }

    private void endLocal() {
        if (state == State.OPEN) {
            state = State.HALF_CLOSED_LOCAL;
        } else {
            close(CloseCause.END_STREAM_SENT, 0);
        }
    }

    private void close(CloseCause cause, int code) {
        state = State.CLOSED;
        closeCause = cause;
        resetCode = code;
    }

    private IllegalStateException illegalSend(String what) {
        return new IllegalStateException(
                "§5.1: cannot send " + what + " on stream " + streamId + " in state " + describe());
    }

    private String describe() {
        return switch (state) {
            case IDLE -> "idle";
            case RESERVED_LOCAL -> "reserved (local)";
            case RESERVED_REMOTE -> "reserved (remote)";
            case OPEN -> "open";
            case HALF_CLOSED_LOCAL -> "half-closed (local)";
            case HALF_CLOSED_REMOTE -> "half-closed (remote)";
            case CLOSED -> "closed";
        };
    }

    @Override
    public String toString() {
        return "StreamState[" + streamId + " " + describe() + (closeCause == null ? "" : " " + closeCause) + "]";
    }
}
