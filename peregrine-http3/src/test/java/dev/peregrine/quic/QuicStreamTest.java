package dev.peregrine.quic;

import static dev.peregrine.quic.QuicTestClient.TIMEOUT_SECONDS;
import static dev.peregrine.quic.QuicTestClient.async;
import static dev.peregrine.quic.QuicTestClient.await;
import static dev.peregrine.quic.QuicTestClient.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.transport.MultiplexedConnection;
import dev.peregrine.transport.MultiplexedStream;
import dev.peregrine.transport.StreamAbortedException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.socket.ChannelOutputShutdownException;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamResetException;
import io.netty.handler.codec.quic.QuicStreamType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stream cases of Kestrel's QUIC transport tests, over real QUIC on loopback against Netty's client. */
class QuicStreamTest {

    private QuicListener listener;
    private QuicTestClient client;
    private QuicChannel quic;
    private MultiplexedConnection connection;

    @BeforeEach
    void connect() throws Exception {
        listener = QuicTestClient.listen(QuicOptions.DEFAULTS);
        client = new QuicTestClient((InetSocketAddress) listener.localAddress());
        quic = client.connect();
        connection = await(async(listener::accept));
    }

    @AfterEach
    void close() {
        if (connection != null) {
            connection.close();
        }
        client.close();
        listener.close();
    }

    @Test
    void bidirectionalStreamCompletesGracefullyInBothDirections() throws Exception {
        QuicTestClient.Opened s = QuicTestClient.open(quic);
        byte[] hello = "hello, quic".getBytes(StandardCharsets.US_ASCII);
        await(s.write(hello, true));

        CompletableFuture<byte[]> echoed = async(() -> {
            MultiplexedStream st = connection.accept();
            assertThat(st.isBidirectional()).isTrue();
            assertThat(st.id()).isEqualTo(0); // the client's first bidirectional stream
            byte[] in = readAll(st);
            st.write(in, 0, in.length, true);
            assertThat(st.read(new byte[1], 0, 1)).isEqualTo(-1); // FIN stays FIN
            return in;
        });

        assertThat(await(echoed)).isEqualTo(hello);
        await(s.received().fin);
        assertThat(s.received().bytes()).isEqualTo(hello);
        await(s.received().inactive); // FIN both ways: the stream is over on the client too
    }

