package dev.peregrine.e2e.h3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.http3.Http3;
import dev.peregrine.http3.Http3Options;
import dev.peregrine.server.Server;
import dev.peregrine.tls.CertificateSource;
import dev.peregrine.tls.SelfSignedCertificate;
import dev.peregrine.tls.TlsOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Renewed certificate files reach new HTTP/3 connections, as they do the TLS listener's. */
class CertificateReloadH3Test {

    @TempDir
    Path dir;

    private static SelfSignedCertificate cert(String cn) throws Exception {
        return SelfSignedCertificate.generate(SelfSignedCertificate.Spec.server(cn, List.of("localhost"),
                List.of(InetAddress.getByName("127.0.0.1"))));
    }

    private static Certificate peer(int port) throws Exception {
        try (NettyH3Client client = new NettyH3Client(port)) {
            assertThat(client.get("/").get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            return client.quic().sslEngine().getSession().getPeerCertificates()[0];
        }
    }

    @Test
    void newConnectionsGetTheRenewedCertificate() throws Exception {
        SelfSignedCertificate first = cert("first");
        SelfSignedCertificate second = cert("second");
        Path chain = Files.writeString(dir.resolve("cert.pem"), first.certificatePem());
        Path key = Files.writeString(dir.resolve("key.pem"), first.privateKeyPem());
        TlsOptions tls = TlsOptions.builder().certificate(CertificateSource.pem(chain, key)).watchFiles(true).build();
        Server server = Server.builder()
                .listen(Http3.on(new InetSocketAddress("127.0.0.1", 0), tls, Http3Options.defaults()))
                .handler((req, res) -> res.body().write("ok".getBytes()))
                .start();
        try {
            int port = H3Server.h3Port(server);
            assertThat(peer(port)).isEqualTo(first.certificate());
            Files.writeString(chain, second.certificatePem());
            Files.writeString(key, second.privateKeyPem());
            FileTime later = FileTime.from(Instant.now().plusSeconds(5));
            Files.setLastModifiedTime(chain, later);
            Files.setLastModifiedTime(key, later);
            // The watch polls once a second: ask new connections until one shows the new certificate.
            Certificate seen = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (System.nanoTime() < deadline) {
                seen = peer(port);
                if (seen.equals(second.certificate())) {
                    break;
                }
                Thread.sleep(200);
            }
            assertThat(seen).isEqualTo(second.certificate());
        } finally {
            server.stop(Duration.ofSeconds(2));
        }
    }
}
