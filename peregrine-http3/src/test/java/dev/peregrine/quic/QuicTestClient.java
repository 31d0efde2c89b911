package dev.peregrine.quic;

import dev.peregrine.tls.CertificateSource;
import dev.peregrine.tls.SelfSignedCertificate;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.DefaultQuicStreamFrame;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A raw Netty QUIC client (nobody here wrote its QUIC) for the transport tests, plus the test certificate
 * and small helpers. Every wait is bounded by {@link #TIMEOUT_SECONDS}.
 */
final class QuicTestClient implements AutoCloseable {

    static final long TIMEOUT_SECONDS = 10;

    private static volatile QuicTls tls;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel udp;
    private final InetSocketAddress server;
    /** Streams the server opened, each with its recorder, in arrival order. */
    final BlockingQueue<Received> peerStreams = new LinkedBlockingQueue<>();
    /** The server's CONNECTION_CLOSE, when it sent one. */
    final CompletableFuture<QuicConnectionCloseEvent> closeEvent = new CompletableFuture<>();

    QuicTestClient(InetSocketAddress server) throws Exception {
        this(server, null, 8);
    }

    /** A client sending {@code sniHost} (null: none) and allowing the server this many unidirectional streams. */
    QuicTestClient(InetSocketAddress server, String sniHost, long serverUniStreams) throws Exception {
        this(server, sniHost, serverUniStreams, "h3");
    }

    /** As above, offering these ALPN protocols. */
    QuicTestClient(InetSocketAddress server, String sniHost, long serverUniStreams, String... alpn) throws Exception {
        this.server = server;
        QuicSslContext ctx = QuicSslContextBuilder.forClient()
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .applicationProtocols(alpn)
                .build();
        ChannelHandler codec = new QuicClientCodecBuilder()
                .sslEngineProvider(q -> sniHost == null ? ctx.newEngine(q.alloc()) : ctx.newEngine(q.alloc(), sniHost, 443))
                .maxIdleTimeout(30, TimeUnit.SECONDS)
                .initialMaxData(32L * 1024 * 1024)
                .initialMaxStreamDataBidirectionalLocal(1024 * 1024)
                .initialMaxStreamDataUnidirectional(1024 * 1024)
                .initialMaxStreamsUnidirectional(serverUniStreams)
                .build();
        udp = new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(codec)
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    /** Connects and waits for the handshake. */
    QuicChannel connect() throws Exception {
        return QuicChannel.newBootstrap(udp)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                        if (evt instanceof QuicConnectionCloseEvent e) {
                            closeEvent.complete(e);
                        }
                        ctx.fireUserEventTriggered(evt);
                    }
                })
                .streamHandler(new ChannelInitializer<QuicStreamChannel>() {
                    @Override
                    protected void initChannel(QuicStreamChannel ch) {
                        Received r = new Received();
                        ch.pipeline().addLast(r);
                        peerStreams.add(r);
                    }
                })
                .remoteAddress(server)
                .connect()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** Opens a bidirectional stream whose inbound side the returned recorder collects. */
    static Opened open(QuicChannel connection) throws Exception {
        return open(connection, QuicStreamType.BIDIRECTIONAL);
    }

    static Opened open(QuicChannel connection, QuicStreamType type) throws Exception {
        Received r = new Received();
        QuicStreamChannel ch = connection.createStream(type, r).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return new Opened(ch, r);
    }

    record Opened(QuicStreamChannel channel, Received received) {
        /** Writes and flushes; with {@code fin} the FIN goes in the same frame. */
        CompletableFuture<Void> write(byte[] data, boolean fin) {
            ByteBuf buf = Unpooled.wrappedBuffer(data);
            CompletableFuture<Void> done = new CompletableFuture<>();
            channel.writeAndFlush(fin ? new DefaultQuicStreamFrame(buf, true) : buf).addListener(f -> {
                if (f.isSuccess()) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(f.cause());
                }
            });
            return done;
        }
    }

    /** Records one stream's inbound side: the bytes (kept, or only hashed), FIN, an exception, writability. */
    static final class Received extends ChannelInboundHandlerAdapter {
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private final MessageDigest sha = sha256();
        private long count;
        private volatile boolean keep = true;
        volatile QuicStreamChannel channel;
        final CompletableFuture<Void> fin = new CompletableFuture<>();
        final CompletableFuture<Throwable> error = new CompletableFuture<>();
        final CompletableFuture<Void> unwritable = new CompletableFuture<>();
        final CompletableFuture<Void> inactive = new CompletableFuture<>();

        /** Hash only, for transfers too large to keep. */
        Received hashOnly() {
            keep = false;
            return this;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            channel = (QuicStreamChannel) ctx.channel();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                byte[] bytes = new byte[buf.readableBytes()];
                buf.readBytes(bytes);
                synchronized (this) {
                    count += bytes.length;
                    sha.update(bytes);
                    if (keep) {
                        kept.writeBytes(bytes);
                    }
                }
            } finally {
                buf.release();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                fin.complete(null);
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            error.complete(cause);
            fin.completeExceptionally(cause);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (!ctx.channel().isWritable()) {
                unwritable.complete(null);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            inactive.complete(null);
            ctx.fireChannelInactive();
        }

        synchronized byte[] bytes() {
            return kept.toByteArray();
        }

        synchronized long count() {
            return count;
        }

        synchronized byte[] digest() throws Exception {
            return ((MessageDigest) sha.clone()).digest();
        }
    }

    /** A self-signed localhost certificate, made once for all tests. */
    static QuicTls serverTls() throws Exception {
        if (tls == null) {
            synchronized (QuicTestClient.class) {
                if (tls == null) {
                    tls = QuicTls.of(CertificateSource.of(SelfSignedCertificate.forLocalhost().keyMaterial()), QuicTls.HTTP3);
                }
            }
        }
        return tls;
    }

    static QuicListener listen(QuicOptions options) throws Exception {
        return QuicListener.bind(new InetSocketAddress("127.0.0.1", 0), serverTls(), options);
    }

    /** Runs {@code task} on a virtual thread, as the server above the transport does. */
    static <T> CompletableFuture<T> async(Callable<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(task.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    static byte[] sha256(byte[] data) {
        return sha256().digest(data);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        udp.close().awaitUninterruptibly(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
}
