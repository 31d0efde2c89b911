package dev.peregrine.http2.frame;

import static dev.peregrine.http2.frame.Http2ErrorCode.FLOW_CONTROL_ERROR;

/**
 * One flow-control window (RFC 9113 §5.2, §6.9): of a stream, or of the connection (stream 0).
 * The same type serves both directions: a send window (what the peer lets us send: consume on
 * DATA sent, expand on WINDOW_UPDATE received) and a receive window (what we let the peer send:
 * consume on DATA received, expand when we send WINDOW_UPDATE).
 *
 * <p>The value is an int, computed in long arithmetic so that overflow is detected rather than
 * wrapped. It may be negative after a SETTINGS_INITIAL_WINDOW_SIZE decrease (§6.9.2); a sender
 * then sends nothing until WINDOW_UPDATE makes it positive again.
 *
 * <p>Errors are reported as the RFC wants for the window's kind: a stream window raises
 * stream errors, the connection window connection errors (§6.9, §6.9.1). The one exception is
 * {@link #applyInitialDelta}, whose overflow is always a connection error (§6.9.2).
 *
 * <p>Not thread-safe.
 */
public final class FlowWindow {

    /** The largest window, 2^31-1 (§6.9.1). */
    public static final int MAX = Integer.MAX_VALUE;

    private final int streamId;
    private int window;

    /**
     * @param streamId the stream whose window this is, or 0 for the connection window
     * @param initial the starting size, 0..2^31-1: SETTINGS_INITIAL_WINDOW_SIZE for a stream,
     *     65,535 for the connection (§6.9.2)
     */
    public FlowWindow(int streamId, int initial) {
        if (streamId < 0) {
            throw new IllegalArgumentException("stream id must be 0..2^31-1: " + streamId);
        }
        if (initial < 0) {
            throw new IllegalArgumentException("initial window must be 0..2^31-1: " + initial);
        }
        this.streamId = streamId;
        this.window = initial;
    }

    /** 0 for the connection window. */
    public int streamId() {
        return streamId;
    }

    public boolean isConnection() {
        return streamId == 0;
    }

    /** Octets that may still be sent; negative after a window reduction (§6.9.2). */
    public int available() {
        return window;
    }

    /**
     * Takes {@code n} octets of flow-controlled payload (the whole DATA payload, padding
     * included, §6.1) out of the window.
     *
     * @throws Http2Exception FLOW_CONTROL_ERROR if {@code n} exceeds the window: on a receive
     *     window, the peer sent more than we allowed (§6.9.1); a sender checks
     *     {@link #available()} first and never gets here
     */
    public void consume(int n) throws Http2Exception {
        if (n < 0) {
            throw new IllegalArgumentException("cannot consume a negative amount: " + n);
        }
        if (n > window) {
            throw error("§6.9.1: flow-controlled data beyond the flow-control window");
        }
        window -= n;
    }

    /**
     * Adds a WINDOW_UPDATE increment.
     *
     * @param increment 0..2^31-1 (the reader already rejected 0 on the wire, §6.9)
     * @throws Http2Exception FLOW_CONTROL_ERROR if the window would exceed 2^31-1 (§6.9.1): a
     *     stream error for a stream window, a connection error for the connection window
     */
    public void expand(int increment) throws Http2Exception {
        if (increment < 0) {
            throw new IllegalArgumentException("window increment must be 0..2^31-1: " + increment);
        }
        long next = (long) window + increment;
        if (next > MAX) {
            throw error("§6.9.1: WINDOW_UPDATE makes the flow-control window exceed 2^31-1");
        }
        window = (int) next;
    }

    /**
     * Applies a change of SETTINGS_INITIAL_WINDOW_SIZE to a stream window: {@code delta} is the
     * new value minus the old one (§6.9.2). The window may go negative.
     *
     * @throws Http2ConnectionException FLOW_CONTROL_ERROR if the window would exceed 2^31-1;
     *     §6.9.2 makes this a connection error even though the window is a stream's
     * @throws IllegalStateException on the connection window, which SETTINGS cannot alter
     *     (§6.9.2)
     */
    public void applyInitialDelta(int delta) throws Http2ConnectionException {
        if (streamId == 0) {
            throw new IllegalStateException(
                    "§6.9.2: SETTINGS_INITIAL_WINDOW_SIZE does not alter the connection window");
        }
        long next = (long) window + delta;
        if (next > MAX || next < Integer.MIN_VALUE) {
            // Below -2^31 cannot happen (a window is consumed only down to 0 and a delta is at
            // least -(2^31-1)), but the cast must never wrap.
            throw new Http2ConnectionException(FLOW_CONTROL_ERROR,
                    "§6.9.2: SETTINGS_INITIAL_WINDOW_SIZE change makes a flow-control window exceed 2^31-1");
        }
        window = (int) next;
    }

    private Http2Exception error(String rule) {
        return streamId == 0
                ? new Http2ConnectionException(FLOW_CONTROL_ERROR, rule)
                : new Http2StreamException(streamId, FLOW_CONTROL_ERROR, rule);
    }

    @Override
    public String toString() {
        return "FlowWindow[" + (streamId == 0 ? "connection" : "stream " + streamId) + ": " + window + "]";
    }
}
