package dev.peregrine.quic;

import dev.peregrine.transport.MultiplexedStream;
import dev.peregrine.transport.StreamAbortedException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelOutputShutdownException;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamResetException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One QUIC stream as a blocking {@link MultiplexedStream}, and the Netty handler of its
 * {@link QuicStreamChannel}. The event loop only moves bytes and credit; the calling (virtual) threads
 * copy and wait, on one lock with a condition per direction. No thread, timer or task per stream.
 *
 * <p>How the QUIC stream events arrive from Netty 4.2.18 (verified in its source and by the tests):
 * <ul>
 *   <li>data: {@code channelRead(ByteBuf)}, one buffer per {@code read()} request, auto-read being off;
 *   <li>FIN: the user event {@link ChannelInputShutdownEvent} after the last data (half-closure is on);
 *   <li>peer RESET_STREAM: {@code exceptionCaught(QuicStreamResetException)} carrying the peer's code;
 *   <li>peer STOP_SENDING: only as a failed write, {@link ChannelOutputShutdownException} "STOP_SENDING frame
 *       received", without the peer's code (Netty's JNI drops it); quiche answers with RESET_STREAM itself;
 *   <li>our RESET_STREAM / STOP_SENDING: {@code shutdownOutput(code)} / {@code shutdownInput(code)}; after the latter
 *       quiche stores nothing more for the stream, so Netty never sees its FIN or reset (see {@link #stopSending});
 *   <li>connection closed or timed out: {@code channelInactive} on every stream.
 * </ul>
 *
 * <p>Inbound, the adapter asks quiche for more only while a whole {@link QuicOptions#MAX_READ_CHUNK} still fits
 * under {@link QuicOptions#streamReadBufferBytes()}; otherwise quiche keeps the bytes and its flow control
 * holds the peer back. The reader asks again once half the buffer is free. A peer's RESET_STREAM discards what
 * was not read yet (RFC 9000 §3.2 allows it) and the next read throws. Outbound, at most
 * {@link QuicOptions#streamWriteBufferBytes()} are on their way to quiche; a write completes (its promise) once
 * quiche took all of it, so a peer without credit blocks the writer.
 *
 * <p>A stream is freed, by quiche (which then gives the peer its credit back with MAX_STREAMS, RFC 9000 §4.6) and by
 * Netty (which drops it from its stream map), only once the application has read its receiving side to the FIN or
 * reset and its sending side is acknowledged.
 */
final class QuicStreamAdapter extends ChannelInboundHandlerAdapter implements MultiplexedStream {

    private final QuicConnectionAdapter connection;
    private final boolean bidirectional;
    private final boolean receives; // the peer sends on this stream
    private final boolean sends; // we send on this stream
    private final int readBound;
    private final int writeBound;
    private final int stopSendingGrace;
    private volatile QuicStreamChannel channel; // set in handlerAdded, before the stream is handed out

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition readable = lock.newCondition();
    private final Condition writable = lock.newCondition();

    // Receiving side, guarded by lock.
    private final ArrayDeque<ByteBuf> inbound = new ArrayDeque<>(4);
    private int buffered;
    private int maxBuffered;
    private boolean readPaused = true; // no read() outstanding at Netty; the first one is asked for by accept
    private boolean finReceived;
    private boolean peerReset;
    private long peerResetCode;
    private boolean stopSendingSent; // stopSending was called: reads fail, what arrives is dropped
    private long stopSendingCode;
    private boolean stopSendingOnWire; // quiche shut the receiving side down and sent STOP_SENDING
    private long discarded; // bytes dropped since stopSending
    private IOException readFailure;

    // Sending side, guarded by lock.
    private int inFlight; // bytes handed to the event loop that quiche has not taken yet
    private int maxInFlight;
    private int pendingWrites; // writes handed to the event loop whose promise is not done
    private boolean finQueued;
    private boolean finWritten;
    private boolean resetSent;
    private long resetCode;
    private boolean stopSendingReceived;
    private IOException writeFailure;

    private boolean inactive; // guarded by lock: the Netty channel is closed

    QuicStreamAdapter(QuicConnectionAdapter connection, QuicOptions options, boolean bidirectional, boolean localInitiated) {
        this.connection = connection;
        this.bidirectional = bidirectional;
        this.receives = bidirectional || !localInitiated;
        this.sends = bidirectional || localInitiated;
        this.readBound = options.streamReadBufferBytes();
        this.writeBound = options.streamWriteBufferBytes();
        this.stopSendingGrace = options.stopSendingGraceBytes();
    }

    @Override
    public long id() {
        return channel.streamId();
    }

    @Override
    public boolean isBidirectional() {
        return bidirectional;
    }

    // ---- reading (caller threads) ----

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (!receives) {
            throw new IOException("stream " + id() + " is our unidirectional stream: nothing to read");
        }
        if (len == 0) {
            return 0;
        }
        int n = 0;
        boolean resume;
        lock.lock();
        try {
            while (inbound.isEmpty()) {
                if (stopSendingSent) {
                    throw new StreamAbortedException("stream " + id() + " read after STOP_SENDING", stopSendingCode);
                }
                if (peerReset) {
                    throw new StreamAbortedException("stream " + id() + " reset by the peer", peerResetCode);
                }
                if (finReceived) {
                    return -1;
                }
                if (readFailure != null) {
                    throw new IOException(readFailure.getMessage(), readFailure);
                }
                if (inactive) {
                    throw closed();
                }
                await(readable);
            }
            while (n < len && !inbound.isEmpty()) {
                ByteBuf head = inbound.peek();
                int k = Math.min(len - n, head.readableBytes());
                head.readBytes(b, off + n, k);
                n += k;
                if (!head.isReadable()) {
                    inbound.poll().release();
                }
            }
            buffered -= n;
            // Resume only once half the buffer is free, so one wake-up of the event loop reads several chunks.
            resume = readPaused && buffered <= readBound / 2 && roomForAnotherRead() && !inactive && !finReceived;
            if (resume) {
                readPaused = false;
            }
        } finally {
            lock.unlock();
        }
        if (resume) {
            channel.read(); // one cached task at Netty: no allocation
        }
        return n;
    }

    /** Starts reading from quiche, up to the stream's bound; when the stream arrives (and again, harmlessly, at accept). */
    void startReading() {
        if (!receives) {
            return;
        }
        lock.lock();
        try {
            if (!readPaused || stopSendingSent || inactive) {
                return;
            }
            readPaused = false;
        } finally {
            lock.unlock();
        }
        channel.read();
    }

    private boolean roomForAnotherRead() {
        return buffered + QuicOptions.MAX_READ_CHUNK <= readBound;
    }

    // ---- writing (caller threads) ----

    @Override
    public void write(byte[] b, int off, int len, boolean fin) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (!sends) {
            throw new IOException("stream " + id() + " is the peer's unidirectional stream: it cannot be written");
        }
        if (len == 0 && !fin) {
            return;
        }
        do {
            int chunk;
            boolean withFin;
            lock.lock();
            try {
                while (true) {
                    checkWritable();
                    // Wait for quiche to take half of what is on its way, or for a stalled stream to move at all.
                    if (inFlight == 0 || (inFlight <= writeBound / 2 && channel.isWritable())) {
                        break;
                    }
                    await(writable);
                }
                chunk = Math.min(len, writeBound - inFlight);
                withFin = fin && chunk == len;
                inFlight += chunk;
                maxInFlight = Math.max(maxInFlight, inFlight);
                if (pendingWrites++ == 0) {
                    connection.writesPending(1);
                }
                finQueued = withFin;
            } finally {
                lock.unlock();
            }
            submit(b, off, chunk, withFin);
            off += chunk;
            len -= chunk;
        } while (len > 0);
    }

    private void checkWritable() throws IOException {
        if (resetSent) {
            throw new StreamAbortedException("stream " + id() + " was reset", resetCode);
        }
        if (stopSendingReceived) {
            throw new StreamAbortedException("stream " + id() + ": the peer sent STOP_SENDING", QuicListener.UNKNOWN_ERROR_CODE);
        }
        if (writeFailure != null) {
            throw new IOException(writeFailure.getMessage(), writeFailure.getCause());
        }
        if (finQueued) {
            throw new IOException("stream " + id() + ": FIN already sent");
        }
        if (inactive) {
            throw closed();
        }
    }

    /** One write-and-flush on the event loop, batched with the connection's others: the copy happens here. */
    private void submit(byte[] b, int off, int len, boolean fin) {
        QuicStreamChannel ch = channel;
        ByteBuf buf = len == 0 ? Unpooled.EMPTY_BUFFER : ch.alloc().directBuffer(len).writeBytes(b, off, len);
        ChannelPromise promise = ch.newPromise();
        promise.addListener((ChannelFuture f) -> written(len, fin, f));
        connection.writes().write(ch, fin ? new DefaultQuicStreamFrame(buf, true) : buf, promise);
    }

    /** A write's promise: quiche took all of it, or it failed (STOP_SENDING, reset, closed). Event loop. */
    private void written(int len, boolean fin, ChannelFuture f) {
        lock.lock();
        try {
            inFlight -= len;
            if (--pendingWrites == 0) {
                connection.writesPending(-1);
            }
            if (f.isSuccess()) {
                finWritten |= fin;
            } else if (writeFailure == null && !resetSent && !stopSendingReceived) {
                Throwable cause = f.cause();
                if (cause instanceof ChannelOutputShutdownException && String.valueOf(cause.getMessage()).contains("STOP_SENDING")) {
                    stopSendingReceived = true;
                } else if (!(cause instanceof ClosedChannelException)) { // closed: channelInactive tells why
                    writeFailure = new IOException("stream " + id() + ": write failed: " + cause, cause);
                }
            }
            writable.signalAll();
        } finally {
            lock.unlock();
        }
        closeIfFinished();
    }

    // ---- aborting (any thread) ----

    @Override
    public void reset(long applicationErrorCode) {
        int wire = QuicConnectionAdapter.wireCode(applicationErrorCode);
        if (!sends) {
            return;
        }
        lock.lock();
        try {
            if (resetSent) {
                return;
            }
            resetSent = true;
            resetCode = applicationErrorCode;
            writable.signalAll();
        } finally {
            lock.unlock();
        }
        onEventLoop(() -> channel.shutdownOutput(wire)); // RESET_STREAM
    }

    /**
     * Stops reading: the next {@link #read} fails, and what the peer still sends is dropped. STOP_SENDING itself
     * goes out only once the peer has sent {@link QuicOptions#stopSendingGraceBytes()} more without ending.
     *
     * <p>Why not at once: once quiche has shut a stream's receiving side down it stores nothing more for it, so the
     * peer's FIN or RESET_STREAM (its answer to STOP_SENDING, RFC 9000 §3.5) never makes the stream readable again.
     * quiche then frees the stream only if an acknowledgement of our own STREAM or RESET_STREAM frames arrives after
     * that answer; but a peer mostly acknowledges our last frame before it answers (in an earlier packet, or ahead of
     * its RESET_STREAM in the same one). Such a stream is never collected (quiche issue #1968): it keeps one of the
     * peer's stream credits until the connection ends (after enough of them the peer can open no stream at all), and
     * Netty, which never sees its end either, keeps its channel. Read to its end instead, the stream is freed like
     * any other. RFC 9114 §4.1.2 and §6.2 allow either: abort reading, or read and discard.
     */
    @Override
    public void stopSending(long applicationErrorCode) {
        QuicConnectionAdapter.wireCode(applicationErrorCode); // fails here if Netty cannot send the code
        if (!receives) {
            return;
        }
        boolean now = stopSendingGrace == 0;
        lock.lock();
        try {
            if (stopSendingSent) {
                return;
            }
            stopSendingSent = true;
            stopSendingCode = applicationErrorCode;
            releaseInbound();
            readable.signalAll();
            if (finReceived || peerReset) {
                return; // the peer already finished sending: nothing to stop, no event-loop task
            }
            readPaused = false; // reading resumes below, to drop what comes until the peer's end
        } finally {
            lock.unlock();
        }
        onEventLoop(() -> {
            if (now) {
                sendStopSending();
            } else {
                channel.read(); // drop to the peer's FIN or reset (see channelRead)
            }
        });
    }

    /** STOP_SENDING, unless the peer has ended its side meanwhile. Event loop. */
    private void sendStopSending() {
        lock.lock();
        try {
            if (finReceived || peerReset || stopSendingOnWire || inactive) {
                return;
            }
            stopSendingOnWire = true;
            readPaused = true; // quiche delivers nothing more
        } finally {
            lock.unlock();
        }
        channel.shutdownInput(QuicConnectionAdapter.wireCode(stopSendingCode));
    }

    private void onEventLoop(Runnable shutdown) {
        try {
            channel.eventLoop().execute(() -> {
                shutdown.run();
                closeIfFinished();
            });
        } catch (RejectedExecutionException e) {
            // the event loop is gone, and the connection with it
        }
    }

    // ---- Netty events (event loop) ----

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = (QuicStreamChannel) ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf buf = (ByteBuf) msg;
        boolean more;
        boolean graceUsedUp = false;
        lock.lock();
        try {
            if (stopSendingSent || peerReset || !buf.isReadable()) {
                if (stopSendingSent && !stopSendingOnWire) {
                    discarded += buf.readableBytes();
                    graceUsedUp = discarded > stopSendingGrace;
                }
                buf.release();
            } else {
                inbound.add(buf);
                buffered += buf.readableBytes();
                maxBuffered = Math.max(maxBuffered, buffered);
                readable.signalAll();
            }
            // After stopSending keep reading (and dropping) until the peer's FIN or reset, within the grace:
            // quiche frees a stream, and gives its credit back (MAX_STREAMS), only once the application has
            // consumed the end of its receiving side (see stopSending).
            more = !peerReset && !graceUsedUp && (stopSendingSent || roomForAnotherRead());
            readPaused = !more;
        } finally {
            lock.unlock();
        }
        if (graceUsedUp) {
            sendStopSending(); // the peer is uploading what nobody reads: tell it to stop
            closeIfFinished();
        } else if (more) {
            ctx.read(); // still within Netty's read loop: no task
        }
        connection.writes().drainInReadLoop();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            lock.lock();
            try {
                finReceived = true;
                readable.signalAll();
            } finally {
                lock.unlock();
            }
            closeIfFinished();
            connection.writes().drainInReadLoop();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        lock.lock();
        try {
            if (cause instanceof QuicStreamResetException reset) {
                peerReset = true;
                peerResetCode = reset.applicationProtocolCode();
                releaseInbound();
            } else if (readFailure == null) {
                readFailure = cause instanceof IOException io ? io : new IOException(cause);
            }
            readable.signalAll();
        } finally {
            lock.unlock();
        }
        closeIfFinished();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        lock.lock();
        try {
            writable.signalAll();
        } finally {
            lock.unlock();
        }
        connection.writes().drainInReadLoop();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        lock.lock();
        try {
            inactive = true;
            if (!inbound.isEmpty()) {
                // Keep unread bytes for the reader, but off the pool: nobody may ever come to release them.
                ByteBuf rest = Unpooled.buffer(buffered);
                for (ByteBuf b : inbound) {
                    rest.writeBytes(b);
                    b.release();
                }
                inbound.clear();
                inbound.add(rest);
            }
            readable.signalAll();
            writable.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Closes the Netty channel once both directions are over, so it leaves Netty's stream map. Netty does so by
     * itself only after FIN both ways; a reset or STOP_SENDING in either direction needs this. Event loop.
     */
    private void closeIfFinished() {
        boolean done;
        lock.lock();
        try {
            // After our STOP_SENDING nothing more reaches the channel (quiche drops it), so that side is over too.
            boolean inDone = !receives || finReceived || peerReset || stopSendingOnWire || readFailure != null;
            boolean outDone = !sends || finWritten || resetSent || stopSendingReceived || writeFailure != null;
            done = inDone && outDone && !inactive;
        } finally {
            lock.unlock();
        }
        if (done) {
            channel.close();
        }
    }

    private void releaseInbound() {
        for (ByteBuf b : inbound) {
            b.release();
        }
        inbound.clear();
        buffered = 0;
    }

    private IOException closed() {
        return new IOException("stream " + id() + ": " + connection.closeReason());
    }

    private static void await(Condition condition) throws InterruptedIOException {
        try {
            condition.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting on a QUIC stream");
        }
    }

    // ---- for tests ----

    /** For tests: bytes buffered now, the most ever buffered, the most ever on their way to quiche. */
    record Buffers(int buffered, int maxBuffered, int maxInFlight) {}

    Buffers buffers() {
        lock.lock();
        try {
            return new Buffers(buffered, maxBuffered, maxInFlight);
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the adapter stopped reading because its buffer is full; false on timeout. */
    boolean awaitBufferFull(long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lock();
        try {
            while (!(readPaused && !roomForAnotherRead())) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = readable.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        QuicStreamChannel ch = channel;
        return "QuicStream[" + (ch == null ? "?" : ch.streamId()) + (bidirectional ? ", bidi" : ", uni") + "]";
    }
}
