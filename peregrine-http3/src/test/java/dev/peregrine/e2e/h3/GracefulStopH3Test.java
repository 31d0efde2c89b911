package dev.peregrine.e2e.h3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.Router;
import dev.peregrine.server.Server;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http3.Http3ClientConnectionHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamResetException;
import io.netty.handler.codec.quic.QuicStreamType;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A graceful stop of an HTTP/3 server under load (RFC 9114 §5.2), seen from Netty's client: the
 * requests in flight finish with every byte, a request opened after GOAWAY is not served, a new
 * connection is refused, and stop reports that everything drained.
 */
class GracefulStopH3Test {

    private static final int PER_CONNECTION = 25;
    private static final int CHUNKS = 16; // 16 x 64 KiB = 1 MiB
    private static final long BODY = (long) CHUNKS * NgtcpClientH3Test.CHUNK;

    private final CountDownLatch received = new CountDownLatch(2 * PER_CONNECTION);
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger rawServed = new AtomicInteger();
    private final AtomicInteger lateServed = new AtomicInteger();
    private final List<NettyH3Client> clients = new ArrayList<>();
    private Server server;

    @AfterEach
    void cleanUp() {
        release.countDown();
        clients.forEach(NettyH3Client::close);
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    private Server start() throws Exception {
        byte[] base = NgtcpClientH3Test.bigBase();
        Router router = Router.builder()
                .get("/slow", (req, res) -> {
                    res.contentLength(BODY);
                    byte[] chunk = new byte[NgtcpClientH3Test.CHUNK];
                    OutputStream out = res.body();
                    out.write(NgtcpClientH3Test.bigChunk(base, 0, chunk));
                    out.flush();
                    received.countDown();
                    // Held until the test has begun the stop and tried its late requests.
                    if (!release.await(60, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("never released");
                    }
                    for (int i = 1; i < CHUNKS; i++) {
                        out.write(NgtcpClientH3Test.bigChunk(base, i, chunk));
                        out.flush();
                    }
                })
                .get("/raw", (req, res) -> {
                    rawServed.incrementAndGet();
                    res.send("raw ok");
                })
                .get("/late", (req, res) -> {
                    lateServed.incrementAndGet();
                    res.send("late");
                })
                .build();
        server = H3Server.start(router);
        return server;
    }

    private static byte[] expectedDigest() throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] base = NgtcpClientH3Test.bigBase();
        byte[] chunk = new byte[NgtcpClientH3Test.CHUNK];
        for (int i = 0; i < CHUNKS; i++) {
            sha.update(NgtcpClientH3Test.bigChunk(base, i, chunk));
        }
        return sha.digest();
    }

    @Test
    void inFlightRequestsFinishAndLaterOnesAreNotServed() throws Exception {
        start();
        int port = H3Server.h3Port(server);
        byte[] digest = expectedDigest();
        NettyH3Client first = new NettyH3Client(port);
        clients.add(first);
        NettyH3Client second = new NettyH3Client(port);
        clients.add(second);

        // The hand-written request below is served while the server runs, so its refusal later means something.
        RawOutcome before = rawGet(first.quic(), port, true).get(10, TimeUnit.SECONDS);
        assertThat(before.error()).isNull();
        assertThat(before.text()).startsWith("\u0001").endsWith("raw ok");
        assertThat(rawServed).hasValue(1);

        List<CompletableFuture<NettyH3Client.Response>> inFlight = new ArrayList<>();
        for (int i = 0; i < PER_CONNECTION; i++) {
            inFlight.add(first.request("GET", "/slow", null, Map.of(), false));
            inFlight.add(second.request("GET", "/slow", null, Map.of(), false));
        }
        assertThat(received.await(30, TimeUnit.SECONDS)).as("all requests reached the handler").isTrue();

        CompletableFuture<Boolean> stopped = new CompletableFuture<>();
        Thread.ofPlatform().name("stopper").start(() -> stopped.complete(server.stop(Duration.ofSeconds(20))));

        goAwayReceived(first.quic()).get(20, TimeUnit.SECONDS);
        goAwayReceived(second.quic()).get(20, TimeUnit.SECONDS);

        // A request stream opened after GOAWAY (its id is past the one GOAWAY carries): rejected, not served.
        // No FIN from us, so the stream stays open on our side and Netty reports the server's RESET_STREAM
        // (with both sides finished it may drop the stream quietly instead).
        RawOutcome late = rawGet(first.quic(), port, false).get(10, TimeUnit.SECONDS);
        assertThat(late.bytes()).as("response bytes for a request after GOAWAY; " + late).isEmpty();
        assertThat(late.error()).as("the stream was reset with H3_REQUEST_REJECTED; " + late)
                .isInstanceOfSatisfying(QuicStreamResetException.class,
                        e -> assertThat(e.applicationProtocolCode()).isEqualTo(0x10B));
        // A new connection once the stop has begun: refused, or at least never a 200.
        assertThat(lateConnection(port)).doesNotContain("status 200");

        release.countDown();
        for (var f : inFlight) {
            NettyH3Client.Response r = f.get(60, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.length()).isEqualTo(BODY);
            assertThat(r.sha256()).isEqualTo(digest);
        }
        assertThat(stopped.get(30, TimeUnit.SECONDS)).as("stop drained everything in time").isTrue();
        assertThat(rawServed).as("the late request never reached the handler").hasValue(1);
        assertThat(lateServed).as("nothing was served on the late connection").hasValue(0);
    }

