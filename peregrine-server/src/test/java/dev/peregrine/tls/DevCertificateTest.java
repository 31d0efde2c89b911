package dev.peregrine.tls;

import static dev.peregrine.tls.TlsTesting.connect;
import static dev.peregrine.tls.TlsTesting.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code peregrine dev-cert}: created once, reused, and ready to serve. */
class DevCertificateTest {

    @TempDir
    Path home;

    @Test
    void createdOnceThenReused() throws Exception {
        Path dir = home.resolve("config/peregrine");
        DevCertificate first = DevCertificate.loadOrCreate(dir);
        assertThat(first.created()).isTrue();
        assertThat(first.keyStore()).exists();
        assertThat(Files.getPosixFilePermissions(first.privateKeyPem())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));

        DevCertificate again = DevCertificate.loadOrCreate(dir);
        assertThat(again.created()).isFalse();
        assertThat(again.keyMaterial().certificate()).isEqualTo(first.keyMaterial().certificate());
        assertThat(again.spkiPin()).isEqualTo(first.spkiPin());

        // The PEM copies are the same certificate and key, usable by other tools.
        KeyMaterial pem = KeyMaterial.fromPem(first.certificatePem(), first.privateKeyPem());
        assertThat(pem.certificate()).isEqualTo(first.keyMaterial().certificate());

        Files.delete(first.certificatePem());
        assertThat(DevCertificate.loadOrCreate(dir).certificatePem()).exists(); // restored from the store
    }

    @Test
    void instructionsNameThePinAndTheFiles() throws Exception {
        DevCertificate c = DevCertificate.loadOrCreate(home);
        assertThat(c.trustInstructions())
                .contains("--ignore-certificate-errors-spki-list=" + c.spkiPin())
                .contains("curl --cacert " + c.certificatePem())
                .contains("update-ca-certificates");
        assertThat(c.keyMaterial().certificate().getSubjectX500Principal().getName())
                .isEqualTo("CN=localhost,O=Peregrine development certificate");
    }

    @Test
    void readyOptionsServeTls() throws Exception {
        DevCertificate c = DevCertificate.loadOrCreate(home);
        try (TestServer server = TestServer.start(c.tlsOptions(), TestServer.ECHO);
                SSLSocket s = connect(TlsTesting.clientTrusting(c.keyMaterial().certificate()), server.port(), p -> {
                    p.setEndpointIdentificationAlgorithm("HTTPS"); // the JDK checks 127.0.0.1 against the SAN
                })) {
            assertThat(roundTrip(s, "dev")).isEqualTo("dev");
        }
    }

    @Test
    void defaultDirectoryFollowsXdg() {
        Path d = DevCertificate.defaultDirectory();
        assertThat(d.getFileName().toString()).isEqualTo("peregrine");
        String xdg = System.getenv("XDG_CONFIG_HOME");
        if (xdg == null || xdg.isBlank()) {
            assertThat(d).isEqualTo(Path.of(System.getProperty("user.home"), ".config", "peregrine"));
        } else {
            assertThat(d).isEqualTo(Path.of(xdg, "peregrine"));
        }
        assertThat(List.of(d)).isNotEmpty();
    }
}
