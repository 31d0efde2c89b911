package dev.peregrine.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.server.Server;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
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
            // If any body byte followed the HEAD response, the GET response would not parse.
            c.send("HEAD /h HTTP/1.1\r\nHost: t\r\n\r\n" + get("/h") + "HEAD /stream HTTP/1.1\r\nHost: t\r\n\r\n" + get("/z"));
            RawResponse head = c.readResponse(true);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("content-length")).isEqualTo(Integer.toString("HEAD /h".length()));

            RawResponse get = c.readResponse();
            assertThat(get.bodyText()).isEqualTo("GET /h");

            RawResponse headStream = c.readResponse(true);
            assertThat(headStream.status()).isEqualTo(200);
            assertThat(c.readResponse().bodyText()).isEqualTo("GET /z");
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
}
