package dev.peregrine.e2e.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.peregrine.api.Router;
import dev.peregrine.server.Server;
import dev.peregrine.tls.CertificateSource;
import dev.peregrine.tls.KeyMaterial;
import dev.peregrine.tls.SelfSignedCertificate;
import dev.peregrine.tls.TlsHandshakeException.Reason;
import dev.peregrine.tls.TlsOptions;
import dev.peregrine.tls.TrustSource;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * curl and {@code openssl s_client} against a real {@link Server} — TLS clients nobody here wrote.
 * Each test is skipped where its tool is not installed. curl may be set up to use a proxy in some
 * environments: every call passes {@code --noproxy '*'}.
 */
@Timeout(120)
class HttpsExternalClientsTest {

    static final String ALPHA = "alpha.test";

    @TempDir
    static Path dir;

    static SelfSignedCertificate localhost;
    static SelfSignedCertificate alpha;
    static TestCa clientCa;
    static Path caPem;
    static Server server;
    static Server mutualTls;

    @BeforeAll
    static void start() throws Exception {
        localhost = Tls.serverCert("localhost", "localhost");
        alpha = Tls.serverCert(ALPHA, ALPHA);
        // One file with both certificates: what curl and openssl are told to trust.
        caPem = dir.resolve("trusted.pem");
        Files.writeString(caPem, localhost.certificatePem() + alpha.certificatePem());
        Router router = Router.builder()
                .get("/", Tls.DESCRIBE)
                .post("/echo", (req, res) -> {
                    try (InputStream in = req.body(); OutputStream out = res.body()) {
                        in.transferTo(out);
                    }
                })
                .build();
        server = Tls.start(TlsOptions.builder()
                .certificate(CertificateSource.of(localhost.keyMaterial()))
                .serverName(ALPHA, CertificateSource.of(alpha.keyMaterial()))
                .build(), router);

        clientCa = TestCa.create("Client CA");
        mutualTls = Tls.start(TlsOptions.builder()
                .certificate(CertificateSource.of(localhost.keyMaterial()))
                .clientAuth(TlsOptions.ClientAuth.REQUIRED, TrustSource.of(clientCa.certificate()))
                .build(), Tls.DESCRIBE);
    }

    @AfterAll
    static void stop() {
        Tls.stop(server);
        Tls.stop(mutualTls);
    }

    /** curl trusting {@link #caPem}, reaching {@code host} at 127.0.0.1, for {@code https://host:port/path}. */
    static List<String> curl(int port, String host, String path, String... extra) {
        List<String> cmd = Tls.command("curl", "-sS", "--noproxy", "*", "--max-time", String.valueOf(Tls.WAIT.toSeconds()),
                "--cacert", caPem.toString(), "--resolve", host + ":" + port + ":127.0.0.1");
        cmd.addAll(List.of(extra));
        cmd.add("https://" + host + ":" + port + path);
        return cmd;
    }

    static List<String> sClient(int port, String... extra) {
        List<String> cmd = Tls.command("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-ign_eof");
        cmd.addAll(List.of(extra));
        return cmd;
    }

    static String request(String host) {
        return "GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
    }

