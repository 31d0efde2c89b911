package dev.peregrine.e2e.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.api.Router;
import dev.peregrine.server.Http2Options;
import dev.peregrine.server.Server;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpClient.Version;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HTTP/2 against a client nobody here wrote: the JDK {@link HttpClient} asking for HTTP_2, over
 * TLS (ALPN {@code h2}) and on the plain listener (h2c by {@code Upgrade}), plus HTTP/1.1 when
 * that is what the client asks for.
 */
@Timeout(60)
class JdkClientH2Test {

    static final int BIG = 16 * 1024 * 1024;
    static final int CONCURRENT = 200;

    static Server server;
    /** One HTTP/2 client for the TLS listener: its requests share one connection. */
    static HttpClient tls;
    static final AtomicReference<CountDownLatch> barrier = new AtomicReference<>(new CountDownLatch(0));
    static final Set<String> barrierRemotes = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void start() throws Exception {
        Router router = Router.builder()
                .get("/describe", H2.DESCRIBE)
                .get("/hello", (req, res) -> res.send("hello"))
                .get("/no-content", (req, res) -> res.status(204))
                .get("/not-modified", (req, res) -> {
                    res.status(304);
                    res.header("etag", "\"v1\"");
                })
                .get("/download", (req, res) -> {
                    res.header("content-type", "application/octet-stream");
                    H2.writePattern(res.body(), BIG, 7, 10_000); // streamed: no content-length
                })
                .post("/echo", (req, res) -> {
                    try (InputStream in = req.body(); OutputStream out = res.body()) {
                        in.transferTo(out);
                    }
                })
                .post("/upload", (req, res) -> {
                    res.header("x-expect", String.valueOf(req.header("expect")));
                    res.send("bytes=" + req.bodyBytes().length);
                })
                .post("/reject", (req, res) -> res.send(403, "not you"))
                .get("/boom", (req, res) -> {
                    throw new IllegalStateException("boom before the head (expected by the test)");
                })
                .get("/boom-after-head", (req, res) -> {
                    res.body().write("partial".getBytes(StandardCharsets.UTF_8));
                    res.body().flush();
                    throw new IllegalStateException("boom after the head (expected by the test)");
                })
                .get("/barrier", (req, res) -> {
                    // Every request must be in its handler at once: only multiplexing gets them there.
                    barrierRemotes.add(req.remoteAddress().toString());
                    CountDownLatch b = barrier.get();
                    b.countDown();
                    res.send(H2.awaitQuietly(b) ? "all in " + req.protocol() : "barrier timed out");
                })
                .build();
        // More streams than the concurrent requests, so a single connection can carry them all.
        server = H2.start(router, H2.options(Http2Options.builder().maxConcurrentStreams(CONCURRENT + 50).build()));
        tls = H2.client(Version.HTTP_2);
    }

    @AfterAll
    static void stop() {
        if (tls != null) {
            tls.close();
        }
        H2.stop(server);
    }

    static HttpResponse<String> get(HttpClient client, URI uri) throws Exception {
        return client.send(H2.request(uri).build(), BodyHandlers.ofString());
    }

    /** A client for the plain listener whose first request, a GET, has upgraded it to h2c. */
    static HttpClient upgradedClient() throws Exception {
        HttpClient c = H2.client(Version.HTTP_2);
        HttpResponse<String> first = get(c, H2.http(server, "/hello"));
        assertThat(first.version()).as("the upgrade").isEqualTo(Version.HTTP_2);
        return c;
    }

    HttpClient clientFor(boolean useTls) throws Exception {
        return useTls ? tls : upgradedClient();
    }

    URI uri(boolean useTls, String path) {
        return useTls ? H2.https(server, path) : H2.http(server, path);
    }

    // ---------------------------------------------------------------- negotiation

