package dev.peregrine.e2e.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.Router;
import dev.peregrine.server.Server;
import dev.peregrine.tls.CertificateSource;
import dev.peregrine.tls.SelfSignedCertificate;
import dev.peregrine.tls.TlsOptions;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HTTPS through a real {@link Server} with the JDK {@link HttpClient} over HTTP/1.1, trusting only
 * the test's certificate: requests and bodies both ways, streamed, across many TLS records.
 */
@Timeout(60)
class HttpsClientTest {

    private static final int UPLOAD_BYTES = 3 * 1024 * 1024; // ~190 TLS records of 16 KiB
    private static final int DOWNLOAD_CHUNKS = 200;

    private static SelfSignedCertificate cert;
    private static Server server;
    private static HttpClient client;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        cert = Tls.serverCert("localhost", "localhost");
        Router router = Router.builder()
                .get("/", Tls.DESCRIBE)
                .post("/echo", (req, res) -> {
                    try (InputStream in = req.body(); OutputStream out = res.body()) {
                        in.transferTo(out); // streamed both ways: neither side holds the whole body
                    }
                })
                .post("/sum", (req, res) -> {
                    CRC32 crc = new CRC32();
                    long count = 0;
                    byte[] buf = new byte[8192];
                    try (InputStream in = req.body()) {
                        for (int n; (n = in.read(buf)) >= 0; ) {
                            crc.update(buf, 0, n);
                            count += n;
                        }
                    }
                    res.send("bytes=" + count + " crc=" + crc.getValue() + " length=" + req.contentLength());
                })
                .get("/chunks", (req, res) -> {
                    OutputStream out = res.body();
                    for (int i = 0; i < DOWNLOAD_CHUNKS; i++) {
                        out.write(("chunk " + i + " " + "x".repeat(1000) + "\n").getBytes(StandardCharsets.US_ASCII));
                        out.flush(); // each flush leaves as its own chunk, in its own TLS record(s)
                    }
                })
                .build();
        TlsOptions tls = TlsOptions.builder().certificate(CertificateSource.of(cert.keyMaterial())).build();
        server = Tls.start(tls, router);
        client = Tls.client(Tls.trusting(cert.certificate()));
        base = "https://localhost:" + server.securePort();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        Tls.stop(server);
    }

    @Test
    void getSeesTheTlsFactsOfTheConnection() throws Exception {
        HttpResponse<String> r = Tls.get(client, base + "/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(Tls.peerLeaf(r)).isEqualTo(cert.certificate());
        String body = r.body();
        assertThat(Tls.field(body, "scheme")).isEqualTo("https");
        assertThat(Tls.field(body, "secure")).isEqualTo("true");
        assertThat(Tls.field(body, "protocol")).isEqualTo("TLSv1.3");
        assertThat(Tls.field(body, "cipher")).startsWith("TLS_");
        assertThat(Tls.field(body, "sni")).isEqualTo("localhost");
        assertThat(Tls.field(body, "peers")).isEmpty();
        assertThat(r.sslSession().orElseThrow().getProtocol()).isEqualTo("TLSv1.3");

        // The plain listener of the same server: no TLS facts.
        HttpResponse<String> plain = Tls.get(client, "http://127.0.0.1:" + server.port() + "/");
        assertThat(Tls.field(plain.body(), "scheme")).isEqualTo("http");
        assertThat(Tls.field(plain.body(), "secure")).isEqualTo("false");
        assertThat(plain.body()).doesNotContain("protocol=");
    }

    @Test
    void postWithAKnownLength() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/echo"))
                .timeout(Tls.WAIT).POST(BodyPublishers.ofString("hello over tls")).build(), BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("hello over tls");
    }

    @Test
    void largeStreamedUploadWithoutALengthArrivesIntact() throws Exception {
        byte[] chunk = new byte[8192];
        CRC32 expected = new CRC32();
        List<byte[]> chunks = new ArrayList<>();
        for (int i = 0; i < UPLOAD_BYTES / chunk.length; i++) {
            byte[] c = chunk.clone();
            for (int j = 0; j < c.length; j++) {
                c[j] = (byte) ('a' + (i * 31 + j) % 26);
            }
            expected.update(c);
            chunks.add(c);
        }
        Iterable<byte[]> source = () -> {
            Iterator<byte[]> it = chunks.iterator();
            return it;
        };
        // ofByteArrays has no length: HttpClient sends it chunked, so the server reads a streamed chunked body.
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/sum"))
                .timeout(Tls.WAIT).POST(BodyPublishers.ofByteArrays(source)).build(), BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("bytes=" + UPLOAD_BYTES + " crc=" + expected.getValue() + " length=-1");
    }

    @Test
    void largeEchoStreamsBothWays() throws Exception {
        byte[] body = new byte[1024 * 1024 + 17]; // not a multiple of the record size
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 7 + (i >>> 10));
        }
        HttpResponse<byte[]> r = client.send(HttpRequest.newBuilder(URI.create(base + "/echo"))
                .timeout(Tls.WAIT).POST(BodyPublishers.ofByteArray(body)).build(), BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(body);
    }

    @Test
    void streamedResponseArrivesChunkByChunk() throws Exception {
        HttpResponse<java.util.stream.Stream<String>> r = client.send(HttpRequest.newBuilder(URI.create(base + "/chunks"))
                .timeout(Tls.WAIT).build(), BodyHandlers.ofLines());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("transfer-encoding")).hasValue("chunked");
        List<String> lines = r.body().toList();
        assertThat(lines).hasSize(DOWNLOAD_CHUNKS);
        assertThat(lines.getFirst()).startsWith("chunk 0 x");
        assertThat(lines.getLast()).startsWith("chunk " + (DOWNLOAD_CHUNKS - 1) + " x");
    }

    @Test
    void keepAliveReusesOneTlsConnection() throws Exception {
        try (HttpClient own = Tls.client(Tls.trusting(cert.certificate()))) {
            long before = server.tls().stats().handshakesCompleted();
            String first = Tls.field(Tls.get(own, base + "/").body(), "remote");
            for (int i = 0; i < 5; i++) {
                assertThat(Tls.field(Tls.get(own, base + "/").body(), "remote")).isEqualTo(first);
            }
            assertThat(server.tls().stats().handshakesCompleted()).isEqualTo(before + 1); // six requests, one handshake
        }
    }

    @Test
    void headGetsNoBodyOverTls() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/"))
                .timeout(Tls.WAIT).method("HEAD", BodyPublishers.noBody()).build(), BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        // And the connection goes on: the next request on it works.
        assertThat(Tls.get(client, base + "/").statusCode()).isEqualTo(200);
    }
}
