package dev.peregrine.e2e.h3;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.http3.DefaultHttp3DataFrame;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3ClientConnectionHandler;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.http3.Http3RequestStreamInboundHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Netty's HTTP/3 client (netty-codec-http3, test scope): an implementation nobody here wrote,
 * for end-to-end tests. One QUIC connection per instance; requests run concurrently on it.
 */
public final class NettyH3Client implements AutoCloseable {

    /** A response; {@code body} is kept only when asked, else only its length and SHA-256. */
    public record Response(int status, Map<String, String> headers, byte[] body, long length, byte[] sha256,
            Map<String, String> trailers) {
        public String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel udp;
    private final QuicChannel quic;
    private final int port;

    public NettyH3Client(int port) throws Exception {
        this.port = port;
        QuicSslContext ssl = QuicSslContextBuilder.forClient()
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .applicationProtocols(Http3.supportedApplicationProtocols()).build();
        ChannelHandler codec = Http3.newQuicClientCodecBuilder()
                .sslContext(ssl)
                .maxIdleTimeout(10_000, TimeUnit.MILLISECONDS)
                .initialMaxData(64 << 20)
                .initialMaxStreamDataBidirectionalLocal(16 << 20)
                .initialMaxStreamsBidirectional(100)
                .initialMaxStreamsUnidirectional(16)
                .initialMaxStreamDataUnidirectional(1 << 20)
                .build();
        udp = new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(codec).bind(0).sync().channel();
        quic = QuicChannel.newBootstrap(udp)
                .handler(new Http3ClientConnectionHandler())
                .remoteAddress(new InetSocketAddress("127.0.0.1", port))
                .connect().get(10, TimeUnit.SECONDS);
    }

    public CompletableFuture<Response> get(String path) {
        return request("GET", path, null, Map.of(), true);
    }

    /** Sends a request; {@code keepBody} false keeps only the body's length and digest (big files). */
    public CompletableFuture<Response> request(String method, String path, byte[] body, Map<String, String> fields,
            boolean keepBody) {
        CompletableFuture<Response> result = new CompletableFuture<>();
        open(result, new Req(method, path, body, fields, keepBody, false), 0);
        return result;
    }

    /**
     * A GET whose request stream stays open until the response has ended, as a client that streams
     * its request alongside the response does: the server answers a request it has not seen the end of.
     */
    public CompletableFuture<Response> getEndingAfterResponse(String path) {
        CompletableFuture<Response> result = new CompletableFuture<>();
        open(result, new Req("GET", path, null, Map.of(), true, true), 0);
        return result;
    }

    /** What to send; {@code finAfterResponse}: the FIN only when the stream closes after the response. */
    private record Req(String method, String path, byte[] body, Map<String, String> fields, boolean keepBody,
            boolean finAfterResponse) {}

    /** Looks for stream credit while the server's limit is used up, 5 ms apart: 30 s, the tests' own bound. */
    private static final int MAX_OPEN_ATTEMPTS = 6000;

    /**
     * Opens the request stream. A real client waits while the server's stream limit is used up,
     * until MAX_STREAMS credit comes back (RFC 9000 §4.6). Netty's fails a stream beyond the limit
     * instead, and the failed attempt uses up a stream id for good, so every later stream id is
     * further beyond the limit. So this opens a stream only when Netty counts credit for one
     * ({@code peerAllowedStreams} is a lower bound: Netty reads quiche's count again once its own
     * reaches 0), on the connection's event loop so that no other opening comes between.
     */
    private void open(CompletableFuture<Response> result, Req req, int attempt) {
        if (!quic.eventLoop().inEventLoop()) {
            quic.eventLoop().execute(() -> open(result, req, attempt));
            return;
        }
        if (quic.peerAllowedStreams(QuicStreamType.BIDIRECTIONAL) < 1) {
            if (attempt >= MAX_OPEN_ATTEMPTS) {
                result.completeExceptionally(new java.io.IOException("the server's stream credit never came back"));
            } else {
                quic.eventLoop().schedule(() -> open(result, req, attempt + 1),
                        5, TimeUnit.MILLISECONDS);
            }
            return;
        }
        Http3RequestStreamInboundHandler handler = new Http3RequestStreamInboundHandler() {
            private int status;
            private final Map<String, String> headers = new LinkedHashMap<>();
            private Map<String, String> trailers;
            private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            private final MessageDigest sha = sha256();
            private long length;

            @Override
            protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
                Map<String, String> target = new LinkedHashMap<>();
                frame.headers().forEach(e -> target.put(e.getKey().toString(), e.getValue().toString()));
                CharSequence st = frame.headers().status();
                if (status == 0 && st != null) {
                    int s = Integer.parseInt(st.toString());
                    if (s >= 200) {
                        status = s;
                        headers.putAll(target);
                    }
                } else if (status != 0) {
                    trailers = target;
                }
            }

            @Override
            protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
                ByteBuf c = frame.content();
                int n = c.readableBytes();
                byte[] b = new byte[n];
                c.readBytes(b);
                length += n;
                sha.update(b);
                if (req.keepBody()) {
                    bytes.writeBytes(b);
                }
                frame.release();
            }

            @Override
            protected void channelInputClosed(ChannelHandlerContext ctx) {
                result.complete(new Response(status, headers, bytes.toByteArray(), length, sha.digest(), trailers));
                ctx.close();
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                result.completeExceptionally(cause);
                ctx.close();
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) throws Exception {
                result.completeExceptionally(new java.io.IOException("stream closed before the response ended"));
                super.channelInactive(ctx);
            }
        };
        Http3.newRequestStream(quic, handler).addListener(f -> {
            if (!f.isSuccess()) {
                result.completeExceptionally(f.cause());
                return;
            }
            QuicStreamChannel stream = (QuicStreamChannel) f.getNow();
            DefaultHttp3HeadersFrame head = new DefaultHttp3HeadersFrame();
            head.headers().method(req.method()).path(req.path()).authority("localhost:" + port).scheme("https");
            req.fields().forEach((k, v) -> head.headers().add(k, v));
            if (req.finAfterResponse()) {
                stream.writeAndFlush(head); // the FIN goes when the handler closes the stream (Netty sends it then)
            } else if (req.body() == null) {
                stream.writeAndFlush(head).addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
            } else {
                stream.write(head);
                stream.writeAndFlush(new DefaultHttp3DataFrame(Unpooled.wrappedBuffer(req.body())))
                        .addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
            }
        });
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    QuicChannel quic() {
        return quic;
    }

    @Override
    public void close() {
        try {
            quic.close().await(5, TimeUnit.SECONDS);
            udp.close().await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }
}
