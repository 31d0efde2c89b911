package dev.peregrine.e2e.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.api.Router;
import dev.peregrine.server.Server;
import dev.peregrine.tls.CertificateSource;
import dev.peregrine.tls.SelfSignedCertificate;
import dev.peregrine.tls.TlsHandshakeException.Reason;
import dev.peregrine.tls.TlsMiddleware;
import dev.peregrine.tls.TlsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Wrong and hostile input on the TLS port of a real {@link Server}: plain HTTP, garbage, silence,
 * offers the server cannot meet. Each is answered or closed, counted in {@code server.tls().stats()}
 * by its reason, and none disturbs a good connection running at the same time.
 */
@Timeout(60)
class HttpsBadInputTest {

    static SelfSignedCertificate cert;

    private Server server;
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch inHandler = new CountDownLatch(1);

    @BeforeAll
    static void certificate() throws Exception {
        cert = Tls.serverCert("localhost", "localhost");
    }

    @AfterEach
    void stop() {
        release.countDown();
        Tls.stop(server);
    }

    private void start(TlsOptions.Builder tls) throws IOException {
        Router router = Router.builder()
                .get("/", Tls.DESCRIBE)
                .get("/slow", (req, res) -> {
                    // Holds its response until the test says, so bad input arrives while a request is in flight.
                    OutputStream out = res.body();
                    out.write("started\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    inHandler.countDown();
                    boolean released = release.await(Tls.WAIT.toSeconds(), TimeUnit.SECONDS);
                    out.write((released ? "finished\n" : "never released\n").getBytes(StandardCharsets.US_ASCII));
                })
                .build();
        server = Tls.start(tls.certificate(CertificateSource.of(cert.keyMaterial())).build(), router);
    }

    private TlsMiddleware.Stats stats() {
        return server.tls().stats();
    }

    private SSLContext trusting() throws Exception {
        return Tls.trusting(cert.certificate());
    }

    @Test
    void plainHttpToTheTlsPortGetsAClear400() throws Exception {
        start(TlsOptions.builder());
        try (Socket s = Tls.plain(server.securePort())) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = Tls.readAll(s.getInputStream()); // to EOF: the server half-closes after answering
            assertThat(answer).startsWith("HTTP/1.1 400 Bad Request\r\n")
                    .contains("Connection: close")
                    .contains("This port speaks HTTPS");
        }
        Tls.await("counted", () -> stats().failures(Reason.PLAINTEXT_HTTP) == 1);
        // The JDK HttpClient, pointed at the wrong scheme, also gets the answer rather than a hang.
        try (HttpClient c = Tls.client(trusting())) {
            HttpResponse<String> r = Tls.get(c, "http://127.0.0.1:" + server.securePort() + "/");
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).contains("https://");
        }
        Tls.await("counted", () -> stats().failures(Reason.PLAINTEXT_HTTP) == 2);
        assertThat(server.metrics().requests()).isZero(); // the handler saw none of it
    }

    @Test
    void garbageDoesNotDisturbAGoodConnectionInTheMiddleOfAResponse() throws Exception {
        start(TlsOptions.builder());
        try (SSLSocket good = Tls.connect(trusting(), server.securePort(), "localhost")) {
            good.getOutputStream().write("GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            good.getOutputStream().flush();
            assertThat(inHandler.await(Tls.WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

            byte[][] garbage = {
                {0x00, 0x01, 0x02, 0x03, 0x04, 0x05}, // not TLS at all
                {0x16, 0x03, 0x01, 0x00, 0x08, 0x01, 0x00, 0x00, 0x04, (byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef},
                {0x16, 0x03, 0x01, (byte) 0xff, (byte) 0xff, 0x01, 0x02, 0x03}, // longer than a record may be
                {0x16, 0x03, 0x03, 0x00, 0x04, 0x02, 0x00, 0x00, 0x00}, // a ServerHello from a "client"
            };
            for (byte[] g : garbage) {
                try (Socket bad = Tls.plain(server.securePort())) {
                    bad.getOutputStream().write(g);
                    bad.shutdownOutput();
                    drain(bad.getInputStream()); // an alert or nothing, then the close
                }
            }
            Tls.await("all counted", () -> stats().handshakesFailed() == garbage.length);
            assertThat(stats().failures(Reason.NOT_TLS)).isEqualTo(1);
            assertThat(stats().failures(Reason.TLS_ERROR)).isEqualTo(3);

            release.countDown();
            String answer = readResponse(good.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 200").contains("started\n").contains("finished\n");
            // ...and it is still a keep-alive connection.
            assertThat(Tls.getAndClose(good, "localhost")).startsWith("HTTP/1.1 200").contains("scheme=https");
        }
        try (HttpClient fresh = Tls.client(trusting())) {
            assertThat(Tls.get(fresh, "https://localhost:" + server.securePort() + "/").statusCode()).isEqualTo(200);
        }
        assertThat(stats().handshakesCompleted()).isEqualTo(2);
    }

    @Test
    void aSilentConnectionIsClosedByTheServersHeartbeatAtTheHandshakeTimeout() throws Exception {
        start(TlsOptions.builder().handshakeTimeout(Duration.ofSeconds(1)));
        try (Socket silent = Tls.plain(server.securePort()); Socket partial = Tls.plain(server.securePort())) {
            partial.getOutputStream().write(new byte[] {0x16, 0x03, 0x01}); // starts a record, never finishes it
            // No one calls onHeartbeat here: the server's own tick enforces the deadline.
            assertThat(readOrReset(silent.getInputStream())).isEqualTo(-1);
            assertThat(readOrReset(partial.getInputStream())).isEqualTo(-1);
        }
        Tls.await("counted", () -> stats().failures(Reason.TIMEOUT) == 2);
        assertThat(stats().handshakesInProgress()).isZero();
        Tls.await("connections released", () -> server.connectionCount() == 0);
    }

    @Test
    void offersTheServerCannotMeetAreRefusedAndCounted() throws Exception {
        start(TlsOptions.builder().protocols("TLSv1.3"));
        // ALPN: the client wants only a protocol the server does not speak (RFC 7301 §3.2: no_application_protocol).
        assertThatThrownBy(() -> connectWith(p -> p.setApplicationProtocols(new String[] {"spdy/3.1"})))
                .isInstanceOf(SSLException.class)
                .hasMessageContaining("no_application_protocol");
        Tls.await("ALPN counted", () -> stats().failures(Reason.NO_APPLICATION_PROTOCOL) == 1);

        // Versions: a TLS 1.2-only client against a TLS 1.3-only listener.
        assertThatThrownBy(() -> connectWith(p -> p.setProtocols(new String[] {"TLSv1.2"})))
                .isInstanceOf(SSLException.class);
        Tls.await("version counted", () -> stats().failures(Reason.PROTOCOL_VERSION) == 1);

        // A client closing in the middle of its hello.
        try (Socket s = Tls.plain(server.securePort())) {
            s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, 0x40, 0x01});
        }
        Tls.await("close counted", () -> stats().failures(Reason.CLOSED) == 1);

        assertThat(stats().handshakesFailed()).isEqualTo(3);
        assertThat(stats().failures()).containsOnlyKeys(Reason.NO_APPLICATION_PROTOCOL, Reason.PROTOCOL_VERSION, Reason.CLOSED);
        assertThat(stats().handshakesCompleted()).isZero();
        assertThat(server.metrics().requests()).isZero();
    }

    @Test
    void anHttp2CapableClientIsGivenH2ByAlpn() throws Exception {
        start(TlsOptions.builder());
        try (HttpClient h2 = HttpClient.newBuilder().sslContext(trusting()).version(HttpClient.Version.HTTP_2)
                .connectTimeout(Tls.WAIT).build()) {
            HttpResponse<String> r = h2.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.securePort() + "/"))
                    .timeout(Tls.WAIT).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(Tls.field(r.body(), "alpn")).isEqualTo("h2");
        }
    }

    @Test
    void gracefulStopFinishesAnInFlightHttpsRequestAndDropsAHandshakingConnection() throws Exception {
        start(TlsOptions.builder());
        try (SSLSocket busy = Tls.connect(trusting(), server.securePort(), "localhost");
                Socket handshaking = Tls.plain(server.securePort())) {
            busy.getOutputStream().write("GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            busy.getOutputStream().flush();
            assertThat(inHandler.await(Tls.WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            Tls.await("handshake in progress", () -> stats().handshakesInProgress() == 1);

            CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> server.stop(Tls.WAIT));
            assertThat(readOrReset(handshaking.getInputStream())).isEqualTo(-1); // closed at once: nothing in flight
            release.countDown();
            // To EOF: the head went out before the stop, so the close comes after the response, not as a header.
            String answer = Tls.readAll(busy.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 200").contains("finished\n").endsWith("\r\n0\r\n\r\n");
            assertThat(stopped.get(Tls.WAIT.toSeconds(), TimeUnit.SECONDS)).as("drained in time").isTrue();
        }
    }

    private void connectWith(java.util.function.Consumer<SSLParameters> tweak) throws Exception {
        SSLSocket s = (SSLSocket) trusting().getSocketFactory().createSocket("127.0.0.1", server.securePort());
        try (s) {
            s.setSoTimeout((int) Tls.WAIT.toMillis());
            SSLParameters p = s.getSSLParameters();
            tweak.accept(p);
            s.setSSLParameters(p);
            s.startHandshake();
        }
    }

    /** Reads one chunked response (head and body up to the last chunk). */
    private static String readResponse(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 1_000_000 && !b.toString().endsWith("\r\n0\r\n\r\n"); i++) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.append((char) c);
        }
        return b.toString();
    }

    private static void drain(InputStream in) {
        try {
            in.readAllBytes();
        } catch (IOException reset) {
            // a reset instead of a close is fine: the server closed with our bytes unread
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