    @Test
    void largeTransferBothWaysIsHeldBackByFlowControlWhileTheReaderIsSlow() throws Exception {
        int size = 16 * 1024 * 1024;
        byte[] up = random(size, 1);
        byte[] down = random(size, 2);
        QuicTestClient.Opened s = QuicTestClient.open(quic);
        s.received().hashOnly();
        CompletableFuture<Void> sent = s.write(up, true);
        QuicStreamAdapter st = (QuicStreamAdapter) await(async(connection::accept));
        int bound = QuicOptions.DEFAULTS.streamReadBufferBytes();

        // Nobody reads yet: the adapter fills its buffer, stops reading, and quiche's window holds the client back.
        assertThat(st.awaitBufferFull(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(st.buffers().buffered()).isLessThanOrEqualTo(bound);
        assertThat(sent).isNotDone();

        CompletableFuture<byte[]> readDigest = async(() -> {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] small = new byte[1000]; // a slow, small-bite reader
            long total = 0;
            for (int n; (n = st.read(small, 0, small.length)) >= 0; ) {
                md.update(small, 0, n);
                total += n;
            }
            assertThat(total).isEqualTo(size);
            return md.digest();
        });
        CompletableFuture<Void> wrote = async(() -> {
            st.write(down, 0, down.length, true);
            return null;
        });

        assertThat(await(readDigest)).isEqualTo(sha256(up));
        await(sent);
        await(wrote);
        await(s.received().fin);
        assertThat(s.received().count()).isEqualTo(size);
        assertThat(s.received().digest()).isEqualTo(sha256(down));
        assertThat(st.buffers().maxBuffered()).isPositive().isLessThanOrEqualTo(bound);
        assertThat(st.buffers().maxInFlight()).isPositive().isLessThanOrEqualTo(QuicOptions.DEFAULTS.streamWriteBufferBytes());
    }

    @Test
    void streamResetByTheServerReachesTheClientWithItsCode() throws Exception {
        QuicTestClient.Opened s = QuicTestClient.open(quic);
        await(s.write("request".getBytes(StandardCharsets.US_ASCII), false));
        MultiplexedStream st = await(async(connection::accept));

        st.reset(0x10c);

        Throwable seen = await(s.received().error);
        assertThat(seen).isInstanceOf(QuicStreamResetException.class);
        assertThat(((QuicStreamResetException) seen).applicationProtocolCode()).isEqualTo(0x10c);
        assertThatThrownBy(() -> st.write(new byte[1], 0, 1, false))
                .isInstanceOfSatisfying(StreamAbortedException.class, e -> assertThat(e.errorCode()).isEqualTo(0x10c));
        st.reset(0x10c); // idempotent
    }

    @Test
    void streamResetByThePeerFailsTheServersReadWithThePeersCode() throws Exception {
        QuicTestClient.Opened s = QuicTestClient.open(quic);
        await(s.write("partial".getBytes(StandardCharsets.US_ASCII), false));
        MultiplexedStream st = await(async(connection::accept));
        CompletableFuture<IOException> failure = async(() -> {
            try {
                readAll(st);
                return null;
            } catch (IOException e) {
                return e;
            }
        });

        await(future(s.channel().shutdownOutput(0x10c))); // RESET_STREAM

        assertThat(await(failure))
                .isInstanceOfSatisfying(StreamAbortedException.class, e -> assertThat(e.errorCode()).isEqualTo(0x10c));
    }

    @Test
    void stopSendingFromTheServerStopsTheClientsWrites() throws Exception {
        QuicTestClient.Opened s = QuicTestClient.open(quic);
        await(s.write("upload".getBytes(StandardCharsets.US_ASCII), false));
        MultiplexedStream st = await(async(connection::accept));

        st.stopSending(0x10b);

        Throwable cause = null;
        byte[] chunk = new byte[1024];
        for (int i = 0; i < 100_000 && cause == null; i++) {
            try {
                s.write(chunk, false).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                cause = e.getCause();
            }
        }
        assertThat(cause).isInstanceOf(ChannelOutputShutdownException.class).hasMessageContaining("STOP_SENDING");
        assertThatThrownBy(() -> st.read(new byte[10], 0, 10))
                .isInstanceOfSatisfying(StreamAbortedException.class, e -> assertThat(e.errorCode()).isEqualTo(0x10b));
    }

    @Test
    void stopSendingFromThePeerFailsTheServersWrite() throws Exception {
        QuicTestClient.Opened s = QuicTestClient.open(quic);
        await(s.write("download please".getBytes(StandardCharsets.US_ASCII), false));
        MultiplexedStream st = await(async(connection::accept));

        await(future(s.channel().shutdownInput(0x10b))); // STOP_SENDING

        CompletableFuture<StreamAbortedException> failure = async(() -> {
            byte[] chunk = new byte[1024];
            for (int i = 0; i < 1_000_000; i++) {
                try {
                    st.write(chunk, 0, chunk.length, false);
                } catch (StreamAbortedException e) {
                    return e;
                }
            }
            return null;
        });
        // Netty does not tell the peer's code (quiche answers with RESET_STREAM carrying it, which the client,
        // having stopped reading, never surfaces).
        assertThat(await(failure)).isNotNull().extracting(StreamAbortedException::errorCode)
                .isEqualTo(QuicListener.UNKNOWN_ERROR_CODE);
        assertThatThrownBy(() -> st.write(new byte[1], 0, 1, true)).isInstanceOf(StreamAbortedException.class);
    }

    /**
     * The server stops reading a request whose client has not finished sending; once that has reached
     * the client (the server's next stream arrives behind it), the client sends the rest of its
     * request with FIN, and the server answers. Returns the outcome of the client's write.
     */
    private static CompletableFuture<Void> restOfRequestAfterStopSending(QuicTestClient c, QuicChannel q,
            MultiplexedConnection conn) throws Exception {
        QuicTestClient.Opened s = QuicTestClient.open(q);
        byte[] head = "head".getBytes(StandardCharsets.US_ASCII);
        await(s.write(head, false));
        MultiplexedStream st = await(async(conn::accept));
        assertThat(await(async(() -> {
            byte[] b = new byte[head.length];
            int n = 0;
            for (int k; n < b.length && (k = st.read(b, n, b.length - n)) > 0; ) {
                n += k;
            }
            return b;
        }))).isEqualTo(head);
        st.stopSending(0x100);
        assertThatThrownBy(() -> st.read(new byte[1], 0, 1))
                .isInstanceOfSatisfying(StreamAbortedException.class, e -> assertThat(e.errorCode()).isEqualTo(0x100));
        // A barrier: the event loop runs the stream's tasks in order, and loopback keeps the packets in order.
        MultiplexedStream later = await(async(conn::openUnidirectional));
        later.write(new byte[] {1}, 0, 1, true);
        QuicTestClient.Received r = c.peerStreams.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(r).isNotNull();
        await(r.fin);
        CompletableFuture<Void> rest = s.write(new byte[1000], true);
        try {
            rest.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException failed) {
            // the caller looks at it
        }
        byte[] answer = "answer".getBytes(StandardCharsets.US_ASCII);
        st.write(answer, 0, answer.length, true);
        await(s.received().fin);
        assertThat(s.received().bytes()).isEqualTo(answer);
        return rest;
    }

    @Test
    void stopSendingDropsWhatThePeerStillSendsWithinTheGrace_rfc9114_4_1_2() throws Exception {
        // The client's tail (1000 bytes and FIN) is within the 64 KiB grace: dropped, not refused.
        CompletableFuture<Void> rest = restOfRequestAfterStopSending(client, quic, connection);
        assertThat(rest).isCompleted().isNotCompletedExceptionally();
        // No STOP_SENDING reached the client: its write went through, and the stream ends with a FIN
        // each way. (Past the grace STOP_SENDING is sent: stopSendingFromTheServerStopsTheClientsWrites.)
    }

    @Test
    void stopSendingWithoutGraceSendsStopSendingAtOnce() throws Exception {
        QuicListener strict = QuicTestClient.listen(QuicOptions.builder().stopSendingGraceBytes(0).build());
        try (QuicTestClient c = new QuicTestClient((InetSocketAddress) strict.localAddress())) {
            QuicChannel q = c.connect();
            MultiplexedConnection conn = await(async(strict::accept));
            try {
                CompletableFuture<Void> rest = restOfRequestAfterStopSending(c, q, conn);
                assertThat(rest).isCompletedExceptionally();
                assertThatThrownBy(rest::get).cause().isInstanceOf(ChannelOutputShutdownException.class)
                        .hasMessageContaining("STOP_SENDING");
            } finally {
                conn.close();
            }
        } finally {
            strict.close();
        }
    }

    /** What the server does with each accepted stream in {@link #concurrently}. */
    private interface ServerSide {
        void serve(MultiplexedStream st) throws Exception;
    }

    /**
     * Opens {@code payloads.size()} streams at once, each sending its payload (FIN with it, or
     * after all of them when {@code separateFin}), lets {@code side} serve each accepted stream on
     * its own thread, and returns the client's view of the streams once every server side is done.
     * Like a real client, it opens a stream only when the server's credit allows one (RFC 9000 §4.6).
     */
    private List<QuicTestClient.Opened> concurrently(List<byte[]> payloads, boolean separateFin, ServerSide side)
            throws Exception {
        CompletableFuture<Void> server = async(() -> {
            List<CompletableFuture<Void>> handlers = new ArrayList<>();
            for (int i = 0; i < payloads.size(); i++) {
                MultiplexedStream st = connection.accept();
                handlers.add(async(() -> {
                    side.serve(st);
                    return null;
                }));
            }
            CompletableFuture.allOf(handlers.toArray(CompletableFuture[]::new)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return null;
        });
        List<QuicTestClient.Opened> opened = new ArrayList<>();
        for (byte[] payload : payloads) {
            awaitCredit();
            QuicTestClient.Opened s = QuicTestClient.open(quic);
            opened.add(s);
            s.write(payload, !separateFin);
        }
        if (separateFin) {
            for (QuicTestClient.Opened s : opened) {
                s.write(new byte[0], true);
            }
        }
        await(server);
        for (QuicTestClient.Opened s : opened) {
            await(s.received().fin);
        }
        return opened;
    }

    /**
     * Waits until the server lets the client open one more bidirectional stream (its MAX_STREAMS
     * credit, RFC 9000 §4.6): Netty's client fails a stream beyond the limit at once instead of
     * waiting, as a real client would. Fails if the credit never comes back.
     *
     * <p>Netty's {@code peerAllowedStreams} counts down from what it last read from quiche and reads
     * quiche again only once it is 0 (on the next packet), so it is a lower bound: good for "one
     * more", not for "n more". And quiche tops the credit up only once the client's remaining credit
     * is down to half the limit, so after a burst a client gets the rest as it opens streams.
     */
    private void awaitCredit() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (quic.peerAllowedStreams(QuicStreamType.BIDIRECTIONAL) < 1) {
            assertThat(System.nanoTime()).as("stream credit never came back").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    /**
     * Opens as many streams as the server allows at once (100, {@link QuicOptions}) and keeps them all
     * open, then ends them. Every stream of the rounds before must have been freed for the last ones to
     * get credit: one stream quiche never collects is one credit the client never gets back.
     */
    private void holdAllowedStreamsOpenAtOnce() throws Exception {
        int allowed = (int) QuicOptions.DEFAULTS.maxBidirectionalStreams();
        CompletableFuture<Void> server = async(() -> {
            List<CompletableFuture<Void>> handlers = new ArrayList<>();
            for (int i = 0; i < allowed; i++) {
                MultiplexedStream st = connection.accept();
                handlers.add(async(() -> {
                    ECHO.serve(st);
                    return null;
                }));
            }
            CompletableFuture.allOf(handlers.toArray(CompletableFuture[]::new)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return null;
        });
        List<QuicTestClient.Opened> open = new ArrayList<>();
        for (int i = 0; i < allowed; i++) {
            awaitCredit();
            QuicTestClient.Opened s = QuicTestClient.open(quic);
            await(s.write(new byte[] {(byte) i}, false)); // open, and still open: no FIN yet
            open.add(s);
        }
        for (QuicTestClient.Opened s : open) {
            s.write(new byte[0], true);
        }
        await(server);
        for (int i = 0; i < open.size(); i++) {
            await(open.get(i).received().fin);
            assertThat(open.get(i).received().bytes()).as("held stream %d", i).containsExactly((byte) i);
        }
    }

    private static final ServerSide ECHO = st -> {
        byte[] in = readAll(st);
        st.write(in, 0, in.length, true);
    };

    @Test
    void manyConcurrentStreamsEachGetTheirOwnBytesBack() throws Exception {
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            payloads.add(random(1000 + i * 517, 100 + i));
        }
        List<QuicTestClient.Opened> opened = concurrently(payloads, false, ECHO);
        for (int i = 0; i < payloads.size(); i++) {
            assertThat(opened.get(i).received().bytes()).as("stream %d", i).isEqualTo(payloads.get(i));
        }
    }

    private static List<byte[]> numbered(int width) {
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < width; i++) {
            payloads.add(new byte[] {(byte) i});
        }
        return payloads;
    }

    @Test
    void finishedStreamsGiveTheirCreditBack_rfc9000_4_6() throws Exception {
        // 90 of the 100 the server allows at once: each later round needs the credit back.
        for (int round = 0; round < 3; round++) {
            List<QuicTestClient.Opened> opened = concurrently(numbered(90), false, ECHO);
            for (int i = 0; i < opened.size(); i++) {
                assertThat(opened.get(i).received().bytes()).as("round %d stream %d", round, i).containsExactly((byte) i);
            }
        }
        holdAllowedStreamsOpenAtOnce();
    }

    @Test
    void streamsAnsweredBeforeTheirFinAndStoppedGiveTheirCreditBack_rfc9000_4_6() throws Exception {
        // As an HTTP/3 server answers a GET: after its HEADERS, before its FIN, then stops reading
        // (RFC 9114 §4.1.2). Stopped at once, quiche would keep some of these streams forever.
        ServerSide answerEarly = st -> {
            byte[] one = new byte[1];
            assertThat(st.read(one, 0, 1)).isEqualTo(1);
            st.write(one, 0, 1, true);
            st.stopSending(0x100);
        };
        for (int round = 0; round < 3; round++) {
            List<QuicTestClient.Opened> opened = concurrently(numbered(90), true, answerEarly);
            for (int i = 0; i < opened.size(); i++) {
                assertThat(opened.get(i).received().bytes()).as("round %d stream %d", round, i).containsExactly((byte) i);
            }
        }
        holdAllowedStreamsOpenAtOnce();
    }

    @Test
    void unidirectionalStreamOpenedByTheServerReachesTheClient() throws Exception {
        MultiplexedStream uni = await(async(connection::openUnidirectional));
        assertThat(uni.isBidirectional()).isFalse();
        assertThat(uni.id() & 0x3).isEqualTo(0x3); // server-initiated, unidirectional (RFC 9000 §2.1)
        byte[] settings = "settings".getBytes(StandardCharsets.US_ASCII);

        uni.write(settings, 0, settings.length, true);

        QuicTestClient.Received r = client.peerStreams.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(r).isNotNull();
        await(r.fin);
        assertThat(r.bytes()).isEqualTo(settings);
        assertThat(r.channel.streamId()).isEqualTo(uni.id());
        assertThatThrownBy(() -> uni.read(new byte[1], 0, 1)).isInstanceOf(IOException.class);
    }

    @Test
    void unidirectionalStreamOpenedByTheClientIsAcceptedAndReadOnly() throws Exception {
        QuicTestClient.Opened s = QuicTestClient.open(quic, QuicStreamType.UNIDIRECTIONAL);
        byte[] control = "control".getBytes(StandardCharsets.US_ASCII);
        await(s.write(control, true));

        MultiplexedStream st = await(async(connection::accept));

        assertThat(st.isBidirectional()).isFalse();
        assertThat(st.id() & 0x3).isEqualTo(0x2); // client-initiated, unidirectional
        assertThat(await(async(() -> readAll(st)))).isEqualTo(control);
        assertThatThrownBy(() -> st.write(new byte[1], 0, 1, false)).isInstanceOf(IOException.class);
    }

    @Test
    void openingMoreUnidirectionalStreamsThanThePeerAllowsFails() throws Exception {
        try (QuicTestClient stingy = new QuicTestClient((InetSocketAddress) listener.localAddress(), null, 1)) {
            stingy.connect();
            MultiplexedConnection conn = await(async(listener::accept));
            try {
                assertThat(await(async(conn::openUnidirectional))).isNotNull();
                assertThatThrownBy(conn::openUnidirectional).isInstanceOf(IOException.class);
            } finally {
                conn.close();
            }
        }
    }

    static byte[] readAll(MultiplexedStream st) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        for (int n; (n = st.read(buf, 0, buf.length)) >= 0; ) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static CompletableFuture<Void> future(ChannelFuture f) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        f.addListener(x -> {
            if (x.isSuccess()) {
                done.complete(null);
            } else {
                done.completeExceptionally(x.cause());
            }
        });
        return done;
    }
}
