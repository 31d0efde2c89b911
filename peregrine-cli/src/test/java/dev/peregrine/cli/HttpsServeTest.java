package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.tls.SelfSignedCertificate;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code peregrine serve} with HTTPS: on by default with the development certificate (kept in a
 * temporary directory here, never the user's), or a PEM pair, or a keystore; both loopbacks; the
 * start-up failures a user can cause.
 */
class HttpsServeTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final PrintStream NOWHERE = new PrintStream(OutputStream.nullOutputStream());

    @TempDir
    Path tmp;

    private static FileServer start(String... args) throws Exception {
        Command c = Command.parse(args);
        assertThat(c).isInstanceOf(Command.Serve.class);
        return FileServer.start((Command.Serve) c, NOWHERE);
    }

    private static HttpResponse<String> get(SSLContext ssl, String url) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(ssl)
                .connectTimeout(WAIT).build()) {
            return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(WAIT).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void httpsIsOnByDefaultWithTheDevelopmentCertificateCreatedOnFirstUse() throws Exception {
        Path certs = tmp.resolve("certs");
        X509Certificate created;
        try (FileServer server = start("serve", "--port", "0", "--https-port", "0", "--cert-dir", certs.toString(), "--quiet")) {
            int http = server.port();
            int https = server.securePort();
            assertThat(https).isNotEqualTo(http);
            assertThat(server.banner()).containsExactly(
                    "Serving the built-in demo page on http://localhost:" + http + "/",
                    "Serving the built-in demo page on https://localhost:" + https + "/",
                    "HTTP/3 on UDP port " + https + " (QUIC; HTTPS responses advertise it with Alt-Svc)",
                    "Created the development certificate " + certs.resolve("localhost.pem")
                            + " (`peregrine dev-cert --dir " + certs + "` shows how to trust it)");
            assertThat(server.secureUrl()).isEqualTo("https://localhost:" + https + "/");

            // A client that trusts the certificate the command wrote, as `curl --cacert` would.
            SSLContext trust = DevCertTesting.trusting(certs.resolve("localhost.pem"));
            HttpResponse<String> page = get(trust, server.secureUrl());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("Peregrine");
            created = (X509Certificate) page.sslSession().orElseThrow().getPeerCertificates()[0];
            assertThat(created).isEqualTo(DevCertTesting.certificates(certs.resolve("localhost.pem")).getFirst());
            // By address too: the certificate names 127.0.0.1 (and ::1).
            assertThat(get(trust, "https://127.0.0.1:" + https + "/").statusCode()).isEqualTo(200);
            // The plain listener goes on as before.
            assertThat(get(trust, server.url()).statusCode()).isEqualTo(200);
        }

        // Second start: the same certificate, and the note says it is reused.
        try (FileServer again = start("serve", "--port", "0", "--https-port", "0", "--cert-dir", certs.toString(), "--quiet")) {
            assertThat(again.banner().getLast()).startsWith("HTTPS uses the development certificate " + certs.resolve("localhost.pem"));
            HttpResponse<String> page = get(DevCertTesting.trusting(certs.resolve("localhost.pem")), again.secureUrl());
            assertThat(page.sslSession().orElseThrow().getPeerCertificates()[0]).isEqualTo(created);
        }
    }

    private static HttpResponse<String> getH2(SSLContext ssl, String url) throws Exception {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).sslContext(ssl)
                .connectTimeout(WAIT).build()) {
            return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(WAIT).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
    }

    @Test
    void http2IsSpokenOnBothPortsByDefault_h2ByAlpnAndH2cByUpgrade() throws Exception {
        Path certs = tmp.resolve("certs");
        try (FileServer server = start("serve", "--port", "0", "--https-port", "0", "--cert-dir", certs.toString(), "--quiet")) {
            SSLContext trust = DevCertTesting.trusting(certs.resolve("localhost.pem"));
            HttpResponse<String> secure = getH2(trust, server.secureUrl());
            assertThat(secure.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(secure.sslSession().orElseThrow().getProtocol()).startsWith("TLS");
            assertThat(secure.body()).contains("Peregrine");
            HttpResponse<String> plain = getH2(trust, server.url());
            assertThat(plain.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(plain.body()).contains("Peregrine");
        }
    }

    @Test
    void http3IsServedOnTheHttpsPortNumberAndAdvertised() throws Exception {
        Path certs = tmp.resolve("certs");
        Path dir = Files.createDirectory(tmp.resolve("site"));
        Files.writeString(dir.resolve("a.txt"), "over quic");
        try (FileServer server = start("serve", dir.toString(), "--port", "0", "--https-port", "0", "--cert-dir",
                certs.toString(), "--quiet")) {
            try (var h3 = new dev.peregrine.e2e.h3.NettyH3Client(server.securePort())) {
                var r = h3.get("/a.txt").get(20, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.text()).isEqualTo("over quic");
            }
            SSLContext trust = DevCertTesting.trusting(certs.resolve("localhost.pem"));
            assertThat(getH2(trust, server.secureUrl()).headers().firstValue("alt-svc"))
                    .hasValue("h3=\":" + server.securePort() + "\"; ma=86400");
        }
    }

    @Test
    void noHttp3MeansNoUdpListenerAndNoAltSvc() throws Exception {
        Path certs = tmp.resolve("certs");
        try (FileServer server = start("serve", "--port", "0", "--https-port", "0", "--cert-dir", certs.toString(),
                "--quiet", "--no-http3")) {
            assertThat(server.banner()).noneMatch(line -> line.contains("HTTP/3"));
            SSLContext trust = DevCertTesting.trusting(certs.resolve("localhost.pem"));
            assertThat(getH2(trust, server.secureUrl()).headers().firstValue("alt-svc")).isEmpty();
        }
    }

    @Test
    void noHttp2ServesHttp11OnBothPorts() throws Exception {
        Path certs = tmp.resolve("certs");
        try (FileServer server = start("serve", "--port", "0", "--https-port", "0", "--cert-dir", certs.toString(),
                "--quiet", "--no-http2")) {
            SSLContext trust = DevCertTesting.trusting(certs.resolve("localhost.pem"));
            assertThat(getH2(trust, server.secureUrl()).version()).isEqualTo(HttpClient.Version.HTTP_1_1);
            assertThat(getH2(trust, server.url()).version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        }
    }

    @Test
    void httpsOnLocalhostBindsBothLoopbacksOnOnePort() throws Exception {
        Path certs = tmp.resolve("certs");
        try (FileServer server = start("serve", "--port", "0", "--https-port", "0", "--cert-dir", certs.toString(), "--quiet")) {
            int https = server.securePort();
            List<InetSocketAddress> secure = server.localAddresses().stream().map(a -> (InetSocketAddress) a)
                    .filter(a -> a.getPort() == https).toList();
            assertThat(secure).isNotEmpty().allSatisfy(a -> assertThat(a.getAddress().isLoopbackAddress()).isTrue());
            SSLContext trust = DevCertTesting.trusting(certs.resolve("localhost.pem"));
            for (InetSocketAddress address : secure) {
                try (SSLSocket s = (SSLSocket) trust.getSocketFactory().createSocket(address.getAddress(), https)) {
                    s.setSoTimeout((int) WAIT.toMillis());
                    var p = s.getSSLParameters();
                    p.setEndpointIdentificationAlgorithm("HTTPS"); // the address must be in the certificate
                    s.setSSLParameters(p);
                    s.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                    assertThat(answer).as(address.toString()).startsWith("HTTP/1.1 200");
                }
            }
            boolean v6 = secure.stream().anyMatch(a -> a.getAddress() instanceof Inet6Address);
            boolean v6Available;
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("::1"))) {
                v6Available = true;
            } catch (java.io.IOException e) {
                v6Available = false;
            }
            assertThat(v6).isEqualTo(v6Available);
        }
    }

    @Test
    void aPemCertificateAndKey() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.forLocalhost();
        Path chain = Files.writeString(tmp.resolve("site.pem"), cert.certificatePem());
        Path key = Files.writeString(tmp.resolve("site-key.pem"), cert.privateKeyPem());
        try (FileServer server = start("serve", tmp.toString(), "--host", "127.0.0.1", "--port", "0", "--https-port", "0",
                "--cert", chain.toString(), "--key", key.toString(), "--quiet")) {
            assertThat(server.banner()).hasSize(3); // http, https, HTTP/3; no note: not the development certificate
            Files.writeString(tmp.resolve("index.html"), "<p>secure</p>");
            HttpResponse<String> r = get(DevCertTesting.trusting(chain), server.secureUrl());
            assertThat(r.body()).isEqualTo("<p>secure</p>");
            assertThat(r.sslSession().orElseThrow().getPeerCertificates()[0]).isEqualTo(cert.certificate());
        }
    }

    @Test
    void aKeyStoreWithItsPassword() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.forLocalhost();
        Path p12 = tmp.resolve("site.p12");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("site", cert.keyPair().getPrivate(), "s3cret".toCharArray(), new Certificate[] {cert.certificate()});
        try (var out = Files.newOutputStream(p12)) {
            ks.store(out, "s3cret".toCharArray());
        }
        Path pem = Files.writeString(tmp.resolve("trust.pem"), cert.certificatePem());
        try (FileServer server = start("serve", "--host", "127.0.0.1", "--port", "0", "--https-port", "0",
                "--keystore", p12.toString(), "--keystore-password", "s3cret", "--quiet")) {
            HttpResponse<String> r = get(DevCertTesting.trusting(pem), server.secureUrl());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.sslSession().orElseThrow().getPeerCertificates()[0]).isEqualTo(cert.certificate());
        }
        assertThatThrownBy(() -> start("serve", "--host", "127.0.0.1", "--port", "0", "--https-port", "0",
                "--keystore", p12.toString(), "--keystore-password", "wrong", "--quiet"))
                .isInstanceOf(FileServer.CannotStart.class)
                .hasMessageStartingWith("cannot use the certificate " + p12 + ": ");
    }

    @Test
    void noHttpsServesOnlyHttp() throws Exception {
        try (FileServer server = start("serve", "--host", "127.0.0.1", "--port", "0", "--no-https", "--quiet")) {
            assertThat(server.banner()).containsExactly("Serving the built-in demo page on " + server.url());
            assertThat(server.secureUrl()).isNull();
            assertThat(server.localAddresses()).hasSize(1);
        }
    }

    @Test
    void unreadableCertificateFilesExit1WithTheirNames() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path missing = tmp.resolve("missing.pem");
        int code = Main.run(new String[] {"serve", "--port", "0", "--https-port", "0", "--cert", missing.toString(),
                "--key", missing.toString()}, NOWHERE, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("peregrine: cannot use the certificate " + missing + ": ");
    }

    @Test
    void aKeyThatDoesNotMatchTheCertificateIsRefusedAtStart() throws Exception {
        Path chain = Files.writeString(tmp.resolve("a.pem"), SelfSignedCertificate.forLocalhost().certificatePem());
        Path otherKey = Files.writeString(tmp.resolve("b-key.pem"), SelfSignedCertificate.forLocalhost().privateKeyPem());
        assertThatThrownBy(() -> start("serve", "--port", "0", "--https-port", "0", "--cert", chain.toString(),
                "--key", otherKey.toString()))
                .isInstanceOf(FileServer.CannotStart.class)
                .hasMessageStartingWith("cannot use the certificate " + chain + " and " + otherKey + ": ");
    }

    @Test
    void theHttpsPortInUseExits1NamingIt() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int code = Main.run(new String[] {"serve", "--host", "127.0.0.1", "--port", "0",
                    "--https-port", String.valueOf(taken.getLocalPort()), "--cert-dir", tmp.resolve("certs").toString()},
                    NOWHERE, new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(code).isEqualTo(1);
        }
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("peregrine: cannot listen on 127.0.0.1:")
                .contains(" (HTTPS): ")
                .contains("in use");
    }
}
