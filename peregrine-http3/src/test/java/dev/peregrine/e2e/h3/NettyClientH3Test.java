package dev.peregrine.e2e.h3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.Handler;
import dev.peregrine.api.Router;
import dev.peregrine.quic.QuicOptions;
import dev.peregrine.server.Server;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** HTTP/3 end to end over UDP with Netty's HTTP/3 client, an implementation nobody here wrote. */
class NettyClientH3Test {

    private static final int BIG = 100 * 1024 * 1024;
    private static Server server;
    private static byte[] bigDigest;
    /** For /held: each request counts itself in, then waits for the test to let it answer. */
    private static volatile CountDownLatch heldArrived = new CountDownLatch(0);
    private static volatile CountDownLatch heldRelease = new CountDownLatch(0);

    @BeforeAll
    static void start() throws Exception {
        byte[] chunk = new byte[64 * 1024];
        new java.util.Random(3).nextBytes(chunk);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (int off = 0; off < BIG; off += chunk.length) {
            sha.update(chunk);
        }
        bigDigest = sha.digest();
        Handler big = (req, res) -> {
            res.contentLength(BIG);
            OutputStream out = res.body();
            for (int off = 0; off < BIG; off += chunk.length) {
                out.write(chunk);
            }
        };
        Router router = Router.builder()
                .get("/", (req, res) -> {
                    res.headers().set("content-type", "text/html");
                    res.body().write(("<h1>hello " + req.protocol().text() + "</h1>").getBytes(StandardCharsets.UTF_8));
                })
                .get("/big", big)
                .get("/held", (req, res) -> {
                    heldArrived.countDown();
                    if (!heldRelease.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("never released");
                    }
                    res.body().write("held".getBytes(StandardCharsets.UTF_8));
                })
                .post("/echo", (req, res) -> {
                    byte[] body = req.body().readAllBytes();
                    res.headers().set("x-length", String.valueOf(body.length));
                    res.body().write(body);
                })
                .get("/stream", (req, res) -> {
                    for (int i = 0; i < 5; i++) {
                        res.body().write(("part" + i + "\n").getBytes(StandardCharsets.UTF_8));
                        res.body().flush();
                    }
                    res.trailers().set("x-done", "yes");
                })
                .build();
        server = H3Server.start(router);
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ofSeconds(5));
    }

    @Test
    void pageOverHttp3() throws Exception {
        try (NettyH3Client client = new NettyH3Client(H3Server.h3Port(server))) {
            var r = client.get("/").get(10, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo("<h1>hello HTTP/3</h1>");
            assertThat(r.headers()).containsEntry("content-type", "text/html").containsKey("date");
        }
    }

    @Test
    void hundredMebibyteDownloadArrivesIntact() throws Exception {
        try (NettyH3Client client = new NettyH3Client(H3Server.h3Port(server))) {
            var r = client.request("GET", "/big", null, Map.of(), false).get(120, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers()).containsEntry("content-length", String.valueOf(BIG));
            assertThat(r.length()).isEqualTo(BIG);
            assertThat(r.sha256()).isEqualTo(bigDigest);
        }
    }

    @Test
    void uploadIsEchoed() throws Exception {
        byte[] body = new byte[300_000];
        new java.util.Random(5).nextBytes(body);
        try (NettyH3Client client = new NettyH3Client(H3Server.h3Port(server))) {
            var r = client.request("POST", "/echo", body, Map.of("content-length", String.valueOf(body.length)), true)
                    .get(30, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers()).containsEntry("x-length", "300000");
            assertThat(r.body()).isEqualTo(body);
        }
    }

    @Test
    void streamedResponseWithTrailers() throws Exception {
        try (NettyH3Client client = new NettyH3Client(H3Server.h3Port(server))) {
            var r = client.get("/stream").get(10, TimeUnit.SECONDS);
            assertThat(r.text()).isEqualTo("part0\npart1\npart2\npart3\npart4\n");
            assertThat(r.headers()).doesNotContainKey("content-length");
            assertThat(r.trailers()).containsEntry("x-done", "yes");
        }
    }

    @Test
    void manyConcurrentStreamsOnOneConnection() throws Exception {
        try (NettyH3Client client = new NettyH3Client(H3Server.h3Port(server))) {
            // Six rounds of 90 at once: the server allows 100 concurrent streams (QuicOptions), so
            // from the second round on, only streams whose credit came back (RFC 9000 §4.6) can open.
            // Netty's client sends its FIN a packet behind the HEADERS, so the server often answers
            // before it and stops reading (RFC 9114 §4.1.2): each stream quiche failed to free
            // then would be a credit lost for good, and the rounds would stall.
            for (int round = 0; round < 6; round++) {
                List<CompletableFuture<NettyH3Client.Response>> all = new ArrayList<>();
                for (int i = 0; i < 90; i++) {
                    all.add(client.get("/"));
                }
                for (var f : all) {
                    assertThat(f.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
                }
            }
            holdAllowedRequestsOpenAtOnce(client);
        }
    }

    @Test
    void requestsAnsweredBeforeTheirEndGiveTheirStreamCreditBack_rfc9114_4_1_2() throws Exception {
        try (NettyH3Client client = new NettyH3Client(H3Server.h3Port(server))) {
            // The client ends each request only after its response: the server has answered a
            // request it has not read to the end, and stops reading it (RFC 9114 §4.1.2).
            for (int round = 0; round < 6; round++) {
                List<CompletableFuture<NettyH3Client.Response>> all = new ArrayList<>();
                for (int i = 0; i < 90; i++) {
                    all.add(client.getEndingAfterResponse("/"));
                }
                for (var f : all) {
                    assertThat(f.get(30, TimeUnit.SECONDS).status()).isEqualTo(200);
                }
            }
            holdAllowedRequestsOpenAtOnce(client);
        }
    }

    /**
     * As many requests as the server allows at once (100, QuicOptions), all held open in the handler:
     * the last of them get credit only if every stream before them was freed (RFC 9000 §4.6).
     */
    private static void holdAllowedRequestsOpenAtOnce(NettyH3Client client) throws Exception {
        int allowed = (int) QuicOptions.DEFAULTS.maxBidirectionalStreams();
        heldArrived = new CountDownLatch(allowed);
        heldRelease = new CountDownLatch(1);
        List<CompletableFuture<NettyH3Client.Response>> held = new ArrayList<>();
        try {
            for (int i = 0; i < allowed; i++) {
                held.add(client.get("/held"));
            }
            assertThat(heldArrived.await(30, TimeUnit.SECONDS))
                    .as("%d of %d requests open at once", allowed - heldArrived.getCount(), allowed).isTrue();
        } finally {
            heldRelease.countDown();
        }
        for (var f : held) {
            assertThat(f.get(30, TimeUnit.SECONDS).text()).isEqualTo("held");
        }
    }

    @Test
    void httpsResponsesAdvertiseHttp3WithAltSvc_rfc7838() throws Exception {
        HttpClient jdk = HttpClient.newBuilder().sslContext(insecure()).version(HttpClient.Version.HTTP_2).build();
        var r = jdk.send(HttpRequest.newBuilder(URI.create("https://localhost:" + server.securePort() + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.headers().firstValue("alt-svc")).hasValue("h3=\":" + H3Server.h3Port(server) + "\"; ma=86400");
    }

    @Test
    void metricsCountHttp3Connections() throws Exception {
        long before = server.metrics().acceptedConnections();
        try (NettyH3Client client = new NettyH3Client(H3Server.h3Port(server))) {
            assertThat(client.get("/").get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            assertThat(server.metrics().acceptedConnections()).isGreaterThan(before);
        }
    }

    @Test
    void http3RequestsAreRecordedThroughTheSharedExchange() throws Exception {
        Map<String, String> h3Root = Map.of("network.protocol.version", "3", "url.scheme", "https",
                "http.route", "/", "http.response.status_code", "200");
        long before = server.metrics().snapshot().total("http.server.request.duration", h3Root);
        try (NettyH3Client client = new NettyH3Client(H3Server.h3Port(server))) {
            for (int i = 0; i < 3; i++) {
                assertThat(client.get("/").get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (server.metrics().snapshot().total("http.server.request.duration", h3Root) < before + 3
                && System.nanoTime() < deadline) {
            Thread.sleep(20); // the response can arrive a moment before its end is recorded
        }
        var s = server.metrics().snapshot();
        assertThat(s.total("http.server.request.duration", h3Root)).isEqualTo(before + 3);
        assertThat(s.total("peregrine.streams", Map.of("network.protocol.version", "3"))).isGreaterThanOrEqualTo(3);
    }

    static javax.net.ssl.SSLContext insecure() throws Exception {
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) { }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) { }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }}, null);
        return ctx;
    }
}
