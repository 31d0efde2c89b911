package dev.peregrine.e2e.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.Router;
import dev.peregrine.server.Server;
import dev.peregrine.server.ServerOptions;
import dev.peregrine.tls.CertificateSource;
import dev.peregrine.tls.SelfSignedCertificate;
import dev.peregrine.tls.TlsOptions;
import dev.peregrine.transport.Endpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HTTP/1.1 connection behaviour that must be the same over TLS as over plain TCP, written byte by
 * byte through a JDK TLS socket: pipelining (several requests decrypted from one record),
 * {@code Expect: 100-continue}, chunked bodies with trailers, upgrades, idle parking and the
 * keep-alive timeout, many connections at once.
 */
@Timeout(60)
class HttpsConnectionTest {

    static SelfSignedCertificate cert;
    static SSLContext trust;

    private Server server;

    @BeforeAll
    static void certificate() throws Exception {
        cert = Tls.serverCert("localhost", "localhost");
        trust = Tls.trusting(cert.certificate());
    }

    @AfterEach
    void stop() {
        Tls.stop(server);
    }

    private void start(ServerOptions options) throws IOException {
        Router router = Router.builder()
                .get("/upgrade", (req, res) -> {
                    res.header("upgrade", "echo");
                    res.header("connection", "upgrade");
                    res.upgrade((in, out) -> {
                        byte[] buf = new byte[4096];
                        for (int n; (n = in.read(buf)) >= 0; ) {
                            out.write(buf, 0, n);
                            out.flush();
                        }
                    });
                })
                .get("/{name}", (req, res) -> res.send("hello " + req.pathParam("name")))
                .post("/echo", (req, res) -> {
                    byte[] body = req.bodyBytes();
                    String trailer = req.trailers().get("x-sum");
                    res.header("x-trailer", String.valueOf(trailer));
                    res.send(body);
                })
                .build();
        server = Server.builder()
                .listen(Endpoint.tcp("127.0.0.1", 0), TlsOptions.builder().certificate(CertificateSource.of(cert.keyMaterial())).build())
                .handler(router)
                .options(options)
                .start();
    }

    private SSLSocket connect() throws IOException {
        return Tls.connect(trust, server.securePort(), "localhost");
    }

    private static void send(SSLSocket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
    }

    /** Reads one response with a Content-Length body (or none for 1xx/101). */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        for (int i = 0; i < 64 * 1024; i++) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed after " + head);
            }
            head.write(c);
            String h = head.toString(StandardCharsets.ISO_8859_1);
            if (h.endsWith("\r\n\r\n")) {
                int length = 0;
                for (String line : h.split("\r\n")) {
                    if (line.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).strip());
                    }
                }
                return h + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
            }
        }
        throw new IOException("head too long");
    }

    @Test
    void pipelinedRequestsInOneRecordAreAnsweredInOrder() throws Exception {
        start(ServerOptions.defaults());
        try (SSLSocket s = connect()) {
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < 16; i++) {
                batch.append("GET /r").append(i).append(" HTTP/1.1\r\nHost: localhost\r\n\r\n");
            }
            send(s, batch.toString()); // one write: one TLS record holds all sixteen
            for (int i = 0; i < 16; i++) {
                assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 200").endsWith("hello r" + i);
            }
        }
    }

    @Test
    void aClientThatHalfClosesWithCloseNotifyStillGetsEveryResponse() throws Exception {
        // RFC 9112 §9.6 over TLS 1.3: close_notify ends the client's direction only (RFC 8446 §6.1).
        start(ServerOptions.defaults());
        try (SSLSocket s = connect()) {
            send(s, "GET /h1 HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    + "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\nhi"
                    + "GET /h3 HTTP/1.1\r\nHost: localhost\r\n\r\n");
            s.shutdownOutput();
            assertThat(readResponse(s.getInputStream())).endsWith("hello h1");
            assertThat(readResponse(s.getInputStream())).endsWith("hi");
            assertThat(readResponse(s.getInputStream())).endsWith("hello h3");
            assertThat(readOrReset(s.getInputStream())).isEqualTo(-1);
        }
    }

    @Test
    void expectContinueThenAChunkedBodyWithATrailer() throws Exception {
        start(ServerOptions.defaults());
        try (SSLSocket s = connect()) {
            send(s, "POST /echo HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n");
            assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 100 Continue\r\n");
            send(s, "5\r\nhello\r\n6\r\n world\r\n0\r\nx-sum: 11\r\n\r\n");
            String answer = readResponse(s.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 200").contains("x-trailer: 11").endsWith("hello world");
            // Keep-alive goes on after it.
            send(s, "GET /next HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(readResponse(s.getInputStream())).endsWith("hello next");
        }
    }

    @Test
    void anUpgradedConnectionCarriesItsBytesOverTls() throws Exception {
        start(ServerOptions.defaults());
        try (SSLSocket s = connect()) {
            send(s, "GET /upgrade HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\nearly");
            assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 101");
            assertThat(new String(s.getInputStream().readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("early");
            byte[] big = new byte[100_000];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) ('a' + i % 26);
            }
            // Written on another thread: the echo answers while we still write.
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    s.getOutputStream().write(big);
                    s.getOutputStream().flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(s.getInputStream().readNBytes(big.length)).isEqualTo(big);
            assertThat(writer.join(Tls.WAIT)).isTrue();
            s.shutdownOutput(); // the echo sees the end of its input and returns: the connection closes
            assertThat(readOrReset(s.getInputStream())).isEqualTo(-1);
        }
    }

    @Test
    void idleTlsConnectionsParkAndComeBack() throws Exception {
        start(ServerOptions.builder().idleParkDelay(Duration.ofMillis(20)).idleParkMinConnections(0).build());
        List<SSLSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                SSLSocket s = connect();
                sockets.add(s);
                send(s, "GET /first" + i + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertThat(readResponse(s.getInputStream())).endsWith("hello first" + i);
            }
            Thread.sleep(200); // well past the park delay: the idle connections have given up their threads
            for (int i = 0; i < sockets.size(); i++) {
                send(sockets.get(i), "GET /again" + i + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
            }
            for (int i = 0; i < sockets.size(); i++) {
                assertThat(readResponse(sockets.get(i).getInputStream())).endsWith("hello again" + i);
            }
            assertThat(server.tls().stats().handshakesCompleted()).isEqualTo(20);
        } finally {
            for (SSLSocket s : sockets) {
                s.close();
            }
        }
    }

    @Test
    void anIdleTlsConnectionIsClosedAtTheKeepAliveTimeout() throws Exception {
        start(ServerOptions.builder().keepAliveTimeout(Duration.ofSeconds(1)).build());
        try (SSLSocket s = connect()) {
            send(s, "GET /once HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(readResponse(s.getInputStream())).endsWith("hello once");
            // The heartbeat ends it; the client sees a clean end of stream (close_notify), not a hang.
            assertThat(readOrReset(s.getInputStream())).isEqualTo(-1);
        }
        Tls.await("connection released", () -> server.connectionCount() == 0);
    }

    @Test
    void aClientClosingMidBodyDoesNotHurtTheServer() throws Exception {
        start(ServerOptions.defaults());
        try (SSLSocket s = connect()) {
            send(s, "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\nonly a little");
        }
        Tls.await("connection released", () -> server.connectionCount() == 0);
        try (SSLSocket s = connect()) {
            send(s, "GET /after HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(readResponse(s.getInputStream())).endsWith("hello after");
        }
    }

    private static int readOrReset(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (SocketException reset) {
            return -1;
        }
    }
}
