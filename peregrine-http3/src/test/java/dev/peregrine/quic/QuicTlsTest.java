package dev.peregrine.quic;

import static dev.peregrine.quic.QuicTestClient.TIMEOUT_SECONDS;
import static dev.peregrine.quic.QuicTestClient.async;
import static dev.peregrine.quic.QuicTestClient.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.transport.MultiplexedConnection;
import dev.peregrine.tls.CertificateSource;
import dev.peregrine.tls.KeyMaterial;
import dev.peregrine.tls.SelfSignedCertificate;
import dev.peregrine.tls.TlsOptions;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClosedChannelException;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certificates from each kind of source, SNI as the TLS listener does it, and swapping for new connections. */
class QuicTlsTest {

    private static final KeyMaterial DEFAULT = certificate("default.test");
    private static final KeyMaterial NAMED = certificate("b.example.test");
    private static final KeyMaterial WILDCARD = certificate("*.wild.test");

    /** What one connection saw: the leaf the client got, and the server's idea of the SNI name. */
    record Seen(X509Certificate leaf, String serverName) {}

    @Test
    void sniPicksTheCertificateLikeTheTlsListener() throws Exception {
        QuicTls tls = QuicTls.of(TlsOptions.builder()
                .certificate(CertificateSource.of(DEFAULT))
                .serverName("b.example.test", CertificateSource.of(NAMED))
                .serverName("*.wild.test", CertificateSource.of(WILDCARD))
                .build(), QuicTls.HTTP3);

        assertThat(connect(tls, "b.example.test")).isEqualTo(new Seen(NAMED.certificate(), "b.example.test"));
        assertThat(connect(tls, "x.wild.test")).isEqualTo(new Seen(WILDCARD.certificate(), "x.wild.test"));
        assertThat(connect(tls, "y.x.wild.test").leaf()).isEqualTo(DEFAULT.certificate()); // one label only
        assertThat(connect(tls, "unknown.test")).isEqualTo(new Seen(DEFAULT.certificate(), "unknown.test"));
        assertThat(connect(tls, null)).isEqualTo(new Seen(DEFAULT.certificate(), null));
    }

    @Test
    void anUnknownNameIsRefusedWhenThePolicySaysSo() throws Exception {
        QuicTls tls = QuicTls.of(TlsOptions.builder()
                .certificate(CertificateSource.of(DEFAULT))
                .serverName("b.example.test", CertificateSource.of(NAMED))
                .unknownServerName(TlsOptions.UnknownServerName.REJECT)
                .build(), QuicTls.HTTP3);

        assertThat(connect(tls, "b.example.test").leaf()).isEqualTo(NAMED.certificate());
        // CRYPTO_ERROR carrying the TLS alert unrecognized_name (112), as the TLS listener answers
        assertThatThrownBy(() -> connect(tls, "unknown.test")).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(QuicClosedChannelException.class, e -> {
                    assertThat(e.event().isTlsError()).isTrue();
                    assertThat(QuicConnectionCloseEvent.extractTlsError(e.event().error())).isEqualTo(112);
                });
    }

    @Test
    void anUpdateServesNewConnectionsOnly() throws Exception {
        QuicTls tls = QuicTls.of(TlsOptions.builder().certificate(CertificateSource.of(DEFAULT)).build(), QuicTls.HTTP3);
        QuicListener listener = QuicListener.bind(new InetSocketAddress("127.0.0.1", 0), tls, QuicOptions.DEFAULTS);
        try (QuicTestClient before = new QuicTestClient((InetSocketAddress) listener.localAddress(), null, 8);
                QuicTestClient after = new QuicTestClient((InetSocketAddress) listener.localAddress(), null, 8)) {
            QuicChannel old = before.connect();
            MultiplexedConnection oldConn = await(async(listener::accept));

            tls.update(TlsOptions.builder().certificate(CertificateSource.of(NAMED)).build());

            QuicChannel fresh = after.connect();
            assertThat(leaf(fresh)).isEqualTo(NAMED.certificate());
            assertThat(leaf(old)).isEqualTo(DEFAULT.certificate());
            assertThat(oldConn.isOpen()).isTrue();
            oldConn.close();
        } finally {
            listener.close();
        }
    }

    @Test
    void pemFilesAreReadAndReadAgainOnReload(@TempDir Path dir) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Files.writeString(cert, DEFAULT.certificatePem(), StandardCharsets.US_ASCII);
        Files.writeString(key, DEFAULT.privateKeyPem(), StandardCharsets.US_ASCII);
        QuicTls tls = QuicTls.pem(cert, key, QuicTls.HTTP3);
        assertThat(connect(tls, null).leaf()).isEqualTo(DEFAULT.certificate());

        Files.writeString(cert, NAMED.certificatePem(), StandardCharsets.US_ASCII);
        Files.writeString(key, NAMED.privateKeyPem(), StandardCharsets.US_ASCII);
        tls.reload();

        assertThat(connect(tls, null).leaf()).isEqualTo(NAMED.certificate());
    }

    @Test
    void aKeyStoreServes() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        char[] password = "secret".toCharArray();
        store.setKeyEntry("server", WILDCARD.privateKey(), password, new Certificate[] {WILDCARD.certificate()});

        assertThat(connect(QuicTls.keyStore(store, password, QuicTls.HTTP3), "a.wild.test"))
                .isEqualTo(new Seen(WILDCARD.certificate(), "a.wild.test"));
    }

    @Test
    void quicNeedsAnApplicationProtocol() {
        assertThatThrownBy(() -> QuicTls.of(CertificateSource.of(DEFAULT), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Seen connect(QuicTls tls, String sni) throws Exception {
        QuicListener listener = QuicListener.bind(new InetSocketAddress("127.0.0.1", 0), tls, QuicOptions.DEFAULTS);
        try (QuicTestClient client = new QuicTestClient((InetSocketAddress) listener.localAddress(), sni, 8)) {
            QuicChannel quic = client.connect();
            MultiplexedConnection conn = await(async(listener::accept));
            try {
                return new Seen(leaf(quic), conn.tlsSession().serverName());
            } finally {
                conn.close();
            }
        } finally {
            listener.close();
            listener.awaitTermination(java.time.Duration.ofSeconds(TIMEOUT_SECONDS));
        }
    }

    private static X509Certificate leaf(QuicChannel quic) throws Exception {
        return (X509Certificate) quic.sslEngine().getSession().getPeerCertificates()[0];
    }

    private static KeyMaterial certificate(String name) {
        try {
            return SelfSignedCertificate.generate(SelfSignedCertificate.Spec.server(name, List.of(name), List.of()))
                    .keyMaterial();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
