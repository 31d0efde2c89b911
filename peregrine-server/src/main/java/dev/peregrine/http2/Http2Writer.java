package dev.peregrine.http2;

import dev.peregrine.api.Headers;
import dev.peregrine.hpack.HpackEncoder;
import dev.peregrine.hpack.HpackWriter;
import dev.peregrine.http2.frame.FrameWriter;
import dev.peregrine.http2.frame.Http2ConnectionException;
import dev.peregrine.http2.frame.Http2ErrorCode;
import dev.peregrine.http2.frame.Http2Settings;
import dev.peregrine.http2.frame.Http2StreamException;
import dev.peregrine.server.internal.DateCache;
import dev.peregrine.transport.Connection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one writer of an HTTP/2 connection: it owns the socket's output and the HPACK encoder,
 * and runs on its own virtual thread. Control frames (SETTINGS, acknowledgements,
 * WINDOW_UPDATE, RST_STREAM, GOAWAY) and the streams' queued output are gathered into one
 * buffer and leave in one socket write per batch.
 *
 * <p><b>Order.</b> Every header block is HPACK-encoded here, in the order the frames leave, so
 * the client's decoder sees the dynamic table change in exactly that order (RFC 7541 §2.3.3).
 *
 * <p><b>Fairness.</b> Streams with something to send wait in a round-robin queue and send at
 * most one DATA frame per turn, so a large download shares the link with small responses on the
 * same connection; data leaves only within the stream's and the connection's send windows
 * (RFC 9113 §6.9).
 *
 * <p><b>Locking.</b> One lock guards the queues, the windows and every {@link StreamOutput}; the
 * socket write happens outside it, so handlers keep queueing while bytes go out.
 */
final class Http2Writer implements Runnable {

    private static final System.Logger LOG = System.getLogger(Http2Writer.class.getName());
    /** A batch stops growing at this size: larger writes gain nothing and delay the first byte. */
    private static final int BATCH_BYTES = 64 * 1024;
    /** Our DATA frames stay within this even if the client allows larger ones: fairness per turn. */
    private static final int MAX_DATA_FRAME = 16 * 1024;
    private static final int FRAME_HEADER = 9;
    private static final int IDLE_OUT_BYTES = 4096;

    /** Told when a stream's response has fully left (END_STREAM or RST_STREAM sent). */
    interface Events {
        void sendClosed(StreamOutput stream, boolean reset);
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition space = lock.newCondition();
    /** A stream's file region was framed to the end, or failed: its sendFile may return. */
    private final Condition fileDone = lock.newCondition();
    private final Connection transport;
    private final DateCache dateCache;
    private final Events events;
    private final int maxQueuedControlBytes;

    // Guarded by lock.
    private ByteBuffer control;
    private final FrameWriter controlFrames;
    private final ArrayDeque<StreamOutput> ready = new ArrayDeque<>();
    /**
     * Complete responses handed over without the lock ({@link #submit}): the common small
     * response never contends with a writer that is filling a batch.
     */
    private final java.util.concurrent.ConcurrentLinkedQueue<StreamOutput> submitted =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** The writer waits for work; a submitter then takes the lock only to wake it. */
    private volatile boolean writerWaiting;
    /** The connection has no stream: the batch buffer goes back before the writer waits. */
    private volatile boolean shrinkWhenIdle;
    /** Streams with data but no window, re-queued when a WINDOW_UPDATE or SETTINGS gives them room. */
    private final List<StreamOutput> stalled = new ArrayList<>();
    private long connectionWindow = Http2Settings.DEFAULT_INITIAL_WINDOW_SIZE;
    private int peerMaxFrameSize = Http2Settings.MIN_MAX_FRAME_SIZE;
    private int peerInitialWindow = Http2Settings.DEFAULT_INITIAL_WINDOW_SIZE;
    private int pendingTableSize = -1;
    private boolean closed;
    private boolean finishing;
    private boolean done;
    private long bytesWritten;
    /** When the socket write in progress began, or 0: the write deadline's clock. */
    private volatile long writeStartedNanos;

    // Writer thread only.
    private final HpackEncoder encoder = new HpackEncoder(HpackEncoder.DEFAULT_TABLE_SIZE);
    private final HpackWriter block = new HpackWriter();
    /**
     * The batch being filled. It starts small and grows to what a batch needs; when the
     * connection has no stream left ({@link #connectionIdle}) it shrinks back, so an idle
     * connection holds 4 KiB here, not a full batch, while a busy one keeps its buffer.
     */
    private ByteBuffer out = ByteBuffer.allocate(IDLE_OUT_BYTES);
    private final FrameWriter frames = new FrameWriter(out);
    /** The batch's file DATA frames, sent after {@link #out}. */
    private final FileStage stage = new FileStage();
    private final ByteBuffer[] outAndStage = new ByteBuffer[2];

