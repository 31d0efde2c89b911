package dev.peregrine.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.server.Server;
import dev.peregrine.testkit.RawClient;
import dev.peregrine.testkit.RawResponse;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pipelining and connection management of HTTP/1.x over a raw socket: many requests in one write
 * answered in order, HTTP/1.0 and {@code Connection} semantics (RFC 9112 §9.3), HEAD, and the
 * asterisk- and absolute-form request targets (RFC 9112 §3.2).
 */
@Timeout(60)
class PipeliningTest {

    private static final int BIG = 40 * 1024;

    private static Server server;

    @BeforeAll
    static void start() throws Exception {
        server = E2e.start((req, res) -> {
            res.header("x-target", req.target());
            res.header("x-protocol", req.protocol().text());
            String describe = req.method() + " " + req.path() + (req.query() == null ? "" : "?" + req.query());
            if (req.path().equals("/stream")) {
                OutputStream out = res.body();
                out.write("streamed-".getBytes(StandardCharsets.UTF_8));
                out.flush();
                out.write("body".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (req.path().startsWith("/status/")) {
                // A body written to a 204 or 304 must never reach the wire (RFC 9110 §6.4.1).
                res.status(Integer.parseInt(req.path().substring(8)));
                res.body().write("must not be sent".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (req.path().startsWith("/big/")) {
                byte[] body = E2e.pattern(BIG, Integer.parseInt(req.path().substring(5)));
                if (req.query() != null) {
                    // unknown length and a flush before the end: chunked
                    res.body().write(body, 0, BIG / 2);
                    res.body().flush();
                    res.body().write(body, BIG / 2, BIG - BIG / 2);
                } else {
                    res.send(body);
                }
                return;
            }
            if (req.path().equals("/declared") && req.method().equals("HEAD")) {
                res.contentLength(1234); // what a file server does for HEAD: the length, no body
                return;
            }
            if (req.path().equals("/handler-close")) {
                res.header("connection", "close");
            }
            if (req.method().equals("POST")) {
                res.send(describe + " " + req.bodyString());
                return;
            }
            res.send(describe);
        });
    }

    @AfterAll
    static void stop() {
        E2e.stop(server);
    }

    private RawClient connect() throws Exception {
        return RawClient.tcp(server.port());
    }

    private static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n";
    }

    @Test
    void twentyPipelinedRequestsInOneWriteAreAnsweredInOrder() throws Exception {
        StringBuilder batch = new StringBuilder();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            if (i == 8) {
                batch.append("POST /post HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\nhello there");
                expected.add("POST /post hello there");
            } else if (i == 13) {
                batch.append("POST /chunked HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
                expected.add("POST /chunked abcde");
            } else {
                batch.append(get("/p/" + i + "?n=" + i));
                expected.add("GET /p/" + i + "?n=" + i);
            }
        }
        try (RawClient c = connect()) {
            c.send(batch.toString());
            for (int i = 0; i < expected.size(); i++) {
                RawResponse r = c.readResponse();
                assertThat(r.status()).as("response %d", i).isEqualTo(200);
                assertThat(r.bodyText()).as("response %d", i).isEqualTo(expected.get(i));
                assertThat(r.connectionClose()).isFalse();
            }
            assertThat(c.buffered()).as("no extra bytes after the last response").isZero();
            assertThat(c.request(get("/after")).bodyText()).isEqualTo("GET /after");
        }
    }

    @Test
    void fiveHundredPipelinedRequestsLargerThanTheReadBuffer() throws Exception {
        StringBuilder batch = new StringBuilder();
        int n = 500;
        for (int i = 0; i < n; i++) {
            batch.append(get("/many/" + i));
        }
        assertThat(batch.length()).isGreaterThan(16 * 1024);
        try (RawClient c = connect()) {
            c.send(batch.toString());
            for (int i = 0; i < n; i++) {
                assertThat(c.readResponse().bodyText()).isEqualTo("GET /many/" + i);
            }
        }
    }

    @Test
    void pipelinedRequestsSplitAtAwkwardBoundaries() throws Exception {
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            batch.append("POST /split/").append(i).append(" HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nx").append(i % 10)
                    .append('y');
        }
        byte[] bytes = RawClient.latin1(batch.toString());
        try (RawClient c = connect()) {
            for (int off = 0; off < bytes.length; off += 7) {
                c.send(bytes, off, Math.min(7, bytes.length - off));
            }
            for (int i = 0; i < 10; i++) {
                assertThat(c.readResponse().bodyText()).isEqualTo("POST /split/" + i + " x" + i + "y");
            }
        }
    }

    @Test
    void http10WithoutKeepAliveIsClosedAfterTheResponse() throws Exception {
        try (RawClient c = connect()) {
            c.send("GET /old HTTP/1.0\r\n\r\n" + get("/not-answered"));
            RawResponse r = c.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("GET /old");
            assertThat(r.header("x-protocol")).isEqualTo("HTTP/1.0");
            assertThat(r.header("transfer-encoding")).isNull();
            assertThat(c.readUntilClosed()).isEmpty();
        }
    }

    @Test
    void http10WithKeepAliveIsKept() throws Exception {
        try (RawClient c = connect()) {
            RawResponse first = c.request("GET /old1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertThat(first.bodyText()).isEqualTo("GET /old1");
            assertThat(first.hasToken("connection", "keep-alive")).isTrue();
            assertThat(first.connectionClose()).isFalse();

            RawResponse second = c.request("GET /old2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            assertThat(second.bodyText()).isEqualTo("GET /old2");
            assertThat(second.hasToken("connection", "keep-alive")).isTrue();
        }
    }

    @Test
    void http10StreamedResponseIsCloseDelimited() throws Exception {
        // HTTP/1.0 has no chunked coding: a body of unknown length ends with the connection,
        // even when the client asked for keep-alive.
        try (RawClient c = connect()) {
            c.send("GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
            RawResponse r = c.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.framing()).isEqualTo(RawResponse.Framing.CLOSE);
            assertThat(r.bodyText()).isEqualTo("streamed-body");
        }
    }

    @Test
    void connectionCloseIsHonoured() throws Exception {
        try (RawClient c = connect()) {
            c.send("GET /bye HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" + get("/not-answered"));
            RawResponse r = c.readResponse();
            assertThat(r.bodyText()).isEqualTo("GET /bye");
            assertThat(r.connectionClose()).isTrue();
            assertThat(c.readUntilClosed()).isEmpty();
        }
    }

    @Test
    void connectionCloseAmongOtherOptionsIsHonoured() throws Exception {
        try (RawClient c = connect()) {
            c.send("GET /bye HTTP/1.1\r\nHost: t\r\nConnection: foo, Close\r\n\r\n");
            assertThat(c.readResponse().connectionClose()).isTrue();
            assertThat(c.readUntilClosed()).isEmpty();
        }
    }

    @Test
    void chunkedResponseOnHttp11KeepsTheConnection() throws Exception {
        try (RawClient c = connect()) {
            c.send(get("/stream") + get("/next"));
            RawResponse r = c.readResponse();
            assertThat(r.framing()).isEqualTo(RawResponse.Framing.CHUNKED);
            assertThat(r.bodyText()).isEqualTo("streamed-body");
            assertThat(c.readResponse().bodyText()).isEqualTo("GET /next");
        }
    }

    @Test
    void headHasContentLengthButNoBody() throws Exception {
        try (RawClient c = connect()) {
            // If any body byte followed a HEAD response, the next response would not parse.
            c.send("HEAD /h HTTP/1.1\r\nHost: t\r\n\r\n" + get("/h") + "HEAD /stream HTTP/1.1\r\nHost: t\r\n\r\n"
                    + get("/z") + "HEAD /declared HTTP/1.1\r\nHost: t\r\n\r\n" + get("/last"));
            RawResponse head = c.readResponse(true);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).isEqualTo(Integer.toString("HEAD /h".length()));

            RawResponse get = c.readResponse();
            assertThat(get.bodyText()).isEqualTo("GET /h");

            RawResponse headStream = c.readResponse(true);
            assertThat(headStream.status()).isEqualTo(200);
            assertThat(c.readResponse().bodyText()).isEqualTo("GET /z");

            RawResponse declared = c.readResponse(true);
            assertThat(declared.status()).isEqualTo(200);
            assertThat(declared.header("content-length")).isEqualTo("1234");
            assertThat(declared.connectionClose()).isFalse();
            assertThat(c.readResponse().bodyText()).isEqualTo("GET /last");
        }
    }

    @Test
    void optionsAsteriskReachesTheHandler() throws Exception {
        try (RawClient c = connect()) {
            RawResponse r = c.request("OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("OPTIONS *");
            assertThat(r.header("x-target")).isEqualTo("*");
        }
    }

    @Test
    void absoluteFormTargetIsSplitIntoPathAndQuery() throws Exception {
        try (RawClient c = connect()) {
            RawResponse r = c.request("GET http://example.com/x?y=1 HTTP/1.1\r\nHost: example.com\r\n\r\n");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("GET /x?y=1");
            assertThat(r.header("x-target")).isEqualTo("http://example.com/x?y=1");

            RawResponse bare = c.request("GET http://example.com HTTP/1.1\r\nHost: example.com\r\n\r\n");
            assertThat(bare.bodyText()).isEqualTo("GET /");
        }
    }

    @Test
    void leadingEmptyLinesBeforeARequestAreIgnored() throws Exception {
        try (RawClient c = connect()) {
            // RFC 9112 §2.2: a stray CRLF after a POST body must not break the next request.
            c.send("POST /a HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nok\r\n" + get("/b"));
            assertThat(c.readResponse().bodyText()).isEqualTo("POST /a ok");
            assertThat(c.readResponse().bodyText()).isEqualTo("GET /b");
        }
    }

    @Test
    void bodyOfA204Or304NeverReachesTheWire() throws Exception {
        try (RawClient c = connect()) {
            c.send(get("/status/204") + get("/status/304") + get("/after"));
            RawResponse noContent = c.readResponse();
            assertThat(noContent.status()).isEqualTo(204);
            assertThat(noContent.header("transfer-encoding")).isNull();
            assertThat(noContent.header("content-length")).isNull();
            assertThat(c.readResponse().status()).isEqualTo(304);
            // if any body byte had been sent, this response would not parse
            assertThat(c.readResponse().bodyText()).isEqualTo("GET /after");
        }
    }

    @Test
    void pipelinedResponsesLargerThanTheResponseBuffer() throws Exception {
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            batch.append(get("/big/" + i + (i % 2 == 0 ? "" : "?chunked")));
        }
        try (RawClient c = connect()) {
            c.send(batch.toString());
            for (int i = 0; i < 10; i++) {
                RawResponse r = c.readResponse();
                assertThat(r.framing()).isEqualTo(i % 2 == 0 ? RawResponse.Framing.LENGTH : RawResponse.Framing.CHUNKED);
                assertThat(r.body()).as("response %d", i).isEqualTo(E2e.pattern(BIG, i));
            }
        }
    }

    @Test
    void headerSectionLargerThanTheReadBufferIsAccepted() throws Exception {
        String cookie = "c=" + "k".repeat(20 * 1024); // under the 32 KiB default, over the 16 KiB buffer
        try (RawClient c = connect()) {
            // Small requests first, so the large head starts in the middle of a partly used buffer.
            c.send(get("/s0") + get("/s1") + get("/s2")
                    + "GET /cookie HTTP/1.1\r\nHost: t\r\nCookie: " + cookie + "\r\n\r\n" + get("/small"));
            for (int i = 0; i < 3; i++) {
                assertThat(c.readResponse().bodyText()).isEqualTo("GET /s" + i);
            }
            assertThat(c.readResponse().bodyText()).isEqualTo("GET /cookie");
            assertThat(c.readResponse().bodyText()).isEqualTo("GET /small");
            assertThat(c.request("GET /again HTTP/1.1\r\nHost: t\r\nCookie: " + cookie + "\r\n\r\n").bodyText())
                    .isEqualTo("GET /again");
        }
    }

    @Test
    void halfClosedClientStillGetsEveryResponse() throws Exception {
        // A client may shut down its sending side after its last request (RFC 9112 §9.6).
        try (RawClient c = connect()) {
            c.send(get("/h1") + "POST /h2 HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi" + get("/h3"));
            c.shutdownOutput();
            assertThat(c.readResponse().bodyText()).isEqualTo("GET /h1");
            assertThat(c.readResponse().bodyText()).isEqualTo("POST /h2 hi");
            assertThat(c.readResponse().bodyText()).isEqualTo("GET /h3");
            assertThat(c.readUntilClosed()).isEmpty();
        }
    }

    @Test
    void connectionCloseSetByTheHandlerIsHonoured() throws Exception {
        try (RawClient c = connect()) {
            c.send(get("/handler-close") + get("/not-answered"));
            RawResponse r = c.readResponse();
            assertThat(r.bodyText()).isEqualTo("GET /handler-close");
            assertThat(r.connectionClose()).isTrue();
            assertThat(r.headerValues("connection")).hasSize(1);
            assertThat(c.readUntilClosed()).isEmpty();
        }
    }

    @Test
    void everyByteInItsOwnSegment() throws Exception {
        // Heads, chunk lines, chunk data and trailers all split at every possible byte.
        byte[] bytes = RawClient.latin1("POST /bytes HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3;x=\"y\"\r\nabc\r\n2\r\nde\r\n0\r\nX-T: 1\r\n\r\n" + get("/tail"));
        try (RawClient c = connect()) {
            for (int i = 0; i < bytes.length; i++) {
                c.send(bytes, i, 1);
                c.awaitReadable(Duration.ofMillis(1)); // a pause, so most bytes leave as separate segments
            }
            assertThat(c.readResponse().bodyText()).isEqualTo("POST /bytes abcde");
            assertThat(c.readResponse().bodyText()).isEqualTo("GET /tail");
        }
    }
}
