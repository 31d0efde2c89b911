package dev.peregrine.tls;

import static dev.peregrine.tls.TlsTesting.await;
import static dev.peregrine.tls.TlsTesting.clientTrusting;
import static dev.peregrine.tls.TlsTesting.connect;
import static dev.peregrine.tls.TlsTesting.none;
import static dev.peregrine.tls.TlsTesting.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.api.TlsSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** TLS 1.3 / 1.2 data transfer, session facts, KeyUpdate, renegotiation refusal and close_notify. */
class TlsConnectionTest {

    static SelfSignedCertificate cert;
    static SSLContext client;

    @BeforeAll
    static void certificates() throws Exception {
        cert = TlsTesting.serverCert("localhost", "localhost");
        client = clientTrusting(cert.certificate());
    }

    static TlsOptions options() {
        return TlsOptions.builder().certificate(CertificateSource.of(cert.keyMaterial())).build();
    }

    @Test
    void tls13EchoAndSessionFacts() throws Exception {
        try (TestServer server = TestServer.start(options(), TestServer.ECHO);
                SSLSocket s = connect(client, server.port(), p -> {
                    p.setServerNames(List.of(new javax.net.ssl.SNIHostName("localhost")));
                    p.setApplicationProtocols(new String[] {"h2", "http/1.1"});
                })) {
            assertThat(roundTrip(s, "hello over TLS 1.3")).isEqualTo("hello over TLS 1.3");
            TlsSession session = server.sessions.poll(30, TimeUnit.SECONDS);
            assertThat(session.protocol()).isEqualTo("TLSv1.3");
            assertThat(session.cipherSuite()).isEqualTo(s.getSession().getCipherSuite()).startsWith("TLS_");
            // The server's preference wins (RFC 7301 §3.2): h2 first by default.
            assertThat(session.applicationProtocol()).isEqualTo("h2");
            assertThat(s.getApplicationProtocol()).isEqualTo("h2");
            assertThat(session.serverName()).isEqualTo("localhost");
            assertThat(session.peerCertificates()).isEmpty();
            assertThat(server.middleware.stats().handshakesCompleted()).isEqualTo(1);
        }
    }

    @Test
    void tls12WithAnAeadForwardSecretSuite() throws Exception {
        try (TestServer server = TestServer.start(options(), TestServer.ECHO);
                SSLSocket s = connect(client, server.port(), p -> p.setProtocols(new String[] {"TLSv1.2"}))) {
            assertThat(roundTrip(s, "hello over TLS 1.2")).isEqualTo("hello over TLS 1.2");
            TlsSession session = server.sessions.poll(30, TimeUnit.SECONDS);
            assertThat(session.protocol()).isEqualTo("TLSv1.2");
            assertThat(session.cipherSuite()).startsWith("TLS_ECDHE_ECDSA_WITH_").containsAnyOf("_GCM_", "CHACHA20");
            assertThat(session.applicationProtocol()).isNull(); // the client offered no ALPN
            assertThat(session.serverName()).isNull(); // an IP literal carries no SNI
        }
    }

