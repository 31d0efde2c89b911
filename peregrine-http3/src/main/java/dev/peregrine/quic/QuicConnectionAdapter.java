package dev.peregrine.quic;

import dev.peregrine.api.TlsSession;
import dev.peregrine.tls.TlsHandshakeException;
import dev.peregrine.transport.MultiplexedConnection;
import dev.peregrine.transport.MultiplexedStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import io.netty.handler.codec.quic.QuicConnectionPathStats;
import io.netty.handler.codec.quic.QuicConnectionStats;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.handler.ssl.SniCompletionEvent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * One QUIC connection as a blocking {@link MultiplexedConnection}, and the Netty handler of its
 * {@link QuicChannel}. Netty hands each stream the peer opens to this handler as a {@code channelRead} of a
 * {@link QuicStreamChannel}; the handler registers it with auto-read off and its own {@link QuicStreamAdapter},
 * and queues it for {@link #accept()}. The queue needs no bound of its own: a stream is read from quiche only
 * once accepted, so quiche does not give the peer new stream credit for streams waiting here.
 */
final class QuicConnectionAdapter extends ChannelInboundHandlerAdapter implements MultiplexedConnection {

    /** QUIC transport error INTERNAL_ERROR (RFC 9000 §20.1), for {@link #close()}. */
    private static final int INTERNAL_ERROR = 0x1;

    /** RFC 9000 §18.2's default max_ack_delay, which quiche uses too. */
    private static final long MAX_ACK_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(25);
    /** RFC 9002 §6.2.2's initial RTT, when quiche cannot tell the measured one. */
    private static final long FALLBACK_RTT_NANOS = TimeUnit.MILLISECONDS.toNanos(333);

    private final QuicListener listener;
    private final QuicOptions options;
    private final AdaptiveRecvByteBufAllocator readSizes;
    private volatile QuicChannel channel;
    private volatile StreamWrites writes; // set in handlerAdded, before any stream exists
    private StreamLaunches launches; // event loop only, set in handlerAdded
    private volatile String serverName;
    private volatile TlsSession tls;
    private volatile QuicConnectionCloseEvent peerClose;
    private volatile String localClose;
    /** The handshake being timed, until it ends (event loop only). */
    private QuicListener.HandshakeObserver.Handshake handshake;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition streamArrived = lock.newCondition();
    private final ArrayDeque<QuicStreamAdapter> accepted = new ArrayDeque<>(); // guarded by lock
    private final AtomicInteger streamsWithPendingWrites = new AtomicInteger();
    private boolean closed; // guarded by lock
    /** Set by dispatchStreams: new streams go to it on the event loop instead of the accept queue. */
    private volatile java.util.function.Consumer<MultiplexedStream> dispatcher;

    QuicConnectionAdapter(QuicListener listener, QuicOptions options, AdaptiveRecvByteBufAllocator readSizes) {
        this.listener = listener;
        this.options = options;
        this.readSizes = readSizes;
    }

    @Override
    public boolean dispatchStreams(java.util.function.Consumer<MultiplexedStream> handler) {
        java.util.List<QuicStreamAdapter> early = new java.util.ArrayList<>();
        lock.lock();
        try {
            dispatcher = handler;
            early.addAll(accepted);
            accepted.clear();
        } finally {
            lock.unlock();
        }
        for (QuicStreamAdapter s : early) {
            s.startReading();
            handler.accept(s);
        }
        return true;
    }

    @Override
    public MultiplexedStream accept() throws IOException {
        QuicStreamAdapter stream;
        lock.lock();
        try {
            while (accepted.isEmpty()) {
                if (closed) {
                    return null;
                }
                try {
                    streamArrived.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while accepting a QUIC stream");
                }
            }
            stream = accepted.poll();
        } finally {
            lock.unlock();
        }
        stream.startReading(); // normally a no-op: reading began when the stream arrived
        return stream;
    }

    @Override
    public MultiplexedStream openUnidirectional() throws IOException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
        QuicStreamAdapter stream = new QuicStreamAdapter(this, options, false, true);
        Future<QuicStreamChannel> created = channel.createStream(QuicStreamType.UNIDIRECTIONAL, stream);
        try {
            created.await(); // completes on the event loop at once: it only asks quiche for a stream id
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while opening a QUIC stream");
        }
        if (!created.isSuccess()) {
            throw new IOException("cannot open a unidirectional stream: " + created.cause().getMessage(), created.cause());
        }
        return stream;
    }

    @Override
    public void close(long applicationErrorCode, String reason) {
        int code = wireCode(applicationErrorCode);
        if (markClosed("closed locally with application error 0x" + Long.toHexString(applicationErrorCode))) {
            byte[] why = reason == null ? new byte[0] : reason.getBytes(StandardCharsets.UTF_8);
            channel.close(true, code, Unpooled.wrappedBuffer(why));
        }
    }

    /**
     * Closes once everything written has left: no stream has a write still waiting at Netty (quiche takes only
     * bytes its peer has credit for, so taken bytes can be sent), and quiche has gone quiet, its sent-byte count
     * unchanged over two probe timeouts. Quiche tells no ACKs, but an unacknowledged packet makes it send a probe
     * within one probe timeout (RFC 9002 §6.2), so a quiet quiche has nothing unacknowledged left. At
     * {@code timeout} it closes anyway. One timer per draining connection, on the event loop.
     */
    @Override
    public void closeAfterDelivery(long applicationErrorCode, Duration timeout) {
        int code = wireCode(applicationErrorCode);
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        if (markClosed("closed locally with application error 0x" + Long.toHexString(applicationErrorCode))) {
            try {
                channel.eventLoop().execute(() -> drainTick(code, deadline, -1));
            } catch (RejectedExecutionException e) {
                // the event loop is gone, and the connection with it
            }
        }
    }

    private void drainTick(int code, long deadline, long sentBefore) {
        if (!channel.isActive()) {
            return;
        }
        if (System.nanoTime() - deadline >= 0) {
            channel.close(true, code, Unpooled.EMPTY_BUFFER);
            return;
        }
        channel.collectStats().addListener(s -> channel.collectPathStats(0).addListener(p -> {
            long sent = s.isSuccess() ? ((QuicConnectionStats) s.getNow()).sentBytes() : -2;
            long rtt = p.isSuccess() ? ((QuicConnectionPathStats) p.getNow()).rtt() : FALLBACK_RTT_NANOS;
            if (streamsWithPendingWrites.get() == 0 && sent == sentBefore) {
                channel.close(true, code, Unpooled.EMPTY_BUFFER);
                return;
            }
            // Two probe timeouts: PTO = smoothed RTT + 4 x RTT variance (at most ~2 RTT) + max_ack_delay.
            long wait = Math.min(2 * (3 * rtt + MAX_ACK_DELAY_NANOS), Math.max(0, deadline - System.nanoTime()));
            channel.eventLoop().schedule(() -> drainTick(code, deadline, sent), wait, TimeUnit.NANOSECONDS);
        }));
    }

    /** A stream's first write started waiting at Netty (+1), or its last one finished (-1). Any thread. */
    void writesPending(int delta) {
        streamsWithPendingWrites.addAndGet(delta);
    }

    @Override
    public void close() {
        if (markClosed("aborted locally")) {
            channel.close(false, INTERNAL_ERROR, Unpooled.EMPTY_BUFFER);
        }
    }

    /** Ends {@link #accept()} at once; the streams end when the event loop has closed the connection. */
    private boolean markClosed(String why) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            closed = true;
            localClose = why;
            streamArrived.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isOpen() {
        lock.lock();
        try {
            return !closed && channel.isActive();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public SocketAddress localAddress() {
        return channel.localSocketAddress();
    }

    @Override
    public SocketAddress remoteAddress() {
        return channel.remoteSocketAddress();
    }

    @Override
    public TlsSession tlsSession() {
        return tls;
    }

    /** Why the connection is gone, for the messages of failed stream calls. */
    String closeReason() {
        QuicChannel ch = channel;
        if (ch != null && ch.isTimedOut()) {
            return "QUIC connection closed by its idle timeout";
        }
        QuicConnectionCloseEvent peer = peerClose;
        if (peer != null) {
            return "QUIC connection closed by the peer with " + (peer.isApplicationClose() ? "application" : "transport")
                    + " error 0x" + Integer.toHexString(peer.error());
        }
        String local = localClose;
        return "QUIC connection " + (local != null ? local : "closed");
    }

    /** Completes when Netty has closed the connection. */
    ChannelFuture closeFuture() {
        return channel.closeFuture();
    }

    /** Closes a connection the server never took, with CONNECTION_REFUSED. */
    void refuse() {
        markClosed("refused: the listener is closed or its accept queue is full");
        channel.close(false, QuicListener.CONNECTION_REFUSED, Unpooled.EMPTY_BUFFER);
    }

    /** An application error code as Netty's API takes it: an int (QUIC allows 62 bits; HTTP/3's fit in 31). */
    static int wireCode(long code) {
        if (code < 0 || code > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("error code 0x" + Long.toHexString(code)
                    + " does not fit Netty's int: 0..0x7fffffff can be sent");
        }
        return (int) code;
    }

    // ---- Netty events (event loop) ----

    /** Netty made the connection for a validated Initial packet: its TLS handshake starts now. */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = (QuicChannel) ctx.channel();
        writes = new StreamWrites(channel.eventLoop(), listener.flushHold());
        launches = listener.launches(channel.eventLoop());
        handshake = listener.handshakeStarted();
    }

    /** Where the streams' writes go (see {@link StreamWrites}). */
    StreamWrites writes() {
        return writes;
    }

    /** Netty fires it inside its read loop, before it sends: queued writes then share packets. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        launches.handOver();
        writes.drainInReadLoop();
        ctx.fireChannelReadComplete();
    }

    /** The handshake is complete (Netty fires it on a server once quiche says established). */
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        tls = session(channel.sslEngine(), serverName);
        handshakeEnded(tls, null);
        if (!listener.offer(this)) {
            refuse();
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof QuicStreamChannel stream)) {
            ctx.fireChannelRead(msg);
            return;
        }
        // What Netty's tail would do with a stream nobody handled, with our options and handler.
        stream.config().setAutoRead(false);
        stream.config().setRecvByteBufAllocator(readSizes);
        QuicStreamAdapter adapter = new QuicStreamAdapter(this, options,
                stream.type() == QuicStreamType.BIDIRECTIONAL, stream.isLocalCreated());
        stream.pipeline().addLast(adapter);
        // Registered on this event loop, so it completes here and now; reading at once (up to the
        // stream's bound) spares the accepting thread a round trip to the event loop for the
        // request's first bytes, which usually arrived with the stream.
        ctx.channel().eventLoop().register(stream).addListener(f -> adapter.startReading());
        java.util.function.Consumer<MultiplexedStream> direct = null;
        lock.lock();
        try {
            direct = dispatcher;
            if (direct == null) {
                accepted.add(adapter);
                streamArrived.signal();
            }
        } finally {
            lock.unlock();
        }
        if (direct != null) {
            launches.launch(direct, adapter); // the protocol starts the stream's thread: no accept hop
        }
        writes.drainInReadLoop();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SniCompletionEvent sni && sni.isSuccess()) {
            serverName = sni.hostname();
        } else if (evt instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
            // Netty closes the connection next
            handshakeEnded(null, handshakeFailure(done.cause(), listener.tls().rejectsUnknownNames()));
        } else if (evt instanceof QuicConnectionCloseEvent close) {
            // The peer's CONNECTION_CLOSE: Netty reports the channel inactive only after quiche's draining period
            // (three probe timeouts, RFC 9000 §10.2.2), but no new stream can come, so accept() ends now.
            peerClose = close;
            if (handshake != null) { // the client gave up its handshake (a TLS alert, say): it ends now, not after draining
                handshakeEnded(null, unfinishedHandshake());
            }
            lock.lock();
            try {
                closed = true;
                streamArrived.signalAll();
            } finally {
                lock.unlock();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (handshake != null) { // gone before its handshake ended
            handshakeEnded(null, unfinishedHandshake());
        }
        lock.lock();
        try {
            closed = true;
            streamArrived.signalAll();
        } finally {
            lock.unlock();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Netty reports handshake and connection errors here and closes the connection itself.
        System.getLogger("dev.peregrine.quic").log(System.Logger.Level.DEBUG, "QUIC connection error", cause);
    }

    /** Tells the listener's observer once how the handshake ended. Event loop. */
    private void handshakeEnded(TlsSession session, TlsHandshakeException failure) {
        QuicListener.HandshakeObserver.Handshake h = handshake;
        if (h == null) {
            return;
        }
        handshake = null;
        try {
            if (failure == null) {
                h.completed(session);
            } else {
                h.failed(failure);
            }
        } catch (RuntimeException e) {
            System.getLogger("dev.peregrine.quic").log(System.Logger.Level.WARNING, "QUIC handshake observer failed", e);
        }
    }

    /**
     * A handshake the connection ended before: the idle timeout, the client's TLS alert (it refused our
     * certificate, say: CONNECTION_CLOSE with CRYPTO_ERROR 0x100 + alert, RFC 9001 §4.8), or it just left.
     */
    private TlsHandshakeException unfinishedHandshake() {
        QuicConnectionCloseEvent peer = peerClose;
        if (channel.isTimedOut()) {
            return new TlsHandshakeException(TlsHandshakeException.Reason.TIMEOUT,
                    "no QUIC handshake within the idle timeout", null);
        }
        if (peer != null && peer.isTlsError()) {
            return new TlsHandshakeException(TlsHandshakeException.Reason.TLS_ERROR, "the client ended the handshake "
                    + "with TLS alert " + QuicConnectionCloseEvent.extractTlsError(peer.error()), null);
        }
        return new TlsHandshakeException(TlsHandshakeException.Reason.CLOSED,
                "QUIC connection closed during the handshake", null);
    }

    /**
     * Why a QUIC handshake failed, as the TLS listener counts it. Netty gives only BoringSSL's last
     * error as the message ({@code error:10000080:SSL routines:OPENSSL_internal:NO_APPLICATION_PROTOCOL}).
     * A server name our SNI policy refused shows as {@code CLIENTHELLO_TLSEXT}, the error of a failed
     * ClientHello extension callback: when the policy refuses unknown names, that is the only callback
     * of ours that fails there (ALPN's has its own error); Netty does not tell the refused name.
     */
    static TlsHandshakeException handshakeFailure(Throwable cause, boolean namesRefused) {
        String message = String.valueOf(cause == null ? null : cause.getMessage());
        String upper = message.toUpperCase(java.util.Locale.ROOT);
        TlsHandshakeException.Reason reason;
        if (upper.contains("NO_APPLICATION_PROTOCOL")) {
            reason = TlsHandshakeException.Reason.NO_APPLICATION_PROTOCOL;
        } else if (upper.contains("UNRECOGNIZED_NAME") || (namesRefused && upper.contains("CLIENTHELLO_TLSEXT"))) {
            reason = TlsHandshakeException.Reason.UNRECOGNIZED_NAME;
        } else if (upper.contains("UNSUPPORTED_PROTOCOL") || upper.contains("WRONG_VERSION")) {
            reason = TlsHandshakeException.Reason.PROTOCOL_VERSION;
        } else if (upper.contains("PEER_DID_NOT_RETURN_A_CERTIFICATE") || upper.contains("CERTIFICATE_VERIFY_FAILED")) {
            reason = TlsHandshakeException.Reason.CLIENT_CERTIFICATE; // our check of the client's (clientAuth)
        } else {
            reason = TlsHandshakeException.Reason.TLS_ERROR;
        }
        return new TlsHandshakeException(reason, message, cause);
    }

    private static TlsSession session(SSLEngine engine, String serverName) {
        SSLSession s = engine == null ? null : engine.getSession();
        if (s == null) {
            return new TlsSession("TLSv1.3", null, null, serverName, List.of());
        }
        List<X509Certificate> peer = new ArrayList<>();
        try {
            for (Certificate c : s.getPeerCertificates()) {
                if (c instanceof X509Certificate x) {
                    peer.add(x);
                }
            }
        } catch (SSLPeerUnverifiedException none) {
            // no client certificate
        }
        String alpn = engine.getApplicationProtocol();
        return new TlsSession(s.getProtocol(), s.getCipherSuite(), alpn == null || alpn.isEmpty() ? null : alpn,
                serverName, List.copyOf(peer));
    }

    @Override
    public String toString() {
        QuicChannel ch = channel;
        return "QuicConnection[" + (ch == null ? "?" : ch.remoteSocketAddress()) + "]";
    }
}
