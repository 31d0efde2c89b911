package dev.peregrine.tls;

import static dev.peregrine.tls.TlsTesting.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.peregrine.tls.TlsHandshakeException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OpenSSL's s_client and curl against the middleware — clients nobody here wrote. Skipped where not installed. */
class ExternalClientsTest {

    private static final String REQUEST = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";

    @TempDir
    Path dir;

    static boolean installed(String tool) {
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && (p.exitValue() == 0 || tool.equals("openssl"));
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static String run(String stdin, String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.US_ASCII));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("finished: %s", String.join(" ", command)).isTrue();
        return out;
    }

    static List<String> sClient(int port, String... extra) {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-ign_eof"));
        cmd.addAll(List.of(extra));
        return cmd;
    }

    static TlsOptions sniOptions(SelfSignedCertificate fallback, SelfSignedCertificate api) {
        return TlsOptions.builder()
                .certificate(CertificateSource.of(fallback.keyMaterial()))
                .serverName("api.example.test", CertificateSource.of(api.keyMaterial()))
                .applicationProtocols("h2", "http/1.1")
                .build();
    }

    @Test
    void opensslNegotiatesAlpnAndSni() throws Exception {
        assumeTrue(installed("openssl"), "openssl not installed");
        SelfSignedCertificate fallback = TlsTesting.serverCert("default.test", "default.test");
        SelfSignedCertificate api = TlsTesting.serverCert("api.example.test", "api.example.test");
        try (TestServer server = TestServer.start(sniOptions(fallback, api), TestServer.HTTP_INFO)) {
            String out = run(REQUEST, sClient(server.port(), "-servername", "api.example.test", "-alpn", "http/1.1").toArray(String[]::new));
            assertThat(out).contains("ALPN protocol: http/1.1").contains("CN = api.example.test").contains("TLSv1.3")
                    .contains("HTTP/1.1 200 OK").contains("sni=api.example.test").contains("alpn=http/1.1");

            out = run(REQUEST, sClient(server.port(), "-servername", "other.test", "-alpn", "h2,http/1.1", "-tls1_2")
                    .toArray(String[]::new));
            assertThat(out).contains("ALPN protocol: h2").contains("CN = default.test").contains("Protocol  : TLSv1.2")
                    .containsPattern("Cipher is ECDHE-ECDSA-(AES128-GCM|AES256-GCM|CHACHA20)");
        }
    }

    @Test
    void opensslResumesOnlyUnderTheSameName() throws Exception {
        assumeTrue(installed("openssl"), "openssl not installed");
        SelfSignedCertificate fallback = TlsTesting.serverCert("default.test", "default.test");
        SelfSignedCertificate api = TlsTesting.serverCert("api.example.test", "api.example.test");
        try (TestServer server = TestServer.start(sniOptions(fallback, api), TestServer.HTTP_INFO)) {
            for (String version : List.of("-tls1_3", "-tls1_2")) {
                String session = dir.resolve("session" + version + ".pem").toString();
                String name = version.equals("-tls1_3") ? "TLSv1.3" : "TLSv1.2";
                String first = run(REQUEST, sClient(server.port(), version, "-servername", "api.example.test", "-sess_out", session)
                        .toArray(String[]::new));
                assertThat(first).contains("New, " + name);
                String same = run(REQUEST, sClient(server.port(), version, "-servername", "api.example.test", "-sess_in", session)
                        .toArray(String[]::new));
                assertThat(same).as(name).contains("Reused, " + name).contains("sni=api.example.test");
                // Offering api's session for another name must not resume it: each certificate has its own session state.
                String other = run(REQUEST, sClient(server.port(), version, "-servername", "other.test", "-sess_in", session)
                        .toArray(String[]::new));
                assertThat(other).as(name).contains("New, " + name).contains("CN = default.test").contains("sni=other.test");
            }
        }
    }

    @Test
    void opensslTls11IsRefused() throws Exception {
        assumeTrue(installed("openssl"), "openssl not installed");
        SelfSignedCertificate cert = TlsTesting.serverCert("localhost", "localhost");
        try (TestServer server = TestServer.start(TlsOptions.builder().certificate(CertificateSource.of(cert.keyMaterial())).build(),
                TestServer.HTTP_INFO)) {
            String out = run("", sClient(server.port(), "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0").toArray(String[]::new));
            assertThat(out).doesNotContain("HTTP/1.1 200");
            await("counted", () -> server.middleware.stats().failures(Reason.PROTOCOL_VERSION) == 1);
        }
    }

    @Test
    void opensslWrittenKeysLoad() throws Exception {
        assumeTrue(installed("openssl"), "openssl not installed");
        Path ecKey = dir.resolve("ec.key");
        Path cert = dir.resolve("ec.crt");
        // SEC1 "EC PRIVATE KEY" with an "EC PARAMETERS" block in front, as ecparam -genkey writes it.
        run("", "openssl", "ecparam", "-name", "prime256v1", "-genkey", "-out", ecKey.toString());
        run("", "openssl", "req", "-new", "-x509", "-key", ecKey.toString(), "-subj", "/CN=openssl.test", "-days", "2",
                "-out", cert.toString());
        assertThat(Files.readString(ecKey)).contains("BEGIN EC PRIVATE KEY");
        assertThat(CertificateSource.pem(cert, ecKey).load().certificate().getSubjectX500Principal().getName())
                .isEqualTo("CN=openssl.test");

        Path encrypted = dir.resolve("enc.key");
        run("", "openssl", "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", ecKey.toString(), "-out", encrypted.toString(),
                "-passout", "pass:s3cret");
        assertThat(Files.readString(encrypted)).contains("BEGIN ENCRYPTED PRIVATE KEY");
        assertThat(CertificateSource.pem(cert, encrypted, "s3cret".toCharArray()).load().chain()).hasSize(1);

        Path rsaKey = dir.resolve("rsa.key");
        Path rsaCert = dir.resolve("rsa.crt");
        run("", "openssl", "req", "-new", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", rsaKey.toString(),
                "-subj", "/CN=rsa.openssl.test", "-days", "2", "-out", rsaCert.toString());
        assertThat(CertificateSource.pem(rsaCert, rsaKey).load().privateKey().getAlgorithm()).isEqualTo("RSA");
    }

    @Test
    void curlTrustsTheDevCertificateAndGetsTheHttpsHintOverPlainHttp() throws Exception {
        assumeTrue(installed("curl"), "curl not installed");
        DevCertificate dev = DevCertificate.loadOrCreate(dir.resolve("peregrine"));
        // The test server answers in HTTP/1.1 text, so it offers only that by ALPN.
        try (TestServer server = TestServer.start(dev.tlsOptions().toBuilder().applicationProtocols("http/1.1").build(),
                TestServer.HTTP_INFO)) {
            int port = server.port();
            String pem = dev.certificatePem().toString();
            // Verified against the SAN: by IP, and by name (resolved to the loopback address the test binds).
            assertThat(run("", "curl", "-sS", "--cacert", pem, "https://127.0.0.1:" + port + "/"))
                    .contains("protocol=TLSv1.3").contains("alpn=http/1.1");
            assertThat(run("", "curl", "-sS", "--cacert", pem, "--resolve", "localhost:" + port + ":127.0.0.1",
                    "https://localhost:" + port + "/")).contains("sni=localhost");
            assertThat(run("", "curl", "-sS", "-i", "http://127.0.0.1:" + port + "/"))
                    .startsWith("HTTP/1.1 400").contains("This port speaks HTTPS");
        }
    }
}
