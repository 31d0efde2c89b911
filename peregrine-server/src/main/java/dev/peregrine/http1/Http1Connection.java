package dev.peregrine.http1;

import dev.peregrine.api.BadRequestException;
import dev.peregrine.api.Headers;
import dev.peregrine.api.Protocol;
import dev.peregrine.api.Upgraded;
import dev.peregrine.exchange.ExchangeResponse;
import dev.peregrine.exchange.WriteBuffer;
import dev.peregrine.server.ServerOptions;
import dev.peregrine.server.TimeoutKind;
import dev.peregrine.server.internal.ConnectionMetrics;
import dev.peregrine.server.internal.ConnectionSelector;
import dev.peregrine.server.internal.ProtocolConnection;
import dev.peregrine.server.internal.RequestError;
import dev.peregrine.server.internal.ServerContext;
import dev.peregrine.server.internal.TimeoutControl;
import dev.peregrine.server.internal.UpgradeRequest;
import dev.peregrine.transport.Connection;
import java.io.EOFException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.x connection on its own virtual thread: read a head, run the handler, finish the
 * response, drain what the handler left unread, and go again while keep-alive allows
 * ({@link Http1State} holds the states).
 *
 * <p><b>Batching.</b> Responses accumulate in one output buffer that is flushed only when it
 * fills or when the connection is about to block for input, so requests pipelined in one read
 * are answered in one write.
 *
 * <p><b>Memory.</b> A waiting keep-alive connection reads into a small array of its own; the
 * large read buffer is borrowed from the server's pool only while a request needs it.
 *
 * <p><b>Other threads.</b> The heartbeat ({@link #tick}) and a graceful stop
 * ({@link #stopAcceptingRequests}) only set flags and wake a blocked read with end-of-stream;
 * a CAS on {@code waiting} decides whether an idle connection is closed or has already begun a
 * new request, which is then served to its end.
 */
public final class Http1Connection implements ProtocolConnection {

    private static final System.Logger LOG = System.getLogger(Http1Connection.class.getName());
    /**
     * Bytes a waiting connection keeps to read the next request into: a browser's head (~700 bytes)
     * or 16 pipelined small requests fit, so the large buffer is borrowed only for big heads and
     * bodies. Parked connections give even this back.
     */
    private static final int IDLE_BUFFER_BYTES = 2048;
    private static final byte[] SWITCHING_TO_H2C =
            "HTTP/1.1 101 Switching Protocols\r\nconnection: Upgrade\r\nupgrade: h2c\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    // waiting: whether the connection thread is blocked reading with no request begun.
    private static final int BUSY = 0;
    private static final int IDLE = 1;
    private static final int CLOSED_WHILE_IDLE = 2;
    private static final VarHandle WAITING;
    /** {@link #readMore} result: idle past the park delay, hand the connection to the parker. */
    private static final int PARK = -2;

    static {
        try {
            WAITING = MethodHandles.lookup().findVarHandle(Http1Connection.class, "waiting", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long id;
    private final Connection transport;
    private final ServerContext context;
    private final ServerOptions options;
    private final int parkDelayMillis;
    private final Http1State state = new Http1State();
    private final TimeoutControl timeouts = new TimeoutControl();
    private final RequestHeadParser parser;
    private final RequestHead head = new RequestHead();
    private final RequestBodyStream body;
    private final Http1Request request;
    private final Http1Output output;
    private final ExchangeResponse response;

    private final byte[] idleBuffer;
    private final ByteBuffer idleByteBuffer;
    private byte[] drainScratch;
    private byte[] buf;
    private ByteBuffer bufView;
    private int pos;
    private int lim;

    private final ResponseWrites writes;

    private volatile int waiting = BUSY;
    private volatile boolean stopRequested;
    private volatile TimeoutControl.Reason timedOut;
    /** The protocol this connection switched to with {@code Upgrade: h2c}; it now gets the events. */
    private volatile ProtocolConnection upgradedTo;
    private boolean continuePending;
    /** Set when the connection idled past the park delay and goes to the idle parker thread-less. */
    private boolean parked;
    private long idleDeadlineNanos;
    /** What the metrics context returned when the current exchange began; 0 once it was recorded. */
    private long exchangeStarted;

    public Http1Connection(long id, Connection transport, ServerContext context) {
        this(id, transport, context, null, 0);
    }

    /**
     * A connection whose first {@code initialLength} bytes were already read into {@code initial}
     * (by protocol sniffing); an array of the waiting buffer's size is adopted, not copied.
     */
    public Http1Connection(long id, Connection transport, ServerContext context, byte[] initial, int initialLength) {
        if (initial != null && initial.length == IDLE_BUFFER_BYTES) {
            this.idleBuffer = initial;
        } else {
            this.idleBuffer = new byte[Math.max(IDLE_BUFFER_BYTES, initialLength)];
            if (initialLength > 0) {
                System.arraycopy(initial, 0, idleBuffer, 0, initialLength);
            }
        }
        this.idleByteBuffer = ByteBuffer.wrap(idleBuffer);
        this.buf = idleBuffer;
        this.bufView = idleByteBuffer;
        this.lim = initialLength;
        this.id = id;
        this.transport = transport;
        this.context = context;
        this.options = context.options();
        this.writes = new ResponseWrites(transport, timeouts, context.clock(), context.connection(),
                options.maxResponseBufferBytes());
        timeouts.startWriteRate(options.minResponseBytesPerSecond(), options.minResponseRateGracePeriod().toNanos());
        this.parkDelayMillis = (int) Math.clamp(options.idleParkDelay().toMillis(), 1, Integer.MAX_VALUE);
        this.parser = new RequestHeadParser(options.maxRequestLineBytes(), options.maxRequestHeaderBytes(),
                options.maxRequestHeaderCount());
        this.body = new RequestBodyStream(this, new ChunkedDecoder(options.maxRequestLineBytes(),
                options.maxRequestHeaderBytes(), options.maxRequestHeaderCount()));
        this.request = new Http1Request(this, head, body);
        this.output = new Http1Output(this);
        this.response = new ExchangeResponse(output);
        if (transport.tls() != null) {
            response.advertiseAltSvc(context.altSvc()); // HTTP/3 on the same port (RFC 7838 §3)
        }
        context.connection().protocol(Protocol.HTTP_1_1);
    }

    Connection transport() {
        return transport;
    }

    // ---------------------------------------------------------------- the loop

    @Override
    public boolean process() {
        try {
            while (state.canReadHead()) {
                if (!readHead()) {
                    break;
                }
                if (!serveExchange()) {
                    break;
                }
                if (!state.finishExchange()) {
                    break;
                }
            }
            flush();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "connection " + id + " closed: " + e);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "connection " + id + " failed", e);
        } finally {
            releaseBuffer(true);
            if (!parked) {
                state.close();
                transport.close();
            }
        }
        if (parked) {
            ServerContext ctx = context; // a parked connection resumes with no bytes buffered and no request begun
            context.idleParker().park(id, transport, idleDeadlineNanos, (i, t) -> new Http1Connection(i, t, ctx));
        }
        return parked;
    }

    /**
     * Reads until a whole head is parsed. False on end of stream, timeout or stop before a request
     * began (nothing to answer), or after answering a malformed head (the connection then closes).
     */
    private boolean readHead() throws IOException {
        long now = context.clock().nanoTime();
        if (pos == lim) {
            pos = lim = 0;
            releaseBuffer(false);
            idleDeadlineNanos = now + options.keepAliveTimeout().toNanos();
            timeouts.arm(TimeoutControl.Reason.KEEP_ALIVE, now, options.keepAliveTimeout().toNanos());
        } else {
            timeouts.arm(TimeoutControl.Reason.REQUEST_HEADERS, now, options.requestHeadersTimeout().toNanos());
        }
        while (true) {
            if (pos < lim) {
                int consumed;
                try {
                    consumed = parser.parse(buf, pos, lim, head);
                } catch (HttpParseException e) {
                    timeouts.disarm();
                    rejectHead(e.status(), e.getMessage());
                    return false;
                }
                if (consumed > 0) {
                    pos += consumed;
                    timeouts.disarm();
                    return true;
                }
            }
            // About to block: whatever earlier requests produced must leave first.
            flush();
            boolean began = pos < lim;
            if (!began && stopRequested) {
                return false;
            }
            int n = readMore(!began);
            if (n == PARK) {
                parked = true;
                return false;
            }
            if (n < 0) {
                if (!began) {
                    return false; // the client closed between requests: the normal end of keep-alive
                }
                if (timedOut == TimeoutControl.Reason.REQUEST_HEADERS) {
                    rejectHead(408, "request headers timeout");
                } else {
                    LOG.log(System.Logger.Level.DEBUG, () -> "connection " + id + ": end of stream inside a request head");
                }
                return false;
            }
            if (!began) {
                timeouts.arm(TimeoutControl.Reason.REQUEST_HEADERS, context.clock().nanoTime(),
                        options.requestHeadersTimeout().toNanos());
            }
        }
    }

    /** Runs the handler and completes the exchange; false when the connection must close. */
    private boolean serveExchange() throws IOException {
        boolean head10 = head.minorVersion() == 0;
        request.reset();
        // The parser interns method names.
        response.reset(head.method() == "HEAD", head.method() == "CONNECT");
        output.reset(head10);
        body.reset(head, options.maxRequestBodyBytes());
        continuePending = head.expectContinue() && body.hasBody() && !head10;
        state.headRead(body.hasBody(), head.keepAlive() && !stopRequested);
        if (!body.hasBody() && !head10 && !stopRequested && switchedProtocols()) {
            return false;
        }
        exchangeStarted = context.connection().requestStarted(request);
        request.started(exchangeStarted);
        try {
            return runHandler();
        } finally {
            endExchange(RequestError.ABORTED); // only when something was thrown: the connection goes
        }
    }

    /** Records the exchange's metrics and events, once, when its outcome is known. */
    private void endExchange(RequestError error) {
        long started = exchangeStarted;
        if (started != 0) {
            exchangeStarted = 0;
            context.connection().requestEnded(started, request, response.isCommitted() ? response.status() : 0,
                    request.bodyBytesRead(), response.bodyBytesSent(), error);
        }
    }

    private boolean runHandler() throws IOException {
        boolean complete = false;
        Throwable failure = null;
        try {
            context.handler().handle(request, response);
            if (response.upgraded() == null) {
                // Inside the try: a field the handler set may be refused only now, when the head is written.
                complete = response.finish();
            }
        } catch (Throwable t) {
            failure = t;
        }
        if (failure instanceof VirtualMachineError fatal) {
            // The JVM may be unable to go on (out of memory, stack overflow): answer 500 if nothing
            // was sent, close, and let the error reach the thread's handler instead of serving on.
            state.disableKeepAlive();
            handleFailure(fatal);
            endExchange(RequestError.HANDLER_EXCEPTION);
            flush();
            throw fatal;
        }
        if (failure != null) {
            boolean answered = handleFailure(failure);
            endExchange(writes.transportFailed() ? RequestError.ABORTED
                    : response.isFinished() ? RequestError.NONE : RequestError.HANDLER_EXCEPTION);
            if (!answered) {
                return false;
            }
            complete = true;
        }
        Upgraded upgraded = response.upgraded();
        if (upgraded != null) {
            runUpgrade(upgraded);
            return false;
        }
        if (!complete) {
            endExchange(RequestError.RESPONSE_INCOMPLETE);
            LOG.log(System.Logger.Level.WARNING, "connection " + id + ": response to " + request
                    + " ended before its Content-Length; aborting so the client sees it incomplete");
            return false;
        }
        finishRequestBody();
        endExchange(RequestError.NONE);
        if (state.isReadingBody() || body.failure() != null) {
            state.disableKeepAlive();
            flush();
            return false;
        }
        state.bodyRead();
        return true;
    }

    /**
     * {@code Upgrade: h2c} with {@code HTTP2-Settings} (RFC 7540 §3.2) on a request without a
     * body: answers 101 and hands the connection to the protocol that takes the token, which
     * answers this request as its first stream. Bodies are not carried over: such requests stay
     * on HTTP/1.1, as the RFC allows a server to ignore Upgrade.
     */
    private boolean switchedProtocols() throws IOException {
        String upgrade = head.upgrade(); // set by the parser only when Connection lists upgrade: no scan per request
        if (upgrade == null || transport.tls() != null) {
            return false; // h2c is for cleartext; TLS negotiates h2 with ALPN
        }
        ConnectionSelector target = null;
        for (String token : upgrade.split(",")) {
            target = context.protocols().forUpgrade(token.trim());
            if (target != null) {
                break;
            }
        }
        Headers h = head.headers();
        if (target == null || !h.containsToken("connection", "http2-settings")
                || h.count("http2-settings") != 1) {
            return false;
        }
        Headers fields = new Headers(h.size());
        for (int i = 0; i < h.size(); i++) {
            String name = h.name(i);
            if (!isHopByHop(name) && !h.containsToken("connection", name)) {
                fields.add(name, h.value(i));
            }
        }
        UpgradeRequest request = new UpgradeRequest(head.method(), head.target(), h.get("host"), "http", fields,
                h.get("http2-settings"));
        writes.buffer().put(SWITCHING_TO_H2C);
        flush();
        timeouts.disarm();
        ProtocolConnection next = target.openUpgraded(id, transport, context, request, buf, pos, lim - pos);
        pos = lim;
        upgradedTo = next;
        if (stopRequested) {
            next.stopAcceptingRequests();
        }
        next.process();
        return true;
    }

    private static boolean isHopByHop(String name) {
        return name.equalsIgnoreCase("connection") || name.equalsIgnoreCase("upgrade")
                || name.equalsIgnoreCase("http2-settings") || name.equalsIgnoreCase("keep-alive")
                || name.equalsIgnoreCase("proxy-connection") || name.equalsIgnoreCase("transfer-encoding")
                || name.equalsIgnoreCase("te");
    }

    /** A handler threw: answer if nothing was sent, else abort. False when the connection must go. */
    private boolean handleFailure(Throwable t) throws IOException {
        if (t instanceof BadRequestException bad && body.failure() == bad) {
            context.connection().badRequest(request.protocol(), bad.status(), bad.getMessage());
            LOG.log(System.Logger.Level.DEBUG, () -> "connection " + id + ": bad request body: " + bad.getMessage());
            if (!response.isCommitted()) {
                state.disableKeepAlive();
                response.sendError(bad.status(), reasonText(bad.status()));
                flush();
            }
            return false;
        }
        if (writes.transportFailed()) {
            // The client went away (reset, broken pipe): not the handler's fault, nothing to answer.
            LOG.log(System.Logger.Level.DEBUG, () -> "connection " + id + ": client gone during " + request + ": " + t);
            return false;
        }
        context.connection().handlerError();
        LOG.log(System.Logger.Level.ERROR, "handler failed for " + request + " on connection " + id, t);
        if (response.isCommitted()) {
            return false; // the head is out: only an abort tells the client the response is broken
        }
        response.sendError(500, "Internal Server Error");
        return true;
    }

    /** Reads or drains what the handler left of the request body, within the drain limit. */
    private void finishRequestBody() throws IOException {
        if (!state.isReadingBody()) {
            return;
        }
        if (body.isEnded()) {
            state.bodyRead();
            return;
        }
        if (continuePending) {
            // The client waits for a 100 that never came and may never send the body: do not wait for it.
            return;
        }
        try {
            if (body.drain(options.maxUnreadBodyDrainBytes())) {
                state.bodyRead();
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "connection " + id + ": draining request body failed: " + e);
        }
    }

    private void rejectHead(int status, String reason) throws IOException {
        context.connection().badRequest(Protocol.HTTP_1_1, status, reason);
        LOG.log(System.Logger.Level.DEBUG, () -> "connection " + id + ": " + status + " " + reason);
        state.headRead(false, false);
        response.reset(false, false);
        output.reset(false);
        response.sendError(status, reasonText(status));
        flush();
    }

    private static String reasonText(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 408 -> "Request Timeout";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 431 -> "Request Header Fields Too Large";
            case 501 -> "Not Implemented";
            case 505 -> "HTTP Version Not Supported";
            default -> "Error";
        };
    }

    private void runUpgrade(Upgraded upgraded) throws IOException {
        response.finish();
        flush();
        endExchange(RequestError.NONE); // the 101 exchange is over; the upgraded protocol is not a request
        timeouts.disarm();
        ConnectionMetrics metrics = context.connection();
        metrics.upgradeStarted();
        try {
            upgraded.run(new UpgradedStreams.Input(this), new UpgradedStreams.Output(transport));
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "connection " + id + ": upgraded protocol ended: " + e);
        } finally {
            metrics.upgradeEnded();
        }
    }

    // ---------------------------------------------------------------- reading

    /**
     * Reads more bytes after {@code lim}, compacting or borrowing the large buffer as needed.
     * {@code idle}: no request has begun, so a graceful stop or keep-alive timeout may close.
     */
    private int readMore(boolean idle) throws IOException {
        makeRoom();
        ByteBuffer view = bufView;
        view.limit(view.capacity()).position(lim);
        int n;
        if (idle) {
            context.connection().awaitingInput(); // the requests since the last wait reach the metrics now
            WAITING.setVolatile(this, IDLE);
            if ((stopRequested || timedOut == TimeoutControl.Reason.KEEP_ALIVE)
                    && WAITING.compareAndSet(this, IDLE, BUSY)) {
                return -1;
            }
            try {
                n = idleRead(view);
            } catch (IOException e) {
                writes.markFailed();
                throw e;
            } finally {
                if (!WAITING.compareAndSet(this, IDLE, BUSY)) {
                    n = -1; // stop or timeout won the race: this connection is closing
                }
            }
        } else {
            n = transportRead(view);
        }
        if (n > 0) {
            lim += n;
        }
        return n;
    }

    /** Waits for the next request: on this thread up to the park delay, then (TCP) parked thread-less. */
    private int idleRead(ByteBuffer view) throws IOException {
        // Let the other runnable connections go first: under load the client's next request
        // usually arrives meanwhile, and the read then succeeds at once instead of costing an
        // EAGAIN read, a poller registration (epoll_ctl) and a park. Measured on 64 keep-alive
        // connections: 4 system calls per request become about 2.5. With nothing else runnable
        // the yield returns at once.
        if (Thread.currentThread().isVirtual()) {
            Thread.yield();
        }
        if (context.idleParker() != null
                && context.metrics().activeConnections() >= options.idleParkMinConnections()
                && transport.parkableChannel() != null) {
            try {
                return transport.read(view, parkDelayMillis);
            } catch (SocketTimeoutException e) {
                return transport.parkableChannel() != null ? PARK : transport.read(view);
            }
        }
        return transport.read(view);
    }

    /** Ensures free space after {@code lim}: reset, compact, or move to the large (or a larger) buffer. */
    private void makeRoom() {
        if (pos == lim) {
            pos = lim = 0;
        }
        if (lim < buf.length) {
            return;
        }
        int live = lim - pos;
        if (buf != idleBuffer && pos > 0) {
            System.arraycopy(buf, pos, buf, 0, live);
        } else {
            byte[] bigger;
            if (buf == idleBuffer) {
                bigger = context.readBuffers().borrow();
            } else {
                // A head larger than the pooled buffer: the limits allow up to line + header bytes.
                bigger = new byte[buf.length * 2];
            }
            System.arraycopy(buf, pos, bigger, 0, live);
            if (buf != idleBuffer) {
                context.readBuffers().release(buf);
            }
            buf = bigger;
            bufView = ByteBuffer.wrap(bigger);
        }
        pos = 0;
        lim = live;
    }

    /** Returns the large buffer to the pool once nothing in it is unread (or, when closing, anyway). */
    private void releaseBuffer(boolean closing) {
        if (buf != idleBuffer && (closing || pos == lim)) {
            context.readBuffers().release(buf);
            buf = idleBuffer;
            bufView = idleByteBuffer;
            pos = lim = 0;
        }
        writes.shrinkIfIdle();
        response.shrink();
    }

    int buffered() {
        return lim - pos;
    }

    int takeBuffered(byte[] dst, int off, int len) {
        int n = Math.min(len, lim - pos);
        System.arraycopy(buf, pos, dst, off, n);
        pos += n;
        timeouts.bodyBytesBuffered(n);
        return n;
    }

    int decodeChunked(ChunkedDecoder decoder, byte[] dst, int off, int len) {
        int consumed = decoder.decode(buf, pos, lim, dst, off, len);
        pos += consumed;
        return decoder.produced();
    }

    /** Reads body bytes into the buffer; end of stream inside a body is a broken request. */
    void fill() throws IOException {
        int n = timedBodyRead(() -> readMore(false));
        if (n < 0) {
            throw endOfBody();
        }
    }

    /** Reads body bytes straight into the handler's array, bypassing the buffer. */
    int readDirect(byte[] dst, int off, int len) throws IOException {
        int n = timedBodyRead(() -> transportRead(ByteBuffer.wrap(dst, off, len)));
        if (n < 0) {
            throw endOfBody();
        }
        return n;
    }

    private IOException endOfBody() {
        if (timedOut == TimeoutControl.Reason.READ_DATA_RATE) {
            return new BadRequestException(408, "request body arrived below the minimum data rate");
        }
        return new BadRequestException(400, "end of stream inside the request body");
    }

    private interface IoRead {
        int read() throws IOException;
    }

    private int timedBodyRead(IoRead read) throws IOException {
        flush(); // a handler that reads after writing expects its bytes to have left
        timeouts.bodyReadStarted(System.nanoTime());
        int n = -1;
        try {
            n = read.read();
            return n;
        } finally {
            timeouts.bodyReadEnded(System.nanoTime(), n);
        }
    }

    /** The first read of the body: send 100 Continue if the client waits for it (RFC 9110 §10.1.1). */
    void bodyReadStarting() throws IOException {
        timeouts.startBodyRate(options.minRequestBodyBytesPerSecond(), options.minRequestBodyRateGracePeriod().toNanos());
        if (continuePending) {
            continuePending = false;
            if (!response.isCommitted()) {
                output.writeContinue();
            }
        }
    }

    void bodyEnded(Headers trailers) {
        timeouts.stopBodyRate();
        if (trailers != null) {
            request.trailers(trailers);
        }
        state.bodyRead();
    }

    void bodyFailed() {
        timeouts.stopBodyRate();
        state.disableKeepAlive();
    }

    /**
     * Where a drained body is skipped into. Its own array, allocated only by connections that
     * ever drain: the waiting buffer may still hold the head and pipelined requests.
     */
    byte[] scratch() {
        if (drainScratch == null) {
            drainScratch = new byte[4096];
        }
        return drainScratch;
    }

    // ---------------------------------------------------------------- writing

    WriteBuffer out() {
        return writes.buffer();
    }

    ResponseWrites writes() {
        return writes;
    }

    int maxResponseBuffer() {
        return options.maxResponseBufferBytes();
    }

    byte[] dateLine() {
        return context.dateCache().headerLine();
    }

    void disableKeepAlive() {
        state.disableKeepAlive();
    }

    /** Last decisions before a head is written: may the connection be reused after it? */
    void beforeCommit() {
        if (stopRequested) {
            state.disableKeepAlive();
        }
        if (state.isReadingBody() && !body.isEnded()) {
            long left = body.remainingDeclared();
            if (continuePending || left < 0 && body.failure() != null
                    || left > options.maxUnreadBodyDrainBytes() + buffered()) {
                state.disableKeepAlive();
            }
        }
    }

    boolean keepAliveAfterResponse() {
        return state.wantsKeepAlive();
    }

    void responseHeadWritten(boolean hasBody) {
        state.responseHeadWritten(hasBody);
    }

    void responseDone() {
        state.responseDone();
    }

    void flushIfFull() throws IOException {
        writes.flushIfFull();
    }

    void flush() throws IOException {
        writes.flush();
    }

    private int transportRead(ByteBuffer dst) throws IOException {
        try {
            return transport.read(dst);
        } catch (IOException e) {
            writes.markFailed();
            throw e;
        }
    }

    // ---------------------------------------------------------------- other threads

    @Override
    public void stopAcceptingRequests() {
        stopRequested = true;
        ProtocolConnection next = upgradedTo;
        if (next != null) {
            next.stopAcceptingRequests();
            return;
        }
        closeIfIdle();
    }

    @Override
    public void tick(long nowNanos) {
        ProtocolConnection next = upgradedTo;
        if (next != null) {
            next.tick(nowNanos);
            return;
        }
        TimeoutControl.Reason reason = timeouts.expire(nowNanos);
        if (reason == null) {
            return;
        }
        timedOut = reason;
        TimeoutKind kind = TimeoutKind.of(reason);
        context.connection().timedOut(kind);
        LOG.log(System.Logger.Level.DEBUG, () -> "connection " + id + ": " + kind.label() + " timeout");
        switch (reason) {
            // Busy when it fired (a flush blocked)? readMore sees timedOut before it waits again.
            case KEEP_ALIVE -> closeIfIdle();
            // The client does not take the response: nothing more can be sent, so abort.
            case WRITE_DATA_RATE -> transport.close();
            case REQUEST_HEADERS, READ_DATA_RATE -> {
                timeouts.stopBodyRate();
                wakeReader();
            }
        }
    }

    private void closeIfIdle() {
        if (WAITING.compareAndSet(this, IDLE, CLOSED_WHILE_IDLE)) {
            wakeReader();
        }
    }

    /** Ends a blocked read with EOF; the connection thread then answers (408) or closes. */
    private void wakeReader() {
        try {
            transport.shutdownInput();
        } catch (IOException e) {
            transport.close();
        }
    }

    @Override
    public void abort() {
        ProtocolConnection next = upgradedTo;
        if (next != null) {
            next.abort();
        }
        transport.close();
    }

    @Override
    public String toString() {
        return "Http1Connection[" + id + " " + transport + " " + state + "]";
    }
}