    Http2Writer(Connection transport, DateCache dateCache, Events events, int maxQueuedControlBytes) {
        this.transport = transport;
        this.dateCache = dateCache;
        this.events = events;
        this.maxQueuedControlBytes = maxQueuedControlBytes;
        this.control = ByteBuffer.allocate(Math.min(maxQueuedControlBytes, 4096));
        this.controlFrames = new FrameWriter(control);
    }

    ReentrantLock lock() {
        return lock;
    }

    // ---------------------------------------------------------------- control frames (any thread)

    /** Something a control-frame builder writes into the queue. */
    interface ControlFrame {
        void write(FrameWriter w);
    }

    /**
     * Queues a control frame of {@code size} octets. False when the queue is full: the client
     * is not reading what it keeps asking for (CVE-2019-9512/-9515), and the caller drops it.
     */
    boolean queueControl(int size, ControlFrame frame) {
        lock.lock();
        try {
            if (closed) {
                return true;
            }
            if (!roomInControl(size)) {
                return false;
            }
            frame.write(controlFrames);
            work.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    private boolean roomInControl(int size) {
        if (control.remaining() >= size) {
            return true;
        }
        int needed = control.position() + size;
        if (needed > maxQueuedControlBytes) {
            return false;
        }
        ByteBuffer bigger = ByteBuffer.allocate(Math.min(Math.max(needed, control.capacity() * 2), maxQueuedControlBytes));
        control.flip();
        bigger.put(control);
        control = bigger;
        controlFrames.target(control);
        return true;
    }

    // ---------------------------------------------------------------- flow control (reader thread)

    /** The client's SETTINGS (§6.5.2): window deltas for open streams, frame size, table size. */
    void applyPeerSettings(Http2Settings s, Iterable<StreamOutput> open) throws Http2ConnectionException {
        lock.lock();
        try {
            if (s.isSet(Http2Settings.INITIAL_WINDOW_SIZE)) {
                int delta = s.initialWindowSize() - peerInitialWindow;
                peerInitialWindow = s.initialWindowSize();
                for (StreamOutput o : open) {
                    long w = o.window + delta;
                    if (w > Http2Settings.MAX_WINDOW_SIZE) {
                        throw new Http2ConnectionException(Http2ErrorCode.FLOW_CONTROL_ERROR,
                                "SETTINGS_INITIAL_WINDOW_SIZE overflows a stream window (RFC 9113 §6.9.2)");
                    }
                    o.window = w;
                }
                requeueStalled();
            }
            if (s.isSet(Http2Settings.MAX_FRAME_SIZE)) {
                peerMaxFrameSize = s.maxFrameSize();
            }
            if (s.isSet(Http2Settings.HEADER_TABLE_SIZE)) {
                pendingTableSize = (int) Math.min(s.headerTableSize(), Integer.MAX_VALUE);
            }
        } finally {
            lock.unlock();
        }
    }

    int peerInitialWindow() {
        lock.lock();
        try {
            return peerInitialWindow;
        } finally {
            lock.unlock();
        }
    }

    /** WINDOW_UPDATE on stream 0 (§6.9.1). */
    void expandConnectionWindow(int increment) throws Http2ConnectionException {
        lock.lock();
        try {
            long w = connectionWindow + increment;
            if (w > Http2Settings.MAX_WINDOW_SIZE) {
                throw new Http2ConnectionException(Http2ErrorCode.FLOW_CONTROL_ERROR,
                        "connection window above 2^31-1 (RFC 9113 §6.9.1)");
            }
            connectionWindow = w;
            requeueStalled();
        } finally {
            lock.unlock();
        }
    }

    /** WINDOW_UPDATE on a stream (§6.9.1). */
    void expandStreamWindow(StreamOutput o, int increment) throws Http2StreamException {
        lock.lock();
        try {
            long w = o.window + increment;
            if (w > Http2Settings.MAX_WINDOW_SIZE) {
                throw new Http2StreamException(o.streamId, Http2ErrorCode.FLOW_CONTROL_ERROR,
                        "stream window above 2^31-1 (RFC 9113 §6.9.1)");
            }
            o.window = w;
            if (stalled.remove(o)) {
                schedule(o);
            }
        } finally {
            lock.unlock();
        }
    }

    private void requeueStalled() {
        for (int i = stalled.size() - 1; i >= 0; i--) {
            StreamOutput o = stalled.get(i);
            if (o.hasWork(connectionWindow)) {
                stalled.remove(i);
                schedule(o);
            }
        }
    }

    // ---------------------------------------------------------------- stream output (handler threads)

    /**
     * Hands over a complete response (head, body, end) that its handler filled unpublished,
     * without taking the lock unless the writer sleeps. After this the writer owns it.
     */
    void submit(StreamOutput o) {
        o.published = true;
        submitted.add(o);
        if (writerWaiting) {
            lock.lock();
            try {
                work.signal();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Puts a stream in the ready queue; the lock is held. Wakes the writer. */
    void schedule(StreamOutput o) {
        if (!o.queued) {
            o.queued = true;
            ready.add(o);
        }
        work.signal();
    }

    /** Waits (lock held) until the stream's buffer has room; IOException if it died meanwhile. */
    void awaitSpace(StreamOutput o) throws IOException {
        while (o.space() <= 0 && !o.dead && !closed) {
            if (!stalled.contains(o)) {
                schedule(o); // a stalled stream is re-queued by the window update; queueing it now only spins the writer
            }
            space.awaitUninterruptibly();
        }
        if (o.dead || closed) {
            throw new IOException("stream " + o.streamId + " was reset or the connection closed");
        }
    }

    /**
     * Hands the stream a file region to frame after its buffered body and waits (lock held) until
     * the writer has read all of it, so the caller may close the channel on return.
     *
     * @throws IOException the read's failure ({@link java.io.EOFException} if the file shrank),
     *     or if the stream died or the connection closed meanwhile
     */
    void sendFile(StreamOutput o, FileChannel file, long position, long count) throws IOException {
        o.file = file;
        o.filePosition = position;
        o.fileRemaining = count;
        if (!stalled.contains(o)) {
            schedule(o);
        }
        while (o.fileRemaining > 0 && !o.dead && !closed) {
            fileDone.awaitUninterruptibly();
        }
        if (o.fileError != null) {
            throw o.fileError;
        }
        if (o.dead || closed) {
            throw new IOException("stream " + o.streamId + " was reset or the connection closed");
        }
    }

    /**
     * Resets a stream (lock taken here): queued data is dropped and RST_STREAM goes out. False
     * when the stream was already dead, and no RST_STREAM is queued by this call.
     */
    boolean reset(StreamOutput o, Http2ErrorCode code) {
        lock.lock();
        try {
            if (o.dead) {
                return false;
            }
            o.dead = true;
            o.resetCode = code.code();
            if (o.published) {
                o.discard(); // else its handler owns the buffer and drops it when it publishes
            }
            stalled.remove(o);
            schedule(o);
            space.signalAll();
            fileDone.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** The client reset the stream: nothing more goes out for it, not even our RST_STREAM. */
    void peerReset(StreamOutput o) {
        lock.lock();
        try {
            o.dead = true;
            o.resetSent = true;
            if (o.published) {
                o.discard();
            }
            stalled.remove(o);
            space.signalAll();
            fileDone.signalAll();
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- lifecycle (any thread)

    /** The connection's last stream ended: the writer gives its batch buffer back before it waits. */
    void connectionIdle() {
        shrinkWhenIdle = true;
        if (writerWaiting) {
            lock.lock();
            try {
                work.signal(); // it shrinks, finds nothing to send, and waits again
            } finally {
                lock.unlock();
            }
        }
    }

    /** Sends what is queued, then half-closes the socket's output and ends the writer. */
    void finishAndShutdown() {
        lock.lock();
        try {
            finishing = true;
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Ends at once: queued output is dropped, blocked handlers fail. */
    void close() {
        lock.lock();
        try {
            closed = true;
            for (StreamOutput o : ready) {
                o.dead = true;
            }
            for (StreamOutput o : stalled) {
                o.dead = true;
            }
            for (StreamOutput o : submitted) {
                o.dead = true;
            }
            submitted.clear();
            ready.clear();
            stalled.clear();
            work.signal();
            space.signalAll();
            fileDone.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Nanos since the socket write in progress began, or 0 when none is: the write deadline. */
    long writeStalledFor(long nowNanos) {
        long started = writeStartedNanos;
        return started == 0 ? 0 : nowNanos - started;
    }

    long bytesWritten() {
        lock.lock();
        try {
            return bytesWritten;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The minimum response rate over streams waiting for window: those that took fewer than
     * {@code needed} bytes in a period of {@code periodNanos} that has ended; each such period
     * then starts again.
     */
    List<Integer> stalledBelow(long needed, long periodNanos, long nowNanos) {
        lock.lock();
        try {
            List<Integer> slow = new ArrayList<>();
            for (StreamOutput o : stalled) {
                if (o.rateStartNanos != 0 && nowNanos - o.rateStartNanos > periodNanos) {
                    if (o.rateBytes < needed) {
                        slow.add(o.streamId);
                    }
                    o.rateStartNanos = nowNanos;
                    o.rateBytes = 0;
                }
            }
            return slow;
        } finally {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- the writer thread

    @Override
    public void run() {
        try {
            while (true) {
                boolean shutdown;
                lock.lock();
                try {
                    while (!closed && !finishing && control.position() == 0 && ready.isEmpty()) {
                        if (shrinkWhenIdle && out.position() == 0) {
                            shrinkWhenIdle = false;
                            if (out.capacity() > IDLE_OUT_BYTES) {
                                out = ByteBuffer.allocate(IDLE_OUT_BYTES);
                                frames.target(out);
                            }
                        }
                        writerWaiting = true; // then look again: a submit before this saw no waiter
                        if (!submitted.isEmpty()) {
                            writerWaiting = false;
                            break;
                        }
                        work.awaitUninterruptibly();
                        writerWaiting = false;
                    }
                    if (closed) {
                        return;
                    }
                    fillBatch();
                    shutdown = finishing && control.position() == 0 && ready.isEmpty() && submitted.isEmpty();
                    space.signalAll();
                } finally {
                    lock.unlock();
                }
                writeOut();
                if (shutdown) {
                    transport.shutdownOutput();
                    return;
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "HTTP/2 writer stopped: " + e);
            close();
            transport.close();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "HTTP/2 writer failed", e);
            close();
            transport.close();
        } finally {
            lock.lock();
            try {
                done = true;
            } finally {
                lock.unlock();
            }
        }
    }

    private void writeOut() throws IOException {
        ByteBuffer staged = stage.flip();
        if (out.position() == 0 && staged == null) {
            return;
        }
        out.flip();
        int n = out.remaining();
        writeStartedNanos = System.nanoTime() | 1;
        try {
            if (staged == null) {
                transport.write(out);
            } else {
                n += staged.remaining();
                outAndStage[0] = out;
                outAndStage[1] = staged;
                transport.write(outAndStage);
            }
        } finally {
            writeStartedNanos = 0;
            stage.release();
        }
        out.clear();
        lock.lock();
        try {
            bytesWritten += n;
        } finally {
            lock.unlock();
        }
    }

    /** Moves queued control frames and a fair share of each ready stream into {@code out}; lock held. */
    private void fillBatch() {
        StreamOutput s;
        while ((s = submitted.poll()) != null) {
            if (!s.queued) {
                s.queued = true;
                ready.add(s);
            }
        }
        ByteBuffer c = control;
        if (c.position() > 0) {
            c.flip();
            ensureOut(c.remaining());
            out.put(c);
            c.clear();
        }
        while (!ready.isEmpty() && out.position() + stage.size() < BATCH_BYTES) {
            if (stage.active() && !isFileTurn(ready.peek())) {
                break; // its frames would go out before the staged file data: next batch
            }
            StreamOutput o = ready.poll();
            o.queued = false;
            writeStream(o);
            if (o.hasWork(connectionWindow)) {
                o.queued = true;
                ready.add(o);
            } else if (!o.dead && o.pendingBody() > 0 && !stalled.contains(o)) {
                if (o.rateStartNanos == 0) {
                    o.rateStartNanos = System.nanoTime();
                }
                stalled.add(o);
            }
        }
    }

    /** Whether the stream's next turn is a file DATA frame and nothing else: all a staged batch may take. */
    private static boolean isFileTurn(StreamOutput o) {
        return !o.dead && !o.continuePending && o.headStatus == 0 && o.buffered() == 0 && o.fileRemaining > 0;
    }

    /** One turn of a stream: reset, or 100, head, at most one DATA frame, end. */
    private void writeStream(StreamOutput o) {
        if (o.dead) {
            if (o.resetCode >= 0 && !o.resetSent) {
                ensureOut(FRAME_HEADER + 4);
                frames.rstStream(o.streamId, Http2ErrorCode.of(o.resetCode));
                o.resetSent = true;
                events.sendClosed(o, true);
            }
            return;
        }
        if (o.continuePending) {
            o.continuePending = false;
            block.reset();
            beginBlock();
            encoder.encodeStatus(100, block);
            writeBlock(o.streamId, false);
        }
        if (o.headStatus != 0) {
            boolean endNow = o.endQueued && o.pendingBody() == 0 && o.trailers == null;
            encodeHead(o.headStatus, o.headFields, o.headLength);
            writeBlock(o.streamId, endNow);
            o.headStatus = 0;
            o.headFields = null;
            o.headSent = true;
            if (endNow) {
                ended(o);
                return;
            }
        }
        int buffered = o.buffered();
        int n = (int) Math.min(Math.min(buffered > 0 ? buffered : o.fileRemaining, MAX_DATA_FRAME),
                Math.min(o.window, connectionWindow));
        n = Math.min(n, peerMaxFrameSize);
        if (n > 0 && buffered == 0) {
            // From the file region: never the last frame, as the handler ends the stream only
            // once its sendFile has returned.
            if (stageFileFrame(o, n)) {
                o.window -= n;
                connectionWindow -= n;
                o.rateBytes += n;
            }
            return;
        }
        if (n > 0) {
            boolean last = o.endQueued && n == o.pendingBody() && o.trailers == null;
            ensureOut(FRAME_HEADER + n);
            frames.data(o.streamId, o.data.array(), o.dataRead, n, last);
            o.consumed(n);
            o.window -= n;
            connectionWindow -= n;
            o.rateBytes += n;
            if (last) {
                ended(o);
                return;
            }
        }
        if (o.pendingBody() == 0 && o.endQueued && !o.endSent) {
            if (o.trailers != null) {
                encodeFields(o.trailers, true);
                writeBlock(o.streamId, true);
            } else {
                ensureOut(FRAME_HEADER);
                frames.data(o.streamId, o.data.array(), 0, 0, true);
            }
            ended(o);
        }
    }

    /**
     * Reads one DATA frame's worth of the stream's file region into the stage. A failed read
     * (the file shrank, an I/O error) resets the stream with INTERNAL_ERROR on its next turn and
     * becomes its handler's exception; nothing of that frame goes out.
     */
    private boolean stageFileFrame(StreamOutput o, int n) {
        try {
            stage.frame(o.streamId, o.file, o.filePosition, n);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "HTTP/2 stream " + o.streamId + ": file body failed: " + e);
            o.fileError = e;
            o.dead = true;
            o.resetCode = Http2ErrorCode.INTERNAL_ERROR.code();
            o.discard();
            fileDone.signalAll();
            space.signalAll();
            return false;
        }
        o.filePosition += n;
        o.fileRemaining -= n;
        if (o.fileRemaining == 0) {
            o.file = null;
            fileDone.signalAll();
        }
        return true;
    }

    private void ended(StreamOutput o) {
        o.endSent = true;
        o.discard();
        events.sendClosed(o, false);
    }

    private void beginBlock() {
        if (pendingTableSize >= 0) {
            encoder.setMaxTableSize(pendingTableSize);
            pendingTableSize = -1;
        }
    }

    private void encodeHead(int status, Headers fields, long contentLength) {
        block.reset();
        beginBlock();
        encoder.encodeStatus(status, block);
        encodeFields(fields, false);
        if (!fields.contains("date")) {
            encoder.encode("date", dateCache.value(), block);
        }
        if (contentLength >= 0) {
            encoder.encode("content-length", Long.toString(contentLength), block);
        }
    }

    /** Fields already checked by {@link Http2Output}; names go out in lowercase (RFC 9113 §8.2.1). */
    private void encodeFields(Headers fields, boolean trailers) {
        if (trailers) {
            block.reset();
            beginBlock();
        }
        for (int i = 0, n = fields.size(); i < n; i++) {
            String name = fields.name(i).toLowerCase(Locale.ROOT);
            if (!trailers && Http2Output.isDroppedResponseField(name)) {
                continue;
            }
            encoder.encode(name, latin1(fields.value(i)), block);
        }
    }

    /** HPACK strings are octets: chars above U+00FF go out as '?', as HTTP/1.1 writes them. */
    private static String latin1(String v) {
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) > 0xFF) {
                StringBuilder sb = new StringBuilder(v);
                for (int j = i; j < sb.length(); j++) {
                    if (sb.charAt(j) > 0xFF) {
                        sb.setCharAt(j, '?');
                    }
                }
                return sb.toString();
            }
        }
        return v;
    }

    private void writeBlock(int streamId, boolean endStream) {
        int size = FrameWriter.headersSize(block.length(), peerMaxFrameSize);
        ensureOut(size);
        frames.headers(streamId, block.array(), 0, block.length(), endStream, peerMaxFrameSize);
    }

    private void ensureOut(int size) {
        if (out.remaining() >= size) {
            return;
        }
        ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + size));
        out.flip();
        bigger.put(out);
        out = bigger;
        frames.target(out);
    }
}
