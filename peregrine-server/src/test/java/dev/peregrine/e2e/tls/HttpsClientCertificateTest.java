package dev.peregrine.e2e.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.server.Server;
import dev.peregrine.tls.CertificateSource;
import dev.peregrine.tls.KeyMaterial;
import dev.peregrine.tls.SelfSignedCertificate;
import dev.peregrine.tls.TlsHandshakeException.Reason;
import dev.peregrine.tls.TlsOptions;
import dev.peregrine.tls.TrustSource;
import java.io.IOException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Client certificates through a real {@link Server}: optional, required, and refused, with the
 * verified chain reaching the handler as {@code req.tls().peerCertificates()}. Client certificates
 * are issued by a test CA that the server trusts; "mallory" is issued by another CA.
 */
@Timeout(60)
class HttpsClientCertificateTest {

    static SelfSignedCertificate serverCert;
    static TestCa clientCa;
    static KeyMaterial alice;
    static KeyMaterial mallory;

    private Server server;
    private final AtomicReference<List<X509Certificate>> seen = new AtomicReference<>();

    @BeforeAll
    static void certificates() throws Exception {
        serverCert = Tls.serverCert("localhost", "localhost");
        clientCa = TestCa.create("Client CA");
        alice = clientCa.issue(SelfSignedCertificate.Spec.client("alice"));
        mallory = TestCa.create("Someone else's CA").issue(SelfSignedCertificate.Spec.client("mallory"));
    }

    @AfterEach
    void stop() {
        Tls.stop(server);
    }

    private void start(TlsOptions.ClientAuth mode) throws IOException {
        TlsOptions options = TlsOptions.builder()
                .certificate(CertificateSource.of(serverCert.keyMaterial()))
                .clientAuth(mode, TrustSource.of(clientCa.certificate()))
                .build();
        server = Tls.start(options, (req, res) -> {
            List<X509Certificate> peers = req.tls().peerCertificates();
            seen.set(peers);
            res.send(peers.isEmpty() ? "anonymous" : "hello " + peers.getFirst().getSubjectX500Principal().getName());
        });
    }

    private String url() {
        return "https://localhost:" + server.securePort() + "/";
    }

    private HttpResponse<String> getAs(KeyMaterial identity, String protocol) throws Exception {
        try (HttpClient c = Tls.client(clientContext(identity, protocol))) {
            return Tls.get(c, url());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void optionalServesAnonymousClientsAndShowsTheVerifiedChain(String protocol) throws Exception {
        start(TlsOptions.ClientAuth.OPTIONAL);
        HttpResponse<String> anonymous = getAs(null, protocol);
        assertThat(anonymous.statusCode()).isEqualTo(200);
        assertThat(anonymous.body()).isEqualTo("anonymous");
        assertThat(seen.get()).isEmpty();

        HttpResponse<String> r = getAs(alice, protocol);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.sslSession().orElseThrow().getProtocol()).isEqualTo(protocol);
        assertThat(r.body()).isEqualTo("hello CN=alice");
        List<X509Certificate> chain = seen.get();
        assertThat(chain.getFirst()).isEqualTo(alice.certificate());
        assertThat(chain.getFirst().getIssuerX500Principal()).isEqualTo(clientCa.certificate().getSubjectX500Principal());
        chain.getFirst().verify(clientCa.certificate().getPublicKey()); // the handler can check it chains to the CA
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void requiredRefusesAClientWithoutACertificate(String protocol) throws Exception {
        start(TlsOptions.ClientAuth.REQUIRED);
        // TLS 1.3 clients learn of it when they read the answer, TLS 1.2 ones during the handshake.
        assertThatThrownBy(() -> getAs(null, protocol)).isInstanceOf(IOException.class);
        Tls.await("counted", () -> server.tls().stats().failures(Reason.CLIENT_CERTIFICATE) >= 1);

        HttpResponse<String> r = getAs(alice, protocol);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("hello CN=alice");
        assertThat(server.metrics().requests()).isEqualTo(1); // the refused client's request never reached the handler
    }

    @ParameterizedTest
    @ValueSource(strings = {"OPTIONAL", "REQUIRED"})
    void aCertificateFromAnUntrustedIssuerIsRefusedEvenWhenOptional(TlsOptions.ClientAuth mode) throws Exception {
        start(mode);
        // A client that presents its certificate whatever the server says it accepts (curl, openssl
        // do; the JDK client would quietly send none, as the issuer is not in the server's list).
        assertThatThrownBy(() -> getAs(mallory, "TLSv1.3")).isInstanceOf(IOException.class);
        Tls.await("counted", () -> server.tls().stats().failures(Reason.CLIENT_CERTIFICATE) >= 1);
        assertThat(seen.get()).isNull(); // no request reached the handler

        // The server goes on with everyone else.
        assertThat(getAs(alice, "TLSv1.3").body()).isEqualTo("hello CN=alice");
    }

    @Test
    void noClientAuthNeverAsksAndTheHandlerSeesNoChain() throws Exception {
        server = Tls.start(TlsOptions.builder().certificate(CertificateSource.of(serverCert.keyMaterial())).build(),
                (req, res) -> res.send("peers=" + req.tls().peerCertificates().size()));
        assertThat(getAs(alice, "TLSv1.3").body()).isEqualTo("peers=0");
    }

    /**
     * A client trusting the server certificate and presenting {@code identity} always (not only
     * when its issuer is one the server named), limited to {@code protocol}.
     */
    static SSLContext clientContext(KeyMaterial identity, String protocol) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(Tls.trustStore(List.of(serverCert.certificate())));
        SSLContext ctx = SSLContext.getInstance(protocol);
        ctx.init(identity == null ? null : new javax.net.ssl.KeyManager[] {new Always(identity)}, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** A key manager with one identity that it offers to every server. */
    private static final class Always extends X509ExtendedKeyManager {
        private final KeyMaterial identity;

        Always(KeyMaterial identity) {
            this.identity = identity;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return "me";
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return "me";
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {"me"};
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return identity.chain().toArray(X509Certificate[]::new);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return identity.privateKey();
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }
}
