package dev.peregrine.http2.frame;

/**
 * Receives the frames {@link FrameReader#read} parses, one call per frame, in wire order.
 *
 * <p>By the time a method is called the frame's layout has been validated per RFC 9113 §4–§6
 * (stream 0 rules, lengths, padding, CONTINUATION sequencing). Whether the frame is legal for the
 * stream's state is the listener's business ({@link StreamState}), as is flow control
 * ({@link FlowWindow}) and HPACK.
 *
 * <p>Byte slices ({@code data}, {@code fragment}, {@code debug}) point into the reader's input
 * buffer and are valid only during the call: copy what must outlive it. The listener must not
 * touch the input buffer's position or limit.
 *
 * <p>Every method may throw {@link Http2Exception}; it propagates out of {@code read} with the
 * current frame consumed. A {@link Http2ConnectionException} ends the reader; after a
 * {@link Http2StreamException} the caller may call {@code read} again.
 */
public interface FrameListener {

    /**
     * A DATA frame (§6.1), padding stripped.
     *
     * @param flowControlledLength the whole frame payload, including the Pad Length octet and the
     *     padding: what the frame costs in both flow-control windows (§6.1, §6.9.1). Charge it
     *     even when the frame is then discarded (closed or reset stream), or the windows of the
     *     two endpoints drift apart (§6.9).
     */
    void onData(int streamId, byte[] data, int off, int len, boolean endStream, int flowControlledLength)
            throws Http2Exception;

    /**
     * A HEADERS frame (§6.2): the first fragment of a field block, padding and the deprecated
     * priority fields stripped. If {@code endHeaders} is false, CONTINUATION frames for the same
     * stream follow, and nothing else can come in between (the reader enforces it, §6.10).
     *
     * <p>The fragment must be fed to the HPACK decoder even if the stream is then refused or
     * reset, or the compression state is lost (§4.3). That is also why a HEADERS frame whose
     * priority names its own stream (a stream error PROTOCOL_ERROR, RFC 7540 §5.3.1) is still
     * delivered here first: {@code read} throws the {@link Http2StreamException} right after
     * this call returns, and the connection resets the stream.
     *
     * <p>{@link FrameReader#headerBlockLength()} is the size of the block so far, this fragment
     * included, for a limit on the whole field block across CONTINUATION frames.
     */
    void onHeaders(int streamId, byte[] fragment, int off, int len, boolean endStream, boolean endHeaders)
            throws Http2Exception;

    /**
     * A CONTINUATION frame (§6.10) on the stream whose HEADERS is being continued. The reader
     * has already checked the sequencing; {@link FrameReader#headerBlockLength()} and
     * {@link FrameReader#headerBlockFrameCount()} include this frame, so a limit on the block's
     * size or on its frame count (against floods of tiny CONTINUATION frames) can be applied
     * here.
     */
    void onContinuation(int streamId, byte[] fragment, int off, int len, boolean endHeaders)
            throws Http2Exception;

    /**
     * A PRIORITY frame (§6.3) with valid length and no self-dependency; its fields are dropped
     * (priority signalling is deprecated, §5.3.2). It may name a stream in any state, idle
     * included, and does not change that state.
     */
    default void onPriority(int streamId) throws Http2Exception {}

    /**
     * A RST_STREAM frame (§6.4).
     *
     * @param errorCode the raw 32-bit code; see {@link Http2ErrorCode#of(int)}
     */
    void onRstStream(int streamId, int errorCode) throws Http2Exception;

    /**
     * A SETTINGS frame without ACK (§6.5), every value already validated per §6.5.2.
     *
     * <p>{@code received} is one instance the reader reuses for every SETTINGS frame: it holds
     * RFC defaults plus the parameters this frame carried, which {@link Http2Settings#isSet}
     * tells apart. It is valid only during the call; {@link Http2Settings#mergeFrom} it into the
     * connection's view of the peer settings, or {@link Http2Settings#copy()} it. The connection
     * must then apply the values and send a SETTINGS ACK (§6.5.3).
     */
    void onSettings(Http2Settings received) throws Http2Exception;

    /** A SETTINGS frame with ACK: the peer applied our oldest unacknowledged SETTINGS (§6.5.3). */
    void onSettingsAck() throws Http2Exception;

    /**
     * A PUSH_PROMISE frame (§6.6). Never called by {@link FrameReader}: it reads frames sent to
     * a server, and a server MUST treat any PUSH_PROMISE as a connection error PROTOCOL_ERROR
     * (§8.4), so the reader throws that itself before the frame's payload matters. The method
     * exists so that a listener can state the rule in one place; its default throws it.
     */
    default void onPushPromise(int streamId) throws Http2Exception {
        throw new Http2ConnectionException(Http2ErrorCode.PROTOCOL_ERROR,
                "§8.4: a client cannot push; PUSH_PROMISE received by a server");
    }

    /**
     * A PING frame (§6.7); the 8 opaque octets as a big-endian long. Without {@code ack} the
     * connection must answer with a PING carrying the same payload and ACK set.
     */
    void onPing(long payload, boolean ack) throws Http2Exception;

    /**
     * A GOAWAY frame (§6.8).
     *
     * @param lastStreamId reserved bit cleared
     * @param errorCode the raw 32-bit code; see {@link Http2ErrorCode#of(int)}
     * @param debug additional debug data, possibly empty; valid only during the call
     */
    void onGoAway(int lastStreamId, int errorCode, byte[] debug, int off, int len) throws Http2Exception;

    /**
     * A WINDOW_UPDATE frame (§6.9) with an increment of 1..2^31-1 (a zero increment was already
     * turned into the error §6.9 names); stream 0 means the connection window.
     */
    void onWindowUpdate(int streamId, int increment) throws Http2Exception;

    /**
     * A frame of a type RFC 9113 does not define. It MUST be ignored and discarded (§4.1, §5.5);
     * the callback exists for metrics and for budgets against floods of such frames. An unknown
     * frame inside a field block never gets here: it is a connection error (§5.5, §6.10).
     */
    default void onUnknownFrame(int type, int streamId, int length) throws Http2Exception {}
}
