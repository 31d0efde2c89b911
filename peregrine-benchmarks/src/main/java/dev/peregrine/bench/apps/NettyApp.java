package dev.peregrine.bench.apps;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.AsciiString;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark app on Netty 4.2: plain {@code codec-http} (no aggregator, so {@code /echo} streams),
 * the epoll transport where available, one event loop per available CPU, responses of a read batch
 * flushed once in {@code channelReadComplete}, a Date header cached once a second, files sent with
 * {@link DefaultFileRegion} (sendfile). With {@code -Dbench.httpsPort} also HTTPS: an {@code SslHandler}
 * first in the pipeline, {@link SslProvider#JDK} (the JDK's TLS, as Peregrine and Jetty use; not
 * netty-tcnative/OpenSSL), TLS 1.3, default cipher suites.
 *
 * <p>HTTP/2 ({@code codec-http2}), the same {@link AppHandler} on every stream: {@code Http2FrameCodec}
 * + {@code Http2MultiplexHandler}, each stream a child channel with {@code Http2StreamFrameToHttpObjectCodec}
 * in front of the handler. h2c by prior knowledge on the plain port (a first-bytes check for the
 * connection preface picks HTTP/2 or HTTP/1.1, as {@code CleartextHttp2ServerUpgradeHandler} does
 * without the Upgrade path); h2 on the HTTPS port via ALPN ({@code h2}, then {@code http/1.1}) with
 * {@code ApplicationProtocolNegotiationHandler}. Files go out as {@code HttpChunkedInput} over
 * {@code ChunkedNioFile} on HTTP/2 (DATA frames cannot be sent with sendfile).
 */
public final class NettyApp {