    @Test
    void curlVerifiesTheCertificateAndNegotiatesH2ByAlpn() throws Exception {
        assumeTrue(Tls.installed("curl"), "curl is not installed");
        Tls.Run r = Tls.run("", curl(server.securePort(), "localhost", "/", "-v"));
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output())
                .containsPattern("ALPN[:,] server accepted (to use )?h2")
                .contains("SSL certificate verify ok")
                .contains("scheme=https")
                .contains("alpn=h2")
                .contains("sni=localhost");
    }

    @Test
    void curlAskingForHttp11GetsItByAlpn() throws Exception {
        assumeTrue(Tls.installed("curl"), "curl is not installed");
        Tls.Run r = Tls.run("", curl(server.securePort(), "localhost", "/", "-v", "--http1.1"));
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).containsPattern("ALPN[:,] server accepted (to use )?http/1.1").contains("alpn=http/1.1");
    }

    @Test
    void curlSendsSniAndGetsTheNamedCertificate() throws Exception {
        assumeTrue(Tls.installed("curl"), "curl is not installed");
        Tls.Run r = Tls.run("", curl(server.securePort(), ALPHA, "/", "-v"));
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).containsPattern("subject: CN ?= ?alpha.test").contains("sni=alpha.test");
    }

    @Test
    void curlPostsABodyThatIsEchoedBack() throws Exception {
        assumeTrue(Tls.installed("curl"), "curl is not installed");
        String body = "0123456789abcdef".repeat(64 * 1024); // 1 MiB: many TLS records each way
        Path file = dir.resolve("upload.txt");
        Files.writeString(file, body);
        Tls.Run r = Tls.run("", curl(server.securePort(), "localhost", "/echo", "--data-binary", "@" + file));
        assertThat(r.exitCode()).isZero();
        assertThat(r.output()).hasSize(body.length()).isEqualTo(body);
    }

    @Test
    void curlRefusesACertificateItDoesNotTrust() throws Exception {
        assumeTrue(Tls.installed("curl"), "curl is not installed");
        long before = server.tls().stats().handshakesFailed();
        long tlsErrors = server.tls().stats().failures(Reason.TLS_ERROR);
        Tls.Run r = Tls.run("", Tls.command("curl", "-sS", "--noproxy", "*", "--max-time", "20",
                "--resolve", "localhost:" + server.securePort() + ":127.0.0.1",
                "https://localhost:" + server.securePort() + "/")); // the system's CAs only
        assertThat(r.exitCode()).isEqualTo(60); // CURLE_PEER_FAILED_VERIFICATION
        Tls.await("the client's alert counted", () -> server.tls().stats().handshakesFailed() == before + 1);
        assertThat(server.tls().stats().failures(Reason.TLS_ERROR)).isEqualTo(tlsErrors + 1); // its "unknown CA" alert
    }

    @Test
    void curlWithAndWithoutAClientCertificate() throws Exception {
        assumeTrue(Tls.installed("curl"), "curl is not installed");
        KeyMaterial carol = clientCa.issue(SelfSignedCertificate.Spec.client("carol"));
        Path cert = dir.resolve("carol.pem");
        Path key = dir.resolve("carol-key.pem");
        Files.writeString(cert, carol.certificatePem());
        Files.writeString(key, carol.privateKeyPem());

        Tls.Run ok = Tls.run("", curl(mutualTls.securePort(), "localhost", "/", "--cert", cert.toString(), "--key", key.toString()));
        assertThat(ok.exitCode()).as(ok.output()).isZero();
        assertThat(ok.output()).contains("peers=CN=carol");

        long refusedBefore = mutualTls.tls().stats().failures(Reason.CLIENT_CERTIFICATE);
        Tls.Run refused = Tls.run("", curl(mutualTls.securePort(), "localhost", "/"));
        assertThat(refused.exitCode()).as(refused.output()).isNotZero();
        assertThat(refused.output()).doesNotContain("scheme=https");
        Tls.await("counted", () -> mutualTls.tls().stats().failures(Reason.CLIENT_CERTIFICATE) == refusedBefore + 1);
    }

    @Test
    void opensslShowsAlpnAndTheCertificateSniSelected() throws Exception {
        assumeTrue(Tls.installed("openssl"), "openssl is not installed");
        Tls.Run named = Tls.run(request(ALPHA), sClient(server.securePort(), "-alpn", "http/1.1", "-servername", ALPHA,
                "-CAfile", caPem.toString(), "-verify_return_error"));
        assertThat(named.output())
                .contains("ALPN protocol: http/1.1")
                .containsPattern("subject=CN ?= ?alpha.test")
                .contains("Verify return code: 0 (ok)")
                .contains("HTTP/1.1 200 OK")
                .contains("sni=alpha.test")
                .contains("alpn=http/1.1");

        Tls.Run other = Tls.run(request("localhost"), sClient(server.securePort(), "-alpn", "http/1.1",
                "-servername", "localhost", "-tls1_2"));
        assertThat(other.output())
                .containsPattern("subject=CN ?= ?localhost")
                .contains("Protocol  : TLSv1.2")
                .contains("sni=localhost")
                .contains("protocol=TLSv1.2");
    }

    @Test
    void opensslOfferingOnlyAnUnservedProtocolIsRefusedWithNoApplicationProtocol() throws Exception {
        assumeTrue(Tls.installed("openssl"), "openssl is not installed");
        long before = server.tls().stats().failures(Reason.NO_APPLICATION_PROTOCOL);
        Tls.Run r = Tls.run("", sClient(server.securePort(), "-alpn", "spdy/3.1", "-servername", "localhost"));
        assertThat(r.output()).containsIgnoringCase("no application protocol").doesNotContain("HTTP/1.1");
        Tls.await("counted", () -> server.tls().stats().failures(Reason.NO_APPLICATION_PROTOCOL) == before + 1);
    }

    @Test
    void opensslPresentingAClientCertificateIsShownTheChain() throws Exception {
        assumeTrue(Tls.installed("openssl"), "openssl is not installed");
        KeyMaterial dave = clientCa.issue(SelfSignedCertificate.Spec.client("dave"));
        Path cert = dir.resolve("dave-chain.pem");
        Path key = dir.resolve("dave-key.pem");
        Files.writeString(cert, dave.certificatePem()); // leaf then CA
        Files.writeString(key, dave.privateKeyPem());
        Tls.Run r = Tls.run(request("localhost"), sClient(mutualTls.securePort(), "-servername", "localhost",
                "-cert", cert.toString(), "-key", key.toString()));
        assertThat(r.output()).contains("HTTP/1.1 200 OK").contains("peers=CN=dave");
    }
}
