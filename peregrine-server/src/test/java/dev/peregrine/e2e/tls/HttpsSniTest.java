package dev.peregrine.e2e.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.server.Server;
import dev.peregrine.tls.CertificateSource;
import dev.peregrine.tls.SelfSignedCertificate;
import dev.peregrine.tls.TlsHandshakeException.Reason;
import dev.peregrine.tls.TlsOptions;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SNI through a real {@link Server}: two host names (one a wildcard) each get their own certificate,
 * and a name nobody configured gets the default certificate or, by policy, a failed handshake.
 * Every certificate also names 127.0.0.1, so the JDK client (dialling 127.0.0.1 while sending the
 * test's SNI) verifies it fully and the test sees which one the server chose.
 */
@Timeout(60)
class HttpsSniTest {

    static SelfSignedCertificate fallback;
    static SelfSignedCertificate alpha;
    static SelfSignedCertificate beta;

    private Server server;

    @BeforeAll
    static void certificates() throws Exception {
        fallback = Tls.serverCert("default.test", "default.test");
        alpha = Tls.serverCert("alpha.test", "alpha.test");
        beta = Tls.serverCert("beta.test", "*.beta.test");
    }

    /**
     * A new client context each time: the JDK client caches sessions by host and port, and when it
     * resumes one it sends that session's server name, not the one it was configured with.
     */
    static SSLContext trustAll3() throws Exception {
        return Tls.trusting(fallback.certificate(), alpha.certificate(), beta.certificate());
    }

    @AfterEach
    void stop() {
        Tls.stop(server);
    }

    static TlsOptions options(TlsOptions.UnknownServerName policy) {
        return TlsOptions.builder()
                .certificate(CertificateSource.of(fallback.keyMaterial()))
                .serverName("alpha.test", CertificateSource.of(alpha.keyMaterial()))
                .serverName("*.beta.test", CertificateSource.of(beta.keyMaterial()))
                .unknownServerName(policy)
                .build();
    }

    private HttpResponse<String> getWithSni(String sni) throws Exception {
        try (HttpClient c = Tls.clientWithSni(trustAll3(), sni)) {
            return Tls.get(c, "https://127.0.0.1:" + server.securePort() + "/");
        }
    }

    @Test
    void eachHostNameGetsItsCertificateAndTheHandlerSeesTheName() throws Exception {
        server = Tls.start(options(TlsOptions.UnknownServerName.DEFAULT_CERTIFICATE), Tls.DESCRIBE);

        HttpResponse<String> a = getWithSni("alpha.test");
        assertThat(Tls.peerLeaf(a)).isEqualTo(alpha.certificate());
        assertThat(Tls.field(a.body(), "sni")).isEqualTo("alpha.test");

        HttpResponse<String> b = getWithSni("api.beta.test");
        assertThat(Tls.peerLeaf(b)).isEqualTo(beta.certificate());
        assertThat(Tls.field(b.body(), "sni")).isEqualTo("api.beta.test");

        // Host names are case-insensitive (RFC 6066 §3): the same certificate for ALPHA.TEST.
        HttpResponse<String> upper = getWithSni("ALPHA.TEST");
        assertThat(Tls.peerLeaf(upper)).isEqualTo(alpha.certificate());

        // A wildcard covers exactly one label.
        assertThat(Tls.peerLeaf(getWithSni("a.b.beta.test"))).isEqualTo(fallback.certificate());
        assertThat(Tls.peerLeaf(getWithSni("beta.test"))).isEqualTo(fallback.certificate());
    }

    @Test
    void anUnknownNameGetsTheDefaultCertificateByDefault() throws Exception {
        server = Tls.start(options(TlsOptions.UnknownServerName.DEFAULT_CERTIFICATE), Tls.DESCRIBE);
        HttpResponse<String> r = getWithSni("nobody.test");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Tls.peerLeaf(r)).isEqualTo(fallback.certificate());
        assertThat(Tls.field(r.body(), "sni")).isEqualTo("nobody.test");

        // No SNI at all (a client dialling an address): the default certificate, sni=null.
        try (SSLSocket s = Tls.connect(trustAll3(), server.securePort(), null)) {
            assertThat(Tls.peerLeaf(s)).isEqualTo(fallback.certificate());
            assertThat(Tls.getAndClose(s, "127.0.0.1")).startsWith("HTTP/1.1 200").contains("sni=null");
        }
        assertThat(server.tls().stats().handshakesFailed()).isZero();
    }

    @Test
    void rejectPolicyFailsTheHandshakeForAnUnknownNameOnly() throws Exception {
        server = Tls.start(options(TlsOptions.UnknownServerName.REJECT), Tls.DESCRIBE);

        assertThatThrownBy(() -> getWithSni("nobody.test"))
                .isInstanceOf(SSLHandshakeException.class)
                .hasMessageContaining("unrecognized_name");
        Tls.await("counted as UNRECOGNIZED_NAME", () -> server.tls().stats().failures(Reason.UNRECOGNIZED_NAME) == 1);

        // Configured names, and clients that send no name at all, are served as before.
        assertThat(Tls.peerLeaf(getWithSni("alpha.test"))).isEqualTo(alpha.certificate());
        try (SSLSocket s = Tls.connect(trustAll3(), server.securePort(), null)) {
            assertThat(Tls.peerLeaf(s)).isEqualTo(fallback.certificate());
            assertThat(Tls.getAndClose(s, "127.0.0.1")).startsWith("HTTP/1.1 200");
        }
        assertThat(server.tls().stats().handshakesFailed()).isEqualTo(1);
        Tls.await("both requests counted", () -> server.metrics().requests() == 2);
    }
}
