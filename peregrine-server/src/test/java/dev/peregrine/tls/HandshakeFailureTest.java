package dev.peregrine.tls;

import static dev.peregrine.tls.TlsTesting.await;
import static dev.peregrine.tls.TlsTesting.clientTrusting;
import static dev.peregrine.tls.TlsTesting.connect;
import static dev.peregrine.tls.TlsTesting.none;
import static dev.peregrine.tls.TlsTesting.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.tls.TlsHandshakeException.Reason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Everything that must fail a handshake — counted, classified, and harmless to other connections. */
class HandshakeFailureTest {

    static SelfSignedCertificate cert;
    static SSLContext client;

    @BeforeAll
    static void certificates() throws Exception {
        cert = TlsTesting.serverCert("localhost", "localhost");
        client = clientTrusting(cert.certificate());
    }

    static TlsOptions.Builder options() {
        return TlsOptions.builder().certificate(CertificateSource.of(cert.keyMaterial()));
    }

    static Socket raw(TestServer server) throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        s.setSoTimeout(TlsTesting.SAFETY_TIMEOUT_MS);
        return s;
    }

    @Test
    void plainHttpGetsA400SayingThisPortSpeaksHttps() throws Exception {
        try (TestServer server = TestServer.start(options().build(), TestServer.ECHO); Socket s = raw(server)) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String answer = TlsTesting.readAll(s.getInputStream()); // to EOF: the server half-closes after answering
            s.shutdownOutput(); // as a client does once it has the answer; the server drains until then
            assertThat(answer).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("Connection: close").contains("speaks HTTPS");
            int bodyLength = Integer.parseInt(answer.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
            assertThat(answer.substring(answer.indexOf("\r\n\r\n") + 4)).hasSize(bodyLength);
            await("counted", () -> server.middleware.stats().failures(Reason.PLAINTEXT_HTTP) == 1);
        }
    }

    @Test
    void nonTlsBytesAreClosedWithoutAnAnswer() throws Exception {
        try (TestServer server = TestServer.start(options().build(), TestServer.ECHO); Socket s = raw(server)) {
            s.getOutputStream().write(new byte[] {0x00, 0x01, 0x02, 0x03, 0x04, 0x05});
            assertThat(readOrReset(s)).isEqualTo(-1); // closed with unread bytes: a reset is fine too
            await("counted", () -> server.middleware.stats().failures(Reason.NOT_TLS) == 1);
        }
    }

    static int readOrReset(Socket s) throws IOException {
        try {
            return s.getInputStream().read();
        } catch (java.net.SocketException reset) {
            return -1;
        }
    }

    @Test
    void aTls11OnlyClientHelloIsRefusedWithAProtocolVersionAlert() throws Exception {
        try (TestServer server = TestServer.start(options().build(), TestServer.ECHO); Socket s = raw(server)) {
            // The JDK client cannot enable TLS 1.1 any more, so the hello is written by hand.
            s.getOutputStream().write(clientHello(0x0302, new int[] {0xC013, 0xC014, 0x002F}));
            byte[] answer = s.getInputStream().readAllBytes();
            assertThat(answer).hasSizeGreaterThanOrEqualTo(7);
            assertThat(answer[0]).isEqualTo((byte) 0x15); // an alert record
            assertThat(answer[5]).isEqualTo((byte) 2); // fatal
            assertThat(answer[6]).isEqualTo((byte) 70); // protocol_version
            await("counted", () -> server.middleware.stats().failures(Reason.PROTOCOL_VERSION) == 1);
        }
    }

    @Test
    void garbageHelloDoesNotDisturbAnEstablishedConnection() throws Exception {
        try (TestServer server = TestServer.start(options().build(), TestServer.ECHO);
                SSLSocket good = connect(client, server.port(), none())) {
            assertThat(roundTrip(good, "before")).isEqualTo("before");
            byte[][] garbage = {
                {0x16, 0x03, 0x01, 0x00, 0x08, 0x01, 0x00, 0x00, 0x04, (byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef},
                {0x16, 0x03, 0x01, (byte) 0xff, (byte) 0xff, 0x01, 0x02, 0x03}, // a record longer than TLS allows
                {0x16, 0x03, 0x03, 0x00, 0x04, 0x02, 0x00, 0x00, 0x00}, // a ServerHello from a "client"
            };
            for (byte[] g : garbage) {
                try (Socket bad = raw(server)) {
                    bad.getOutputStream().write(g);
                    bad.shutdownOutput();
                    bad.getInputStream().readAllBytes(); // an alert, then close
                }
            }
            await("all counted", () -> server.middleware.stats().handshakesFailed() == garbage.length);
            assertThat(server.middleware.stats().failures(Reason.TLS_ERROR)).isEqualTo(garbage.length);
            assertThat(roundTrip(good, "after")).isEqualTo("after");
            try (SSLSocket another = connect(client, server.port(), none())) {
                assertThat(roundTrip(another, "and new ones")).isEqualTo("and new ones");
            }
        }
    }

    @Test
    void aSilentClientIsCutOffByTheHeartbeatAtTheHandshakeTimeout() throws Exception {
        try (TestServer server = TestServer.start(options().handshakeTimeout(Duration.ofSeconds(60)).build(), TestServer.ECHO);
                SSLSocket established = connect(client, server.port(), none());
                Socket silent = raw(server);
                Socket partial = raw(server)) {
            partial.getOutputStream().write(new byte[] {0x16, 0x03, 0x01}); // starts a hello, never finishes it
            assertThat(roundTrip(established, "done")).isEqualTo("done"); // its server side has finished handshaking
            TlsMiddleware m = server.middleware;
            await("both handshaking", () -> m.stats().handshakesInProgress() == 2);
            m.onHeartbeat(); // well before the deadline: nothing happens
            assertThat(m.stats().handshakesInProgress()).isEqualTo(2);
            m.onHeartbeat(System.nanoTime() + Duration.ofSeconds(61).toNanos());
            assertThat(silent.getInputStream().read()).isEqualTo(-1);
            assertThat(partial.getInputStream().read()).isEqualTo(-1);
            await("counted", () -> m.stats().failures(Reason.TIMEOUT) == 2);
            assertThat(roundTrip(established, "unaffected")).isEqualTo("unaffected");
        }
    }

    @Test
    void peerClosingMidHandshakeIsCountedAsClosed() throws Exception {
        try (TestServer server = TestServer.start(options().build(), TestServer.ECHO)) {
            try (Socket s = raw(server)) {
                s.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, 0x40, 0x01});
            }
            await("counted", () -> server.middleware.stats().failures(Reason.CLOSED) == 1);
        }
    }

    @Test
    void alpnPrefersTheServersOrder() throws Exception {
        TlsOptions h2First = options().applicationProtocols("h2", "http/1.1").build();
        try (TestServer server = TestServer.start(h2First, TestServer.ECHO);
                SSLSocket s = connect(client, server.port(), p -> p.setApplicationProtocols(new String[] {"http/1.1", "h2"}))) {
            assertThat(s.getApplicationProtocol()).isEqualTo("h2");
            assertThat(server.sessions.poll(30, TimeUnit.SECONDS).applicationProtocol()).isEqualTo("h2");
        }
    }

    @Test
    void alpnWithNoCommonProtocolFailsWithNoApplicationProtocol() throws Exception {
        try (TestServer server = TestServer.start(options().build(), TestServer.ECHO)) {
            assertThatThrownBy(() -> connect(client, server.port(), p -> p.setApplicationProtocols(new String[] {"spdy/3.1"})).close())
                    .isInstanceOf(SSLException.class)
                    .hasMessageContaining("no_application_protocol");
            await("counted", () -> server.middleware.stats().failures(Reason.NO_APPLICATION_PROTOCOL) == 1);
        }
    }

    @Test
    void alpnCanBeSwitchedOff() throws Exception {
        TlsOptions noAlpn = options().applicationProtocols().build();
        try (TestServer server = TestServer.start(noAlpn, TestServer.ECHO);
                SSLSocket s = connect(client, server.port(), p -> p.setApplicationProtocols(new String[] {"h2"}))) {
            assertThat(roundTrip(s, "x")).isEqualTo("x");
            assertThat(server.sessions.poll(30, TimeUnit.SECONDS).applicationProtocol()).isNull();
        }
    }

    @Test
    void aClientLimitedToTls12IsRefusedByATls13OnlyServer() throws Exception {
        try (TestServer server = TestServer.start(options().protocols("TLSv1.3").build(), TestServer.ECHO)) {
            assertThatThrownBy(() -> connect(client, server.port(), p -> p.setProtocols(new String[] {"TLSv1.2"})).close())
                    .isInstanceOf(SSLException.class);
            await("counted", () -> server.middleware.stats().failures(Reason.PROTOCOL_VERSION) == 1);
        }
    }

    @Test
    void weakSettingsAreRefusedAtConfiguration() {
        assertThatThrownBy(() -> options().protocols("TLSv1.1").build()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> options().cipherSuites(java.util.List.of("TLS_RSA_WITH_AES_128_GCM_SHA256")).build())
                .hasMessageContaining("weak");
        assertThatThrownBy(() -> options().cipherSuites(java.util.List.of("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA")).build())
                .hasMessageContaining("weak");
        assertThatThrownBy(() -> options().clientAuth(TlsOptions.ClientAuth.REQUIRED, null).build())
                .hasMessageContaining("clientTrust");
    }

    /** A minimal ClientHello with no extensions (as a TLS 1.1 client would send). */
    static byte[] clientHello(int version, int[] suites) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(version >> 8);
        body.write(version);
        body.writeBytes(new byte[32]); // random
        body.write(0); // no session id
        body.write(0);
        body.write(suites.length * 2);
        for (int suite : suites) {
            body.write(suite >> 8);
            body.write(suite);
        }
        body.write(1); // one compression method: null
        body.write(0);
        byte[] b = body.toByteArray();
        ByteArrayOutputStream record = new ByteArrayOutputStream();
        record.writeBytes(new byte[] {0x16, 0x03, 0x01, (byte) ((b.length + 4) >> 8), (byte) (b.length + 4)});
        record.writeBytes(new byte[] {0x01, 0x00, (byte) (b.length >> 8), (byte) b.length});
        record.writeBytes(b);
        return record.toByteArray();
    }
}