    /** Completes once the connection's HTTP/3 handler has seen the server's GOAWAY (checked on its event loop). */
    private static CompletableFuture<Void> goAwayReceived(QuicChannel quic) {
        Http3ClientConnectionHandler h3 = quic.pipeline().get(Http3ClientConnectionHandler.class);
        CompletableFuture<Void> seen = new CompletableFuture<>();
        var check = quic.eventLoop().scheduleAtFixedRate(() -> {
            if (h3.isGoAwayReceived()) {
                seen.complete(null);
            } else if (!quic.isActive()) {
                seen.completeExceptionally(new IllegalStateException("connection closed without GOAWAY"));
            }
        }, 0, 1, TimeUnit.MILLISECONDS);
        seen.whenComplete((v, e) -> check.cancel(false));
        return seen;
    }

    private static String lateConnection(int port) {
        try (NettyH3Client client = new NettyH3Client(port)) {
            NettyH3Client.Response r = client.get("/late").get(15, TimeUnit.SECONDS);
            return "status " + r.status();
        } catch (Exception e) {
            return "failed: " + e;
        }
    }

    /** What came back on a hand-written request stream: its bytes, and the error that ended it, if any. */
    record RawOutcome(byte[] bytes, Throwable error) {
        String text() {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }

        @Override
        public String toString() {
            return bytes.length + " bytes, " + (error == null ? "ended normally" : "ended by " + error);
        }
    }

    /**
     * GET /raw on a new stream written by hand (HEADERS with QPACK static references, RFC 9204
     * Appendix A), bypassing Netty's HTTP/3 codec, which would refuse to send after GOAWAY;
     * {@code fin} ends our side after the HEADERS frame.
     */
    private static CompletableFuture<RawOutcome> rawGet(QuicChannel quic, int port, boolean fin) {
        CompletableFuture<RawOutcome> outcome = new CompletableFuture<>();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        ChannelInboundHandlerAdapter reader = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf b = (ByteBuf) msg;
                byte[] a = new byte[b.readableBytes()];
                b.readBytes(a);
                got.writeBytes(a);
                b.release();
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                outcome.complete(new RawOutcome(got.toByteArray(), cause));
                ctx.close();
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                outcome.complete(new RawOutcome(got.toByteArray(), null));
            }
        };
        quic.createStream(QuicStreamType.BIDIRECTIONAL, reader).addListener(f -> {
            if (!f.isSuccess()) {
                outcome.complete(new RawOutcome(new byte[0], f.cause()));
                return;
            }
            QuicStreamChannel stream = (QuicStreamChannel) f.getNow();
            var written = stream.writeAndFlush(Unpooled.wrappedBuffer(headersFrame("/raw", "localhost:" + port)));
            if (fin) {
                written.addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
            }
        });
        return outcome;
    }

    private static byte[] headersFrame(String path, String authority) {
        ByteArrayOutputStream fields = new ByteArrayOutputStream();
        fields.write(0); // Required Insert Count 0
        fields.write(0); // Base 0
        fields.write(0xC0 | 17); // indexed, static 17: :method GET
        fields.write(0xC0 | 23); // indexed, static 23: :scheme https
        literalWithStaticName(fields, 1, path); // static 1: :path
        literalWithStaticName(fields, 0, authority); // static 0: :authority
        byte[] payload = fields.toByteArray();
        if (payload.length > 63) {
            throw new IllegalArgumentException("keep it within a one-byte length");
        }
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x01); // HEADERS
        frame.write(payload.length);
        frame.writeBytes(payload);
        return frame.toByteArray();
    }

    private static void literalWithStaticName(ByteArrayOutputStream out, int index, String value) {
        byte[] v = value.getBytes(StandardCharsets.US_ASCII);
        out.write(0x50 | index); // 01 N=0 T=1, 4-bit static index
        out.write(v.length); // H=0, 7-bit length (short values only)
        out.writeBytes(v);
    }
}
