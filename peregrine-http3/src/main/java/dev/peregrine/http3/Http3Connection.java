package dev.peregrine.http3;

import dev.peregrine.api.Protocol;
import dev.peregrine.http3.frame.FrameBuffer;
import dev.peregrine.http3.frame.FrameWriter;
import dev.peregrine.http3.frame.Http3ErrorCode;
import dev.peregrine.http3.frame.Http3Settings;
import dev.peregrine.http3.frame.StreamType;
import dev.peregrine.qpack.QpackDecoder;
import dev.peregrine.qpack.QpackEncoder;
import dev.peregrine.server.internal.ProtocolConnection;
import dev.peregrine.server.internal.ServerContext;
import dev.peregrine.transport.MultiplexedConnection;
import dev.peregrine.transport.MultiplexedStream;
import java.io.IOException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One HTTP/3 connection (RFC 9114; Kestrel's Http3Connection is the model). It opens its control
 * stream with SETTINGS and its QPACK encoder and decoder streams, then accepts the client's
 * streams until the connection closes: each request stream runs on its own virtual thread
 * ({@link Http3RequestStream}), each of the client's unidirectional streams on another
 * ({@link PeerStreams}). A graceful stop sends GOAWAY with the first request stream id it will
 * not serve, lets the streams below it finish, then closes with H3_NO_ERROR (§5.2).
 */
public final class Http3Connection implements ProtocolConnection {

    private static final System.Logger LOG = System.getLogger(Http3Connection.class.getName());
    /** After the transport closed, how long request threads may take to notice before we return. */
    private static final long STREAM_EXIT_WAIT_MILLIS = 2000;
    /** How long a graceful close waits for the peer to receive the last responses. */
    private static final java.time.Duration DELIVERY_TIMEOUT = java.time.Duration.ofSeconds(3);

    private final long id;
    private final MultiplexedConnection transport;
    private final ServerContext context;
    private final Http3Options options;
    private final QpackDecoder qpackDecoder;
    private final QpackEncoder qpackEncoder = new QpackEncoder();
    private final ResponseHeadEncoder heads;
    private final PeerStreams peerStreams;
    private final ThreadFactory threads = Thread.ofVirtual().name("peregrine-h3-", 0).factory();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    /** Request streams running; guarded by {@link #lock}. */
    private int active;
    /** The lowest client request stream id not yet accepted: what GOAWAY carries (§5.2). */
    private long nextRequestId;
    private boolean stopping;
    private long goAwayId = -1;
    private volatile boolean closed;
    private MultiplexedStream control;
    private MultiplexedStream decoderStream;
    private final Object decoderStreamLock = new Object();

    public Http3Connection(long id, MultiplexedConnection transport, ServerContext context, Http3Options options) {
        this.id = id;
        this.transport = transport;
        this.context = context;
        this.options = options;
        this.qpackDecoder = new QpackDecoder(options.qpackMaxTableCapacity(), options.qpackBlockedStreams(),
                options.maxFieldSectionSize(), this::sendDecoderInstructions);
        this.heads = new ResponseHeadEncoder(qpackEncoder, context.dateCache());
        this.peerStreams = new PeerStreams(this);
        context.connection().protocol(Protocol.HTTP_3);
    }

    @Override
    public boolean process() {
        try {
            openLocalStreams();
            // Where the transport can, it hands streams over as they arrive (one hand-off fewer);
            // this thread then only waits for the connection's end, which accept() reports.
            boolean dispatched = transport.dispatchStreams(this::onStream);
            MultiplexedStream s;
            while ((s = transport.accept()) != null) {
                if (dispatched) {
                    throw new IllegalStateException("a dispatching transport handed out a stream by accept()");
                }
                onStream(s);
            }
        } catch (IOException e) {
            if (!closed && transport.isOpen()) {
                LOG.log(System.Logger.Level.DEBUG, () -> this + ": " + e);
            }
        } finally {
            closed = true;
            qpackDecoder.close();
            awaitStreams(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STREAM_EXIT_WAIT_MILLIS));
        }
        return false;
    }

    /** §6.2.1: our control stream, SETTINGS first; RFC 9204 §4.2: our QPACK streams. */
    private void openLocalStreams() throws IOException {
        Http3Settings settings = new Http3Settings(options.qpackMaxTableCapacity(), options.maxFieldSectionSize(),
                options.qpackBlockedStreams(), false, false);
        FrameBuffer b = new FrameBuffer(64);
        FrameWriter.streamType(StreamType.CONTROL, b);
        FrameWriter.settings(settings, true, b); // with a reserved setting: peers must ignore it (§7.2.4.1)
        control = transport.openUnidirectional();
        control.write(b.array(), 0, b.length(), false);
        byte[] type = new byte[1];
        MultiplexedStream encoder = transport.openUnidirectional();
        type[0] = (byte) StreamType.QPACK_ENCODER;
        encoder.write(type, 0, 1, false); // static-only: nothing else ever goes on it
        MultiplexedStream decoder = transport.openUnidirectional();
        type[0] = (byte) StreamType.QPACK_DECODER;
        synchronized (decoderStreamLock) {
            decoderStream = decoder;
            decoder.write(type, 0, 1, false);
        }
    }

    /** A stream the client opened; on the transport's thread when it dispatches, so never blocks. */
    private void onStream(MultiplexedStream s) {
        if (s.isBidirectional()) {
            onRequestStream(s);
        } else {
            threads.newThread(() -> peerStreams.serve(s)).start();
        }
    }

    private void onRequestStream(MultiplexedStream s) {
        lock.lock();
        try {
            if (stopping && s.id() >= goAwayId) {
                // §5.2: not processed, so the client may retry it elsewhere.
                long code = Http3ErrorCode.H3_REQUEST_REJECTED.code();
                s.reset(code);
                s.stopSending(code);
                return;
            }
            active++;
            nextRequestId = Math.max(nextRequestId, s.id() + 4);
        } finally {
            lock.unlock();
        }
        context.connection().streamOpened();
        try {
            threads.newThread(new Http3RequestStream(this, s, context, options)).start();
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.log(System.Logger.Level.ERROR, this + ": cannot start a thread for stream " + s.id(), e);
            s.reset(Http3ErrorCode.H3_INTERNAL_ERROR.code());
            streamDone(null);
        }
    }

    /** A request stream's thread ends. */
    void streamDone(Http3RequestStream stream) {
        boolean close;
        lock.lock();
        try {
            active--;
            close = stopping && active == 0;
            idle.signalAll();
        } finally {
            lock.unlock();
        }
        if (close) {
            closeGracefully();
        }
    }

    private void awaitStreams(long deadlineNanos) {
        lock.lock();
        try {
            while (active > 0) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                idle.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void stopAcceptingRequests() {
        long goAway;
        boolean closeNow;
        lock.lock();
        try {
            if (stopping) {
                return;
            }
            stopping = true;
            goAway = nextRequestId;
            goAwayId = goAway;
            closeNow = active == 0;
        } finally {
            lock.unlock();
        }
        sendGoAway(goAway);
        if (closeNow) {
            closeGracefully();
        }
    }

    private void sendGoAway(long streamId) {
        MultiplexedStream c = control;
        if (c == null) {
            return; // not started: closing is all there is to do
        }
        context.connection().goAway(streamId, Http3ErrorCode.H3_NO_ERROR.code(), true, "graceful stop");
        FrameBuffer b = new FrameBuffer(16);
        FrameWriter.goAway(streamId, b);
        try {
            synchronized (this) {
                c.write(b.array(), 0, b.length(), false);
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> this + ": GOAWAY not sent: " + e);
        }
    }

    /** §5.2: every accepted request is done; close once the last responses have arrived. */
    private void closeGracefully() {
        closed = true;
        transport.closeAfterDelivery(Http3ErrorCode.H3_NO_ERROR.code(), DELIVERY_TIMEOUT);
    }

    /** Closes the whole connection with this error (RFC 9114 §8). Any thread. */
    void connectionError(long code, String why) {
        if (closed) {
            return;
        }
        closed = true;
        context.connection().protocolError(code);
        LOG.log(System.Logger.Level.DEBUG, () -> this + ": connection error " + Http3ErrorCode.name(code) + ": " + why);
        transport.close(code, why.length() > 100 ? why.substring(0, 100) : why);
    }

    @Override
    public void tick(long nowNanos) {
        // The QUIC idle timeout ends quiet connections; request deadlines belong to the handler.
    }

    @Override
    public void abort() {
        closed = true;
        transport.close();
    }

    /** Instructions from our QPACK decoder to the peer's encoder (RFC 9204 §4.4). */
    private void sendDecoderInstructions(byte[] b, int off, int len) {
        try {
            synchronized (decoderStreamLock) {
                if (decoderStream != null) {
                    decoderStream.write(b, off, len, false);
                }
            }
        } catch (IOException e) {
            connectionError(Http3ErrorCode.H3_CLOSED_CRITICAL_STREAM.code(), "our QPACK decoder stream failed: " + e);
        }
    }

    MultiplexedConnection transport() {
        return transport;
    }

    ServerContext context() {
        return context;
    }

    Http3Options options() {
        return options;
    }

    QpackDecoder qpackDecoder() {
        return qpackDecoder;
    }

    QpackEncoder qpackEncoder() {
        return qpackEncoder;
    }

    ResponseHeadEncoder heads() {
        return heads;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "h3 connection " + id + " from " + transport.remoteAddress();
    }
}
