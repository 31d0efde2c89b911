package dev.peregrine.http2.frame;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Records every callback as one readable line, copying the slices (which are valid only during
 * the call), e.g. {@code DATA 1 'hello' es=true fc=10}. Tests subclass it to throw from a
 * callback, hence the {@code throws} clauses.
 */
class RecordingListener implements FrameListener {

    final List<String> events = new ArrayList<>();
    /** Settings received, copied out of the reader's reused instance. */
    final List<Http2Settings> settings = new ArrayList<>();
    /** {@link FrameReader#headerBlockLength()} seen inside each HEADERS/CONTINUATION callback. */
    final List<Long> blockLengths = new ArrayList<>();

    private final FrameReader reader;

    RecordingListener() {
        this(null);
    }

    RecordingListener(FrameReader reader) {
        this.reader = reader;
    }

    static String text(byte[] a, int off, int len) {
        return "'" + new String(a, off, len, StandardCharsets.ISO_8859_1) + "'";
    }

    @Override
    public void onData(int streamId, byte[] data, int off, int len, boolean endStream, int flowControlledLength)
            throws Http2Exception {
        events.add("DATA " + streamId + " " + text(data, off, len) + " es=" + endStream
                + " fc=" + flowControlledLength);
    }

    @Override
    public void onHeaders(int streamId, byte[] fragment, int off, int len, boolean endStream, boolean endHeaders)
            throws Http2Exception {
        events.add("HEADERS " + streamId + " " + text(fragment, off, len) + " es=" + endStream
                + " eh=" + endHeaders);
        if (reader != null) {
            blockLengths.add(reader.headerBlockLength());
        }
    }

    @Override
    public void onContinuation(int streamId, byte[] fragment, int off, int len, boolean endHeaders)
            throws Http2Exception {
        events.add("CONTINUATION " + streamId + " " + text(fragment, off, len) + " eh=" + endHeaders);
        if (reader != null) {
            blockLengths.add(reader.headerBlockLength());
        }
    }

    @Override
    public void onPriority(int streamId) throws Http2Exception {
        events.add("PRIORITY " + streamId);
    }

    @Override
    public void onRstStream(int streamId, int errorCode) throws Http2Exception {
        events.add("RST_STREAM " + streamId + " code=" + errorCode);
    }

    @Override
    public void onSettings(Http2Settings received) throws Http2Exception {
        events.add("SETTINGS " + received);
        settings.add(received.copy());
    }

    @Override
    public void onSettingsAck() throws Http2Exception {
        events.add("SETTINGS_ACK");
    }

    @Override
    public void onPing(long payload, boolean ack) throws Http2Exception {
        events.add("PING " + Long.toHexString(payload) + " ack=" + ack);
    }

    @Override
    public void onGoAway(int lastStreamId, int errorCode, byte[] debug, int off, int len) throws Http2Exception {
        events.add("GOAWAY last=" + lastStreamId + " code=" + errorCode + " " + text(debug, off, len));
    }

    @Override
    public void onWindowUpdate(int streamId, int increment) throws Http2Exception {
        events.add("WINDOW_UPDATE " + streamId + " +" + increment);
    }

    @Override
    public void onUnknownFrame(int type, int streamId, int length) throws Http2Exception {
        events.add("UNKNOWN type=" + type + " " + streamId + " len=" + length);
    }
}