    @Test
    void tlsNegotiatesH2ByAlpn() throws Exception {
        HttpResponse<String> r = get(tls, H2.https(server, "/describe"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(Version.HTTP_2);
        assertThat(H2.field(r.body(), "protocol")).isEqualTo("HTTP_2");
        assertThat(H2.field(r.body(), "secure")).isEqualTo("true");
        assertThat(H2.field(r.body(), "scheme")).isEqualTo("https");
        assertThat(H2.field(r.body(), "alpn")).isEqualTo("h2");
        assertThat(H2.field(r.body(), "authority")).isEqualTo("127.0.0.1:" + server.securePort());
        assertThat(r.headers().firstValue("content-type")).hasValue("text/plain");
        assertThat(r.headers().firstValue("content-length")).hasValue(String.valueOf(r.body().length()));
    }

    @Test
    void plainListenerUpgradesToH2cAndKeepsTheConnection() throws Exception {
        try (HttpClient c = H2.client(Version.HTTP_2)) {
            HttpResponse<String> first = get(c, H2.http(server, "/describe"));
            HttpResponse<String> second = get(c, H2.http(server, "/describe"));

            for (HttpResponse<String> r : List.of(first, second)) {
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.version()).isEqualTo(Version.HTTP_2);
                assertThat(H2.field(r.body(), "protocol")).isEqualTo("HTTP_2");
                assertThat(H2.field(r.body(), "secure")).isEqualTo("false");
                assertThat(H2.field(r.body(), "scheme")).isEqualTo("http");
                assertThat(H2.field(r.body(), "alpn")).isEqualTo("null");
                assertThat(H2.field(r.body(), "authority")).isEqualTo("127.0.0.1:" + server.port());
            }
            // The upgraded request was stream 1; the second rode the same h2c connection.
            assertThat(H2.field(second.body(), "remote")).isEqualTo(H2.field(first.body(), "remote"));
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {true, false})
    void http11IsStillServedWhenTheClientAsksForIt(boolean useTls) throws Exception {
        try (HttpClient c = H2.client(Version.HTTP_1_1)) {
            HttpResponse<String> r = get(c, uri(useTls, "/describe"));

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.version()).isEqualTo(Version.HTTP_1_1);
            assertThat(H2.field(r.body(), "protocol")).isEqualTo("HTTP_1_1");
            // The JDK client offers no ALPN at all when it wants HTTP/1.1: the server's fallback serves it.
            assertThat(H2.field(r.body(), "alpn")).isEqualTo("null");
            assertThat(H2.field(r.body(), "secure")).isEqualTo(String.valueOf(useTls));
        }
    }

    // ---------------------------------------------------------------- multiplexing

    @Test
    void manyConcurrentRequestsAreMultiplexedOnOneConnection() throws Exception {
        try (HttpClient c = H2.client(Version.HTTP_2)) {
            // One request first, so the connection exists before the burst (else the client may race to open several).
            assertThat(get(c, H2.https(server, "/hello")).version()).isEqualTo(Version.HTTP_2);
            barrierRemotes.clear();
            barrier.set(new CountDownLatch(CONCURRENT));
            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < CONCURRENT; i++) {
                all.add(c.sendAsync(H2.request(H2.https(server, "/barrier?i=" + i)).build(), BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> f : all) {
                HttpResponse<String> r = H2.get(f, "a multiplexed response");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.version()).isEqualTo(Version.HTTP_2);
                assertThat(r.body()).isEqualTo("all in HTTP_2");
            }
            assertThat(barrierRemotes).as("client addresses of the %d requests", CONCURRENT).hasSize(1);
        }
    }

    // ---------------------------------------------------------------- large bodies (flow control both ways)

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {true, false})
    void sixteenMebibyteDownloadArrivesIntact(boolean useTls) throws Exception {
        HttpClient c = clientFor(useTls);
        try {
            HttpResponse<InputStream> r = c.send(H2.request(uri(useTls, "/download")).build(), BodyHandlers.ofInputStream());

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.version()).isEqualTo(Version.HTTP_2);
            assertThat(r.headers().firstValue("content-length")).isEmpty();
            assertThat(r.headers().firstValue("transfer-encoding")).isEmpty();
            try (InputStream in = r.body()) {
                assertThat(H2.sha256(in)).isEqualTo(H2.patternSha256(BIG, 7));
            }
        } finally {
            if (c != tls) {
                c.close();
            }
        }
    }

    @ParameterizedTest(name = "tls={0}")
    @ValueSource(booleans = {true, false})
    void sixteenMebibyteStreamedUploadIsEchoedIntact(boolean useTls) throws Exception {
        HttpClient c = clientFor(useTls);
        try {
            // No length: the body is streamed, and far more than the server's 1 MiB connection window.
            HttpResponse<InputStream> r = c.send(H2.request(uri(useTls, "/echo"))
                            .POST(BodyPublishers.ofInputStream(() -> H2.patternStream(BIG, 11))).build(),
                    BodyHandlers.ofInputStream());

            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.version()).isEqualTo(Version.HTTP_2);
            try (InputStream in = r.body()) {
                assertThat(H2.sha256(in)).isEqualTo(H2.patternSha256(BIG, 11));
            }
        } finally {
            if (c != tls) {
                c.close();
            }
        }
    }

    // ---------------------------------------------------------------- responses without a body

    @Test
    void headGetsTheHeadersAndNoBody() throws Exception {
        HttpResponse<String> r = tls.send(H2.request(H2.https(server, "/hello")).method("HEAD", BodyPublishers.noBody())
                .build(), BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(Version.HTTP_2);
        assertThat(r.headers().firstValue("content-length")).hasValue("5"); // what GET would send
        assertThat(r.body()).isEmpty();
    }

    @Test
    void noContentAndNotModifiedHaveNoBody() throws Exception {
        HttpResponse<String> noContent = get(tls, H2.https(server, "/no-content"));
        assertThat(noContent.statusCode()).isEqualTo(204);
        assertThat(noContent.version()).isEqualTo(Version.HTTP_2);
        assertThat(noContent.body()).isEmpty();
        assertThat(noContent.headers().firstValue("content-length")).isEmpty();

        HttpResponse<String> notModified = get(tls, H2.https(server, "/not-modified"));
        assertThat(notModified.statusCode()).isEqualTo(304);
        assertThat(notModified.body()).isEmpty();
        assertThat(notModified.headers().firstValue("etag")).hasValue("\"v1\"");
    }

    // ---------------------------------------------------------------- handler failures

    @Test
    void handlerExceptionBeforeTheHeadIs500AndTheConnectionServesOn() throws Exception {
        String before = H2.field(get(tls, H2.https(server, "/describe")).body(), "remote");

        HttpResponse<String> r = get(tls, H2.https(server, "/boom"));
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.version()).isEqualTo(Version.HTTP_2);

        HttpResponse<String> after = get(tls, H2.https(server, "/describe"));
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(H2.field(after.body(), "remote")).as("same connection").isEqualTo(before);
    }

    @Test
    void handlerExceptionAfterTheHeadResetsTheStreamOnly() throws Exception {
        String before = H2.field(get(tls, H2.https(server, "/describe")).body(), "remote");

        assertThatThrownBy(() -> get(tls, H2.https(server, "/boom-after-head"))).isInstanceOf(IOException.class);

        HttpResponse<String> after = get(tls, H2.https(server, "/describe"));
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(after.version()).isEqualTo(Version.HTTP_2);
        assertThat(H2.field(after.body(), "remote")).as("same connection").isEqualTo(before);
    }

    // ---------------------------------------------------------------- 100-continue

    /**
     * The JDK client's side of {@code Expect: 100-continue}. It sends the body anyway after a
     * while without a 100, so this cannot prove the 100 is sent; {@code ExternalH2ClientsTest}'s
     * curl test, which waits far longer, does.
     */
    @Test
    void expectContinueGetsTheBodySent() throws Exception {
        byte[] body = new byte[100_000];
        H2.fill(body, 0, body.length, 0, 3);
        HttpResponse<String> r = tls.send(H2.request(H2.https(server, "/upload")).expectContinue(true)
                .POST(BodyPublishers.ofByteArray(body)).build(), BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(Version.HTTP_2);
        assertThat(r.body()).isEqualTo("bytes=" + body.length);
        assertThat(r.headers().firstValue("x-expect")).hasValueSatisfying(v -> assertThat(v).isEqualToIgnoringCase("100-continue"));
    }

    @Test
    void expectContinueRefusedWithAFinalStatusAndTheConnectionServesOn() throws Exception {
        HttpResponse<String> r = tls.send(H2.request(H2.https(server, "/reject")).expectContinue(true)
                .POST(BodyPublishers.ofString("never read")).build(), BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(r.body()).isEqualTo("not you");
        assertThat(get(tls, H2.https(server, "/hello")).body()).isEqualTo("hello");
    }
}
