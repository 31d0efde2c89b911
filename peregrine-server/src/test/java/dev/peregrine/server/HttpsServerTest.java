package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.tls.CertificateSource;
import dev.peregrine.tls.SelfSignedCertificate;
import dev.peregrine.tls.TlsOptions;
import dev.peregrine.transport.Endpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTPS listeners end to end with the JDK HttpClient: TLS facts reach the handler, idle TLS connections park. */
class HttpsServerTest {

    private Server server;
    private HttpClient client;

    @BeforeEach
    void start() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.forLocalhost();
        TlsOptions tls = TlsOptions.builder().certificate(CertificateSource.of(cert.keyMaterial())).build();
        server = Server.builder()
                .listen(Endpoint.tcp("127.0.0.1", 0))
                .listen(Endpoint.tcp("127.0.0.1", 0), tls)
                .handler((req, res) -> res.send(req.scheme() + " " + (req.tls() == null ? "-"
                        : req.tls().protocol() + " " + req.tls().applicationProtocol())))
                .options(ServerOptions.builder().idleParkDelay(Duration.ofMillis(50)).idleParkMinConnections(0).build())
                .start();
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("localhost", cert.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        client = HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.stop(Duration.ofSeconds(5));
    }

    private String get(String url) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    @Test
    void theHandlerSeesTlsOnTheSecureListenerOnly() throws Exception {
        // HttpClient pinned to HTTP/1.1 offers no ALPN, so the negotiated protocol is null (RFC 7301 §3.1).
        assertThat(get("https://localhost:" + server.securePort() + "/")).isEqualTo("https TLSv1.3 null");
        assertThat(get("http://localhost:" + server.port() + "/")).isEqualTo("http -");
        assertThat(server.tls().stats().handshakesCompleted()).isEqualTo(1);
    }

    @Test
    void anIdleTlsConnectionParksAndServesItsNextRequest() throws Exception {
        String url = "https://localhost:" + server.securePort() + "/";
        // Counted before the request: the connection may park within the 50 ms delay, before this thread looks again.
        long parksBefore = server.metrics().parks();
        assertThat(get(url)).startsWith("https");
        // Bounded wait until the TLS connection idles past the park delay and parks without its thread.
        for (int i = 0; server.metrics().parks() == parksBefore; i++) {
            assertThat(i).as("the TLS connection never parked").isLessThan(1000);
            Thread.sleep(10);
        }
        assertThat(get(url)).startsWith("https");
        assertThat(server.tls().stats().handshakesCompleted()).isEqualTo(1); // the same connection was reused
    }
}
