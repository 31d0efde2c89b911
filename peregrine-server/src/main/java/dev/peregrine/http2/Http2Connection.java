package dev.peregrine.http2;

import dev.peregrine.api.Protocol;
import dev.peregrine.exchange.RequestFields;
import dev.peregrine.hpack.HpackDecoder;
import dev.peregrine.http2.frame.FrameListener;
import dev.peregrine.http2.frame.FrameReader;
import dev.peregrine.http2.frame.Http2ConnectionException;
import dev.peregrine.http2.frame.Http2ErrorCode;
import dev.peregrine.http2.frame.Http2Exception;
import dev.peregrine.http2.frame.Http2Settings;
import dev.peregrine.http2.frame.Http2StreamException;
import dev.peregrine.server.Http2Options;
import dev.peregrine.server.TimeoutKind;
import dev.peregrine.server.internal.ProtocolConnection;
import dev.peregrine.server.internal.ServerContext;
import dev.peregrine.server.internal.UpgradeRequest;
import dev.peregrine.transport.Connection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One HTTP/2 connection (RFC 9113). The connection's virtual thread reads frames and dispatches
 * them ({@link FrameListener}); an {@link Http2Writer} on a second virtual thread owns the
 * output; each request stream runs its handler on a virtual thread of its own
 * ({@link Http2Stream}).
 *
 * <p><b>Stream accounting.</b> A stream counts against MAX_CONCURRENT_STREAMS until it is closed
 * <em>and</em> its handler has returned, so resetting streams at once (Rapid Reset) cannot run
 * more handlers than the limit; the resets themselves spend an {@link AbuseBudget}.
 *
 * <p><b>Graceful stop</b> (§6.8): GOAWAY with 2^31-1 and a PING; when the PING's ACK proves the
 * client saw it, GOAWAY with the last stream id taken; streams in flight finish; then the
 * writer half-closes and the connection ends once the client closes its side.
 */
public final class Http2Connection implements ProtocolConnection, FrameListener, Http2Writer.Events {

    private static final System.Logger LOG = System.getLogger(Http2Connection.class.getName());
    /** The PING payload of a graceful stop; its ACK says the first GOAWAY was seen. */
    private static final long SHUTDOWN_PING = 0x70657265_6772696EL;
    /** A client is given this long to close after our final GOAWAY (or to ACK the stop PING). */
    private static final long CLOSE_GRACE_NANOS = 2_000_000_000L;
    /** Recently reset streams whose in-flight frames are ignored (§5.4.2), not answered. */
    private static final int RECENT_RESETS = 64;

    private final long id;
    private final Connection transport;
    private final ServerContext context;
    private final Http2Options h2;
    private final FrameReader reader;
    private final HpackDecoder decoder;
    private final Http2Writer writer;
    private final AbuseBudget budget;
    private final ConcurrentHashMap<Integer, Http2Stream> streams = new ConcurrentHashMap<>();
    private final RecentResets recentResets = new RecentResets(RECENT_RESETS);
    private final StreamWorkers workers = new StreamWorkers();

    private final FrameInput input;
    private final FieldBlock block;
    private final ConnectionReceiveWindow receiveWindow;

    private boolean peerSettingsReceived;
    private volatile long settingsSentNanos;
    private volatile boolean settingsAcked;
    private volatile int lastStreamId;
    /** Streams above this id are not processed: the client was told so by GOAWAY. */
    private volatile int acceptLimit = Integer.MAX_VALUE;
    private volatile boolean stopping;
    private volatile long stopPingSentNanos;
    private volatile boolean finalGoAwaySent;
    private volatile long shutdownSinceNanos;
    private volatile boolean peerGoingAway;
    private volatile long idleSinceNanos;
    /** The request-headers deadline: field blocks and partial frames (reader thread; the heartbeat reads it). */
    private final HeadersDeadline headersDeadline = new HeadersDeadline();
    private volatile boolean closed;
    private Thread writerThread;
    /** The HTTP/1.1 request that upgraded to h2c: stream 1 (RFC 7540 §3.2), or null. */
    private UpgradeRequest upgrade;

