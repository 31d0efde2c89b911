package dev.peregrine.tls;

import static dev.peregrine.tls.TlsTesting.await;
import static dev.peregrine.tls.TlsTesting.connect;
import static dev.peregrine.tls.TlsTesting.none;
import static dev.peregrine.tls.TlsTesting.peerLeaf;
import static dev.peregrine.tls.TlsTesting.roundTrip;
import static dev.peregrine.tls.TlsTesting.sni;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.tls.TlsHandshakeException.Reason;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A certificate per SNI name, wildcards, and the unknown-name policy. */
class SniTest {

    static SelfSignedCertificate fallback;
    static SelfSignedCertificate api;
    static SelfSignedCertificate wildcard;
    static SelfSignedCertificate rsa;
    static List<java.security.cert.X509Certificate> all;

    @BeforeAll
    static void certificates() throws Exception {
        fallback = TlsTesting.serverCert("default.test", "default.test");
        api = TlsTesting.serverCert("api.example.test", "api.example.test");
        wildcard = TlsTesting.serverCert("wild.example.test", "*.wild.example.test");
        KeyPairGenerator rsaKeys = KeyPairGenerator.getInstance("RSA");
        rsaKeys.initialize(2048);
        rsa = SelfSignedCertificate.generate(SelfSignedCertificate.Spec.server("rsa.example.test", List.of("rsa.example.test"), List.of())
                .withKeyPair(rsaKeys.generateKeyPair()));
        all = List.of(fallback.certificate(), api.certificate(), wildcard.certificate(), rsa.certificate());
    }

    /**
     * A fresh client each time: a JDK client caches sessions by IP and port and, resuming one,
     * re-sends that session's SNI name whatever it was asked to send.
     */
    static SSLContext client() throws Exception {
        return TlsTesting.clientContext(all, null);
    }

    static TlsOptions.Builder options() {
        return TlsOptions.builder()
                .certificate(CertificateSource.of(fallback.keyMaterial()))
                .serverName("API.Example.Test.", CertificateSource.of(api.keyMaterial())) // normalized
                .serverName("*.wild.example.test", CertificateSource.of(wildcard.keyMaterial()))
                .serverName("rsa.example.test", CertificateSource.of(rsa.keyMaterial()));
    }

    @Test
    void picksTheCertificateByName() throws Exception {
        try (TestServer server = TestServer.start(options().build(), TestServer.ECHO)) {
            try (SSLSocket s = connect(client(), server.port(), sni("api.example.test"))) {
                assertThat(peerLeaf(s)).isEqualTo(api.certificate());
                assertThat(roundTrip(s, "x")).isEqualTo("x");
                assertThat(server.sessions.poll(30, TimeUnit.SECONDS).serverName()).isEqualTo("api.example.test");
            }
            try (SSLSocket s = connect(client(), server.port(), sni("a.wild.example.test"))) {
                assertThat(peerLeaf(s)).isEqualTo(wildcard.certificate());
            }
            try (SSLSocket s = connect(client(), server.port(), sni("rsa.example.test"))) {
                assertThat(peerLeaf(s)).isEqualTo(rsa.certificate());
                assertThat(peerLeaf(s).getPublicKey().getAlgorithm()).isEqualTo("RSA");
            }
            try (SSLSocket s = connect(client(), server.port(), p -> {
                        p.setProtocols(new String[] {"TLSv1.2"});
                        p.setServerNames(List.of(new javax.net.ssl.SNIHostName("rsa.example.test")));
                    })) {
                assertThat(s.getSession().getCipherSuite()).startsWith("TLS_ECDHE_RSA_WITH_");
            }
        }
    }

    @Test
    void resumptionWorksWithinOneName() throws Exception {
        SSLContext shared = client();
        try (TestServer server = TestServer.start(options().build(), TestServer.ECHO)) {
            byte[] first;
            try (SSLSocket s = connect(shared, server.port(), sni("api.example.test"))) {
                assertThat(roundTrip(s, "x")).isEqualTo("x"); // TLS 1.3 tickets arrive after the handshake
                first = s.getSession().getId();
            }
            try (SSLSocket s = connect(shared, server.port(), sni("api.example.test"))) {
                assertThat(peerLeaf(s)).isEqualTo(api.certificate());
                assertThat(roundTrip(s, "y")).isEqualTo("y");
            }
            assertThat(first).isNotEmpty();
            assertThat(server.middleware.stats().handshakesCompleted()).isEqualTo(2);
        }
    }

    @Test
    void noNameOrAnUnknownNameGetsTheDefault() throws Exception {
        try (TestServer server = TestServer.start(options().build(), TestServer.ECHO)) {
            try (SSLSocket s = connect(client(), server.port(), none())) {
                assertThat(peerLeaf(s)).isEqualTo(fallback.certificate());
            }
            try (SSLSocket s = connect(client(), server.port(), sni("unknown.test"))) {
                assertThat(peerLeaf(s)).isEqualTo(fallback.certificate());
            }
            // A wildcard covers exactly one label.
            try (SSLSocket s = connect(client(), server.port(), sni("a.b.wild.example.test"))) {
                assertThat(peerLeaf(s)).isEqualTo(fallback.certificate());
            }
            try (SSLSocket s = connect(client(), server.port(), sni("wild.example.test"))) {
                assertThat(peerLeaf(s)).isEqualTo(fallback.certificate());
            }
        }
    }

    @Test
    void rejectPolicyFailsUnknownNamesButNotMissingOnes() throws Exception {
        TlsOptions reject = options().unknownServerName(TlsOptions.UnknownServerName.REJECT).build();
        try (TestServer server = TestServer.start(reject, TestServer.ECHO)) {
            assertThatThrownBy(() -> connect(client(), server.port(), sni("unknown.test")).close())
                    .isInstanceOf(SSLException.class)
                    .hasMessageContaining("unrecognized_name");
            await("counted", () -> server.middleware.stats().failures(Reason.UNRECOGNIZED_NAME) == 1);
            try (SSLSocket s = connect(client(), server.port(), sni("x.wild.example.test"))) {
                assertThat(peerLeaf(s)).isEqualTo(wildcard.certificate());
            }
            try (SSLSocket s = connect(client(), server.port(), none())) {
                assertThat(peerLeaf(s)).isEqualTo(fallback.certificate());
            }
        }
    }
}
