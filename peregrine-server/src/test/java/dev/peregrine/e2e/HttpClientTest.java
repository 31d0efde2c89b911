package dev.peregrine.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.Router;
import dev.peregrine.server.Server;
import dev.peregrine.testkit.RawClient;
import dev.peregrine.testkit.RawResponse;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server against a client nobody here wrote: the JDK {@link HttpClient} over HTTP/1.1, plus the
 * raw client where the JDK client hides what matters (trailers, connection reuse, aborts).
 */
@Timeout(60)
class HttpClientTest {

    private static final int UPLOAD_BYTES = 5 * 1024 * 1024; // far larger than the 16 KiB read buffer
    private static final int UPLOAD_CHUNK = 4096;

    private static Server server;
    private static HttpClient client;
    private static final AtomicReference<CountDownLatch> streamGate = new AtomicReference<>(new CountDownLatch(0));
    private static final AtomicInteger streamGateWaits = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        Router router = Router.builder()
                .get("/hello", (req, res) -> res.send("hello world"))
                .get("/users/{id}", (req, res) ->
                        res.send("user=" + req.pathParam("id") + " fields=" + req.queryParam("fields")))
                .delete("/users/{id}", (req, res) -> res.status(204))
                .post("/upload", (req, res) -> {
                    CRC32 crc = new CRC32();
                    long count = 0;
                    byte[] buf = new byte[8192];
                    InputStream in = req.body();
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        crc.update(buf, 0, n);
                        count += n;
                    }
                    res.header("x-declared-length", Long.toString(req.contentLength()));
                    res.header("x-expect", String.valueOf(req.header("expect")));
                    res.send("bytes=" + count + " crc=" + crc.getValue());
                })
                .post("/reject", (req, res) -> res.send(403, "not you"))
                .get("/stream", (req, res) -> {
                    res.header("content-type", "text/plain");
                    OutputStream out = res.body();
                    out.write("first\n".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    streamGateWaits.incrementAndGet();
                    boolean opened = E2e.awaitQuietly(streamGate.get(), E2e.WAIT);
                    out.write((opened ? "second\n" : "gate-timeout\n").getBytes(StandardCharsets.UTF_8));
                })
                .get("/trailers", (req, res) -> {
                    res.trailers().set("x-checksum", "abc123");
                    res.trailers().set("x-count", "2");
                    OutputStream out = res.body();
                    out.write("part1;".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    out.write("part2".getBytes(StandardCharsets.UTF_8));
                })
                .post("/echo-trailers", (req, res) -> {
                    String body = req.bodyString();
                    res.send(body + "|x-sum=" + req.trailers().get("x-sum") + "|x-note=" + req.trailers().get("x-note"));
                })
                .get("/boom", (req, res) -> {
                    throw new IllegalStateException("boom (expected by the test)");
                })
                .get("/boom-after-commit", (req, res) -> {
                    res.contentLength(100);
                    res.body().write("0123456789".getBytes(StandardCharsets.UTF_8));
                    res.body().flush();
                    throw new IllegalStateException("boom after commit (expected by the test)");
                })
                .get("/boom-chunked", (req, res) -> {
                    res.body().write("partial".getBytes(StandardCharsets.UTF_8));
                    res.body().flush();
                    throw new IllegalStateException("boom while streaming (expected by the test)");
                })
                .get("/header-injection", (req, res) -> {
                    // A handler echoing request data into a header, then returning without a body.
                    res.status(302);
                    res.header("location", "/x\r\ninjected: yes");
                })
                .get("/header-injection-send", (req, res) -> {
                    res.header("x-echo", "a\r\ninjected: yes");
                    res.send("body");
                })
                .get("/interim-status", (req, res) -> {
                    // 1xx is documented as unsupported outside upgrade(); the client must still get a final answer.
                    res.status(Integer.parseInt(req.queryParam("s")));
                    res.send("interim?");
                })
                .get("/bad-length-header", (req, res) -> {
                    res.header("content-length", "abc");
                    res.body().write("x".getBytes(StandardCharsets.UTF_8));
                })
                .post("/bytewise", (req, res) -> {
                    InputStream in = req.body();
                    CRC32 crc = new CRC32();
                    long count = 0;
                    for (int b; (b = in.read()) >= 0; ) {
                        crc.update(b);
                        count++;
                    }
                    res.send("bytes=" + count + " crc=" + crc.getValue());
                })
                .post("/duplex", (req, res) -> {
                    // Echoes each piece as it arrives: the response streams while the request still does.
                    res.contentLength(req.contentLength());
                    InputStream in = req.body();
                    OutputStream out = res.body();
                    byte[] buf = new byte[1000];
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        out.write(buf, 0, n);
                        out.flush();
                    }
                })
                .get("/short", (req, res) -> {
                    res.contentLength(10);
                    res.body().write("abc".getBytes(StandardCharsets.UTF_8));
                })
                .build();
        server = E2e.start(router);
        client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(E2e.WAIT)
                .build();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        E2e.stop(server);
    }

    private static URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    private static HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(20));
    }

    // ---------------------------------------------------------------- basics through a router

    @Test
    void getReturnsBodyWithContentLength() throws Exception {
        HttpResponse<String> r = client.send(request("/hello").GET().build(), BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(r.body()).isEqualTo("hello world");
        assertThat(r.headers().firstValue("content-length")).hasValue("11");
        assertThat(r.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
        assertThat(r.headers().firstValue("date")).isPresent();
    }

    @Test
    void pathAndQueryParametersReachTheHandlerDecoded() throws Exception {
        HttpResponse<String> r = client.send(
                request("/users/J%C3%BCrgen?fields=name%20and%20age&x=1").GET().build(), BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("user=Jürgen fields=name and age");
    }

    @Test
    void unknownPathIs404() throws Exception {
        HttpResponse<String> r = client.send(request("/nope").GET().build(), BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(404);
    }

    @Test
    void wrongMethodIs405WithAllow() throws Exception {
        HttpResponse<String> r = client.send(
                request("/users/7").POST(BodyPublishers.ofString("x")).build(), BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(405);
        String allow = r.headers().firstValue("allow").orElseThrow();
        assertThat(Arrays.stream(allow.split(",")).map(String::trim)).containsExactlyInAnyOrder("GET", "DELETE", "HEAD");
    }

    @Test
    void deleteAnswers204WithoutBody() throws Exception {
        HttpResponse<String> r = client.send(request("/users/7").DELETE().build(), BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.body()).isEmpty();
    }

    @Test
    void headGetsTheGetHeadersButNoBody() throws Exception {
        HttpResponse<String> r = client.send(request("/hello").HEAD().build(), BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-length")).hasValue("11");
        assertThat(r.body()).isEmpty();
        // The connection is still in sync: the next request on the pooled connection works.
        HttpResponse<String> next = client.send(request("/hello").GET().build(), BodyHandlers.ofString());
        assertThat(next.body()).isEqualTo("hello world");
    }

    @Test
    void postWithSmallBody() throws Exception {
        byte[] body = "small body".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> r = client.send(
                request("/upload").POST(BodyPublishers.ofByteArray(body)).build(), BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("bytes=10 crc=" + crc(body));
        assertThat(r.headers().firstValue("x-declared-length")).hasValue("10");
    }

    // ---------------------------------------------------------------- streaming bodies

    @Test
    void streamedChunkedRequestBodyOfFiveMebibytes() throws Exception {
        byte[] all = E2e.pattern(UPLOAD_BYTES, 1);
        ChunkPublisher publisher = new ChunkPublisher(all, UPLOAD_CHUNK);
        HttpResponse<String> r = client.send(
                request("/upload").POST(BodyPublishers.fromPublisher(publisher)).build(), BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("bytes=" + UPLOAD_BYTES + " crc=" + crc(all));
        assertThat(r.headers().firstValue("x-declared-length")).hasValue("-1"); // it came chunked
        assertThat(publisher.emitted.get()).isEqualTo(UPLOAD_BYTES / UPLOAD_CHUNK);
    }

    @Test
    void streamedRequestBodyWithKnownLength() throws Exception {
        byte[] all = E2e.pattern(UPLOAD_BYTES, 2);
        ChunkPublisher publisher = new ChunkPublisher(all, UPLOAD_CHUNK);
        HttpResponse<String> r = client.send(
                request("/upload").POST(BodyPublishers.fromPublisher(publisher, all.length)).build(),
                BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("bytes=" + UPLOAD_BYTES + " crc=" + crc(all));
        assertThat(r.headers().firstValue("x-declared-length")).hasValue(Integer.toString(UPLOAD_BYTES));
    }

    @Test
    void streamedResponseArrivesBeforeTheHandlerFinishes() throws Exception {
        // The handler writes "first", flushes, and waits until the client has read it: only a
        // response that really streams can pass (a buffered one would time out the gate).
        CountDownLatch gate = new CountDownLatch(1);
        streamGate.set(gate);
        HttpResponse<InputStream> r = client.send(request("/stream").GET().build(), BodyHandlers.ofInputStream());
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(reader.readLine()).isEqualTo("first");
            gate.countDown();
            assertThat(reader.readLine()).isEqualTo("second");
            assertThat(reader.readLine()).isNull();
        } finally {
            gate.countDown();
        }
    }

    @Test
    void streamedResponseWithoutLengthIsChunkedOnTheWire() throws Exception {
        streamGate.set(new CountDownLatch(0));
        try (RawClient raw = RawClient.tcp(server.port())) {
            RawResponse r = raw.request("GET /stream HTTP/1.1\r\nHost: t\r\n\r\n");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.framing()).isEqualTo(RawResponse.Framing.CHUNKED);
            assertThat(r.header("content-length")).isNull();
            assertThat(r.bodyText()).isEqualTo("first\nsecond\n");
            assertThat(r.connectionClose()).isFalse();
        }
    }

    @Test
    void responseTrailersFollowTheLastChunk() throws Exception {
        try (RawClient raw = RawClient.tcp(server.port())) {
            RawResponse r = raw.request("GET /trailers HTTP/1.1\r\nHost: t\r\n\r\n");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.framing()).isEqualTo(RawResponse.Framing.CHUNKED);
            assertThat(r.bodyText()).isEqualTo("part1;part2");
            assertThat(r.trailer("x-checksum")).isEqualTo("abc123");
            assertThat(r.trailer("x-count")).isEqualTo("2");
            // and the connection goes on after the trailer section
            assertThat(raw.request("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n").bodyText()).isEqualTo("hello world");
        }
    }

    @Test
    void requestTrailersReachTheHandlerAfterTheBody() throws Exception {
        try (RawClient raw = RawClient.tcp(server.port())) {
            RawResponse r = raw.request("POST /echo-trailers HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n"
                    + "Trailer: x-sum, x-note\r\n\r\n"
                    + "5\r\nhello\r\n1;ext=1\r\n!\r\n0\r\nX-Sum: 42\r\nx-note:  spaced out \r\n\r\n");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("hello!|x-sum=42|x-note=spaced out");
            assertThat(r.connectionClose()).isFalse();
            assertThat(raw.request("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n").status()).isEqualTo(200);
        }
    }

    @Test
    void requestAndResponseBodiesInterleave() throws Exception {
        // The client sends the next piece only after the previous one came back: a server that
        // buffered the request or the response whole would deadlock here (and time out).
        byte[] body = E2e.pattern(10 * 1000, 8);
        try (RawClient raw = RawClient.tcp(server.port())) {
            raw.send("POST /duplex HTTP/1.1\r\nHost: t\r\nContent-Length: " + body.length + "\r\n\r\n");
            raw.send(body, 0, 1000);
            RawResponse head = raw.readResponseHead();
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).isEqualTo(Integer.toString(body.length));
            assertThat(raw.readExactly(1000)).isEqualTo(Arrays.copyOfRange(body, 0, 1000));
            for (int off = 1000; off < body.length; off += 1000) {
                raw.send(body, off, 1000);
                assertThat(raw.readExactly(1000)).as("piece at %d", off).isEqualTo(Arrays.copyOfRange(body, off, off + 1000));
            }
            assertThat(raw.request("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n").bodyText()).isEqualTo("hello world");
        }
    }

    @Test
    void theJdkClientReusesOneKeepAliveConnection() throws Exception {
        try (HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            long before = server.metrics().acceptedConnections();
            for (int i = 0; i < 20; i++) {
                HttpResponse<String> r = fresh.send(request("/users/" + i).GET().build(), BodyHandlers.ofString());
                assertThat(r.body()).isEqualTo("user=" + i + " fields=null");
            }
            assertThat(server.metrics().acceptedConnections() - before).isEqualTo(1);
        }
    }

    // ---------------------------------------------------------------- handler failures

    @Test
    void handlerExceptionIs500ForTheJdkClient() throws Exception {
        long errors = server.metrics().handlerErrors();
        HttpResponse<String> r = client.send(request("/boom").GET().build(), BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(server.metrics().handlerErrors()).isGreaterThan(errors);
    }

    @Test
    void handlerExceptionIs500AndTheConnectionServesTheNextRequest() throws Exception {
        try (RawClient raw = RawClient.tcp(server.port())) {
            raw.send("GET /boom HTTP/1.1\r\nHost: t\r\n\r\nGET /hello HTTP/1.1\r\nHost: t\r\n\r\n");

            RawResponse failed = raw.readResponse();
            assertThat(failed.status()).isEqualTo(500);
            assertThat(failed.connectionClose()).isFalse();
            RawResponse next = raw.readResponse();
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.bodyText()).isEqualTo("hello world");
            // a third one on the same connection, sent after both answers
            assertThat(raw.request("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n").status()).isEqualTo(200);
        }
    }

    @Test
    void handlerExceptionAfterCommitAbortsSoTheShortBodyShows() throws Exception {
        try (RawClient raw = RawClient.tcp(server.port())) {
            raw.send("GET /boom-after-commit HTTP/1.1\r\nHost: t\r\n\r\n");
            // The head promised 100 bytes; 10 came, then the connection must end (not hang, not 500).
            byte[] all = raw.readUntilClosed();
            String text = new String(all, StandardCharsets.ISO_8859_1);
            assertThat(text).startsWith("HTTP/1.1 200").contains("content-length: 100").endsWith("\r\n\r\n0123456789");
        }
    }

    @Test
    void handlerExceptionWhileStreamingChunkedOmitsTheLastChunk() throws Exception {
        try (RawClient raw = RawClient.tcp(server.port())) {
            raw.send("GET /boom-chunked HTTP/1.1\r\nHost: t\r\n\r\n");
            byte[] all = raw.readUntilClosed();
            String text = new String(all, StandardCharsets.ISO_8859_1);
            assertThat(text).startsWith("HTTP/1.1 200").contains("transfer-encoding: chunked").contains("partial");
            assertThat(text).as("no last-chunk may follow a failed stream").doesNotEndWith("0\r\n\r\n");
        }
    }

    @Test
    void handlerWritingLessThanItsContentLengthAbortsTheConnection() throws Exception {
        try (RawClient raw = RawClient.tcp(server.port())) {
            raw.send("GET /short HTTP/1.1\r\nHost: t\r\n\r\n");
            String text = new String(raw.readUntilClosed(), StandardCharsets.ISO_8859_1);
            assertThat(text).contains("content-length: 10").endsWith("\r\n\r\nabc");
        }
    }

    @Test
    void headerValueWithCrlfSetBeforeReturningGets500NotASplitResponse() throws Exception {
        try (RawClient raw = RawClient.tcp(server.port())) {
            raw.send("GET /hello HTTP/1.1\r\nHost: t\r\n\r\nGET /header-injection HTTP/1.1\r\nHost: t\r\n\r\n");
            RawResponse first = raw.readResponse();
            assertThat(first.bodyText()).as("the complete earlier response is never lost").isEqualTo("hello world");
            RawResponse r = raw.readResponse();
            assertThat(r.header("injected")).isNull();
            assertThat(r.status()).as("the handler's response cannot be sent: 500 (Handler contract)").isEqualTo(500);
        }
    }

    @Test
    void headerValueWithCrlfSetBeforeSendGets500NotASplitResponse() throws Exception {
        try (RawClient raw = RawClient.tcp(server.port())) {
            RawResponse r = raw.request("GET /header-injection-send HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(r.header("injected")).isNull();
            assertThat(r.status()).isEqualTo(500);
            assertThat(raw.request("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n").status()).isEqualTo(200);
        }
    }

    @Test
    void headerValueWithCrlfIsNeverSentAsASecondHeader() throws Exception {
        // Whatever else happens, response splitting must be impossible.
        for (String path : new String[] {"/header-injection", "/header-injection-send"}) {
            try (RawClient raw = RawClient.tcp(server.port())) {
                raw.send("GET " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
                String text = new String(raw.readUntilClosed(), StandardCharsets.ISO_8859_1);
                assertThat(text).as(path).doesNotContain("injected");
            }
        }
    }

    @Test
    void handlerSettingAnInformationalStatusStillLeadsToAFinalResponse() throws Exception {
        for (String status : new String[] {"100", "102", "103"}) {
            try (RawClient raw = RawClient.tcp(server.port())) {
                raw.timeout(Duration.ofSeconds(3));
                raw.send("GET /interim-status?s=" + status + " HTTP/1.1\r\nHost: t\r\n\r\n");
                RawResponse r = raw.readResponse();
                for (int i = 0; i < 3 && r.status() / 100 == 1; i++) {
                    r = raw.readResponse(); // interim responses may precede the final one
                }
                assertThat(r.status()).as("final status after the handler set %s", status).isGreaterThanOrEqualTo(200);
            }
        }
    }

    @Test
    void invalidContentLengthHeaderSetByTheHandlerGets500() throws Exception {
        try (RawClient raw = RawClient.tcp(server.port())) {
            raw.send("GET /bad-length-header HTTP/1.1\r\nHost: t\r\n\r\n");
            RawResponse r = raw.readResponseOrNull(false);
            assertThat(r).as("a response, not a dropped connection").isNotNull();
            assertThat(r.status()).isEqualTo(500);
        }
    }

    @Test
    void bodyReadOneByteAtATime() throws Exception {
        byte[] body = E2e.pattern(50_000, 6);
        HttpResponse<String> r = client.send(
                request("/bytewise").POST(BodyPublishers.ofByteArray(body)).build(), BodyHandlers.ofString());
        assertThat(r.body()).isEqualTo("bytes=50000 crc=" + crc(body));
        HttpResponse<String> chunked = client.send(
                request("/bytewise").POST(BodyPublishers.fromPublisher(new ChunkPublisher(body, 777))).build(),
                BodyHandlers.ofString());
        assertThat(chunked.body()).isEqualTo("bytes=50000 crc=" + crc(body));
    }

    // ---------------------------------------------------------------- Expect: 100-continue

    @Test
    void expectContinueWithTheBodySentWithoutWaiting() throws Exception {
        // A client may send the body without waiting for 100 (RFC 9110 §10.1.1); the 100 may still come.
        try (RawClient raw = RawClient.tcp(server.port())) {
            raw.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello"
                    + "GET /hello HTTP/1.1\r\nHost: t\r\n\r\n");
            RawResponse r = raw.readResponse();
            if (r.status() == 100) {
                r = raw.readResponse();
            }
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).startsWith("bytes=5 ");
            assertThat(raw.readResponse().bodyText()).isEqualTo("hello world");
        }
    }


    @Test
    void expectContinueWithTheJdkClient() throws Exception {
        byte[] body = E2e.pattern(100_000, 3);
        HttpResponse<String> r = client.send(
                request("/upload").expectContinue(true).POST(BodyPublishers.ofByteArray(body)).build(),
                BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("bytes=100000 crc=" + crc(body));
        assertThat(r.headers().firstValue("x-expect").orElseThrow()).isEqualToIgnoringCase("100-continue");
    }

    @Test
    void expectContinueGets100OnlyWhenTheHandlerReads() throws Exception {
        try (RawClient raw = RawClient.tcp(server.port())) {
            raw.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");

            RawResponse interim = raw.readResponse();
            assertThat(interim.status()).isEqualTo(100);
            raw.send("hello");
            RawResponse last = raw.readResponse();
            assertThat(last.status()).isEqualTo(200);
            assertThat(last.bodyText()).isEqualTo("bytes=5 crc=" + crc("hello".getBytes(StandardCharsets.UTF_8)));
            assertThat(raw.request("GET /hello HTTP/1.1\r\nHost: t\r\n\r\n").status()).isEqualTo(200);
        }
    }

    @Test
    void expectContinueRefusedWithoutReadingGetsNo100() throws Exception {
        try (RawClient raw = RawClient.tcp(server.port())) {
            raw.send("POST /reject HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000\r\nExpect: 100-continue\r\n\r\n");

            RawResponse r = raw.readResponse();
            assertThat(r.status()).as("the final status comes first, never a 100").isEqualTo(403);
            assertThat(r.bodyText()).isEqualTo("not you");
            // The body was neither asked for nor sent: the connection cannot be reused.
            assertThat(r.connectionClose()).isTrue();
            assertThat(raw.readUntilClosed()).isEmpty();
        }
    }

    // ---------------------------------------------------------------- helpers

    private static long crc(byte[] b) {
        CRC32 crc = new CRC32();
        crc.update(b);
        return crc.getValue();
    }

    /**
     * A request body publisher that emits a byte array as many small buffers, strictly on demand
     * (recursion-free: a request() made from inside onNext is served by the loop already running).
     */
    private static final class ChunkPublisher implements Flow.Publisher<ByteBuffer> {
        private final byte[] data;
        private final int chunk;
        final AtomicInteger emitted = new AtomicInteger();

        ChunkPublisher(byte[] data, int chunk) {
            this.data = data;
            this.chunk = chunk;
        }

        @Override
        public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
            subscriber.onSubscribe(new Flow.Subscription() {
                private final AtomicLong demand = new AtomicLong();
                private final AtomicInteger wip = new AtomicInteger();
                private int offset;
                private volatile boolean done;

                @Override
                public void request(long n) {
                    if (n <= 0) {
                        done = true;
                        subscriber.onError(new IllegalArgumentException("request(" + n + ")"));
                        return;
                    }
                    demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
                    if (wip.getAndIncrement() != 0) {
                        return;
                    }
                    int missed = 1;
                    do {
                        while (!done && offset < data.length && demand.get() > 0) {
                            demand.decrementAndGet();
                            int len = Math.min(chunk, data.length - offset);
                            ByteBuffer b = ByteBuffer.wrap(data, offset, len).slice();
                            offset += len;
                            emitted.incrementAndGet();
                            subscriber.onNext(b);
                        }
                        if (!done && offset == data.length) {
                            done = true;
                            subscriber.onComplete();
                        }
                        missed = wip.addAndGet(-missed);
                    } while (missed != 0);
                }

                @Override
                public void cancel() {
                    done = true;
                }
            });
        }
    }
}
