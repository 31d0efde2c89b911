package dev.peregrine.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.server.Server;
import dev.peregrine.server.ServerOptions;
import dev.peregrine.testkit.RawClient;
import dev.peregrine.testkit.RawResponse;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The other side of {@link BadInputTest}: unusual but valid input (RFC 9110/9112) must be served,
 * and the connection must stay usable, so strictness never turns into rejecting real clients.
 */
@Timeout(60)
class ValidInputTest {

    private static Server server;

    @BeforeAll
    static void start() throws Exception {
        server = E2e.start((req, res) -> {
            String body = req.bodyString();
            res.send(req.method() + " " + req.target() + " body=" + body + " trailers=" + req.trailers().size());
        }, ServerOptions.builder().maxRequestHeaderCount(16).build());
    }

    @AfterAll
    static void stop() {
        E2e.stop(server);
    }

    private static Arguments ok(String name, String request, String expectedBody) {
        return Arguments.of(name, request, expectedBody);
    }

    private static String post(String headers, String body) {
        return "POST /v HTTP/1.1\r\nHost: t\r\n" + headers + "\r\n" + body;
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                ok("chunked in upper case", post("Transfer-Encoding: Chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"),
                        "POST /v body=hello trailers=0"),
                ok("field name in any case, no space after colon",
                        post("TRANSFER-ENCODING:chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"), "POST /v body=hello trailers=0"),
                ok("Content-Length with leading zeros", post("Content-Length: 005\r\n", "hello"), "POST /v body=hello trailers=0"),
                ok("Content-Length with OWS around", post("Content-Length:\t5 \r\n", "hello"), "POST /v body=hello trailers=0"),
                ok("Content-Length 0", post("Content-Length: 0\r\n", ""), "POST /v body= trailers=0"),
                ok("upper-case hex chunk size with leading zeros",
                        post("Transfer-Encoding: chunked\r\n", "000A\r\n0123456789\r\n0\r\n\r\n"),
                        "POST /v body=0123456789 trailers=0"),
                ok("chunk extensions, token and quoted",
                        post("Transfer-Encoding: chunked\r\n", "5;a=b;c=\"q\\\"x\"\r\nhello\r\n0;last\r\n\r\n"),
                        "POST /v body=hello trailers=0"),
                ok("chunk extension with whitespace around ; and =",
                        post("Transfer-Encoding: chunked\r\n", "5 ; a = b\r\nhello\r\n0\r\n\r\n"),
                        "POST /v body=hello trailers=0"),
                ok("trailer fields", post("Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\nA: 1\r\nB: 2\r\n\r\n"),
                        "POST /v body=hello trailers=2"),
                ok("empty chunked body", post("Transfer-Encoding: chunked\r\n", "0\r\n\r\n"), "POST /v body= trailers=0"),
                ok("obs-text in a field value", "GET /v HTTP/1.1\r\nHost: t\r\nX-Latin: caf\u00e9\r\n\r\n", "GET /v body= trailers=0"),
                ok("HTAB in a field value", "GET /v HTTP/1.1\r\nHost: t\r\nX-Tab: a\tb\r\n\r\n", "GET /v body= trailers=0"),
                ok("empty field value", "GET /v HTTP/1.1\r\nHost: t\r\nX-Empty:\r\n\r\n", "GET /v body= trailers=0"),
                ok("every tchar in a field name", "GET /v HTTP/1.1\r\nHost: t\r\nX-!#$%&'*+-.^_`|~: v\r\n\r\n",
                        "GET /v body= trailers=0"),
                ok("empty Host", "GET /v HTTP/1.1\r\nHost:\r\n\r\n", "GET /v body= trailers=0"),
                ok("Host with port", "GET /v HTTP/1.1\r\nHost: example.com:8080\r\n\r\n", "GET /v body= trailers=0"),
                ok("Host IPv6 literal", "GET /v HTTP/1.1\r\nHost: [::1]:80\r\n\r\n", "GET /v body= trailers=0"),
                ok("extension method", "PROPFIND /v HTTP/1.1\r\nHost: t\r\n\r\n", "PROPFIND /v body= trailers=0"),
                ok("HTTP/1.2 is served as 1.1", "GET /v HTTP/1.2\r\nHost: t\r\n\r\n", "GET /v body= trailers=0"),
                ok("empty lines before the request line", "\r\n\r\nGET /v HTTP/1.1\r\nHost: t\r\n\r\n", "GET /v body= trailers=0"),
                ok("all allowed characters in the target",
                        "GET /a/b;c?d=e&f=%20|{}~!$'()*+,;=:@/? HTTP/1.1\r\nHost: t\r\n\r\n",
                        "GET /a/b;c?d=e&f=%20|{}~!$'()*+,;=:@/? body= trailers=0"),
                ok("https absolute-form", "GET https://example.com:8443/v?x HTTP/1.1\r\nHost: example.com:8443\r\n\r\n",
                        "GET https://example.com:8443/v?x body= trailers=0"),
                ok("Expect: 100-continue without a body gets no 100",
                        "GET /v HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\n\r\n", "GET /v body= trailers=0"),
                ok("request line of exactly the default 8 KiB limit",
                        "GET /" + "r".repeat(8192 - "GET / HTTP/1.1".length()) + " HTTP/1.1\r\nHost: t\r\n\r\n",
                        "GET /" + "r".repeat(8192 - "GET / HTTP/1.1".length()) + " body= trailers=0"),
                ok("header fields exactly at the count limit",
                        "GET /v HTTP/1.1\r\nHost: t\r\n" + "X-F: v\r\n".repeat(15) + "\r\n", "GET /v body= trailers=0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void validInputIsServedAndTheConnectionKept(String name, String request, String expectedBody) throws Exception {
        try (RawClient c = RawClient.tcp(server.port())) {
            c.send(request + "GET /next HTTP/1.1\r\nHost: t\r\n\r\n");
            RawResponse r = c.readResponse();
            assertThat(r.status()).as(name).isEqualTo(200);
            assertThat(r.bodyText()).as(name).isEqualTo(expectedBody);
            assertThat(r.connectionClose()).as(name).isFalse();
            assertThat(c.readResponse().bodyText()).isEqualTo("GET /next body= trailers=0");
        }
    }
}
