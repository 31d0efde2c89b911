package dev.peregrine.quic;

import dev.peregrine.api.TlsSession;
import dev.peregrine.tls.TlsHandshakeException;
import dev.peregrine.transport.MultiplexedConnection;
import dev.peregrine.transport.MultiplexedListener;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.EpollQuicUtils;
import io.netty.handler.codec.quic.InsecureQuicTokenHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A QUIC server on one UDP socket (Netty QUIC: quiche and BoringSSL), the production
 * {@link MultiplexedListener}. One Netty event loop moves the datagrams of all its connections; everything
 * that blocks runs on the callers' threads.
 *
 * <p>A connection reaches {@link #accept()} once its handshake is complete. At most
 * {@link QuicOptions#acceptQueue()} wait there; one more is closed at once with CONNECTION_REFUSED rather than
 * queued.
 *
 * <p>{@link #close()} stops accepting (waiting and new connections are refused) and returns; because every
 * connection shares the socket, the socket and the event loop stay up until the last accepted connection has
 * closed — by the server above (which closes its connections itself), by the peer, or at the latest by the idle
 * timeout. {@link #awaitTermination} waits for that.
 *
 * <p>Address validation: {@link InsecureQuicTokenHandler} sends a Retry before each new connection, but its
 * tokens are not signed, so they cost a round trip without stopping a spoofer; quiche's 3x anti-amplification
 * limit (RFC 9000 §8.1) is what protects. A token handler signing address and time with a secret is to come.
 */
public final class QuicListener implements MultiplexedListener {

    /**
     * The error code of the {@link dev.peregrine.transport.StreamAbortedException} a write throws after the
     * peer's STOP_SENDING: Netty 4.2.18's JNI layer drops the peer's code. quiche itself answers the
     * STOP_SENDING with a RESET_STREAM carrying the peer's code, as RFC 9000 §3.5 asks.
     */
    public static final long UNKNOWN_ERROR_CODE = -1;
    /** Packets per GSO send: Netty's own HTTP/3 examples use 10. */
    private static final int GSO_SEGMENTS = 10;
    private static final int SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

    /** QUIC transport error CONNECTION_REFUSED (RFC 9000 §20.1). */
    static final int CONNECTION_REFUSED = 0x2;

    private static final System.Logger LOG = System.getLogger("dev.peregrine.quic");

    private final QuicOptions options;
    private final QuicTls tls;
    private final HandshakeObserver handshakes;
    private final EventLoopGroup group;
    /** Between the UDP channel and the codec: a batch of stream writes leaves in one flush. */
    private final DatagramFlushHold flushHold = new DatagramFlushHold();
    /** One per event loop: the streams each pass brings are handed over together. */
    private final Map<EventExecutor, StreamLaunches> launches;
    private final AdaptiveRecvByteBufAllocator readSizes;
    private Channel udp;
    private SocketAddress bound;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<QuicConnectionAdapter> queue = new ArrayDeque<>(); // guarded by lock
    private int live; // guarded by lock: offered connections not yet closed
    private boolean closed; // guarded by lock
    private boolean transportClosed; // guarded by lock

    /**
     * Told about the TLS handshake of each QUIC connection, which runs inside the listener before the connection
     * reaches {@link #accept()} (a failed one never does). Called on the listener's event loop: quick, no blocking.
     */
    public interface HandshakeObserver {
        /** Observes nothing. */
        HandshakeObserver NONE = () -> Handshake.NONE;

        /**
         * A connection's handshake begins: its Initial packet passed address validation (a Retry round trip after
         * the client's very first one) and Netty made the connection.
         */
        Handshake started();

        /** One handshake in progress; exactly one of its methods is called. */
        interface Handshake {
            Handshake NONE = new Handshake() {
                @Override
                public void completed(TlsSession session) {}

                @Override
                public void failed(TlsHandshakeException failure) {}
            };

            /** The handshake completed: TLS version, cipher suite, ALPN and SNI of the connection. */
            void completed(TlsSession session);

            /** It did not: a TLS alert, the idle timeout, or the connection closed before the end. */
            void failed(TlsHandshakeException failure);
        }
    }

    private QuicListener(QuicOptions options, QuicTls tls, HandshakeObserver handshakes, EventLoopGroup group) {
        this.options = options;
        this.tls = tls;
        this.handshakes = handshakes;
        this.group = group;
        Map<EventExecutor, StreamLaunches> byLoop = new HashMap<>();
        for (EventExecutor e : group) {
            byLoop.put(e, new StreamLaunches((EventLoop) e));
        }
        this.launches = Map.copyOf(byLoop);
        // Stream reads start at 2 KiB (a request's headers) and grow to the chunk the read bound assumes.
        this.readSizes = new AdaptiveRecvByteBufAllocator(512, 2048, QuicOptions.MAX_READ_CHUNK);
    }

    DatagramFlushHold flushHold() {
        return flushHold;
    }

    StreamLaunches launches(EventLoop loop) {
        return launches.get(loop);
    }

    /** Binds a UDP socket and serves QUIC on it with the given TLS configuration. */
    public static QuicListener bind(InetSocketAddress address, QuicTls tls, QuicOptions options) throws IOException {
        return bind(address, tls, options, HandshakeObserver.NONE);
    }

    /** As {@link #bind(InetSocketAddress, QuicTls, QuicOptions)}, telling {@code handshakes} about each TLS handshake. */
    public static QuicListener bind(InetSocketAddress address, QuicTls tls, QuicOptions options,
            HandshakeObserver handshakes) throws IOException {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(handshakes, "handshakes");
        // epoll where there is one: recvmmsg (many datagrams per read) and GSO (one sendmsg for a
        // train of packets) cut the system calls per request and per MiB; NIO elsewhere.
        boolean epoll = Epoll.isAvailable();
        boolean gso = epoll && EpollDatagramChannel.isSegmentedDatagramPacketSupported();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(options.eventLoopThreads(),
                new DefaultThreadFactory("peregrine-quic", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        QuicListener listener = new QuicListener(options, tls, handshakes, group);
        try {
            QuicServerCodecBuilder builder = new QuicServerCodecBuilder()
                    .sslEngineProvider(tls::newEngine)
                    .maxIdleTimeout(options.idleTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .maxSendUdpPayloadSize(options.maxUdpPayload())
                    .maxRecvUdpPayloadSize(options.maxUdpPayload())
                    .initialMaxData(options.initialMaxData())
                    .initialMaxStreamDataBidirectionalRemote(options.initialMaxStreamDataBidirectional())
                    // We open no bidirectional streams; if we ever do, they get the same window.
                    .initialMaxStreamDataBidirectionalLocal(options.initialMaxStreamDataBidirectional())
                    .initialMaxStreamDataUnidirectional(options.initialMaxStreamDataUnidirectional())
                    .initialMaxStreamsBidirectional(options.maxBidirectionalStreams())
                    .initialMaxStreamsUnidirectional(options.maxUnidirectionalStreams())
                    .tokenHandler(InsecureQuicTokenHandler.INSTANCE)
                    .handler(listener.new ConnectionInitializer());
            if (gso) {
                builder.option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR,
                        EpollQuicUtils.newSegmentedAllocator(GSO_SEGMENTS));
            }
            ChannelHandler codec = builder.build();
            Bootstrap bootstrap = new Bootstrap().group(group).handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(listener.flushHold, codec);
                        }
                    })
                    // Bigger socket buffers: a burst of datagrams while the event loop is busy is
                    // queued by the kernel instead of dropped (the kernel caps it at rmem_max).
                    .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER_BYTES)
                    .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER_BYTES);
            if (epoll) {
                // A datagram size makes epoll read with recvmmsg, many datagrams per system call.
                bootstrap.channel(EpollDatagramChannel.class)
                        .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, Math.max(1500, options.maxUdpPayload()));
            } else {
                // One datagram per read buffer: it must hold the largest payload we allow.
                bootstrap.channel(NioDatagramChannel.class).option(ChannelOption.RCVBUF_ALLOCATOR,
                        new FixedRecvByteBufAllocator(Math.max(2048, options.maxUdpPayload())));
            }
            ChannelFuture bind = bootstrap.bind(address).awaitUninterruptibly();
            if (!bind.isSuccess()) {
                throw new IOException("cannot bind QUIC on " + address + ": " + bind.cause().getMessage(), bind.cause());
            }
            listener.udp = bind.channel();
            listener.bound = listener.udp.localAddress();
            return listener;
        } catch (IOException | RuntimeException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    @Override
    public MultiplexedConnection accept() throws IOException {
        lock.lock();
        try {
            while (queue.isEmpty()) {
                if (closed) {
                    throw new ClosedChannelException();
                }
                try {
                    arrived.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while accepting a QUIC connection");
                }
            }
            return queue.poll();
        } finally {
            lock.unlock();
        }
    }

    /** A new connection's handshake begins. Event loop. */
    HandshakeObserver.Handshake handshakeStarted() {
        try {
            return handshakes.started();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "QUIC handshake observer failed", e);
            return HandshakeObserver.Handshake.NONE; // an observer's failure loses its measurement, never the connection
        }
    }

    QuicTls tls() {
        return tls;
    }

    /** A connection finished its handshake; false when it must be refused. Event loop. */
    boolean offer(QuicConnectionAdapter connection) {
        lock.lock();
        try {
            if (closed || queue.size() >= options.acceptQueue()) {
                return false;
            }
            queue.add(connection);
            live++;
            arrived.signal();
        } finally {
            lock.unlock();
        }
        connection.closeFuture().addListener(f -> gone(connection));
        return true;
    }

    private void gone(QuicConnectionAdapter connection) {
        boolean last;
        lock.lock();
        try {
            queue.remove(connection);
            live--;
            last = closed && live == 0;
        } finally {
            lock.unlock();
        }
        if (last) {
            closeTransport();
        }
    }

    @Override
    public boolean isOpen() {
        lock.lock();
        try {
            return !closed;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public SocketAddress localAddress() {
        return bound;
    }

    /** Stops accepting; the socket closes after the last accepted connection (see the class comment). */
    @Override
    public void close() {
        List<QuicConnectionAdapter> waiting;
        boolean idle;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            waiting = new ArrayList<>(queue);
            queue.clear();
            idle = live == 0;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
        waiting.forEach(QuicConnectionAdapter::refuse);
        if (idle) {
            closeTransport();
        }
    }

    private void closeTransport() {
        lock.lock();
        try {
            if (transportClosed) {
                return;
            }
            transportClosed = true;
        } finally {
            lock.unlock();
        }
        LOG.log(System.Logger.Level.DEBUG, "QUIC listener {0} closing its socket", bound);
        udp.close().addListener(f -> group.shutdownGracefully(0, 1, TimeUnit.SECONDS));
    }

    /** Waits until the socket is closed and the event loop has stopped; true if that happened in time. */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return group.terminationFuture().await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public String toString() {
        return "quic:" + bound;
    }

    /** Gives each new QUIC connection its adapter; Netty adds it at the connection's registration. */
    @ChannelHandler.Sharable
    private final class ConnectionInitializer extends ChannelInitializer<QuicChannel> {
        @Override
        protected void initChannel(QuicChannel ch) {
            ch.pipeline().addLast(new QuicConnectionAdapter(QuicListener.this, options, readSizes));
        }
    }
}
