package dev.peregrine.e2e.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.server.Server;
import dev.peregrine.tls.CertificateSource;
import dev.peregrine.tls.KeyMaterial;
import dev.peregrine.tls.SelfSignedCertificate;
import dev.peregrine.tls.TlsHandshakeException.Reason;
import dev.peregrine.tls.TlsOptions;
import java.net.InetAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a verifying client does with certificates it must not accept, and that the server shrugs
 * it off: an expired certificate and one for another host are refused by the JDK HttpClient (the
 * client aborts the handshake), while a connection already open and new good clients go on.
 * One server serves all three certificates by SNI; all three are issued by a CA the client trusts,
 * so dates and names are the only reasons left to refuse them. (The JDK would not check the dates
 * of a self-signed certificate it trusts directly.)
 */
@Timeout(60)
class HttpsClientVerificationTest {

    static TestCa ca;
    static KeyMaterial good;
    static KeyMaterial expired;
    static KeyMaterial otherHost;
    static Server server;
    static String byAddress;

    @BeforeAll
    static void start() throws Exception {
        ca = TestCa.create("Test CA");
        List<InetAddress> loopback = List.of(InetAddress.getByName("127.0.0.1"));
        good = ca.issue(SelfSignedCertificate.Spec.server("localhost", List.of("localhost"), loopback));
        Instant now = Instant.now();
        expired = ca.issue(SelfSignedCertificate.Spec.server("expired", List.of("localhost"), loopback)
                .withValidity(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1))));
        otherHost = ca.issue(SelfSignedCertificate.Spec.server("other.example", List.of("other.example"), List.of()));
        TlsOptions options = TlsOptions.builder()
                .certificate(CertificateSource.of(good))
                .serverName("expired.test", CertificateSource.of(expired))
                .serverName("wrong.test", CertificateSource.of(otherHost))
                .build();
        server = Tls.start(options, Tls.DESCRIBE);
        byAddress = "https://127.0.0.1:" + server.securePort() + "/";
    }

    @AfterAll
    static void stop() {
        Tls.stop(server);
    }

    static HttpClient clientFor(String sni) throws Exception {
        return Tls.clientWithSni(Tls.trusting(ca.certificate()), sni);
    }

    @Test
    void expiredAndWrongHostCertificatesAreRefusedWhileTheServerGoesOn() throws Exception {
        try (HttpClient keepAlive = Tls.client(Tls.trusting(ca.certificate()))) {
            String url = "https://localhost:" + server.securePort() + "/";
            HttpResponse<String> before = Tls.get(keepAlive, url);
            assertThat(before.statusCode()).isEqualTo(200);
            assertThat(before.sslSession().orElseThrow().getPeerCertificates()).hasSize(2); // leaf and CA
            String connection = Tls.field(before.body(), "remote");
            long failedBefore = server.tls().stats().handshakesFailed();
            long tlsErrorsBefore = server.tls().stats().failures(Reason.TLS_ERROR);
            long closedBefore = server.tls().stats().failures(Reason.CLOSED);

            try (HttpClient c = clientFor("expired.test")) {
                assertThatThrownBy(() -> Tls.get(c, byAddress))
                        .isInstanceOf(SSLHandshakeException.class)
                        .hasRootCauseInstanceOf(CertificateExpiredException.class);
            }
            try (HttpClient c = clientFor("wrong.test")) {
                assertThatThrownBy(() -> Tls.get(c, byAddress))
                        .isInstanceOf(SSLHandshakeException.class)
                        .hasMessageContaining("127.0.0.1");
            }

            // The server counted two failed handshakes and nothing else changed.
            Tls.await("two failures counted", () -> server.tls().stats().handshakesFailed() == failedBefore + 2);
            // (As CLOSED or TLS_ERROR: the JDK client may hang up without sending its alert.)
            assertThat(server.tls().stats().failures(Reason.CLOSED) + server.tls().stats().failures(Reason.TLS_ERROR))
                    .isEqualTo(closedBefore + tlsErrorsBefore + 2);
            assertThat(server.tls().stats().handshakesInProgress()).isZero();

            HttpResponse<String> after = Tls.get(keepAlive, url);
            assertThat(after.statusCode()).isEqualTo(200);
            assertThat(Tls.field(after.body(), "remote")).as("the same keep-alive connection").isEqualTo(connection);
            try (HttpClient fresh = Tls.client(Tls.trusting(ca.certificate()))) {
                HttpResponse<String> r = Tls.get(fresh, url);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(Tls.peerLeaf(r)).isEqualTo(good.certificate());
            }
        }
    }

    @Test
    void theRefusalsAreTheClientsTheServerPresentedWhatTheNameAskedFor() throws Exception {
        for (String name : List.of("expired.test", "wrong.test")) {
            // A fresh context per name: see HttpsSniTest on the JDK client's session cache.
            javax.net.ssl.SSLContext blind = javax.net.ssl.SSLContext.getInstance("TLS");
            blind.init(null, new javax.net.ssl.TrustManager[] {new AcceptAnything()}, null);
            try (var s = Tls.connect(blind, server.securePort(), name)) {
                X509Certificate expected = name.equals("expired.test") ? expired.certificate() : otherHost.certificate();
                assertThat(Tls.peerLeaf(s)).isEqualTo(expected);
                assertThat(Tls.getAndClose(s, "localhost")).startsWith("HTTP/1.1 200").contains("sni=" + name);
            }
        }
    }

    /** Test-only: a client that looks at what the server sent without judging it. */
    private static final class AcceptAnything implements javax.net.ssl.X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