    /** A connection after {@code Upgrade: h2c}: {@code request} is stream 1, half-closed (remote). */
    public Http2Connection(long id, Connection transport, ServerContext context, UpgradeRequest request,
            byte[] buffered, int off, int len) {
        this(id, transport, context, java.util.Arrays.copyOfRange(buffered, off, Math.max(off + len, off + FrameInput.IDLE_BYTES)), len);
        this.upgrade = request;
    }

    public Http2Connection(long id, Connection transport, ServerContext context, byte[] initial, int initialLength) {
        this.id = id;
        this.transport = transport;
        this.context = context;
        this.h2 = context.options().http2();
        this.reader = new FrameReader(h2.maxFrameSize());
        this.decoder = new HpackDecoder(h2.headerTableSize(), h2.maxHeaderListSize());
        this.writer = new Http2Writer(transport, context.dateCache(), this, h2.maxQueuedControlBytes());
        long now = context.clock().nanoTime();
        this.budget = new AbuseBudget(h2.maxResetsPerSecond(), h2.maxControlFramesPerSecond(), now);
        this.idleSinceNanos = now;
        this.receiveWindow = new ConnectionReceiveWindow(h2.initialConnectionWindow(), writer);
        // A block may compress a little worse than the list it carries; past this it cannot be a
        // list within the limit and only a flood of CONTINUATION frames gets there.
        this.block = new FieldBlock(h2.maxHeaderListSize() + 16 * 1024);
        this.input = new FrameInput(initial, initialLength, h2.maxFrameSize());
        context.connection().protocol(Protocol.HTTP_2);
    }

    Http2Writer writer() {
        return writer;
    }

    Connection transport() {
        return transport;
    }

    // ---------------------------------------------------------------- the reader loop

