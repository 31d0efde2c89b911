package dev.peregrine.http3.frame;

import static dev.peregrine.http3.frame.Http3ErrorCode.H3_CLOSED_CRITICAL_STREAM;
import static dev.peregrine.http3.frame.Http3ErrorCode.H3_FRAME_UNEXPECTED;
import static dev.peregrine.http3.frame.Http3ErrorCode.H3_ID_ERROR;
import static dev.peregrine.http3.frame.Http3ErrorCode.H3_MISSING_SETTINGS;

/**
 * What each frame on the client's control stream means to a server (RFC 9114 §6.2.1, §7.2), as
 * a pure decision: {@link #onFrame} names what to do with the frame or throws the connection
 * error the RFC prescribes. Every error on the control stream is a connection error, because the
 * control stream is connection state.
 *
 * <table>
 *   <caption>Frames on the peer's control stream</caption>
 *   <tr><th>frame</th><th>first</th><th>later</th></tr>
 *   <tr><td>SETTINGS</td><td>{@link Action#SETTINGS}</td><td>H3_FRAME_UNEXPECTED (§7.2.4)</td></tr>
 *   <tr><td>GOAWAY, MAX_PUSH_ID, CANCEL_PUSH</td><td rowspan="4">H3_MISSING_SETTINGS (§6.2.1)</td>
 *       <td>that action</td></tr>
 *   <tr><td>DATA, HEADERS, PUSH_PROMISE</td><td>H3_FRAME_UNEXPECTED (§7.2.1, §7.2.2, §7.2.5)</td></tr>
 *   <tr><td>HTTP/2-only types</td><td>H3_FRAME_UNEXPECTED (§7.2.8)</td></tr>
 *   <tr><td>reserved and unknown types</td><td>{@link Action#SKIP} (§7.2.8, §9)</td></tr>
 * </table>
 *
 * <p>A reserved or unknown first frame is H3_MISSING_SETTINGS too: §9 says an unknown type "does
 * not satisfy" the requirement that SETTINGS come first. An HTTP/2-only first frame breaks two
 * rules; the first-frame one is reported.
 *
 * <p>The {@code on...} value checks apply the identifier rules to the frames' payloads, and
 * {@link #onEnd} the rule that the control stream never ends. Not thread-safe; one per connection.
 */
public final class ControlStreamRules {

    /** What to do with an accepted frame. */
    public enum Action {
        /** Parse the payload as the peer's settings ({@link FrameInput#settingsPayload}). */
        SETTINGS,
        /** Read the push ID ({@link FrameInput#idPayload}) and pass it to {@link #onGoAway}. */
        GOAWAY,
        /** Read the push ID and pass it to {@link #onMaxPushId}. */
        MAX_PUSH_ID,
        /** Read the push ID and pass it to {@link #onCancelPush}. */
        CANCEL_PUSH,
        /** A reserved or unknown frame: {@link FrameInput#skipPayload()}. */
        SKIP
    }

    private boolean settingsReceived;
    private long goAwayId = -1;
    private long maxPushId = -1;

    /**
     * Decides what the next frame on the control stream is.
     *
     * @throws Http3ConnectionException H3_MISSING_SETTINGS or H3_FRAME_UNEXPECTED, as above
     */
    public Action onFrame(long type) throws Http3ConnectionException {
        if (!settingsReceived) {
            if (type != FrameType.SETTINGS) {
                throw new Http3ConnectionException(H3_MISSING_SETTINGS,
                        "§6.2.1: the first frame on the control stream must be SETTINGS");
            }
            settingsReceived = true;
            return Action.SETTINGS;
        }
        if (type == FrameType.SETTINGS) {
            throw unexpected("§7.2.4: a second SETTINGS frame on the control stream");
        } else if (type == FrameType.GOAWAY) {
            return Action.GOAWAY;
        } else if (type == FrameType.MAX_PUSH_ID) {
            return Action.MAX_PUSH_ID;
        } else if (type == FrameType.CANCEL_PUSH) {
            return Action.CANCEL_PUSH;
        } else if (type == FrameType.DATA) {
            throw unexpected("§7.2.1: DATA on the control stream");
        } else if (type == FrameType.HEADERS) {
            throw unexpected("§7.2.2: HEADERS on the control stream");
        } else if (type == FrameType.PUSH_PROMISE) {
            throw unexpected("§7.2.5: a server received PUSH_PROMISE");
        } else if (FrameType.isHttp2Only(type)) {
            throw unexpected("§7.2.8: an HTTP/2 frame type on the control stream");
        }
        return Action.SKIP;
    }

    /**
     * Applies a client's GOAWAY push ID (§5.2): a GOAWAY may repeat, but its identifier may not
     * grow, since the peer may already have acted on the smaller one.
     *
     * @throws Http3ConnectionException H3_ID_ERROR if {@code pushId} exceeds a previous GOAWAY's
     */
    public void onGoAway(long pushId) throws Http3ConnectionException {
        if (goAwayId >= 0 && pushId > goAwayId) {
            throw new Http3ConnectionException(H3_ID_ERROR, "§5.2: a GOAWAY identifier larger than the previous one");
        }
        goAwayId = pushId;
    }

    /**
     * Applies a client's MAX_PUSH_ID (§7.2.7).
     *
     * @throws Http3ConnectionException H3_ID_ERROR if it is smaller than a previous one
     */
    public void onMaxPushId(long pushId) throws Http3ConnectionException {
        if (pushId < maxPushId) {
            throw new Http3ConnectionException(H3_ID_ERROR, "§7.2.7: MAX_PUSH_ID reduced the maximum push ID");
        }
        maxPushId = pushId;
    }

    /**
     * Applies a client's CANCEL_PUSH (§7.2.3). Peregrine never sends PUSH_PROMISE, so no push ID
     * has been "mentioned by a PUSH_PROMISE frame", and §7.2.3 makes every CANCEL_PUSH a server
     * receives an error.
     *
     * @throws Http3ConnectionException H3_ID_ERROR, always
     */
    public void onCancelPush(long pushId) throws Http3ConnectionException {
        throw new Http3ConnectionException(H3_ID_ERROR, "§7.2.3: CANCEL_PUSH for a push ID never promised");
    }

    /**
     * The control stream ended, by FIN or by reset: §6.2.1 says it must never close.
     *
     * @throws Http3ConnectionException H3_CLOSED_CRITICAL_STREAM, always
     */
    public void onEnd() throws Http3ConnectionException {
        throw new Http3ConnectionException(H3_CLOSED_CRITICAL_STREAM, "§6.2.1: the peer's control stream closed");
    }

    public boolean settingsReceived() {
        return settingsReceived;
    }

    /** The push ID of the client's last GOAWAY, or -1 if none came. */
    public long goAwayId() {
        return goAwayId;
    }

    /** The client's maximum push ID, or -1 while unset (§7.2.7). */
    public long maxPushId() {
        return maxPushId;
    }

    private static Http3ConnectionException unexpected(String rule) {
        return new Http3ConnectionException(H3_FRAME_UNEXPECTED, rule);
    }
}
