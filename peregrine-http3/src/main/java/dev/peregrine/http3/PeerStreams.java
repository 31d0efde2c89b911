package dev.peregrine.http3;

import dev.peregrine.http3.frame.ControlStreamRules;
import dev.peregrine.http3.frame.FrameInput;
import dev.peregrine.http3.frame.Http3ErrorCode;
import dev.peregrine.http3.frame.Http3Exception;
import dev.peregrine.http3.frame.UniStreamRules;
import dev.peregrine.http3.frame.VarInt;
import dev.peregrine.qpack.QpackException;
import dev.peregrine.transport.MultiplexedStream;
import java.io.IOException;

/**
 * The client's unidirectional streams, each read on its own virtual thread (RFC 9114 §6.2): the
 * control stream (SETTINGS first, then GOAWAY, MAX_PUSH_ID, CANCEL_PUSH), the QPACK encoder
 * stream into our decoder and the decoder stream into our encoder (RFC 9204 §4.2). A second
 * stream of one of those types, a push stream, or any of them ending is a connection error;
 * unknown and reserved types are stopped: read and dropped, STOP_SENDING(H3_STREAM_CREATION_ERROR)
 * if they go on past the transport's grace (§6.2 allows either; never an error).
 */
final class PeerStreams {

    private static final System.Logger LOG = System.getLogger(PeerStreams.class.getName());
    /** Control frames are small; SETTINGS with every known setting is a few dozen bytes. */
    private static final int MAX_CONTROL_PAYLOAD = 4096;
    private static final int READ_CHUNK = 4096;

    private final Http3Connection connection;
    private final UniStreamRules rules = new UniStreamRules();
    private volatile long peerGoAwayId = -1;

    PeerStreams(Http3Connection connection) {
        this.connection = connection;
    }

    /** Reads one unidirectional stream to its end; runs on the stream's own thread. */
    void serve(MultiplexedStream stream) {
        UniStreamRules.Kind kind = null;
        try {
            long type = readStreamType(stream);
            if (type < 0) {
                return; // §6.2: a stream that ends before its type is simply forgotten
            }
            synchronized (rules) {
                kind = rules.onStreamType(type);
            }
            switch (kind) {
                case CONTROL -> readControl(stream);
                case QPACK_ENCODER -> pump(stream, true);
                case QPACK_DECODER -> pump(stream, false);
                case DISCARD -> {
                    stream.stopSending(Http3ErrorCode.H3_STREAM_CREATION_ERROR.code());
                    return;
                }
            }
            rules.onEnd(kind); // critical streams never end: H3_CLOSED_CRITICAL_STREAM
        } catch (Http3Exception e) {
            connection.connectionError(e.code(), e.getMessage());
        } catch (QpackException e) {
            connection.connectionError(e.errorCode(), e.getMessage());
        } catch (IOException e) {
            if (kind != null && kind != UniStreamRules.Kind.DISCARD && !connection.isClosed()) {
                connection.connectionError(Http3ErrorCode.H3_CLOSED_CRITICAL_STREAM.code(),
                        "the peer's " + kind + " stream failed: " + e.getMessage());
            } else {
                LOG.log(System.Logger.Level.DEBUG, () -> connection + ": unidirectional stream: " + e);
            }
        }
    }

    /** The variable-length stream type (§6.2), a byte at a time so nothing after it is consumed. */
    private static long readStreamType(MultiplexedStream stream) throws IOException {
        byte[] b = new byte[VarInt.MAX_LENGTH];
        if (!readFully(stream, b, 0, 1)) {
            return -1;
        }
        int n = VarInt.encodedLength(b[0]);
        if (n > 1 && !readFully(stream, b, 1, n - 1)) {
            return -1;
        }
        return VarInt.read(b, 0, n);
    }

    private static boolean readFully(MultiplexedStream stream, byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = stream.read(b, off, len);
            if (n < 0) {
                return false;
            }
            off += n;
            len -= n;
        }
        return true;
    }

    /** §6.2.1, §7.2: the peer's control stream, frame by frame, to its (illegal) end. */
    private void readControl(MultiplexedStream stream) throws IOException {
        ControlStreamRules control = new ControlStreamRules();
        FrameInput in = new FrameInput(stream::read, 1024);
        while (in.nextFrame()) {
            switch (control.onFrame(in.type())) {
                case SETTINGS -> {
                    var settings = in.settingsPayload(MAX_CONTROL_PAYLOAD);
                    LOG.log(System.Logger.Level.TRACE, () -> connection + ": peer settings " + settings);
                }
                case GOAWAY -> {
                    long goAway = in.idPayload();
                    control.onGoAway(goAway); // ids only decrease (§5.2)
                    peerGoAwayId = goAway; // we never push, so nothing else to do
                    connection.context().connection().goAway(goAway, Http3ErrorCode.H3_NO_ERROR.code(), false, null);
                }
                case MAX_PUSH_ID -> control.onMaxPushId(in.idPayload());
                case CANCEL_PUSH -> control.onCancelPush(in.idPayload());
                case SKIP -> in.skipPayload();
            }
        }
        control.onEnd();
    }

    /** A QPACK stream: its bytes go to our decoder (encoder stream) or our encoder (decoder stream). */
    private void pump(MultiplexedStream stream, boolean encoderStream) throws IOException, QpackException {
        byte[] b = new byte[READ_CHUNK];
        int n;
        while ((n = stream.read(b, 0, b.length)) >= 0) {
            if (encoderStream) {
                connection.qpackDecoder().onEncoderStream(b, 0, n);
            } else {
                connection.qpackEncoder().onDecoderStream(b, 0, n);
            }
        }
    }

    /** The last GOAWAY id the client sent, or -1. */
    long peerGoAwayId() {
        return peerGoAwayId;
    }
}