    @Override
    public boolean process() {
        writerThread = Thread.ofVirtual().name("peregrine-h2-writer-" + id).start(writer);
        try {
            sendServerPreface();
            if (upgrade != null) {
                openUpgradedStream();
            }
            readLoop();
        } catch (Http2ConnectionException e) {
            connectionError(e);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "HTTP/2 connection " + id + " closed: " + e);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "HTTP/2 connection " + id + " failed", e);
        } finally {
            closeNow();
        }
        return false;
    }

    private void sendServerPreface() {
        Http2Settings ours = new Http2Settings()
                .maxConcurrentStreams(h2.maxConcurrentStreams())
                .initialWindowSize(h2.initialStreamWindow())
                .maxHeaderListSize(h2.maxHeaderListSize());
        if (h2.maxFrameSize() != Http2Settings.MIN_MAX_FRAME_SIZE) {
            ours.maxFrameSize(h2.maxFrameSize());
        }
        if (h2.headerTableSize() != Http2Settings.DEFAULT_HEADER_TABLE_SIZE) {
            ours.headerTableSize(h2.headerTableSize());
        }
        int extra = h2.initialConnectionWindow() - Http2Settings.DEFAULT_INITIAL_WINDOW_SIZE;
        writer.queueControl(9 + 6 * 4 + 13, w -> {
            w.settings(ours);
            if (extra > 0) {
                w.windowUpdate(0, extra);
            }
        });
        settingsSentNanos = context.clock().nanoTime() | 1;
    }

    /**
     * The upgraded request: the client's settings come from its {@code HTTP2-Settings} field
     * (base64url of a SETTINGS payload, RFC 7540 §3.2.1), and the request is stream 1.
     */
    private void openUpgradedStream() throws Http2ConnectionException {
        UpgradeRequest u = upgrade;
        upgrade = null;
        writer.applyPeerSettings(UpgradeSettings.parse(u.settings()), List.of());
        RequestFields fields = RequestFields.fromUpgrade(u);
        String malformed = fields.finish();
        lastStreamId = 1;
        try {
            startStream(1, fields, true, malformed == null ? 0 : 400, malformed);
        } catch (Http2Exception e) {
            throw new IllegalStateException(e); // an idle stream takes HEADERS
        }
    }

    private void readLoop() throws IOException, Http2ConnectionException {
        boolean preface = false;
        while (true) {
            headersDeadline.beforeParse(context.clock().nanoTime() | 1, reader.framesRead());
            if (!preface) {
                preface = reader.readPreface(input.buffer());
            }
            if (preface) {
                readFrames();
            }
            // Slowloris: what is left incomplete, but request content, is held to the headers deadline (tick).
            headersDeadline.afterParse(context.clock().nanoTime() | 1, reader.framesRead(), input.buffer(),
                    reader.expectingContinuation(), !streams.isEmpty());
            if (input.read(transport, streams.isEmpty()) < 0) {
                if (!finalGoAwaySent && !closed) {
                    LOG.log(System.Logger.Level.DEBUG, () -> "HTTP/2 connection " + id + ": client closed");
                }
                return;
            }
        }
    }

    private void readFrames() throws Http2ConnectionException {
        while (true) {
            try {
                reader.read(input.buffer(), this);
                return;
            } catch (Http2StreamException e) {
                streamError(e);
            } catch (Http2ConnectionException e) {
                throw e;
            } catch (Http2Exception e) {
                throw new IllegalStateException(e); // the two kinds above are all there is
            }
        }
    }

    // ---------------------------------------------------------------- errors

    /** A stream error (§5.4.2): RST_STREAM, which spends the reset budget (MadeYouReset). */
    private void streamError(Http2StreamException e) throws Http2ConnectionException {
        LOG.log(System.Logger.Level.DEBUG, () -> "HTTP/2 connection " + id + ": " + e.getMessage());
        spendReset();
        Http2Stream s = streams.get(e.streamId());
        if (s != null) {
            resetStream(s, e.error());
        } else {
            recentResets.add(e.streamId());
            context.connection().streamReset(e.streamId(), e.error().code(), false);
            writer.queueControl(13, w -> w.rstStream(e.streamId(), e.error()));
        }
    }

    private void spendReset() throws Http2ConnectionException {
        if (!budget.spendReset(context.clock().nanoTime())) {
            throw calm("stream resets above " + h2.maxResetsPerSecond() + "/s (Rapid Reset / MadeYouReset)");
        }
    }

    private void spendControl(String what) throws Http2ConnectionException {
        if (!budget.spendControl(context.clock().nanoTime())) {
            throw calm(what + " flood: frames without work above " + h2.maxControlFramesPerSecond() + "/s");
        }
    }

    private static Http2ConnectionException calm(String why) {
        return new Http2ConnectionException(Http2ErrorCode.ENHANCE_YOUR_CALM, why);
    }

    /** A connection error (§5.4.1): GOAWAY with its code, then close. Logged once, at debug. */
    private void connectionError(Http2ConnectionException e) {
        context.connection().protocolError(e.error().code()); // ENHANCE_YOUR_CALM counts as abusive
        LOG.log(System.Logger.Level.DEBUG, () -> "HTTP/2 connection " + id + ": GOAWAY " + e.error() + ": " + e.getMessage());
        sendErrorGoAway(e.error(), e.getMessage());
        for (Http2Stream s : streams.values()) {
            failStream(s, "connection error " + e.error());
        }
        writer.finishAndShutdown();
    }

    /** The last GOAWAY, with an error: the last stream taken (§6.8), {@code why} as its debug data. */
    private void sendErrorGoAway(Http2ErrorCode code, String why) {
        int last = Math.min(lastStreamId, acceptLimit); // never above a GOAWAY sent before (§6.8)
        context.connection().goAway(last, code.code(), true, why);
        acceptLimit = last;
        finalGoAwaySent = true;
        byte[] debug = why == null ? new byte[0] : why.getBytes(StandardCharsets.UTF_8);
        byte[] clipped = debug.length > 256 ? java.util.Arrays.copyOf(debug, 256) : debug;
        writer.queueControl(17 + clipped.length, w -> w.goAway(last, code, clipped));
    }

    /** Resets a stream from our side: the handler's body and output fail, RST_STREAM goes out. */
    void resetStream(Http2Stream s, Http2ErrorCode code) {
        context.connection().streamReset(s.id, code.code(), false);
        recentResets.add(s.id);
        ReentrantLock lock = writer.lock();
        lock.lock();
        try {
            if (!s.state.isClosed()) {
                s.state.sendReset(code.code());
            }
        } finally {
            lock.unlock();
        }
        // Output dead first: the handler woken by the failed body must see a reset stream, not answer it.
        if (!writer.reset(s.output, code)) {
            writer.queueControl(13, w -> w.rstStream(s.id, code)); // answering a frame on a dead stream
        }
        s.body.fail(new IOException("stream " + s.id + " reset: " + code));
    }

    private void failStream(Http2Stream s, String why) {
        writer.peerReset(s.output);
        s.body.fail(new IOException("HTTP/2 " + why));
    }

    // ---------------------------------------------------------------- frames (reader thread)

    private void requireSettingsFirst() throws Http2ConnectionException {
        if (!peerSettingsReceived) {
            throw new Http2ConnectionException(Http2ErrorCode.PROTOCOL_ERROR,
                    "the client preface must be followed by SETTINGS (RFC 9113 §3.4)");
        }
    }

    @Override
    public void onHeaders(int streamId, byte[] fragment, int off, int len, boolean endStream, boolean endHeaders)
            throws Http2Exception {
        requireSettingsFirst();
        if ((streamId & 1) == 0) {
            throw new Http2ConnectionException(Http2ErrorCode.PROTOCOL_ERROR,
                    "client streams have odd ids (RFC 9113 §5.1.1): " + streamId);
        }
        if (len == 0 && !endHeaders) {
            spendControl("empty HEADERS");
        }
        if (!endHeaders) {
            headersDeadline.blockOpened(context.clock().nanoTime() | 1, reader.framesRead());
        }
        block.begin(streamId, endStream);
        block.append(fragment, off, len);
        if (endHeaders) {
            headerBlockComplete();
        }
    }

    @Override
    public void onContinuation(int streamId, byte[] fragment, int off, int len, boolean endHeaders)
            throws Http2Exception {
        if (len == 0 && !endHeaders) {
            spendControl("empty CONTINUATION");
        }
        block.append(fragment, off, len);
        if (endHeaders) {
            headerBlockComplete();
        }
    }

    private boolean decode(RequestFields fields) throws Http2ConnectionException {
        return block.decode(decoder, fields);
    }

    private void headerBlockComplete() throws Http2Exception {
        int sid = block.streamId();
        boolean endStream = block.endStream();
        Http2Stream s = streams.get(sid);
        if (s != null) {
            RequestFields trailers = new RequestFields(true, false);
            boolean complete = decode(trailers); // a second field block: the trailers (RFC 9113 §8.1)
            s.receiveTrailers(trailers, complete, endStream, writer.lock());
            return;
        }
        if (sid <= lastStreamId) {
            decode(new RequestFields(true, false)); // keep the HPACK state, drop the fields
            if (recentResets.contains(sid)) {
                return; // in flight when we reset it: ignored (§5.1)
            }
            if (sid < lastStreamId) {
                throw new Http2ConnectionException(Http2ErrorCode.PROTOCOL_ERROR,
                        "stream id " + sid + " below the last one opened, " + lastStreamId + " (RFC 9113 §5.1.1)");
            }
            throw new Http2ConnectionException(Http2ErrorCode.STREAM_CLOSED, "HEADERS on a closed stream (RFC 9113 §5.1)");
        }
        lastStreamId = sid;
        RequestFields fields = new RequestFields(false, false);
        boolean complete = decode(fields);
        if (sid > acceptLimit) {
            return; // after our GOAWAY: not processed, the client may retry elsewhere (§6.8)
        }
        String malformed = complete ? fields.finish() : null;
        if (malformed != null) {
            throw Http2Stream.malformed(context, sid, 400, malformed);
        }
        if (streams.size() >= h2.maxConcurrentStreams()) {
            throw new Http2StreamException(sid, Http2ErrorCode.REFUSED_STREAM,
                    "more than " + h2.maxConcurrentStreams() + " concurrent streams (RFC 9113 §5.1.2)");
        }
        budget.earnRequest(context.clock().nanoTime());
        startStream(sid, fields, endStream, complete ? 0 : 431,
                complete ? null : "field section larger than SETTINGS_MAX_HEADER_LIST_SIZE (RFC 9113 §10.5.1)");
    }

    /** Opens a stream on its request's fields and starts its handler; {@code rejectStatus} answers instead ({@code why}). */
    private void startStream(int sid, RequestFields fields, boolean endStream, int rejectStatus, String why)
            throws Http2Exception {
        Http2Stream stream = new Http2Stream(sid, this, context, fields, writer.peerInitialWindow(), endStream,
                rejectStatus, why);
        ReentrantLock lock = writer.lock();
        lock.lock();
        try {
            stream.state.recvHeaders(endStream);
        } finally {
            lock.unlock();
        }
        streams.put(sid, stream);
        context.connection().streamOpened();
        idleSinceNanos = 0;
        workers.start(stream);
    }

    @Override
    public void onData(int streamId, byte[] data, int off, int len, boolean endStream, int flowControlledLength)
            throws Http2Exception {
        requireSettingsFirst();
        if (!receiveWindow.spend(flowControlledLength)) {
            throw new Http2ConnectionException(Http2ErrorCode.FLOW_CONTROL_ERROR,
                    "DATA beyond the connection window (RFC 9113 §6.9.1)");
        }
        if (len == 0 && !endStream) {
            spendControl("empty DATA");
        }
        Http2Stream s = streams.get(streamId);
        if (s == null) {
            receiveWindow.credit(flowControlledLength); // discarded: the window goes back at once
            if (streamId > lastStreamId) {
                throw new Http2ConnectionException(Http2ErrorCode.PROTOCOL_ERROR, "DATA on an idle stream (RFC 9113 §6.1)");
            }
            if (recentResets.contains(streamId)) {
                return;
            }
            throw new Http2StreamException(streamId, Http2ErrorCode.STREAM_CLOSED, "DATA on a closed stream (RFC 9113 §6.1)");
        }
        boolean deliver;
        ReentrantLock lock = writer.lock();
        lock.lock();
        try {
            s.requireNotEndedByClient("DATA");
            deliver = s.state.recvData(endStream);
        } catch (Http2Exception e) {
            receiveWindow.credit(flowControlledLength);
            throw e;
        } finally {
            lock.unlock();
        }
        int padding = flowControlledLength - len;
        if (!deliver || s.output.dead) {
            receiveWindow.credit(flowControlledLength);
            return;
        }
        if (padding > 0) {
            receiveWindow.credit(padding);
        }
        s.receiveData(data, off, len, endStream);
    }

    @Override
    public void onRstStream(int streamId, int errorCode) throws Http2Exception {
        requireSettingsFirst();
        if (streamId > lastStreamId) {
            throw new Http2ConnectionException(Http2ErrorCode.PROTOCOL_ERROR, "RST_STREAM on an idle stream (RFC 9113 §6.4)");
        }
        Http2Stream s = streams.get(streamId);
        if (s == null) {
            return;
        }
        spendReset();
        ReentrantLock lock = writer.lock();
        lock.lock();
        try {
            if (!s.state.recvReset(errorCode)) {
                return;
            }
        } finally {
            lock.unlock();
        }
        context.connection().streamReset(streamId, errorCode, true);
        failStream(s, "stream reset by the client (" + Http2ErrorCode.of(errorCode) + ")");
        maybeRemove(s);
    }

    @Override
    public void onSettings(Http2Settings received) throws Http2Exception {
        if (peerSettingsReceived) {
            spendControl("SETTINGS");
        }
        peerSettingsReceived = true;
        List<StreamOutput> open = new ArrayList<>(streams.size());
        for (Http2Stream s : streams.values()) {
            open.add(s.output);
        }
        writer.applyPeerSettings(received, open);
        if (!writer.queueControl(9, w -> w.settingsAck())) {
            throw calm("SETTINGS acknowledgements not read by the client");
        }
    }

    @Override
    public void onSettingsAck() throws Http2Exception {
        requireSettingsFirst();
        settingsAcked = true;
    }

    @Override
    public void onPushPromise(int streamId) throws Http2Exception {
        throw new Http2ConnectionException(Http2ErrorCode.PROTOCOL_ERROR, "a client cannot push (RFC 9113 §8.4)");
    }

    @Override
    public void onPing(long payload, boolean ack) throws Http2Exception {
        requireSettingsFirst();
        if (ack) {
            if (payload == SHUTDOWN_PING && stopping && !finalGoAwaySent) {
                sendFinalGoAway();
            }
            return;
        }
        spendControl("PING");
        if (!writer.queueControl(17, w -> w.ping(payload, true))) {
            throw calm("PING acknowledgements not read by the client");
        }
    }

    @Override
    public void onGoAway(int lastStreamIdSeen, int errorCode, byte[] debug, int off, int len) throws Http2Exception {
        requireSettingsFirst();
        peerGoingAway = true;
        context.connection().goAway(lastStreamIdSeen, errorCode, false, null);
        if (errorCode != 0) {
            LOG.log(System.Logger.Level.DEBUG, () -> "HTTP/2 connection " + id + ": client GOAWAY " + Http2ErrorCode.of(errorCode));
        }
        if (streams.isEmpty()) {
            writer.finishAndShutdown();
            shutdownSinceNanos = context.clock().nanoTime() | 1;
        }
    }

    @Override
    public void onWindowUpdate(int streamId, int increment) throws Http2Exception {
        requireSettingsFirst();
        if (increment < 1024) {
            spendControl("small WINDOW_UPDATE"); // a window opened a few bytes at a time: data dribble
        }
        if (streamId == 0) {
            writer.expandConnectionWindow(increment);
            return;
        }
        if (streamId > lastStreamId) {
            throw new Http2ConnectionException(Http2ErrorCode.PROTOCOL_ERROR, "WINDOW_UPDATE on an idle stream (RFC 9113 §5.1)");
        }
        Http2Stream s = streams.get(streamId);
        if (s == null) {
            return;
        }
        ReentrantLock lock = writer.lock();
        lock.lock();
        try {
            if (!s.state.recvWindowUpdate()) {
                return;
            }
        } finally {
            lock.unlock();
        }
        writer.expandStreamWindow(s.output, increment);
    }

    @Override
    public void onPriority(int streamId) throws Http2Exception {
        requireSettingsFirst();
        spendControl("PRIORITY");
    }

    @Override
    public void onUnknownFrame(int type, int streamId, int length) throws Http2Exception {
        spendControl("unknown frame");
    }

    // ---------------------------------------------------------------- streams (other threads)

    /** Writer thread, lock held: a stream's response has left (END_STREAM or RST_STREAM). */
    @Override
    public void sendClosed(StreamOutput o, boolean reset) {
        Http2Stream s = streams.get(o.streamId);
        if (s == null) {
            return;
        }
        if (!reset && !s.state.isClosed()) {
            if (s.state.canSend()) {
                s.state.sendHeaders(true);
            }
            if (!s.state.isClosed()) {
                // The response is complete before the request: stop the rest of it (RFC 9113 §8.1).
                s.state.sendReset(Http2ErrorCode.NO_ERROR.code());
                recentResets.add(s.id);
                s.body.fail(new IOException("the response ended before the request body"));
                writer.queueControl(13, w -> w.rstStream(s.id, Http2ErrorCode.NO_ERROR));
            }
        }
        maybeRemove(s);
    }

    /** Handler thread: its handler returned. */
    void handlerDone(Http2Stream s) {
        ReentrantLock lock = writer.lock();
        lock.lock();
        try {
            s.handlerDone = true;
        } finally {
            lock.unlock();
        }
        maybeRemove(s);
    }

    /** Removes a stream that is closed and whose handler returned; it stops counting against the limit. */
    private void maybeRemove(Http2Stream s) {
        ReentrantLock lock = writer.lock();
        lock.lock();
        try {
            boolean sendDone = s.output.endSent || s.output.dead || s.state.isClosed();
            if (!s.handlerDone || !sendDone || !streams.remove(s.id, s)) {
                return;
            }
        } finally {
            lock.unlock();
        }
        int unread = s.body.discard();
        if (unread > 0) {
            receiveWindow.credit(unread);
        }
        if (streams.isEmpty()) {
            idleSinceNanos = context.clock().nanoTime() | 1;
            writer.connectionIdle();
            if (finalGoAwaySent || peerGoingAway) {
                writer.finishAndShutdown();
                shutdownSinceNanos = context.clock().nanoTime() | 1;
            }
        }
    }

    /** Handler thread: it consumed body bytes; windows reopen in batches (a quarter of each). */
    void bodyConsumed(Http2Stream s, int n, int streamCredit) {
        if (streamCredit > 0 && !s.body.isEnded()) {
            writer.queueControl(13, w -> w.windowUpdate(s.id, streamCredit));
        }
        receiveWindow.credit(n);
    }

    // ---------------------------------------------------------------- lifecycle (other threads)

    @Override
    public void stopAcceptingRequests() {
        if (stopping) {
            return;
        }
        stopping = true;
        if (streams.isEmpty()) {
            sendFinalGoAway();
            return;
        }
        stopPingSentNanos = context.clock().nanoTime() | 1;
        context.connection().goAway(Integer.MAX_VALUE, 0, true, "graceful stop");
        writer.queueControl(17 + 17, w -> {
            w.goAway(Integer.MAX_VALUE, Http2ErrorCode.NO_ERROR);
            w.ping(SHUTDOWN_PING, false);
        });
    }

    /** GOAWAY with the last stream taken (§6.8); the connection ends when those streams have. */
    private synchronized void sendFinalGoAway() {
        if (finalGoAwaySent) {
            return;
        }
        int last = lastStreamId;
        acceptLimit = last;
        finalGoAwaySent = true;
        context.connection().goAway(last, 0, true, stopping ? "graceful stop" : "idle");
        writer.queueControl(17, w -> w.goAway(last, Http2ErrorCode.NO_ERROR));
        if (streams.isEmpty()) {
            writer.finishAndShutdown();
            shutdownSinceNanos = context.clock().nanoTime() | 1;
        }
    }

    @Override
    public void tick(long nowNanos) {
        if (closed) {
            return;
        }
        workers.retireIdle();
        long since = shutdownSinceNanos;
        if (since != 0 && nowNanos - since > CLOSE_GRACE_NANOS) {
            transport.close(); // our side is done; the client did not close its side in time
            return;
        }
        long settingsSent = settingsSentNanos; // 0: installed, preface not sent yet
        // Not again once our last GOAWAY is out: the heartbeat ticks within the close grace.
        if (!settingsAcked && !finalGoAwaySent && settingsSent != 0
                && nowNanos - settingsSent > h2.settingsTimeout().toNanos()) {
            context.connection().timedOut(TimeoutKind.SETTINGS_ACK);
            timeoutError(Http2ErrorCode.SETTINGS_TIMEOUT, "SETTINGS not acknowledged (RFC 9113 §6.5.3)");
            return;
        }
        long ping = stopPingSentNanos;
        if (ping != 0 && !finalGoAwaySent && nowNanos - ping > CLOSE_GRACE_NANOS) {
            sendFinalGoAway(); // no PING ACK: the client is slow or broken; stop anyway
        }
        if (headersDeadline.expired(nowNanos, context.options().requestHeadersTimeout().toNanos())) {
            requestHeadersTimeout();
            return;
        }
        long idle = idleSinceNanos;
        if (idle != 0 && !stopping && streams.isEmpty()
                && nowNanos - idle > context.options().keepAliveTimeout().toNanos()) {
            context.connection().timedOut(TimeoutKind.KEEP_ALIVE);
            stopping = true;
            sendFinalGoAway();
        }
        boolean windowOpen = receiveWindow.isOpen(); // without window the client cannot send: not counted
        streams.values().forEach(s -> s.checkBodyRate(nowNanos, windowOpen));
        checkResponseRates(nowNanos);
    }

    /**
     * The minimum response data rate: a socket write that makes no progress, or a stream whose
     * data waits for a window the client never opens, ends at the rate's grace period.
     */
    private void checkResponseRates(long nowNanos) {
        long minRate = h2.minResponseBytesPerSecond();
        if (minRate == 0) {
            return;
        }
        long grace = context.options().minRequestBodyRateGracePeriod().toNanos();
        if (writer.writeStalledFor(System.nanoTime()) > grace) {
            context.connection().timedOut(TimeoutKind.RESPONSE_RATE);
            LOG.log(System.Logger.Level.DEBUG, () -> "HTTP/2 connection " + id + ": client does not read; closing");
            abort();
            return;
        }
        long needed = minRate * grace / 1_000_000_000L; // not toSeconds(): a grace under 1 s would need 0 bytes
        for (int streamId : writer.stalledBelow(needed, grace, System.nanoTime())) {
            Http2Stream s = streams.get(streamId);
            if (s == null) {
                continue;
            }
            context.connection().timedOut(TimeoutKind.RESPONSE_RATE);
            LOG.log(System.Logger.Level.DEBUG, () -> "HTTP/2 connection " + id + ": stream " + s.id
                    + " below the minimum response rate (window kept closed)");
            resetStream(s, Http2ErrorCode.CANCEL);
        }
    }

    /**
     * A field block or frame not finished within {@code requestHeadersTimeout}: GOAWAY
     * (ENHANCE_YOUR_CALM, see {@link HeadersDeadline} for why that code), then close at once,
     * streams in flight included. Counted as a request_headers timeout, not as a protocol error.
     */
    private void requestHeadersTimeout() {
        context.connection().timedOut(TimeoutKind.REQUEST_HEADERS);
        String why = "request headers timeout: a field block or frame left incomplete";
        LOG.log(System.Logger.Level.DEBUG, () -> "HTTP/2 connection " + id + ": " + why);
        sendErrorGoAway(Http2ErrorCode.ENHANCE_YOUR_CALM, why);
        for (Http2Stream s : streams.values()) {
            failStream(s, "request headers timeout");
        }
        writer.finishAndShutdown();
        try {
            transport.shutdownInput(); // the reader sees the end, lets the writer finish (briefly), closes
        } catch (IOException e) {
            abort();
        }
    }

    private void timeoutError(Http2ErrorCode code, String why) {
        LOG.log(System.Logger.Level.DEBUG, () -> "HTTP/2 connection " + id + ": " + why);
        sendErrorGoAway(code, why);
        writer.finishAndShutdown();
        shutdownSinceNanos = context.clock().nanoTime() | 1;
    }

    @Override
    public void abort() {
        closed = true;
        writer.close();
        transport.close();
        for (Http2Stream s : streams.values()) {
            failStream(s, "connection aborted");
        }
    }

    /** The reader is done: let the writer send what it can (briefly), then close everything. */
    private void closeNow() {
        workers.close();
        Thread w = writerThread;
        if (w != null && finalGoAwaySent) {
            try {
                w.join(Duration.ofSeconds(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        abort();
    }

    @Override
    public String toString() {
        return "Http2Connection[" + id + " " + transport + " streams=" + streams.size() + "]";
    }
}