    @Test
    void largeTransfersInBothDirectionsAtOnce() throws Exception {
        long total = 8L << 20; // several times any socket buffer: a shared read/write lock would deadlock
        AtomicLong serverReceived = new AtomicLong();
        TestServer.App duplex = c -> {
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    sendPattern(c::write, total);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            ByteBuffer buf = ByteBuffer.allocate(3000); // smaller than a record: exercises the overflow path
            long seen = 0;
            int n;
            while ((n = c.read(buf.clear())) >= 0) {
                buf.flip();
                for (int i = 0; i < n; i++) {
                    assertThat(buf.get()).isEqualTo(pattern(seen++));
                }
            }
            serverReceived.set(seen);
            try {
                writer.join();
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
            c.shutdownOutput();
        };
        try (TestServer server = TestServer.start(options(), duplex); SSLSocket s = connect(client, server.port(), none())) {
            OutputStream out = s.getOutputStream();
            Thread clientWriter = Thread.ofVirtual().start(() -> {
                try {
                    sendPattern(b -> out.write(b.array(), b.position(), b.remaining()), total);
                    s.shutdownOutput();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            InputStream in = s.getInputStream();
            byte[] buf = new byte[50_000];
            long seen = 0;
            boolean intact = true;
            int n;
            while (seen < total && (n = in.read(buf)) >= 0) {
                for (int i = 0; i < n; i++) {
                    intact &= buf[i] == pattern(seen++);
                }
            }
            clientWriter.join();
            assertThat(seen).isEqualTo(total);
            assertThat(intact).isTrue();
            await("server read everything", () -> serverReceived.get() == total);
            assertThat(server.appErrors).isEmpty();
        }
    }

    interface Sink {
        void write(ByteBuffer b) throws IOException;
    }

    static byte pattern(long i) {
        return (byte) (i % 251);
    }

    static void sendPattern(Sink sink, long total) throws IOException {
        byte[] chunk = new byte[37_000]; // not a multiple of the record size
        long sent = 0;
        while (sent < total) {
            int n = (int) Math.min(chunk.length, total - sent);
            for (int i = 0; i < n; i++) {
                chunk[i] = pattern(sent + i);
            }
            sink.write(ByteBuffer.wrap(chunk, 0, n));
            sent += n;
        }
    }

    @Test
    void oneByteReadsDrainRecordsThatArrivedTogether() throws Exception {
        TestServer.App oneByteEcho = c -> {
            ByteBuffer one = ByteBuffer.allocate(1); // smaller than any record: every record goes through the overflow path
            while (c.read(one.clear()) >= 0) {
                c.write(one.flip());
            }
            c.shutdownOutput();
        };
        try (TestServer server = TestServer.start(options(), oneByteEcho); SSLSocket s = connect(client, server.port(), none())) {
            StringBuilder sent = new StringBuilder();
            for (int i = 0; i < 200; i++) {
                String m = "message " + i + ";";
                s.getOutputStream().write(m.getBytes(StandardCharsets.US_ASCII)); // one record each, sent back to back
                sent.append(m);
            }
            s.shutdownOutput();
            assertThat(TlsTesting.readAll(s.getInputStream())).isEqualTo(sent.toString());
        }
    }

    @Test
    void gatheredWriteOfManySmallBuffers() throws Exception {
        TestServer.App app = c -> {
            ByteBuffer[] parts = new ByteBuffer[100];
            for (int i = 0; i < parts.length; i++) {
                parts[i] = ByteBuffer.wrap(("part" + i + ";").getBytes(StandardCharsets.US_ASCII));
            }
            c.write(parts);
            c.shutdownOutput();
        };
        try (TestServer server = TestServer.start(options(), app); SSLSocket s = connect(client, server.port(), none())) {
            String all = TlsTesting.readAll(s.getInputStream());
            assertThat(all).startsWith("part0;part1;").endsWith("part99;");
        }
    }

    @Test
    void keyUpdateFromTheClientIsAnswered() throws Exception {
        try (TestServer server = TestServer.start(options(), TestServer.ECHO); SSLSocket s = connect(client, server.port(), none())) {
            assertThat(roundTrip(s, "before")).isEqualTo("before");
            s.startHandshake(); // on TLS 1.3 the JDK sends KeyUpdate(update_requested)
            assertThat(roundTrip(s, "after the key update")).isEqualTo("after the key update");
            s.startHandshake();
            byte[] big = new byte[200_000];
            java.util.Arrays.fill(big, (byte) 'k');
            assertThat(roundTrip(s, new String(big, StandardCharsets.US_ASCII))).hasSize(big.length);
            assertThat(server.appErrors).isEmpty();
        }
    }

    @Test
    void keyUpdateWhileTheWriterIsBlockedOnAFullSocket() throws Exception {
        long total = 8L << 20;
        AtomicReference<String> received = new AtomicReference<>();
        TestServer.App app = c -> {
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    sendPattern(c::write, total); // blocks: the client reads only after its KeyUpdate and ping
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            ByteBuffer buf = ByteBuffer.allocate(4);
            while (buf.hasRemaining() && c.read(buf) >= 0) {
                // the KeyUpdate arrives first; its answer must wait for the busy writer
            }
            received.set(new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII));
            try {
                writer.join();
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
            c.shutdownOutput();
        };
        try (TestServer server = TestServer.start(options(), app); SSLSocket s = connect(client, server.port(), none())) {
            s.startHandshake(); // KeyUpdate(update_requested)
            s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[65536];
            long seen = 0;
            boolean intact = true;
            int n;
            while ((n = in.read(buf)) >= 0) {
                for (int i = 0; i < n; i++) {
                    intact &= buf[i] == pattern(seen++);
                }
            }
            assertThat(seen).isEqualTo(total);
            assertThat(intact).isTrue();
            await("server got the ping", () -> received.get() != null);
            assertThat(received.get()).isEqualTo("ping");
            assertThat(server.appErrors).isEmpty();
        }
    }

    @Test
    void tls12RenegotiationIsRefused() throws Exception {
        try (TestServer server = TestServer.start(options(), TestServer.ECHO);
                SSLSocket s = connect(client, server.port(), p -> p.setProtocols(new String[] {"TLSv1.2"}))) {
            assertThat(roundTrip(s, "first")).isEqualTo("first");
            assertThatThrownBy(() -> {
                s.startHandshake(); // a renegotiation ClientHello
                s.getOutputStream().write(1);
                if (s.getInputStream().read() < 0) {
                    throw new java.io.EOFException("closed");
                }
            }).isInstanceOf(IOException.class);
            Throwable serverSide = server.appErrors.poll(30, TimeUnit.SECONDS);
            assertThat(serverSide).isInstanceOf(SSLException.class).hasMessageContaining("renegotiation");
        }
    }

    @Test
    void shutdownOutputSendsCloseNotifyAndReadingGoesOn() throws Exception {
        AtomicReference<String> afterClose = new AtomicReference<>();
        TestServer.App app = c -> {
            c.write(ByteBuffer.wrap("bye".getBytes(StandardCharsets.US_ASCII)));
            c.shutdownOutput();
            ByteBuffer buf = ByteBuffer.allocate(100);
            StringBuilder sb = new StringBuilder();
            while (c.read(buf.clear()) >= 0) {
                sb.append(StandardCharsets.US_ASCII.decode(buf.flip()));
            }
            afterClose.set(sb.toString());
        };
        try (TestServer server = TestServer.start(options(), app); SSLSocket s = connect(client, server.port(), none())) {
            assertThat(TlsTesting.readAll(s.getInputStream())).isEqualTo("bye"); // EOF only after close_notify
            s.getOutputStream().write("still talking".getBytes(StandardCharsets.US_ASCII)); // TLS 1.3 half-close
            s.shutdownOutput();
            await("server read after its close_notify", () -> afterClose.get() != null);
            assertThat(afterClose.get()).isEqualTo("still talking");
        }
    }

    @Test
    void timedReadTimesOutHoldingNothingAndTheConnectionCanBeParkedOnItsSocket() throws Exception {
        AtomicReference<Boolean> bufferedWhenIdle = new AtomicReference<>();
        java.util.concurrent.CountDownLatch parked = new java.util.concurrent.CountDownLatch(1);
        TlsMiddleware middleware = TlsMiddleware.create(options());
        TestServer.App app = c -> {
            assertThat(c.supportsTimedRead()).isTrue();
            ByteBuffer buf = ByteBuffer.allocate(100);
            c.write(buf.limit(c.read(buf.clear(), 60_000)).flip()); // a record arrives well within the timeout
            try {
                c.read(buf.clear(), 1);
                throw new AssertionError("the client sends nothing until parked");
            } catch (java.net.SocketTimeoutException expected) {
                bufferedWhenIdle.set(c.hasBufferedInput());
            }
            // What the server's IdleParker does: no thread reading, the socket's readiness watched by a selector.
            java.nio.channels.SocketChannel ch = ((dev.peregrine.transport.SocketConnection) c.transport()).channel();
            try (java.nio.channels.Selector selector = java.nio.channels.Selector.open()) {
                ch.configureBlocking(false);
                java.nio.channels.SelectionKey key = ch.register(selector, java.nio.channels.SelectionKey.OP_READ);
                parked.countDown();
                selector.select();
                key.cancel();
                selector.selectNow();
                ch.configureBlocking(true);
            }
            int n;
            while ((n = c.read(buf.clear(), 60_000)) >= 0) {
                c.write(buf.limit(n).flip());
            }
            c.shutdownOutput();
        };
        try (TestServer server = new TestServer(middleware, app); SSLSocket s = connect(client, server.port(), none())) {
            assertThat(roundTrip(s, "before")).isEqualTo("before");
            assertThat(parked.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(bufferedWhenIdle.get()).isFalse();
            assertThat(middleware.pool().outstanding()).isZero(); // parked without a record buffer
            assertThat(roundTrip(s, "after parking")).isEqualTo("after parking");
            s.shutdownOutput();
            assertThat(TlsTesting.readAll(s.getInputStream())).isEmpty();
            assertThat(server.appErrors).isEmpty();
        }
    }

    @Test
    void shutdownInputEndsReadingButNotWriting() throws Exception {
        AtomicReference<Integer> readResult = new AtomicReference<>();
        TestServer.App app = c -> {
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    readResult.set(c.read(ByteBuffer.allocate(10))); // blocked (or about to be): woken with end of stream
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            c.shutdownInput();
            try {
                reader.join();
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
            c.write(ByteBuffer.wrap("HTTP/1.1 408 Request Timeout\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            c.shutdownOutput();
        };
        try (TestServer server = TestServer.start(options(), app); SSLSocket s = connect(client, server.port(), none())) {
            assertThat(TlsTesting.readAll(s.getInputStream())).startsWith("HTTP/1.1 408");
            await("reader woke", () -> readResult.get() != null);
            assertThat(readResult.get()).isEqualTo(-1);
            assertThat(server.appErrors).isEmpty();
        }
    }

    @Test
    void idleConnectionsHoldNoRecordBuffers() throws Exception {
        TlsMiddleware middleware = TlsMiddleware.create(options());
        try (TestServer server = new TestServer(middleware, TestServer.ECHO)) {
            SSLSocket[] sockets = new SSLSocket[8];
            for (int i = 0; i < sockets.length; i++) {
                sockets[i] = connect(client, server.port(), none());
                assertThat(roundTrip(sockets[i], "x" + i)).isEqualTo("x" + i);
            }
            // Every record buffer went back once its connection went idle (parked on a record header).
            await("all record buffers returned", () -> middleware.pool().outstanding() == 0);
            assertThat(middleware.stats().handshakesCompleted()).isEqualTo(sockets.length);
            for (SSLSocket s : sockets) {
                s.close();
            }
        }
    }

    @Test
    void secureDefaults() throws Exception {
        TlsMiddleware middleware = TlsMiddleware.create(options());
        assertThat(middleware.options().applicationProtocols()).containsExactly("h2", "http/1.1");
        assertThat(middleware.options().protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(middleware.options().handshakeTimeout()).hasSeconds(10);
    }
}
