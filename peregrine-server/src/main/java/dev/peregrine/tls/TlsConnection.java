package dev.peregrine.tls;

import dev.peregrine.api.TlsSession;
import dev.peregrine.tls.TlsHandshakeException.Reason;
import dev.peregrine.transport.Connection;
import dev.peregrine.transport.SocketConnection;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * A {@link Connection} carrying TLS over an inner one, driven by a JDK {@link SSLEngine}. (An
 * SSLSocket cannot wrap an arbitrary Connection, and the engine lets idle connections drop their
 * buffers, which a socket's internal ones never do.)
 *
 * <p><b>Threads.</b> Reading and writing take separate locks, so a reader parked on the socket
 * never holds up a writer (HTTP/2 reads and writes on different threads). The SSLEngine may run
 * wrap and unwrap concurrently. When an unwrap makes the engine want to send — a TLS 1.3
 * KeyUpdate answer, an alert, close_notify — the reader sends it only if the write lock is free;
 * otherwise it leaves a flag the writer honours before it lets go, so the reader never waits on a
 * writer stuck behind a full socket. TLS 1.2 renegotiation is refused (closes the connection):
 * it is a known denial-of-service lever and HTTP/2 forbids it (RFC 9113 §9.2.1).
 *
 * <p><b>Memory.</b> An idle connection holds no record buffer: it waits for the next record with
 * a 5-byte header buffer and borrows a 16.7 KB buffer from the pool only once a record arrives;
 * it is given back as soon as no undecrypted or undelivered bytes are left and the last socket
 * read drained the socket (a read that filled the buffer means a stream is flowing: keeping the
 * buffer then saves the extra header read per record, ~15% of bulk throughput as measured). Writes borrow one
 * buffer per outgoing record (up to four, sent with one gathering write) for the duration of the
 * call. What stays is the engine and its session (ciphers, keys, certificates: a few KB).
 */
final class TlsConnection implements Connection {

    private static final int HEADER = 5;
    /** Records per gathered write: 4 x 16 KiB of plaintext in one system call. */
    private static final int MAX_GATHER = 4;
    private static final int NEED_MORE = -2;
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0).asReadOnlyBuffer();

    private final Connection inner;
    private final TlsContext.Generation generation;
    /** Created once the ClientHello is read (its SNI picks the SSLContext); set before {@link #session}. */
    private SSLEngine engine;
    private final BufferPool pool;
    private final TlsContext.HandshakeNotes notes;
    private final long deadlineNanos;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean timedOut;
    /** Set by a reader that found the engine wanting to send while a writer held the lock. */
    private volatile boolean pendingWrap;
    private volatile TlsSession session;
    private volatile int packetSize;
    private volatile int appSize;

    // Read side, guarded by readLock. netIn and appIn are in read mode, null when empty.
    private final ByteBuffer header = ByteBuffer.allocate(HEADER);
    private ByteBuffer netIn;
    private ByteBuffer appIn;
    private boolean inboundDone;
    /** The last socket read filled netIn: more is queued, so keep the buffer rather than go back to the header wait. */
    private boolean streaming;
    /** A timed read already put the first header byte into {@link #header}. */
    private boolean headerStarted;
    private boolean sawFirstByte;
    private ClientHello hello;

    // Write side, guarded by writeLock.
    private final ByteBuffer[] out = new ByteBuffer[MAX_GATHER];
    private boolean outboundDone;

    TlsConnection(Connection inner, TlsContext.Generation generation, BufferPool pool, long deadlineNanos) {
        this.inner = inner;
        this.generation = generation;
        this.pool = pool;
        this.notes = new TlsContext.HandshakeNotes();
        this.deadlineNanos = deadlineNanos;
        this.packetSize = pool.bufferSize();
        this.appSize = pool.bufferSize();
    }

    // ---- handshake ---------------------------------------------------------------------------

    /**
     * Runs the server handshake to completion. On failure the connection is closed (after an
     * alert where the engine produced one, or a 400 for plain HTTP) and the failure classified.
     */
    void handshake() throws TlsHandshakeException {
        readLock.lock();
        writeLock.lock();
        try {
            ByteBuffer sink = ByteBuffer.allocate(0); // handshake records decrypt to nothing
            readFirstRecord();
            hello = ClientHello.peek(netIn);
            engine = generation.newEngine(hello == null ? null : hello.serverName(), notes);
            engine.beginHandshake();
            HandshakeStatus hs = engine.getHandshakeStatus();
            while (hs != HandshakeStatus.FINISHED && hs != HandshakeStatus.NOT_HANDSHAKING) {
                hs = switch (hs) {
                    case NEED_TASK -> runTasks();
                    case NEED_WRAP -> wrapControl();
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> unwrapHandshake(sink);
                    default -> throw new IllegalStateException(hs.toString());
                };
            }
            SSLSession s = engine.getSession();
            packetSize = Math.max(packetSize, s.getPacketBufferSize());
            appSize = Math.max(appSize, s.getApplicationBufferSize());
            session = describe(s);
        } catch (Exception e) {
            TlsHandshakeException failure = TlsHandshakeException.classify(e, timedOut, notes, hello, generation.lowestVersion());
            if (e instanceof SSLException && !(e instanceof TlsHandshakeException)) {
                sendAlertQuietly();
            }
            close();
            throw failure;
        } finally {
            releaseOut();
            releaseIdleReadBuffers();
            writeLock.unlock();
            readLock.unlock();
        }
    }

    private HandshakeStatus unwrapHandshake(ByteBuffer sink) throws IOException {
        while (true) {
            if (netIn == null || !netIn.hasRemaining()) {
                if (!fill()) {
                    throw new EOFException("peer closed during the TLS handshake");
                }
            }
            SSLEngineResult r = engine.unwrap(netIn, appIn == null ? sink : appInForWriting());
            if (appIn != null) {
                appIn.flip();
                dropAppInIfEmpty();
            }
            switch (r.getStatus()) {
                case OK -> {
                    return r.getHandshakeStatus() == HandshakeStatus.NEED_TASK ? runTasks() : r.getHandshakeStatus();
                }
                case BUFFER_UNDERFLOW -> {
                    if (!fill()) {
                        throw new EOFException("peer closed inside a TLS record during the handshake");
                    }
                }
                case BUFFER_OVERFLOW -> appIn = pool.borrow(appSize).flip(); // application data with the last flight
                case CLOSED -> throw new EOFException("peer sent close_notify during the TLS handshake");
            }
        }
    }

    /** Reads until the first record is complete (or would not fit a record buffer: the engine will judge it). */
    private void readFirstRecord() throws IOException {
        if (!fill()) {
            throw new EOFException("peer closed before sending anything");
        }
        int length = HEADER + (netIn.getShort(netIn.position() + 3) & 0xFFFF);
        while (length <= netIn.capacity() && netIn.remaining() < length) {
            if (!fill()) {
                throw new EOFException("peer closed before completing its ClientHello");
            }
        }
    }

    private HandshakeStatus runTasks() {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run(); // CPU work (signatures, certificate checks) on this virtual thread
        }
        return engine.getHandshakeStatus();
    }

    /** The first byte tells TLS (a handshake record, 0x16) from plain HTTP (a method's capital letter). */
    private void checkFirstByte(byte first) throws IOException {
        if (first == 0x16) {
            return;
        }
        if (first >= 'A' && first <= 'Z') {
            PlaintextAnswer.send(inner);
            throw new TlsHandshakeException(Reason.PLAINTEXT_HTTP, "plain HTTP sent to the TLS port", null);
        }
        throw new TlsHandshakeException(Reason.NOT_TLS, String.format("first byte 0x%02x is not a TLS handshake record", first), null);
    }

    private TlsSession describe(SSLSession s) {
        String alpn = engine.getApplicationProtocol();
        String serverName = notes.serverName; // this handshake's name, not a resumed session's
        List<X509Certificate> peers = new ArrayList<>();
        try {
            for (Certificate c : s.getPeerCertificates()) {
                peers.add((X509Certificate) c);
            }
        } catch (SSLPeerUnverifiedException none) {
            // no client certificate
        }
        return new TlsSession(s.getProtocol(), s.getCipherSuite(), alpn == null || alpn.isEmpty() ? null : alpn,
                serverName, List.copyOf(peers));
    }

    private void sendAlertQuietly() {
        try {
            if (!closed.get() && engine != null && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                wrapControl();
            }
        } catch (IOException | RuntimeException ignored) {
            // best effort: the peer may be gone already
        }
    }

    /** Called by the heartbeat: aborts the handshake once its deadline passed. */
    boolean abortIfOverdue(long nowNanos) {
        if (session == null && nowNanos - deadlineNanos >= 0) {
            timedOut = true;
            close();
            return true;
        }
        return false;
    }

    /** The first record's hello as peeked, for logging; null if not seen or not parseable. */
    ClientHello clientHello() {
        return hello;
    }

    // ---- reading -----------------------------------------------------------------------------

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        requireHandshake();
        readLock.lock();
        try {
            if (appIn != null) {
                return drainAppIn(dst);
            }
            while (!inboundDone) {
                if (netIn != null && netIn.hasRemaining()) {
                    int n = unwrapInto(dst);
                    if (n != NEED_MORE) {
                        return n;
                    }
                }
                if (netIn != null && !netIn.hasRemaining() && !streaming) {
                    pool.release(netIn); // wait for the next record with the header buffer only
                    netIn = null;
                }
                if (!fill()) {
                    return endOfInput();
                }
            }
            return -1;
        } catch (IOException | RuntimeException e) {
            if (e instanceof SSLException) {
                try {
                    requestWrap(); // the engine's alert, if the socket still takes it
                } catch (IOException | RuntimeException ignored) {
                    // the original failure is what matters
                }
            }
            close();
            throw e;
        } finally {
            releaseIdleReadBuffers();
            readLock.unlock();
        }
    }

    /**
     * As {@link #read(ByteBuffer)}, but when no TLS bytes are buffered and no record starts within
     * {@code timeoutMillis}, throws {@link java.net.SocketTimeoutException} having consumed nothing
     * and holding no record buffer — the connection may then be parked on its socket's readiness
     * (the HTTP/1.1 idle parking) and read normally when it becomes readable. Needs
     * {@link #supportsTimedRead()}.
     */
    @Override
    public int read(ByteBuffer dst, int timeoutMillis) throws IOException {
        if (!dst.hasRemaining()) {
            return 0;
        }
        requireHandshake();
        if (!(inner instanceof SocketConnection socket) || !socket.supportsTimedRead()) {
            throw new UnsupportedOperationException("timed reads need a TCP SocketConnection");
        }
        readLock.lock();
        try {
            if (appIn == null && !inboundDone && !headerStarted && (netIn == null || !netIn.hasRemaining())) {
                if (netIn != null) {
                    pool.release(netIn); // going idle: give the buffer back before waiting
                    netIn = null;
                }
                header.clear().limit(1); // only the first byte waits with a timeout; the record follows it
                if (socket.read(header, timeoutMillis) < 0) {
                    return endOfInput();
                }
                headerStarted = true;
            }
            return read(dst); // the lock is reentrant
        } finally {
            readLock.unlock();
        }
    }

    /** Whether {@link #read(ByteBuffer, int)} works: over TCP, not Unix sockets or other transports. */
    public boolean supportsTimedRead() {
        return inner instanceof SocketConnection socket && socket.supportsTimedRead();
    }

    /**
     * Whether TLS holds bytes not yet delivered (decrypted or not): such a connection must be read,
     * not parked waiting for socket readiness. False whenever a timed read has just timed out.
     */
    public boolean hasBufferedInput() {
        if (!readLock.tryLock()) {
            return true; // a read is in progress on another thread: certainly not idle
        }
        try {
            return appIn != null || headerStarted || (netIn != null && netIn.hasRemaining());
        } finally {
            readLock.unlock();
        }
    }

    /** The socket to watch while parked; none while bytes wait above it (they would never wake a selector). */
    @Override
    public java.nio.channels.SocketChannel parkableChannel() {
        return supportsTimedRead() && !hasBufferedInput() ? inner.parkableChannel() : null;
    }

    /** The transport connection beneath, e.g. the {@link SocketConnection} whose channel a parker watches. */
    public Connection transport() {
        return inner;
    }

    /** Decrypts buffered records into dst: a byte count, -1 at close_notify, or NEED_MORE. */
    private int unwrapInto(ByteBuffer dst) throws IOException {
        int produced = 0;
        while (netIn.hasRemaining()) {
            SSLEngineResult r = engine.unwrap(netIn, dst);
            afterUnwrap(r);
            switch (r.getStatus()) {
                case OK -> {
                    produced += r.bytesProduced();
                    if (!dst.hasRemaining()) {
                        return produced;
                    }
                    if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                        noProgress();
                    }
                }
                case BUFFER_UNDERFLOW -> {
                    return produced > 0 ? produced : NEED_MORE;
                }
                case BUFFER_OVERFLOW -> {
                    if (produced > 0) {
                        return produced;
                    }
                    int n = unwrapViaAppIn(dst); // dst is smaller than this record's plaintext
                    if (n != 0) {
                        return n;
                    }
                    // a record without data (KeyUpdate): go on with the next buffered one
                }
                case CLOSED -> {
                    inboundDone = true;
                    return produced > 0 ? produced : -1;
                }
            }
        }
        return produced > 0 ? produced : NEED_MORE;
    }

    /** Decrypts one record into appIn and hands over what fits: a count, -1 at close_notify, 0 for a record without data. */
    private int unwrapViaAppIn(ByteBuffer dst) throws IOException {
        appIn = pool.borrow(appSize);
        SSLEngineResult r = engine.unwrap(netIn, appIn);
        appIn.flip();
        afterUnwrap(r);
        switch (r.getStatus()) {
            case BUFFER_OVERFLOW -> {
                appSize = Math.max(appSize * 2, engine.getSession().getApplicationBufferSize());
                pool.release(appIn);
                appIn = null;
                return unwrapViaAppIn(dst);
            }
            case BUFFER_UNDERFLOW -> {
                dropAppInIfEmpty();
                return NEED_MORE;
            }
            case CLOSED -> inboundDone = true;
            case OK -> {
                if (r.bytesConsumed() == 0 && r.bytesProduced() == 0) {
                    noProgress();
                }
            }
        }
        if (!appIn.hasRemaining()) {
            dropAppInIfEmpty();
            return inboundDone ? -1 : 0;
        }
        return drainAppIn(dst);
    }

    /**
     * The engine would neither consume nor produce. If it insists on sending first (a pending
     * KeyUpdate answer), wait for the writer and send it; anything else is a broken engine state.
     */
    private void noProgress() throws IOException {
        if (engine.getHandshakeStatus() != HandshakeStatus.NEED_WRAP) {
            throw new SSLException("TLS engine made no progress");
        }
        writeLock.lock();
        try {
            pendingWrap = false;
            if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                wrapControl();
            }
        } finally {
            releaseOut();
            writeLock.unlock();
        }
    }

    private void afterUnwrap(SSLEngineResult r) throws IOException {
        HandshakeStatus hs = r.getHandshakeStatus();
        if (hs == HandshakeStatus.NEED_TASK) {
            hs = runTasks();
        }
        if (r.getStatus() == SSLEngineResult.Status.OK
                && hs != HandshakeStatus.NOT_HANDSHAKING && hs != HandshakeStatus.FINISHED
                && "TLSv1.2".equals(session.protocol())) {
            throw new SSLException("TLS 1.2 renegotiation is not supported");
        }
        if (hs == HandshakeStatus.NEED_WRAP) {
            requestWrap(); // TLS 1.3 KeyUpdate answer, or close_notify in reply
        }
    }

    private int drainAppIn(ByteBuffer dst) {
        int n = Math.min(dst.remaining(), appIn.remaining());
        dst.put(dst.position(), appIn, appIn.position(), n).position(dst.position() + n);
        appIn.position(appIn.position() + n);
        dropAppInIfEmpty();
        return n;
    }

    private ByteBuffer appInForWriting() {
        return appIn.compact();
    }

    private void dropAppInIfEmpty() {
        if (appIn != null && !appIn.hasRemaining()) {
            pool.release(appIn);
            appIn = null;
        }
    }

    /**
     * Reads more ciphertext into netIn. With nothing buffered it first waits on the 5-byte header
     * buffer, so an idle connection parks without a record buffer. False at end of stream.
     */
    private boolean fill() throws IOException {
        if (netIn == null) {
            if (!headerStarted) {
                header.clear();
            }
            headerStarted = false;
            header.limit(HEADER);
            while (header.hasRemaining()) {
                if (inner.read(header) < 0) {
                    if (header.position() == 0) {
                        return false;
                    }
                    throw new EOFException("connection closed inside a TLS record header");
                }
                if (!sawFirstByte) {
                    sawFirstByte = true;
                    checkFirstByte(header.get(0));
                }
            }
            header.flip();
            netIn = pool.borrow(packetSize);
            netIn.put(header);
            int recordLength = ((header.get(3) & 0xFF) << 8) | (header.get(4) & 0xFF);
            if (recordLength == 0) {
                netIn.flip(); // an empty record is complete already; do not wait for bytes that may not come
                return true;
            }
        } else {
            netIn.compact();
            if (!netIn.hasRemaining()) {
                int wanted = engine == null ? 0 : engine.getSession().getPacketBufferSize();
                if (wanted <= netIn.capacity()) {
                    throw new SSLException("TLS record larger than " + netIn.capacity() + " bytes");
                }
                packetSize = wanted;
                ByteBuffer bigger = ByteBuffer.allocate(wanted);
                bigger.put(netIn.flip());
                pool.release(netIn);
                netIn = bigger;
            }
        }
        int n = inner.read(netIn);
        streaming = !netIn.hasRemaining();
        netIn.flip();
        return n >= 0; // EOF inside a record is a truncation: treated as end of stream
    }

    /**
     * End of the inner stream without close_notify: usual for HTTP clients, and what
     * {@link #shutdownInput()} causes. HTTP framing detects a truncated message itself. The engine
     * is not told ({@code closeInbound} would fail it fatally), so writing goes on.
     */
    private int endOfInput() {
        inboundDone = true;
        return -1;
    }

    private void releaseIdleReadBuffers() {
        if (netIn != null && ((!netIn.hasRemaining() && !streaming) || closed.get())) {
            pool.release(netIn);
            netIn = null;
        }
        if (appIn != null && closed.get()) {
            pool.release(appIn);
            appIn = null;
        }
    }

    // ---- writing -----------------------------------------------------------------------------

    @Override
    public void write(ByteBuffer src) throws IOException {
        write(new ByteBuffer[] {src});
    }

    @Override
    public void write(ByteBuffer[] srcs) throws IOException {
        requireHandshake();
        writeLock.lock();
        try {
            if (outboundDone) {
                throw new ClosedChannelException();
            }
            while (hasRemaining(srcs)) {
                int n = 0;
                while (n < MAX_GATHER && hasRemaining(srcs)) {
                    SSLEngineResult r = wrapInto(srcs, n);
                    if (r.bytesProduced() > 0) {
                        n++;
                    } else if (r.getStatus() == SSLEngineResult.Status.OK && r.bytesConsumed() == 0) {
                        throw new SSLException("TLS engine will not wrap (renegotiation in progress?)");
                    }
                }
                flush(n);
            }
            if (pendingWrap) {
                pendingWrap = false;
                if (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                    wrapControl();
                }
            }
        } catch (IOException | RuntimeException e) {
            close(); // the record stream is broken mid-way; nothing sensible can follow
            throw e;
        } finally {
            releaseOut();
            writeLock.unlock();
        }
        if (pendingWrap) {
            requestWrap();
        }
    }

    /** Wraps one record from srcs into out[slot], borrowing the buffer. */
    private SSLEngineResult wrapInto(ByteBuffer[] srcs, int slot) throws IOException {
        if (out[slot] == null) {
            out[slot] = pool.borrow(packetSize);
        }
        SSLEngineResult r = engine.wrap(srcs, out[slot]);
        switch (r.getStatus()) {
            case OK -> {
                if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                    runTasks();
                }
            }
            case BUFFER_OVERFLOW -> {
                int wanted = engine.getSession().getPacketBufferSize();
                if (wanted <= out[slot].capacity()) {
                    throw new SSLException("TLS engine wants more than a " + wanted + "-byte record buffer");
                }
                packetSize = wanted;
                pool.release(out[slot]);
                out[slot] = null;
                return wrapInto(srcs, slot);
            }
            case CLOSED -> {
                if (r.bytesProduced() == 0) {
                    throw new SSLException("TLS output is closed");
                }
            }
            case BUFFER_UNDERFLOW -> throw new IllegalStateException("wrap cannot underflow");
        }
        return r;
    }

    /** Sends what the engine wants to send by itself: a handshake flight, KeyUpdate, alert or close_notify. */
    private HandshakeStatus wrapControl() throws IOException {
        int n = 0;
        HandshakeStatus hs;
        do {
            if (n == MAX_GATHER) {
                flush(n);
                n = 0;
            }
            SSLEngineResult r = wrapInto(new ByteBuffer[] {NOTHING}, n);
            hs = r.getHandshakeStatus() == HandshakeStatus.NEED_TASK ? engine.getHandshakeStatus() : r.getHandshakeStatus();
            if (r.bytesProduced() > 0) {
                n++;
            } else if (hs == HandshakeStatus.NEED_WRAP && r.getStatus() != SSLEngineResult.Status.CLOSED) {
                throw new SSLException("TLS engine made no progress wrapping");
            }
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                break;
            }
        } while (hs == HandshakeStatus.NEED_WRAP);
        flush(n);
        return hs;
    }

    private void flush(int n) throws IOException {
        if (n == 0) {
            return;
        }
        for (int i = 0; i < n; i++) {
            out[i].flip();
        }
        if (n == 1) {
            inner.write(out[0]);
        } else {
            inner.write(n == MAX_GATHER ? out : Arrays.copyOf(out, n));
        }
        releaseOut();
    }

    private void releaseOut() {
        for (int i = 0; i < MAX_GATHER; i++) {
            if (out[i] != null) {
                pool.release(out[i]);
                out[i] = null;
            }
        }
    }

    /** From the read side: send what the engine wants to send now if no writer is busy, else leave it to the writer. */
    private void requestWrap() throws IOException {
        pendingWrap = true;
        while (pendingWrap && writeLock.tryLock()) {
            try {
                if (pendingWrap) {
                    pendingWrap = false;
                    if (!closed.get() && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                        wrapControl();
                    }
                }
            } finally {
                releaseOut();
                writeLock.unlock();
            }
        }
    }

    private static boolean hasRemaining(ByteBuffer[] srcs) {
        for (ByteBuffer b : srcs) {
            if (b.hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    // ---- closing and facts -------------------------------------------------------------------

    /** Sends close_notify, then half-closes the inner connection; reading stays possible (TLS 1.3 half-close). */
    @Override
    public void shutdownOutput() throws IOException {
        writeLock.lock();
        try {
            if (outboundDone || closed.get()) {
                return;
            }
            outboundDone = true;
            engine.closeOutbound();
            if (session != null && !engine.isOutboundDone()) {
                wrapControl();
            }
            inner.shutdownOutput();
        } finally {
            releaseOut();
            writeLock.unlock();
        }
    }

    /**
     * Wakes a blocked {@link #read} with end of stream while writing goes on (a 408 or a last
     * response can still be sent, ending with close_notify).
     */
    @Override
    public void shutdownInput() throws IOException {
        inner.shutdownInput();
    }

    private void requireHandshake() {
        if (session == null) {
            throw new IllegalStateException("the TLS handshake has not completed");
        }
    }

    /** Facts about the session; null until the handshake completed. */
    @Override
    public TlsSession tls() {
        return session;
    }

    @Override
    public SocketAddress localAddress() {
        return inner.localAddress();
    }

    @Override
    public SocketAddress remoteAddress() {
        return inner.remoteAddress();
    }

    @Override
    public boolean isOpen() {
        return !closed.get() && inner.isOpen();
    }

    /** Aborts: closes the inner connection without close_notify, waking a blocked reader and writer. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            inner.close();
        }
    }

    @Override
    public String toString() {
        TlsSession s = session;
        return "TlsConnection[" + inner.remoteAddress() + (s == null ? ", handshaking" : ", " + s.protocol() + ", " + s.cipherSuite()) + "]";
    }
}
