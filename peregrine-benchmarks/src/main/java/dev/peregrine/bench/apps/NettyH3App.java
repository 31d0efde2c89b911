package dev.peregrine.bench.apps;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.http3.DefaultHttp3DataFrame;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3Headers;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.http3.Http3RequestStreamInboundHandler;
import io.netty.handler.codec.http3.Http3ServerConnectionHandler;
import io.netty.handler.codec.quic.EpollQuicUtils;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicChannelOption;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark app's HTTP/3 side on Netty 4.2's {@code codec-http3} over Netty QUIC (quiche +
 * BoringSSL): {@code NettyH3App <port> <files-dir> --cert <PEM> --key <PKCS#8 PEM>}, HTTP/3 on UDP
 * {@code <port>} only (no TCP listener). {@code GET /plaintext}, {@code /json} and
 * {@code /file/1m}, {@code /file/100m}, like {@link NettyApp}.
 *
 * <p>As Netty's HTTP/3 example sets it up: {@code Http3.newQuicServerCodecBuilder()} on one UDP
 * channel, an {@link Http3ServerConnectionHandler} per QUIC connection, a request-stream handler per
 * stream answering when the request's FIN has arrived. On Linux the epoll datagram channel with
 * recvmmsg and GSO (segmented sends, {@link EpollQuicUtils#newSegmentedAllocator}), Netty QUIC's
 * Linux fast path; {@code -Dbench.quic.gso=false} turns GSO off. Files are read with positional
 * {@link FileChannel} reads into pooled direct buffers and written as {@code DATA} frames of
 * {@value #CHUNK} bytes while the stream channel is writable (and from
 * {@code channelWritabilityChanged} when it becomes writable again): never the whole file in memory.
 * Up to {@value #MAX_STREAMS} concurrent request streams per connection, 30 s idle timeout.
 */
public final class NettyH3App {

    static final int CHUNK = 64 * 1024;
    static final int MAX_STREAMS = 256;

    private static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain; charset=utf-8");
    private static final AsciiString APPLICATION_JSON = AsciiString.cached("application/json");
    private static final AsciiString OCTET_STREAM = AsciiString.cached("application/octet-stream");
    private static final AsciiString CONTENT_TYPE = AsciiString.cached("content-type");
    private static final AsciiString CONTENT_LENGTH = AsciiString.cached("content-length");
    private static final AsciiString DATE = AsciiString.cached("date");
    private static final AsciiString SERVER = AsciiString.cached("server");
    private static final AsciiString NETTY = AsciiString.cached("netty");
    private static final ByteBuf HELLO = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer().writeBytes(AppConfig.HELLO.getBytes(StandardCharsets.UTF_8)).asReadOnly());
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

    private static volatile AsciiString date = now();

    private NettyH3App() {}

    public static void main(String[] args) throws Exception {
        AppConfig cfg = AppConfig.parse(args);
        Path cert = Path.of(AppConfig.option(args, "--cert", null));
        Path key = Path.of(AppConfig.option(args, "--key", null));
        QuicSslContext ssl = QuicSslContextBuilder.forServer(key.toFile(), null, cert.toFile())
                .applicationProtocols(Http3.supportedApplicationProtocols())
                .build();
        boolean epoll = Epoll.isAvailable();
        boolean gso = epoll && EpollDatagramChannel.isSegmentedDatagramPacketSupported()
                && Boolean.parseBoolean(System.getProperty("bench.quic.gso", "true"));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        group.scheduleAtFixedRate(() -> date = now(), 1, 1, TimeUnit.SECONDS);

        QuicServerCodecBuilder codec = Http3.newQuicServerCodecBuilder()
                .sslContext(ssl)
                .maxIdleTimeout(30, TimeUnit.SECONDS)
                .initialMaxData(16L << 20)
                .initialMaxStreamDataBidirectionalLocal(1L << 20)
                .initialMaxStreamDataBidirectionalRemote(1L << 20)
                .initialMaxStreamsBidirectional(MAX_STREAMS)
                .handler(new ChannelInitializer<QuicChannel>() {
                    @Override
                    protected void initChannel(QuicChannel ch) {
                        ch.pipeline().addLast(new Http3ServerConnectionHandler(
                                new ChannelInitializer<QuicStreamChannel>() {
                                    @Override
                                    protected void initChannel(QuicStreamChannel stream) {
                                        stream.pipeline().addLast(new RequestHandler(cfg));
                                    }
                                }));
                    }
                });
        if (gso) {
            codec.option(QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR, EpollQuicUtils.newSegmentedAllocator(10));
        }
        ChannelHandler handler = codec.build();
        try {
            Bootstrap b = new Bootstrap().group(group).handler(handler);
            if (epoll) {
                b.channel(EpollDatagramChannel.class).option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 1500);
            } else {
                b.channel(NioDatagramChannel.class);
            }
            Channel channel = b.bind(new InetSocketAddress(cfg.host(), cfg.port())).sync().channel();
            System.out.println("netty http/3 (" + (epoll ? gso ? "epoll, GSO" : "epoll" : "nio") + ") listening on udp "
                    + cfg.host() + ":" + cfg.port() + " (files " + cfg.files() + ")");
            channel.closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }

    private static AsciiString now() {
        return new AsciiString(HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC)));
    }

    /** One request stream: reads the request, answers once its FIN has arrived. */
    private static final class RequestHandler extends Http3RequestStreamInboundHandler {
        private final AppConfig cfg;
        private CharSequence method;
        private CharSequence path;
        private FileChannel file;
        private long position;
        private long end;

        RequestHandler(AppConfig cfg) {
            this.cfg = cfg;
        }

        @Override
        protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
            if (method == null) {
                method = frame.headers().method();
                path = frame.headers().path();
            }
            ReferenceCountUtil.release(frame);
        }

        @Override
        protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
            ReferenceCountUtil.release(frame); // no endpoint here takes a body
        }

        @Override
        protected void channelInputClosed(ChannelHandlerContext ctx) throws Exception {
            String p = path == null ? "" : path.toString();
            boolean get = method != null && AsciiString.contentEquals("GET", method);
            if (get && p.equals("/plaintext")) {
                ctx.write(head(200, TEXT_PLAIN, HELLO.readableBytes()));
                ctx.writeAndFlush(new DefaultHttp3DataFrame(HELLO.duplicate())).addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
            } else if (get && p.equals("/json")) {
                byte[] body = Json.serialize(Json.message());
                ctx.write(head(200, APPLICATION_JSON, body.length));
                ctx.writeAndFlush(new DefaultHttp3DataFrame(Unpooled.wrappedBuffer(body)))
                        .addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
            } else if (get && p.startsWith("/file/") && cfg.file(p.substring(6)) != null) {
                sendFile(ctx, cfg.file(p.substring(6)));
            } else {
                notFound(ctx);
            }
        }

        private static Http3HeadersFrame head(int status, AsciiString type, long length) {
            Http3HeadersFrame h = new DefaultHttp3HeadersFrame();
            Http3Headers headers = h.headers();
            headers.status(AsciiString.of(Integer.toString(status)));
            headers.set(CONTENT_TYPE, type).set(DATE, date).set(SERVER, NETTY).setLong(CONTENT_LENGTH, length);
            return h;
        }

        private static void notFound(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(head(404, TEXT_PLAIN, 0)).addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
        }

        private void sendFile(ChannelHandlerContext ctx, Path path) throws IOException {
            try {
                file = FileChannel.open(path, StandardOpenOption.READ);
            } catch (NoSuchFileException e) {
                notFound(ctx);
                return;
            }
            position = 0;
            end = file.size();
            ctx.write(head(200, OCTET_STREAM, end));
            pump(ctx);
        }

        /** Writes DATA frames while the stream can take them; the rest on the next writability change. */
        private void pump(ChannelHandlerContext ctx) throws IOException {
            while (file != null && ctx.channel().isWritable()) {
                int n = (int) Math.min(CHUNK, end - position);
                ByteBuf buf = ctx.alloc().directBuffer(n);
                int read = n == 0 ? 0 : buf.writeBytes(file, position, n);
                if (read < 0) {
                    buf.release();
                    closeFile();
                    ctx.close(); // the file shrank under us: reset the stream
                    return;
                }
                position += read;
                if (position >= end) {
                    closeFile();
                    ctx.writeAndFlush(new DefaultHttp3DataFrame(buf)).addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
                    return;
                }
                ctx.write(new DefaultHttp3DataFrame(buf)).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
            }
            ctx.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
            if (file != null && ctx.channel().isWritable()) {
                pump(ctx);
            }
            super.channelWritabilityChanged(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            closeFile();
            super.channelInactive(ctx);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            closeFile();
            ctx.close();
        }

        private void closeFile() {
            if (file != null) {
                try {
                    file.close();
                } catch (IOException ignored) {
                    // read-only: nothing to lose
                }
                file = null;
            }
        }
    }
}