    private static final AsciiString TEXT_PLAIN = AsciiString.cached("text/plain; charset=utf-8");
    private static final AsciiString APPLICATION_JSON = AsciiString.cached("application/json");
    private static final AsciiString OCTET_STREAM = AsciiString.cached("application/octet-stream");
    private static final ByteBuf HELLO = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer().writeBytes(AppConfig.HELLO.getBytes(StandardCharsets.UTF_8)).asReadOnly());
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME;

    private static volatile AsciiString date = now();

    private NettyApp() {}

    public static void main(String[] args) throws Exception {
        AppConfig cfg = AppConfig.parse(args);
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(), io);
        group.scheduleAtFixedRate(() -> date = now(), 1, 1, TimeUnit.SECONDS);
        try {
            AppConfig.Https https = cfg.https();
            if (https != null) {
                SslContext ssl = SslContextBuilder.forServer(https.keyManagerFactory())
                        .sslProvider(SslProvider.JDK)
                        .protocols(AppConfig.Https.PROTOCOL)
                        .applicationProtocolConfig(new ApplicationProtocolConfig(
                                ApplicationProtocolConfig.Protocol.ALPN,
                                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                                ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                        .build();
                // Bound before the plain port: bench/run polls that one to know the app is up.
                bootstrap(group, channel, cfg, ssl).bind(cfg.host(), https.port()).sync();
            }
            Channel server = bootstrap(group, channel, cfg, null).bind(cfg.host(), cfg.port()).sync().channel();
            cfg.announce("netty (" + (epoll ? "epoll" : "nio") + ")");
            server.closeFuture().sync();
        } finally {
            group.shutdownGracefully();
        }
    }

    private static ServerBootstrap bootstrap(EventLoopGroup group, Class<? extends ServerChannel> channel,
                                             AppConfig cfg, SslContext ssl) {
        return new ServerBootstrap()
                .group(group)
                .channel(channel)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc()), new AlpnHandler(cfg));
                        } else {
                            ch.pipeline().addLast(new PrefaceDetector(cfg));
                        }
                    }
                });
    }

    private static void http1(ChannelHandlerContext ctx, AppConfig cfg) {
        ctx.pipeline().addAfter(ctx.name(), null, new AppHandler(cfg));
        ctx.pipeline().addAfter(ctx.name(), null, new HttpServerCodec());
    }

    /** HTTP/2 on this connection: the frame codec, and a child channel per stream running the app. */
    private static void http2(ChannelHandlerContext ctx, AppConfig cfg) {
        Http2FrameCodec codec = Http2FrameCodecBuilder.forServer().build();
        ctx.pipeline().addAfter(ctx.name(), null, codec);
        ctx.pipeline().addAfter(ctx.pipeline().context(codec).name(), null,
                new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel stream) {
                        stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true), new AppHandler(cfg));
                    }
                }));
    }

    /** Cleartext: HTTP/2 with prior knowledge if the connection starts with the preface, else HTTP/1.1. */
    private static final class PrefaceDetector extends ByteToMessageDecoder {
        private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        private final AppConfig cfg;

        PrefaceDetector(AppConfig cfg) {
            this.cfg = cfg;
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
            int n = Math.min(in.readableBytes(), PREFACE.length);
            for (int i = 0; i < n; i++) {
                if (in.getByte(in.readerIndex() + i) != PREFACE[i]) {
                    http1(ctx, cfg);
                    ctx.pipeline().remove(this); // hands the bytes read so far to the new handlers
                    return;
                }
            }
            if (n == PREFACE.length) {
                http2(ctx, cfg);
                ctx.pipeline().remove(this);
            }
        }
    }

    /** TLS: the protocol ALPN chose (HTTP/1.1 when the client offered none). */
    private static final class AlpnHandler extends ApplicationProtocolNegotiationHandler {
        private final AppConfig cfg;

        AlpnHandler(AppConfig cfg) {
            super(ApplicationProtocolNames.HTTP_1_1);
            this.cfg = cfg;
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                http2(ctx, cfg);
            } else {
                http1(ctx, cfg);
            }
        }

        // A client gone mid-handshake (load generators stopping) is closed quietly, as AppHandler does;
        // the defaults log a stack trace for each, which costs a single-CPU server the next run's time.
        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static AsciiString now() {
        return new AsciiString(HTTP_DATE.format(ZonedDateTime.now(ZoneOffset.UTC)));
    }

    /** One per HTTP/1.1 connection, or per HTTP/2 stream. */
    private static final class AppHandler extends ChannelInboundHandlerAdapter {
        private final AppConfig cfg;
        private boolean keepAlive;
        private boolean echoing;

        AppHandler(AppConfig cfg) {
            this.cfg = cfg;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof HttpRequest req) {
                onRequest(ctx, req);
            }
            if (msg instanceof HttpContent content) {
                try {
                    if (echoing) {
                        onEchoContent(ctx, content);
                    }
                } finally {
                    content.release();
                }
            }
        }

        private void onRequest(ChannelHandlerContext ctx, HttpRequest req) throws Exception {
            keepAlive = HttpUtil.isKeepAlive(req);
            if (req.decoderResult().isFailure()) {
                keepAlive = false;
                sendFull(ctx, HttpResponseStatus.BAD_REQUEST, Unpooled.EMPTY_BUFFER, TEXT_PLAIN);
                return;
            }
            String uri = req.uri();
            HttpMethod method = req.method();
            if (method == HttpMethod.GET && uri.equals("/plaintext")) {
                sendFull(ctx, HttpResponseStatus.OK, HELLO.duplicate(), TEXT_PLAIN);
            } else if (method == HttpMethod.GET && uri.equals("/json")) {
                sendFull(ctx, HttpResponseStatus.OK, Unpooled.wrappedBuffer(Json.serialize(Json.message())), APPLICATION_JSON);
            } else if (method == HttpMethod.GET && uri.startsWith("/file/") && cfg.file(uri.substring(6)) != null) {
                sendFile(ctx, cfg.file(uri.substring(6)));
            } else if (method == HttpMethod.POST && uri.equals("/echo")) {
                HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                HttpHeaders h = res.headers();
                h.set(HttpHeaderNames.CONTENT_TYPE, OCTET_STREAM).set(HttpHeaderNames.DATE, date);
                if (HttpUtil.isContentLengthSet(req)) {
                    HttpUtil.setContentLength(res, HttpUtil.getContentLength(req));
                } else {
                    HttpUtil.setTransferEncodingChunked(res, true);
                }
                HttpUtil.setKeepAlive(res, keepAlive);
                ctx.write(res);
                echoing = true;
            } else {
                sendFull(ctx, HttpResponseStatus.NOT_FOUND, Unpooled.EMPTY_BUFFER, TEXT_PLAIN);
            }
        }

        private void onEchoContent(ChannelHandlerContext ctx, HttpContent content) {
            if (content.content().isReadable()) {
                ctx.write(new DefaultHttpContent(content.content().retain()));
            }
            if (content instanceof LastHttpContent) {
                echoing = false;
                ChannelFuture f = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                if (!keepAlive) {
                    f.addListener(ChannelFutureListener.CLOSE);
                }
            } else if (!ctx.channel().isWritable()) {
                // Backpressure: stop reading the upload until the echo drains
                // (channelWritabilityChanged turns reading back on).
                ctx.channel().config().setAutoRead(false);
                ctx.flush();
                if (ctx.channel().isWritable()) {
                    ctx.channel().config().setAutoRead(true);
                }
            }
        }

        private void sendFull(ChannelHandlerContext ctx, HttpResponseStatus status, ByteBuf body, AsciiString type) {
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
            res.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, type)
                    .set(HttpHeaderNames.DATE, date)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
            if (!keepAlive) {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.write(res).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.write(res);
            }
        }

        private void sendFile(ChannelHandlerContext ctx, Path file) throws Exception {
            RandomAccessFile raf;
            try {
                raf = new RandomAccessFile(file.toFile(), "r");
            } catch (java.io.FileNotFoundException e) {
                sendFull(ctx, HttpResponseStatus.NOT_FOUND, Unpooled.EMPTY_BUFFER, TEXT_PLAIN);
                return;
            }
            long length = raf.length();
            HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            res.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, OCTET_STREAM)
                    .set(HttpHeaderNames.DATE, date)
                    .set(HttpHeaderNames.CONTENT_LENGTH, length);
            HttpUtil.setKeepAlive(res, keepAlive);
            if (ctx.channel() instanceof Http2StreamChannel) {
                // HTTP/2: DATA frames, so no FileRegion; chunks of the default frame size, written as
                // the stream's flow-control window allows (ChunkedWriteHandler, added on first use).
                if (ctx.pipeline().get(ChunkedWriteHandler.class) == null) {
                    ctx.pipeline().addBefore(ctx.name(), null, new ChunkedWriteHandler());
                }
                ctx.write(res);
                ctx.writeAndFlush(new HttpChunkedInput(new ChunkedNioFile(raf.getChannel(), 0, length, 16384)));
                return;
            }
            ctx.write(res);
            ctx.write(new DefaultFileRegion(raf.getChannel(), 0, length));
            ChannelFuture f = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            if (!keepAlive) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable() && !ctx.channel().config().isAutoRead()) {
                ctx.channel().config().setAutoRead(true);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
