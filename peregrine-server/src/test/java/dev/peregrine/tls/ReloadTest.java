package dev.peregrine.tls;

import static dev.peregrine.tls.TlsTesting.connect;
import static dev.peregrine.tls.TlsTesting.none;
import static dev.peregrine.tls.TlsTesting.peerLeaf;
import static dev.peregrine.tls.TlsTesting.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A certificate swap reaches new connections only; established ones keep going. */
class ReloadTest {

    static SelfSignedCertificate first;
    static SelfSignedCertificate second;
    static SSLContext client;

    @TempDir
    Path dir;

    @BeforeAll
    static void certificates() throws Exception {
        first = TlsTesting.serverCert("first", "localhost");
        second = TlsTesting.serverCert("second", "localhost");
        client = TlsTesting.clientContext(List.of(first.certificate(), second.certificate()), null);
    }

    /** Writes both files with a modification time that surely differs from the last (file systems have coarse clocks). */
    void writePem(Path cert, Path key, SelfSignedCertificate c, int generation) throws Exception {
        Files.writeString(cert, c.certificatePem());
        Files.writeString(key, c.privateKeyPem());
        FileTime t = FileTime.from(Instant.parse("2030-01-01T00:00:00Z").plusSeconds(generation));
        Files.setLastModifiedTime(cert, t);
        Files.setLastModifiedTime(key, t);
    }

    /** Issue 10: file reads and key parsing never run on the heartbeat thread, and one check at a time. */
    @Test
    void theHeartbeatHandsTheFileCheckOffAndNeverStartsTwo() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        writePem(cert, key, first, 1);
        TlsOptions options = TlsOptions.builder().certificate(CertificateSource.pem(cert, key)).watchFiles(true).build();
        java.util.List<Runnable> queued = new java.util.ArrayList<>();
        TlsMiddleware m = TlsMiddleware.create(options, queued::add);
        writePem(cert, key, second, 2);
        m.onHeartbeat();
        m.onHeartbeat(); // the first check has not run yet: no second one
        assertThat(queued).hasSize(1);
        assertThat(m.checkForChanges()).as("nothing reloaded on the heartbeat's thread").isTrue();
        writePem(cert, key, first, 3);
        queued.getFirst().run(); // the check, wherever it runs, reloads the changed files
        assertThat(m.checkForChanges()).as("the queued check already reloaded").isFalse();
        m.onHeartbeat();
        assertThat(queued).as("once it finished, the next tick starts another").hasSize(2);
    }

    @Test
    void fileChangeReloadsForNewConnectionsWithoutDroppingOldOnes() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        writePem(cert, key, first, 1);
        TlsOptions options = TlsOptions.builder().certificate(CertificateSource.pem(cert, key)).watchFiles(true).build();
        try (TestServer server = TestServer.start(options, TestServer.ECHO); SSLSocket old = connect(client, server.port(), none())) {
            assertThat(peerLeaf(old)).isEqualTo(first.certificate());
            assertThat(server.middleware.checkForChanges()).isFalse();

            writePem(cert, key, second, 2);
            server.middleware.onHeartbeat(); // the server's tick polls the files (on a thread of its own)
            server.middleware.awaitFileCheck();

            try (SSLSocket fresh = connect(client, server.port(), none())) {
                assertThat(peerLeaf(fresh)).isEqualTo(second.certificate());
                assertThat(roundTrip(fresh, "new")).isEqualTo("new");
            }
            assertThat(roundTrip(old, "old one still works")).isEqualTo("old one still works");
            assertThat(peerLeaf(old)).isEqualTo(first.certificate());
        }
    }

    @Test
    void aHalfWrittenPairKeepsTheCurrentCertificateUntilTheKeyFollows() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        writePem(cert, key, first, 1);
        TlsMiddleware m = TlsMiddleware.create(TlsOptions.builder().certificate(CertificateSource.pem(cert, key)).build());
        try (TestServer server = new TestServer(m, TestServer.ECHO)) {
            Files.writeString(cert, second.certificatePem()); // the key is still the old one
            Files.setLastModifiedTime(cert, FileTime.from(Instant.parse("2031-01-01T00:00:00Z")));
            assertThat(m.checkForChanges()).isFalse();
            assertThat(m.checkForChanges()).isFalse(); // same files: not retried, not re-logged
            try (SSLSocket s = connect(client, server.port(), none())) {
                assertThat(peerLeaf(s)).isEqualTo(first.certificate());
            }
            Files.writeString(key, second.privateKeyPem());
            Files.setLastModifiedTime(key, FileTime.from(Instant.parse("2031-01-01T00:00:01Z")));
            assertThat(m.checkForChanges()).isTrue();
            try (SSLSocket s = connect(client, server.port(), none())) {
                assertThat(peerLeaf(s)).isEqualTo(second.certificate());
            }
            assertThatThrownBy(() -> {
                Files.writeString(key, "garbage");
                m.reload();
            }).hasMessageContaining("no private key");
            try (SSLSocket s = connect(client, server.port(), none())) {
                assertThat(peerLeaf(s)).isEqualTo(second.certificate()); // a failed reload changes nothing
            }
        }
    }

    @Test
    void apiSwapOfAnInMemoryCertificate() throws Exception {
        TlsOptions options = TlsOptions.builder().certificate(CertificateSource.of(first.keyMaterial())).build();
        try (TestServer server = TestServer.start(options, TestServer.ECHO); SSLSocket old = connect(client, server.port(), none())) {
            server.middleware.update(server.middleware.options().toBuilder()
                    .certificate(CertificateSource.of(second.keyMaterial())).build());
            try (SSLSocket fresh = connect(client, server.port(), none())) {
                assertThat(peerLeaf(fresh)).isEqualTo(second.certificate());
            }
            assertThat(roundTrip(old, "still here")).isEqualTo("still here");
        }
    }
}
