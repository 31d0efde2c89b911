package dev.peregrine.e2e.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.server.Server;
import dev.peregrine.tls.CertificateSource;
import dev.peregrine.tls.SelfSignedCertificate;
import dev.peregrine.tls.TlsOptions;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificate rotation on a running {@link Server}: by API ({@code server.tls().reload()} and
 * {@code update(...)}) and by the heartbeat noticing changed files. A keep-alive connection made
 * before keeps working on its old session; a new connection gets the new certificate.
 */
@Timeout(60)
class HttpsReloadTest {

    static SelfSignedCertificate first;
    static SelfSignedCertificate second;
    static SelfSignedCertificate third;

    @TempDir
    Path dir;

    private Server server;

    @BeforeAll
    static void certificates() throws Exception {
        first = Tls.serverCert("first", "localhost");
        second = Tls.serverCert("second", "localhost");
        third = Tls.serverCert("third", "localhost");
    }

    @AfterEach
    void stop() {
        Tls.stop(server);
    }

    /** A client trusting all three; new each time, so nothing is resumed from an earlier session. */
    static SSLContext trustAll() throws Exception {
        return Tls.trusting(first.certificate(), second.certificate(), third.certificate());
    }

    private String url() {
        return "https://localhost:" + server.securePort() + "/";
    }

    /** The certificate a brand-new connection is given. */
    private X509Certificate newConnectionCertificate() throws Exception {
        try (SSLSocket s = Tls.connect(trustAll(), server.securePort(), "localhost")) {
            return Tls.peerLeaf(s);
        }
    }

    private X509Certificate newConnectionCertificateQuietly() {
        try {
            return newConnectionCertificate();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void apiReloadRereadsTheFilesForNewConnectionsOnly() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Tls.writePem(cert, key, first, 1);
        server = Tls.start(TlsOptions.builder().certificate(CertificateSource.pem(cert, key)).build(), Tls.DESCRIBE);

        try (HttpClient old = Tls.client(trustAll())) {
            HttpResponse<String> r1 = Tls.get(old, url());
            assertThat(Tls.peerLeaf(r1)).isEqualTo(first.certificate());
            String connection = Tls.field(r1.body(), "remote");

            Tls.writePem(cert, key, second, 2);
            // Without watchFiles nothing notices the files: still the first certificate.
            server.tls().onHeartbeat();
            assertThat(newConnectionCertificate()).isEqualTo(first.certificate());

            server.tls().reload();
            assertThat(newConnectionCertificate()).isEqualTo(second.certificate());
            try (HttpClient fresh = Tls.client(trustAll())) {
                assertThat(Tls.peerLeaf(Tls.get(fresh, url()))).isEqualTo(second.certificate());
            }

            // The keep-alive connection from before is untouched: same connection, same session.
            HttpResponse<String> r2 = Tls.get(old, url());
            assertThat(r2.statusCode()).isEqualTo(200);
            assertThat(Tls.field(r2.body(), "remote")).isEqualTo(connection);
            assertThat(Tls.peerLeaf(r2)).isEqualTo(first.certificate());
        }
    }

    @Test
    void aBadFileFailsTheReloadAndKeepsServingTheCurrentCertificate() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Tls.writePem(cert, key, first, 1);
        server = Tls.start(TlsOptions.builder().certificate(CertificateSource.pem(cert, key)).build(), Tls.DESCRIBE);
        Files.writeString(key, "not a key");
        assertThatThrownBy(() -> server.tls().reload()).hasMessageContaining("key");
        assertThat(newConnectionCertificate()).isEqualTo(first.certificate());
        try (HttpClient c = Tls.client(trustAll())) {
            assertThat(Tls.get(c, url()).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void apiUpdateSwapsAnInMemoryCertificate() throws Exception {
        server = Tls.start(TlsOptions.builder().certificate(CertificateSource.of(first.keyMaterial())).build(), Tls.DESCRIBE);
        try (HttpClient old = Tls.client(trustAll())) {
            String connection = Tls.field(Tls.get(old, url()).body(), "remote");
            server.tls().update(server.tls().options().toBuilder()
                    .certificate(CertificateSource.of(third.keyMaterial())).build());
            assertThat(newConnectionCertificate()).isEqualTo(third.certificate());
            HttpResponse<String> again = Tls.get(old, url());
            assertThat(Tls.field(again.body(), "remote")).isEqualTo(connection);
            assertThat(Tls.peerLeaf(again)).isEqualTo(first.certificate());
        }
    }

    @Test
    void changedFilesAreReloadedByTheServersHeartbeat() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Tls.writePem(cert, key, first, 1);
        server = Tls.start(TlsOptions.builder().certificate(CertificateSource.pem(cert, key)).watchFiles(true).build(),
                Tls.DESCRIBE);

        try (HttpClient old = Tls.client(trustAll())) {
            HttpResponse<String> r1 = Tls.get(old, url());
            assertThat(Tls.peerLeaf(r1)).isEqualTo(first.certificate());
            String connection = Tls.field(r1.body(), "remote");

            // Nobody calls reload: the server's own once-a-second heartbeat polls the files.
            Tls.writePem(cert, key, second, 2);
            Tls.await("the heartbeat reloads the changed files",
                    () -> newConnectionCertificateQuietly().equals(second.certificate()));

            try (HttpClient fresh = Tls.client(trustAll())) {
                HttpResponse<String> r = Tls.get(fresh, url());
                assertThat(Tls.peerLeaf(r)).isEqualTo(second.certificate());
                assertThat(r.statusCode()).isEqualTo(200);
            }
            HttpResponse<String> r2 = Tls.get(old, url());
            assertThat(r2.statusCode()).isEqualTo(200);
            assertThat(Tls.field(r2.body(), "remote")).as("the keep-alive connection survived").isEqualTo(connection);
            assertThat(Tls.peerLeaf(r2)).isEqualTo(first.certificate());
        }
    }

    @Test
    void aKeyStoreFileIsWatchedToo() throws Exception {
        Path p12 = dir.resolve("server.p12");
        writeKeyStore(p12, first, 1);
        server = Tls.start(TlsOptions.builder().certificate(CertificateSource.keyStore(p12, "secret".toCharArray()))
                .watchFiles(true).build(), Tls.DESCRIBE);
        assertThat(newConnectionCertificate()).isEqualTo(first.certificate());
        writeKeyStore(p12, third, 2);
        Tls.await("the heartbeat reloads the keystore", () -> newConnectionCertificateQuietly().equals(third.certificate()));
    }

    private static void writeKeyStore(Path file, SelfSignedCertificate c, int generation) throws Exception {
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", c.keyPair().getPrivate(), "secret".toCharArray(),
                List.of(c.certificate()).toArray(java.security.cert.Certificate[]::new));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (var out = Files.newOutputStream(tmp)) {
            ks.store(out, "secret".toCharArray());
        }
        Files.setLastModifiedTime(tmp, java.nio.file.attribute.FileTime.from(
                java.time.Instant.parse("2030-01-01T00:00:00Z").plusSeconds(generation)));
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
