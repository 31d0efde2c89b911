package dev.peregrine.http1;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.peregrine.api.Headers;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestHeadParserTest {

    static final int MAX_LINE = 1024;
    static final int MAX_HEADERS = 4096;
    static final int MAX_COUNT = 32;

    final RequestHeadParser parser = new RequestHeadParser(MAX_LINE, MAX_HEADERS, MAX_COUNT);
    final RequestHead head = new RequestHead();

    /** A request from its lines: each gets a CRLF, then the empty line ends the head. */
    static String req(String... lines) {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(l).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    static byte[] bytes(String s) {
        return s.getBytes(ISO_8859_1);
    }

    int parse(String raw) {
        byte[] b = bytes(raw);
        return parser.parse(b, 0, b.length, head);
    }

    RequestHead parseAll(String raw) {
        assertThat(parse(raw)).as("consumed").isEqualTo(raw.length());
        return head;
    }

    int statusOf(String raw) {
        HttpParseException e = catchThrowableOfType(HttpParseException.class, () -> parse(raw));
        assertThat(e).as("expected a rejection").isNotNull();
        return e.status();
    }

    static List<String> fields(Headers h) {
        List<String> l = new ArrayList<>();
        h.forEach((n, v) -> l.add(n + "=" + v));
        return l;
    }

    // ---------------------------------------------------------------- accepted

    static Stream<Arguments> accepted() {
        return Stream.of(
                arguments("simple GET", req("GET / HTTP/1.1", "Host: example.com")),
                arguments("HTTP/1.0 without Host", req("GET / HTTP/1.0")),
                arguments("RFC 9112 §2.2: one empty line before request-line", "\r\n" + req("GET / HTTP/1.1", "Host: a")),
                arguments("RFC 9112 §2.2: four empty lines before request-line", "\r\n".repeat(4) + req("GET / HTTP/1.1", "Host: a")),
                arguments("RFC 9112 §3.2.1: origin-form with query", req("GET /a/b?x=1&y=%20 HTTP/1.1", "Host: a")),
                arguments("RFC 9112 §3.2.1: origin-form with empty segments", req("GET //a// HTTP/1.1", "Host: a")),
                arguments("RFC 9112 §3.2.2: absolute-form http", req("GET http://example.com/x HTTP/1.1", "Host: example.com")),
                arguments("RFC 9112 §3.2.2: absolute-form HTTPS upper case", req("GET HTTPS://example.com:8443 HTTP/1.1", "Host: example.com")),
                arguments("RFC 9112 §3.2.2: absolute-form with query, no path", req("GET http://a?q HTTP/1.1", "Host: a")),
                arguments("RFC 9112 §3.2.2: absolute-form IPv6", req("GET http://[::1]:80/ HTTP/1.1", "Host: [::1]:80")),
                arguments("RFC 9112 §3.2.3: CONNECT authority-form", req("CONNECT example.com:443 HTTP/1.1", "Host: example.com:443")),
                arguments("RFC 9112 §3.2.3: CONNECT IPv6 authority", req("CONNECT [2001:db8::1]:443 HTTP/1.1", "Host: [2001:db8::1]:443")),
                arguments("RFC 9112 §3.2.4: OPTIONS asterisk-form", req("OPTIONS * HTTP/1.1", "Host: a")),
                arguments("RFC 9110 §9.1: extension method", req("PROPFIND /d HTTP/1.1", "Host: a")),
                arguments("RFC 9110 §9.1: lower-case method is another token", req("get / HTTP/1.1", "Host: a")),
                arguments("RFC 9110 §5.6.2: method with every tchar", req("A!#$%&'*+-.^_`|~9 / HTTP/1.1", "Host: a")),
                arguments("RFC 9110 §6.2: HTTP/1.2 answered as 1.1", req("GET / HTTP/1.2", "Host: a")),
                arguments("RFC 9110 §6.2: HTTP/1.9 answered as 1.1", req("GET / HTTP/1.9", "Host: a")),
                arguments("RFC 9112 §5.1: OWS around value", req("GET / HTTP/1.1", "Host:   a  ")),
                arguments("RFC 9112 §5.1: HTAB OWS around value", req("GET / HTTP/1.1", "Host:\ta\t")),
                arguments("RFC 9112 §5.1: no OWS at all", req("GET / HTTP/1.1", "Host:a")),
                arguments("RFC 9110 §5.5: obs-text in value", req("GET / HTTP/1.1", "Host: a", "X-Name: caf\u00e9 \u00ff")),
                arguments("RFC 9110 §5.5: HTAB inside value", req("GET / HTTP/1.1", "Host: a", "X: a\tb")),
                arguments("RFC 9110 §5.5: empty value", req("GET / HTTP/1.1", "Host: a", "X-Empty:")),
                arguments("RFC 9110 §5.5: only OWS value", req("GET / HTTP/1.1", "Host: a", "X-Empty:  \t ")),
                arguments("RFC 9110 §5.1: name with every tchar", req("GET / HTTP/1.1", "Host: a", "x!#$%&'*+-.^_`|~z: 1")),
                arguments("RFC 9112 §3.2: empty Host", req("GET / HTTP/1.1", "Host:")),
                arguments("RFC 3986: Host with empty port", req("GET / HTTP/1.1", "Host: a:")),
                arguments("RFC 3986: Host with pct-encoding", req("GET / HTTP/1.1", "Host: ex%41mple.com")),
                arguments("RFC 3986: Host IPv4 and max port", req("GET / HTTP/1.1", "Host: 127.0.0.1:65535")),
                arguments("RFC 9112 §6.2: Content-Length 0", req("POST / HTTP/1.1", "Host: a", "Content-Length: 0")),
                arguments("RFC 9112 §6.2: Content-Length leading zeros", req("POST / HTTP/1.1", "Host: a", "Content-Length: 0005")),
                arguments("RFC 9112 §6.2: Content-Length Long.MAX_VALUE", req("POST / HTTP/1.1", "Host: a", "Content-Length: 9223372036854775807")),
                arguments("RFC 9112 §6.2: Content-Length in HTTP/1.0", req("POST / HTTP/1.0", "Content-Length: 3")),
                arguments("RFC 9112 §6.1: chunked", req("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked")),
                arguments("RFC 9112 §7: coding names are case-insensitive", req("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: ChUnKeD")),
                arguments("RFC 9110 §5.6.1: empty list elements ignored", req("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: , chunked ,")),
                arguments("RFC 9110 §5.3: TE split over lines, empty first", req("POST / HTTP/1.1", "Host: a", "Transfer-Encoding:", "Transfer-Encoding: chunked")),
                arguments("field names are case-insensitive", req("GET / HTTP/1.1", "hOsT: a", "CONTENT-length: 1")),
                arguments("Expect other than 100-continue is ignored", req("GET / HTTP/1.1", "Host: a", "Expect: something")),
                arguments("header at exactly the count limit", req(Stream.concat(Stream.of("GET / HTTP/1.1", "Host: a"),
                        Stream.generate(() -> "X: y").limit(MAX_COUNT - 1)).toArray(String[]::new))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void accepts(String name, String raw) {
        assertThat(parse(raw)).isEqualTo(raw.length());
    }

    @ParameterizedTest(name = "byte by byte: {0}")
    @MethodSource("accepted")
    void acceptsFedByteByByte(String name, String raw) {
        byte[] b = bytes(raw);
        for (int end = 0; end < b.length; end++) {
            assertThat(parser.parse(b, 0, end, head)).as("prefix %d", end).isZero();
        }
        assertThat(parser.parse(b, 0, b.length, head)).isEqualTo(b.length);
    }

    // ---------------------------------------------------------------- rejected

    static Stream<Arguments> rejected() {
        return Stream.of(
                // line endings and control bytes (RFC 9112 §2.2)
                arguments("RFC 9112 §2.2: bare LF ends request-line -> 400", "GET / HTTP/1.1\nHost: a\r\n\r\n", 400),
                arguments("RFC 9112 §2.2: bare LF ends field line -> 400", "GET / HTTP/1.1\r\nHost: a\n\r\n", 400),
                arguments("RFC 9112 §2.2: bare LF as empty line -> 400", "GET / HTTP/1.1\r\nHost: a\r\n\n", 400),
                arguments("RFC 9112 §2.2: bare LF before request-line -> 400", "\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
                arguments("RFC 9112 §2.2: bare CR ends request-line -> 400", "GET / HTTP/1.1\rHost: a\r\n\r\n", 400),
                arguments("RFC 9112 §2.2: bare CR in target -> 400", req("GET /\ra HTTP/1.1", "Host: a"), 400),
                arguments("RFC 9112 §2.2: bare CR in field value -> 400", req("GET / HTTP/1.1", "Host: a", "X: a\rb"), 400),
                arguments("RFC 9112 §2.2: bare CR ends field line -> 400", "GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n", 400),
                arguments("RFC 9112 §2.2: CR CR LF -> 400", "GET / HTTP/1.1\r\r\nHost: a\r\n\r\n", 400),
                arguments("RFC 9112 §2.2: five empty lines before request-line -> 400", "\r\n".repeat(5) + req("GET / HTTP/1.1", "Host: a"), 400),
                arguments("RFC 9110 §5.5: NUL in field value -> 400", req("GET / HTTP/1.1", "Host: a", "X: a\0b"), 400),
                arguments("RFC 9110 §5.5: 0x01 in field value -> 400", req("GET / HTTP/1.1", "Host: a", "X: \u0001"), 400),
                arguments("RFC 9110 §5.5: 0x1F in field value -> 400", req("GET / HTTP/1.1", "Host: a", "X: a\u001f"), 400),
                arguments("RFC 9110 §5.5: DEL in field value -> 400", req("GET / HTTP/1.1", "Host: a", "X: a\u007f"), 400),
                arguments("RFC 9110 §5.5: ESC in field value -> 400", req("GET / HTTP/1.1", "Host: a", "X: \u001b[0m"), 400),
                arguments("RFC 9110 §5.1: NUL in field name -> 400", req("GET / HTTP/1.1", "Host: a", "X\0Y: 1"), 400),
                arguments("RFC 9112 §3.2: NUL in target -> 400", req("GET /\0 HTTP/1.1", "Host: a"), 400),
                arguments("RFC 9112 §3.2: HTAB in target -> 400", req("GET /a\tb HTTP/1.1", "Host: a"), 400),
                arguments("RFC 9112 §3.2: DEL in target -> 400", req("GET /\u007f HTTP/1.1", "Host: a"), 400),
                arguments("RFC 9112 §3.2: obs-text in target -> 400", req("GET /caf\u00e9 HTTP/1.1", "Host: a"), 400),
                arguments("RFC 9110 §9.1: NUL in method -> 400", req("G\0ET / HTTP/1.1", "Host: a"), 400),
                // request-line shape (RFC 9112 §3)
                arguments("RFC 9112 §3: two SP after method -> 400", req("GET  / HTTP/1.1", "Host: a"), 400),
                arguments("RFC 9112 §3: two SP before version -> 400", req("GET /  HTTP/1.1", "Host: a"), 400),
                arguments("RFC 9112 §3: SP after version -> 400", req("GET / HTTP/1.1 ", "Host: a"), 400),
                arguments("RFC 9112 §3: SP before method -> 400", req(" GET / HTTP/1.1", "Host: a"), 400),
                arguments("RFC 9112 §3: HTAB as separator -> 400", req("GET\t/ HTTP/1.1", "Host: a"), 400),
                arguments("RFC 9112 §3: SP inside target -> 400", req("GET /a b HTTP/1.1", "Host: a"), 400),
                arguments("RFC 9112 §3: missing version (HTTP/0.9 simple request) -> 400", req("GET /", "Host: a"), 400),
                arguments("RFC 9112 §3: missing target -> 400", req("GET HTTP/1.1", "Host: a"), 400),
                arguments("RFC 9112 §3: only a method -> 400", req("GET", "Host: a"), 400),
                arguments("RFC 9110 §9.1: method with '(' -> 400", req("G(ET / HTTP/1.1", "Host: a"), 400),
                arguments("RFC 9110 §9.1: method with obs-text -> 400", req("G\u00c9T / HTTP/1.1", "Host: a"), 400),
                // HTTP-version (RFC 9112 §2.3)
                arguments("RFC 9112 §2.3: lower-case http -> 400", req("GET / http/1.1", "Host: a"), 400),
                arguments("RFC 9112 §2.3: HTTP/1 -> 400", req("GET / HTTP/1", "Host: a"), 400),
                arguments("RFC 9112 §2.3: HTTP/11 -> 400", req("GET / HTTP/11", "Host: a"), 400),
                arguments("RFC 9112 §2.3: HTTP/1.1.1 -> 400", req("GET / HTTP/1.1.1", "Host: a"), 400),
                arguments("RFC 9112 §2.3: HTTP/10.0 -> 400", req("GET / HTTP/10.0", "Host: a"), 400),
                arguments("RFC 9112 §2.3: HTTP/1.x -> 400", req("GET / HTTP/1.x", "Host: a"), 400),
                arguments("RFC 9112 §2.3: HTTP/ 1.1 -> 400", req("GET / HTTP/ 1.1", "Host: a"), 400),
                arguments("RFC 9112 §2.3: HTTPS/1.1 -> 400", req("GET / HTTPS/1.1", "Host: a"), 400),
                arguments("RFC 9110 §6.2: HTTP/0.9 -> 505", req("GET / HTTP/0.9", "Host: a"), 505),
                arguments("RFC 9110 §6.2: HTTP/2.0 -> 505", req("GET / HTTP/2.0", "Host: a"), 505),
                arguments("RFC 9110 §6.2: HTTP/3.0 -> 505", req("GET / HTTP/3.0", "Host: a"), 505),
                arguments("RFC 9113 §3.4: HTTP/2 preface -> 505", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505),
                // request-target forms (RFC 9112 §3.2)
                arguments("RFC 9112 §3.2.4: asterisk-form with GET -> 400", req("GET * HTTP/1.1", "Host: a"), 400),
                arguments("RFC 9112 §3.2.4: asterisk with suffix -> 400", req("OPTIONS *a HTTP/1.1", "Host: a"), 400),
                arguments("RFC 9112 §3.2.3: authority-form with GET -> 400", req("GET example.com:80 HTTP/1.1", "Host: a"), 400),
                arguments("RFC 9112 §3.2: relative reference -> 400", req("GET foo/bar HTTP/1.1", "Host: a"), 400),
                arguments("RFC 9112 §3.2.2: non-http scheme -> 400", req("GET ftp://a/ HTTP/1.1", "Host: a"), 400),
                arguments("RFC 9112 §3.2.2: http: without // -> 400", req("GET http:/a HTTP/1.1", "Host: a"), 400),
                arguments("RFC 9110 §4.2.1: absolute-form without host -> 400", req("GET http:// HTTP/1.1", "Host: a"), 400),
                arguments("RFC 9110 §4.2.1: absolute-form empty host -> 400", req("GET http:///x HTTP/1.1", "Host: a"), 400),
                arguments("RFC 9110 §4.2.4: absolute-form with userinfo -> 400", req("GET http://u:p@a/ HTTP/1.1", "Host: a"), 400),
                arguments("RFC 9112 §3.2.3: CONNECT origin-form -> 400", req("CONNECT / HTTP/1.1", "Host: a"), 400),
                arguments("RFC 9110 §9.3.6: CONNECT without port -> 400", req("CONNECT a HTTP/1.1", "Host: a"), 400),
                arguments("RFC 9110 §9.3.6: CONNECT empty port -> 400", req("CONNECT a: HTTP/1.1", "Host: a"), 400),
                arguments("RFC 9110 §9.3.6: CONNECT port 0 -> 400", req("CONNECT a:0 HTTP/1.1", "Host: a"), 400),
                arguments("RFC 9110 §9.3.6: CONNECT port 65536 -> 400", req("CONNECT a:65536 HTTP/1.1", "Host: a"), 400),
                arguments("RFC 9112 §3.2.3: CONNECT with path -> 400", req("CONNECT a:443/x HTTP/1.1", "Host: a"), 400),
                arguments("RFC 9112 §3.2.3: CONNECT absolute-form -> 400", req("CONNECT http://a:443 HTTP/1.1", "Host: a"), 400),
                // field lines (RFC 9112 §5)
                arguments("RFC 9112 §5.2: obs-fold -> 400", req("GET / HTTP/1.1", "Host: a", "X: a", " b"), 400),
                arguments("RFC 9112 §5.2: obs-fold with HTAB -> 400", req("GET / HTTP/1.1", "Host: a", "X: a", "\tb"), 400),
                arguments("RFC 9112 §2.2: whitespace before first field -> 400", req("GET / HTTP/1.1", " Host: a"), 400),
                arguments("RFC 9112 §5.1: SP between name and colon -> 400", req("GET / HTTP/1.1", "Host : a"), 400),
                arguments("RFC 9112 §5.1: HTAB between name and colon -> 400", req("GET / HTTP/1.1", "Host\t: a"), 400),
                arguments("RFC 9112 §5.1: SP before colon on Transfer-Encoding -> 400",
                        req("POST / HTTP/1.1", "Host: a", "Transfer-Encoding : chunked"), 400),
                arguments("RFC 9110 §5.1: empty field name -> 400", req("GET / HTTP/1.1", "Host: a", ": x"), 400),
                arguments("RFC 9112 §5: field line without colon -> 400", req("GET / HTTP/1.1", "Host: a", "X y"), 400),
                arguments("RFC 9110 §5.1: name with '/' -> 400", req("GET / HTTP/1.1", "Host: a", "X/Y: 1"), 400),
                arguments("RFC 9110 §5.1: name with '(' -> 400", req("GET / HTTP/1.1", "Host: a", "X(: 1"), 400),
                arguments("RFC 9110 §5.1: name with obs-text -> 400", req("GET / HTTP/1.1", "Host: a", "X\u00e9: 1"), 400),
                // Host (RFC 9112 §3.2)
                arguments("RFC 9112 §3.2: HTTP/1.1 without Host -> 400", req("GET / HTTP/1.1"), 400),
                arguments("RFC 9112 §3.2: two Host fields -> 400", req("GET / HTTP/1.1", "Host: a", "Host: a"), 400),
                arguments("RFC 9112 §3.2: two Host fields in HTTP/1.0 -> 400", req("GET / HTTP/1.0", "Host: a", "Host: b"), 400),
                arguments("RFC 9112 §3.2: absolute-form still needs Host in 1.1 -> 400", req("GET http://a/ HTTP/1.1"), 400),
                arguments("RFC 9112 §3.2: Host with SP -> 400", req("GET / HTTP/1.1", "Host: a b"), 400),
                arguments("RFC 9112 §3.2: Host with '/' -> 400", req("GET / HTTP/1.1", "Host: a/b"), 400),
                arguments("RFC 9112 §3.2: Host with userinfo -> 400", req("GET / HTTP/1.1", "Host: u@a"), 400),
                arguments("RFC 9112 §3.2: Host with '?' -> 400", req("GET / HTTP/1.1", "Host: a?b"), 400),
                arguments("RFC 9112 §3.2: Host with '#' -> 400", req("GET / HTTP/1.1", "Host: a#b"), 400),
                arguments("RFC 9112 §3.2: Host with backslash -> 400", req("GET / HTTP/1.1", "Host: a\\b"), 400),
                arguments("RFC 9112 §3.2: Host with obs-text -> 400", req("GET / HTTP/1.1", "Host: caf\u00e9"), 400),
                arguments("RFC 9112 §3.2: Host port not digits -> 400", req("GET / HTTP/1.1", "Host: a:http"), 400),
                arguments("RFC 9112 §3.2: Host port 65536 -> 400", req("GET / HTTP/1.1", "Host: a:65536"), 400),
                arguments("RFC 9112 §3.2: Host port six digits -> 400", req("GET / HTTP/1.1", "Host: a:000080"), 400),
                arguments("RFC 9112 §3.2: Host two ports -> 400", req("GET / HTTP/1.1", "Host: a:1:2"), 400),
                arguments("RFC 9112 §3.2: Host only a port -> 400", req("GET / HTTP/1.1", "Host: :80"), 400),
                arguments("RFC 9112 §3.2: Host unclosed IPv6 -> 400", req("GET / HTTP/1.1", "Host: [::1"), 400),
                arguments("RFC 9112 §3.2: Host empty IPv6 -> 400", req("GET / HTTP/1.1", "Host: []"), 400),
                arguments("RFC 9112 §3.2: Host junk after IPv6 -> 400", req("GET / HTTP/1.1", "Host: [::1]x"), 400),
                arguments("RFC 9112 §3.2: Host bad pct-encoding -> 400", req("GET / HTTP/1.1", "Host: a%zz"), 400),
                arguments("RFC 9112 §3.2: Host truncated pct-encoding -> 400", req("GET / HTTP/1.1", "Host: a%4"), 400),
                arguments("RFC 9112 §3.2: Host as a list -> 400", req("GET / HTTP/1.1", "Host: a, b"), 400),
                // Content-Length (RFC 9112 §6.2, §6.3)
                arguments("RFC 9112 §6.2: CL with '+' -> 400", req("POST / HTTP/1.1", "Host: a", "Content-Length: +5"), 400),
                arguments("RFC 9112 §6.2: CL negative -> 400", req("POST / HTTP/1.1", "Host: a", "Content-Length: -5"), 400),
                arguments("RFC 9112 §6.2: CL with inner SP -> 400", req("POST / HTTP/1.1", "Host: a", "Content-Length: 5 5"), 400),
                arguments("RFC 9112 §6.3: CL list '5, 5' -> 400", req("POST / HTTP/1.1", "Host: a", "Content-Length: 5, 5"), 400),
                arguments("RFC 9112 §6.3: CL list '5,5' -> 400", req("POST / HTTP/1.1", "Host: a", "Content-Length: 5,5"), 400),
                arguments("RFC 9112 §6.2: CL empty -> 400", req("POST / HTTP/1.1", "Host: a", "Content-Length:"), 400),
                arguments("RFC 9112 §6.2: CL non-digits -> 400", req("POST / HTTP/1.1", "Host: a", "Content-Length: abc"), 400),
                arguments("RFC 9112 §6.2: CL hex -> 400", req("POST / HTTP/1.1", "Host: a", "Content-Length: 0x10"), 400),
                arguments("RFC 9112 §6.2: CL decimal point -> 400", req("POST / HTTP/1.1", "Host: a", "Content-Length: 5.0"), 400),
                arguments("RFC 9112 §6.2: CL Long.MAX_VALUE + 1 -> 400", req("POST / HTTP/1.1", "Host: a", "Content-Length: 9223372036854775808"), 400),
                arguments("RFC 9112 §6.2: CL 20 digits -> 400", req("POST / HTTP/1.1", "Host: a", "Content-Length: 99999999999999999999"), 400),
                arguments("RFC 9112 §6.3: two CL fields, equal -> 400",
                        req("POST / HTTP/1.1", "Host: a", "Content-Length: 5", "Content-Length: 5"), 400),
                arguments("RFC 9112 §6.3: two CL fields, different -> 400",
                        req("POST / HTTP/1.1", "Host: a", "Content-Length: 5", "content-length: 6"), 400),
                // Transfer-Encoding (RFC 9112 §6.1, §6.3)
                arguments("RFC 9112 §6.3: CL with TE -> 400",
                        req("POST / HTTP/1.1", "Host: a", "Content-Length: 5", "Transfer-Encoding: chunked"), 400),
                arguments("RFC 9112 §6.3: TE with CL after it -> 400",
                        req("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked", "Content-Length: 5"), 400),
                arguments("RFC 9112 §6.3: CL with unsupported TE -> 400, not 501",
                        req("POST / HTTP/1.1", "Host: a", "Content-Length: 5", "Transfer-Encoding: gzip, chunked"), 400),
                arguments("RFC 9112 §6.1: TE in HTTP/1.0 -> 400", req("POST / HTTP/1.0", "Transfer-Encoding: chunked"), 400),
                arguments("RFC 9112 §6.3: final coding gzip -> 400", req("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: gzip"), 400),
                arguments("RFC 9112 §6.3: final coding unknown -> 400", req("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: foo"), 400),
                arguments("RFC 9112 §6.3: final coding identity -> 400", req("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: identity"), 400),
                arguments("RFC 9112 §6.3: chunked then gzip -> 400", req("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked, gzip"), 400),
                arguments("RFC 9112 §6.3: chunked then gzip over two lines -> 400",
                        req("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked", "Transfer-Encoding: gzip"), 400),
                arguments("RFC 9112 §6.1: chunked twice -> 400", req("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked, chunked"), 400),
                arguments("RFC 9112 §6.1: chunked twice over two lines -> 400",
                        req("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked", "Transfer-Encoding: chunked"), 400),
                arguments("RFC 9112 §6.1: empty TE -> 400", req("POST / HTTP/1.1", "Host: a", "Transfer-Encoding:"), 400),
                arguments("RFC 9112 §6.1: TE of commas only -> 400", req("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: , ,"), 400),
                arguments("RFC 9112 §7.1: chunked with parameter -> 400", req("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked;q=1"), 400),
                arguments("RFC 9112 §6.1: quoted coding -> 400", req("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: \"chunked\""), 400),
                arguments("RFC 9112 §6.1: two codings without comma -> 400", req("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: gzip chunked"), 400),
                arguments("RFC 9112 §6.1: xchunked -> 400", req("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: xchunked"), 400),
                arguments("RFC 9112 §6.1: chunked with obs-text suffix -> 400", req("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked\u00ff"), 400),
                arguments("RFC 9112 §6.1: gzip before chunked -> 501", req("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: gzip, chunked"), 501),
                arguments("RFC 9112 §6.1: deflate before chunked over two lines -> 501",
                        req("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: deflate", "Transfer-Encoding: chunked"), 501),
                arguments("RFC 9112 §6.1: unknown coding before chunked -> 501", req("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: foo, chunked"), 501),
                arguments("RFC 9112 §6.1: identity before chunked -> 501", req("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: identity, chunked"), 501),
                arguments("RFC 9112 §6.1: coding with parameter before chunked -> 501",
                        req("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: foo;a=b, chunked"), 501),
                // limits
                arguments("request-line over limit -> 414", req("GET /" + "a".repeat(MAX_LINE) + " HTTP/1.1", "Host: a"), 414),
                arguments("header section over limit -> 431", req("GET / HTTP/1.1", "Host: a", "X: " + "a".repeat(MAX_HEADERS)), 431),
                arguments("header count over limit -> 431", req(Stream.concat(Stream.of("GET / HTTP/1.1", "Host: a"),
                        Stream.generate(() -> "X: y").limit(MAX_COUNT)).toArray(String[]::new)), 431));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void rejects(String name, String raw, int status) {
        assertThat(statusOf(raw)).isEqualTo(status);
    }

    @ParameterizedTest(name = "byte by byte: {0}")
    @MethodSource("rejected")
    void rejectsFedByteByByte(String name, String raw, int status) {
        byte[] b = bytes(raw);
        HttpParseException e = catchThrowableOfType(HttpParseException.class, () -> {
            for (int end = 0; end <= b.length; end++) {
                assertThat(parser.parse(b, 0, end, head)).as("prefix %d", end).isZero();
            }
        });
        assertThat(e).as("expected a rejection").isNotNull();
        assertThat(e.status()).isEqualTo(status);
    }

    // ---------------------------------------------------------------- what a parsed head says

    @Test
    void simpleRequestFields() {
        RequestHead h = parseAll(req("GET /index.html?a=b HTTP/1.1", "Host: example.com:8080", "User-Agent: t/1", "Accept: */*"));
        assertThat(h.method()).isEqualTo("GET");
        assertThat(h.target()).isEqualTo("/index.html?a=b");
        assertThat(h.minorVersion()).isEqualTo(1);
        assertThat(h.host()).isEqualTo("example.com:8080");
        assertThat(h.contentLength()).isEqualTo(-1);
        assertThat(h.chunked()).isFalse();
        assertThat(h.keepAlive()).isTrue();
        assertThat(h.expectContinue()).isFalse();
        assertThat(h.upgrade()).isNull();
        assertThat(h.hasBody()).isFalse();
        assertThat(fields(h.headers())).containsExactly("host=example.com:8080", "user-agent=t/1", "accept=*/*");
    }

    @ParameterizedTest(name = "RFC 9110 §9: {0} is interned")
    @ValueSource(strings = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT"})
    void standardMethodsAreInterned(String method) {
        String target = method.equals("CONNECT") ? "a:443" : method.equals("OPTIONS") ? "*" : "/";
        parseAll(req(method + " " + target + " HTTP/1.1", "Host: a"));
        assertThat(head.method()).isSameAs(method.intern()); // annotation strings are not interned
    }

    @Test
    void extensionMethodKeepsItsCase() {
        parseAll(req("get / HTTP/1.1", "Host: a"));
        assertThat(head.method()).isEqualTo("get");
    }

    @Test
    void http10AndLaterMinorVersions() {
        assertThat(parseAll(req("GET / HTTP/1.0")).minorVersion()).isZero();
        assertThat(head.host()).isNull();
        assertThat(parseAll(req("GET / HTTP/1.7", "Host: a")).minorVersion()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "Host|host", "HOST|host", "hOsT|host", "Content-Type|content-type", "CONTENT-TYPE|content-type",
        "cOnTeNt-TyPe|content-type", "User-Agent|user-agent", "X-Forwarded-For|x-forwarded-for",
        "TE|te", "Sec-WebSocket-Key|sec-websocket-key", "If-None-Match|if-none-match"})
    void knownNamesAreMatchedCaseInsensitivelyAndInterned(String sent, String expected) {
        parseAll(req("GET / HTTP/1.0", sent + ": v"));
        Headers h = head.headers();
        assertThat(h.name(h.size() - 1)).isEqualTo(expected).isSameAs(expected.intern());
    }

    @Test
    void unknownNamesAreLowerCased() {
        parseAll(req("GET / HTTP/1.1", "Host: a", "X-Custom-THING: 1", "x-lower: 2", "Hostx: 3", "Hos: 4"));
        assertThat(fields(head.headers())).containsExactly("host=a", "x-custom-thing=1", "x-lower=2", "hostx=3", "hos=4");
    }

    @Test
    void valuesAreTrimmedAndDecodedAsLatin1() {
        parseAll(req("GET / HTTP/1.1", "Host: a", "X-A: \t a  b \t", "X-B:\u00e9\u00ff", "X-C:", "X-D:   "));
        assertThat(head.headers().get("x-a")).isEqualTo("a  b");
        assertThat(head.headers().get("x-b")).isEqualTo("\u00e9\u00ff");
        assertThat(head.headers().get("x-c")).isEmpty();
        assertThat(head.headers().get("x-d")).isEmpty();
    }

    @Test
    void repeatedFieldsKeepTheirOrder() {
        parseAll(req("GET / HTTP/1.1", "Host: a", "Accept: a", "X: 1", "Accept: b"));
        assertThat(head.headers().getAll("accept")).containsExactly("a", "b");
    }

    @Test
    void contentLength() {
        parseAll(req("POST / HTTP/1.1", "Host: a", "Content-Length:  42 "));
        assertThat(head.contentLength()).isEqualTo(42);
        assertThat(head.chunked()).isFalse();
        assertThat(head.hasBody()).isTrue();
        parseAll(req("POST / HTTP/1.1", "Host: a", "Content-Length: 0"));
        assertThat(head.contentLength()).isZero();
        assertThat(head.hasBody()).isFalse();
        parseAll(req("POST / HTTP/1.1", "Host: a", "Content-Length: 9223372036854775807"));
        assertThat(head.contentLength()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void chunked() {
        parseAll(req("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: Chunked"));
        assertThat(head.chunked()).isTrue();
        assertThat(head.contentLength()).isEqualTo(-1);
        assertThat(head.hasBody()).isTrue();
        assertThat(head.headers().get("transfer-encoding")).isEqualTo("Chunked");
    }

    @ParameterizedTest(name = "RFC 9112 §9.3: HTTP/1.{0} with Connection \"{1}\" -> keepAlive {2}")
    @CsvSource(delimiter = '|', value = {
        "1|       |true", "1|close|false", "1|Close|false", "1|keep-alive|true", "1|Keep-Alive, Close|false",
        "1|foo,  close ,bar|false", "1|closed|true", "1|upgrade|true",
        "0|       |false", "0|keep-alive|true", "0|Keep-Alive|true", "0|keep-alive, close|false", "0|close|false",
        "0|keep-alives|false"})
    void keepAlive(int minor, String connection, boolean keepAlive) {
        String host = minor == 1 ? "Host: a" : "X: y";
        if (connection == null) {
            parseAll(req("GET / HTTP/1." + minor, host));
        } else {
            parseAll(req("GET / HTTP/1." + minor, host, "Connection: " + connection));
        }
        assertThat(head.keepAlive()).isEqualTo(keepAlive);
    }

    @Test
    void connectionOptionsSpreadOverSeveralLines() {
        parseAll(req("GET / HTTP/1.1", "Host: a", "Connection: keep-alive", "Connection: close"));
        assertThat(head.keepAlive()).isFalse();
        parseAll(req("GET / HTTP/1.0", "Connection: foo", "Connection: keep-alive"));
        assertThat(head.keepAlive()).isTrue();
    }

    @ParameterizedTest(name = "RFC 9110 §10.1.1: HTTP/1.{0} Expect \"{1}\" -> {2}")
    @CsvSource(delimiter = '|', value = {
        "1|100-continue|true", "1|100-Continue|true", "1|100-CONTINUE  |true", "1|foo, 100-continue|true",
        "1|101-continue|false", "1|100-continued|false", "1|something|false", "0|100-continue|false"})
    void expectContinue(int minor, String expect, boolean expected) {
        parseAll(req("POST / HTTP/1." + minor, "Host: a", "Content-Length: 1", "Expect: " + expect));
        assertThat(head.expectContinue()).isEqualTo(expected);
    }

    @Test
    void upgradeNeedsConnectionUpgrade() {
        parseAll(req("GET /ws HTTP/1.1", "Host: a", "Connection: Upgrade", "Upgrade: websocket"));
        assertThat(head.upgrade()).isEqualTo("websocket");
        parseAll(req("GET / HTTP/1.1", "Host: a", "Connection: Upgrade, HTTP2-Settings", "Upgrade: h2c", "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA"));
        assertThat(head.upgrade()).isEqualTo("h2c");
        parseAll(req("GET / HTTP/1.1", "Host: a", "Upgrade: websocket"));
        assertThat(head.upgrade()).isNull();
        parseAll(req("GET / HTTP/1.1", "Host: a", "Connection: upgrade"));
        assertThat(head.upgrade()).isNull();
        parseAll(req("GET / HTTP/1.1", "Host: a", "Upgrade: a/1", "Connection: keep-alive, upgrade", "Upgrade: b"));
        assertThat(head.upgrade()).isEqualTo("a/1, b");
    }

    @Test
    void absoluteFormKeepsTargetAndHost() {
        parseAll(req("GET http://origin.example/p?q HTTP/1.1", "Host: other.example"));
        assertThat(head.target()).isEqualTo("http://origin.example/p?q");
        assertThat(head.host()).isEqualTo("other.example");
    }

    @Test
    void emptyHostIsAllowed() {
        parseAll(req("GET / HTTP/1.1", "Host:  "));
        assertThat(head.host()).isEmpty();
    }

    // ---------------------------------------------------------------- incremental input

    static final String FULL = req("POST /upload?x=1 HTTP/1.1", "Host: example.com", "User-Agent: curl/8.5.0",
            "Accept: */*", "Content-Length: 5", "Connection: keep-alive", "Expect: 100-continue", "X-Custom: \u00e9t\u00e9");

    @Test
    void everySplitPointGivesTheOneShotResult() {
        RequestHeadParser oneShotParser = new RequestHeadParser(MAX_LINE, MAX_HEADERS, MAX_COUNT);
        RequestHead expected = new RequestHead();
        byte[] b = bytes(FULL);
        assertThat(oneShotParser.parse(b, 0, b.length, expected)).isEqualTo(b.length);
        for (int split = 0; split <= b.length; split++) {
            RequestHead h = new RequestHead();
            int first = parser.parse(b, 0, split, h);
            if (split < b.length) {
                assertThat(first).as("split %d", split).isZero();
                assertThat(parser.parse(b, 0, b.length, h)).isEqualTo(b.length);
            } else {
                assertThat(first).isEqualTo(b.length);
            }
            assertSameHead(h, expected);
        }
    }

    @Test
    void everyPrefixAtAnOffsetGivesTheOneShotResult() {
        RequestHead expected = new RequestHead();
        new RequestHeadParser(MAX_LINE, MAX_HEADERS, MAX_COUNT).parse(bytes(FULL), 0, FULL.length(), expected);
        String junk = "JUNK!!!";
        byte[] b = bytes(junk + FULL + "GET");
        int start = junk.length();
        int end = start + FULL.length();
        for (int e = start; e < end; e++) {
            assertThat(parser.parse(b, start, e, head)).as("end %d", e).isZero();
        }
        assertThat(parser.parse(b, start, b.length, head)).isEqualTo(FULL.length());
        assertSameHead(head, expected);
    }

    @Test
    void callerMayCompactItsBufferBetweenCalls() {
        byte[] b = bytes("xxxx" + FULL);
        int half = 4 + FULL.length() / 2;
        assertThat(parser.parse(b, 4, half, head)).isZero();
        byte[] moved = new byte[FULL.length() + 10];
        System.arraycopy(b, 4, moved, 10, FULL.length());
        assertThat(parser.parse(moved, 10, moved.length, head)).isEqualTo(FULL.length());
        assertThat(head.headers().get("x-custom")).isEqualTo("\u00e9t\u00e9");
        assertThat(head.contentLength()).isEqualTo(5);
        assertThat(head.expectContinue()).isTrue();
    }

    static void assertSameHead(RequestHead actual, RequestHead expected) {
        assertThat(actual.method()).isEqualTo(expected.method());
        assertThat(actual.target()).isEqualTo(expected.target());
        assertThat(actual.minorVersion()).isEqualTo(expected.minorVersion());
        assertThat(fields(actual.headers())).isEqualTo(fields(expected.headers()));
        assertThat(actual.contentLength()).isEqualTo(expected.contentLength());
        assertThat(actual.chunked()).isEqualTo(expected.chunked());
        assertThat(actual.keepAlive()).isEqualTo(expected.keepAlive());
        assertThat(actual.expectContinue()).isEqualTo(expected.expectContinue());
        assertThat(actual.upgrade()).isEqualTo(expected.upgrade());
        assertThat(actual.host()).isEqualTo(expected.host());
    }

    // ---------------------------------------------------------------- pipelining

    @Test
    void pipelinedRequestsAreConsumedOneAtATime() {
        String r1 = req("GET /1 HTTP/1.1", "Host: a");
        String r2 = "\r\n" + req("POST /2 HTTP/1.1", "Host: a", "Content-Length: 0");
        String r3 = req("GET /3 HTTP/1.0");
        String partial = "GET /4 HTTP/1.1\r\nHo";
        byte[] b = bytes(r1 + r2 + r3 + partial);
        int pos = 0;
        int n = parser.parse(b, pos, b.length, head);
        assertThat(n).isEqualTo(r1.length());
        assertThat(head.target()).isEqualTo("/1");
        pos += n;
        n = parser.parse(b, pos, b.length, head);
        assertThat(n).isEqualTo(r2.length());
        assertThat(head.method()).isEqualTo("POST");
        assertThat(head.target()).isEqualTo("/2");
        assertThat(head.contentLength()).isZero();
        pos += n;
        n = parser.parse(b, pos, b.length, head);
        assertThat(n).isEqualTo(r3.length());
        assertThat(head.target()).isEqualTo("/3");
        assertThat(head.keepAlive()).isFalse();
        assertThat(head.headers().isEmpty()).isTrue();
        pos += n;
        assertThat(parser.parse(b, pos, b.length, head)).isZero();
        byte[] rest = bytes(partial + "st: a\r\n\r\n");
        assertThat(parser.parse(rest, 0, rest.length, head)).isEqualTo(rest.length);
        assertThat(head.target()).isEqualTo("/4");
    }

    @Test
    void bodyBytesAfterTheHeadAreNotConsumed() {
        String h = req("POST / HTTP/1.1", "Host: a", "Content-Length: 5");
        byte[] b = bytes(h + "hello");
        assertThat(parser.parse(b, 0, b.length, head)).isEqualTo(h.length());
    }

    // ---------------------------------------------------------------- limits

    @Test
    void requestLineAtTheLimitIsAccepted() {
        String line = "GET /" + "a".repeat(MAX_LINE - "GET / HTTP/1.1".length()) + " HTTP/1.1";
        assertThat(line).hasSize(MAX_LINE);
        parseAll(req(line, "Host: a"));
        assertThat(statusOf(req(line.replace("GET /", "GET /a"), "Host: a"))).isEqualTo(414);
    }

    @Test
    void requestLineLimitTriggersBeforeTheLineEnds() {
        byte[] b = bytes("GET /" + "a".repeat(MAX_LINE * 4));
        assertThat(parser.parse(b, 0, MAX_LINE, head)).isZero();
        assertThat(parser.parse(b, 0, MAX_LINE + 1, head)).isZero(); // the next byte could still be CR
        assertThatThrownBy(() -> parser.parse(b, 0, MAX_LINE + 2, head))
                .isInstanceOfSatisfying(HttpParseException.class, e -> assertThat(e.status()).isEqualTo(414));
    }

    @Test
    void leadingEmptyLinesDoNotCountAgainstTheRequestLine() {
        String line = "GET /" + "a".repeat(MAX_LINE - "GET / HTTP/1.1".length()) + " HTTP/1.1";
        parseAll("\r\n\r\n" + req(line, "Host: a"));
    }

    @Test
    void headerSectionAtTheLimitIsAccepted() {
        // field lines with their CRLFs; the final empty line is not counted
        String host = "Host: a";
        int fill = MAX_HEADERS - (host.length() + 2) - ("X: ".length() + 2);
        String raw = req("GET / HTTP/1.1", host, "X: " + "v".repeat(fill));
        parseAll(raw);
        assertThat(statusOf(req("GET / HTTP/1.1", host, "X: " + "v".repeat(fill + 1)))).isEqualTo(431);
    }

    @Test
    void headerLimitTriggersBeforeTheHeadEnds() {
        byte[] b = bytes("GET / HTTP/1.1\r\nHost: a\r\nX: " + "v".repeat(MAX_HEADERS * 2));
        int headerStart = "GET / HTTP/1.1\r\n".length();
        assertThat(parser.parse(b, 0, headerStart + MAX_HEADERS, head)).isZero();
        assertThatThrownBy(() -> parser.parse(b, 0, headerStart + MAX_HEADERS + 2, head))
                .isInstanceOfSatisfying(HttpParseException.class, e -> assertThat(e.status()).isEqualTo(431));
    }

    @Test
    void headerCountTriggersBeforeTheHeadEnds() {
        String many = "GET / HTTP/1.1\r\n" + "X: y\r\n".repeat(MAX_COUNT + 1);
        assertThatThrownBy(() -> parse(many))
                .isInstanceOfSatisfying(HttpParseException.class, e -> assertThat(e.status()).isEqualTo(431));
    }

    @Test
    void tinyLimits() {
        RequestHeadParser p = new RequestHeadParser(14, 9, 1);
        byte[] ok = bytes(req("GET / HTTP/1.1", "Host: a"));
        assertThat(p.parse(ok, 0, ok.length, head)).isEqualTo(ok.length);
        byte[] two = bytes(req("GET / HTTP/1.1", "Host: a", "X: y"));
        assertThatThrownBy(() -> p.parse(two, 0, two.length, head)).isInstanceOf(HttpParseException.class);
    }

    // ---------------------------------------------------------------- caches and reuse

    @Test
    void repeatedValuesReuseTheSameString() {
        String raw = req("GET /same HTTP/1.1", "Host: example.com", "User-Agent: Mozilla/5.0 (X11; Linux x86_64)",
                "Accept: text/html,*/*;q=0.8", "X-Unknown: v");
        parseAll(raw);
        String host = head.host();
        String ua = head.headers().get("user-agent");
        String accept = head.headers().get("accept");
        String target = head.target();
        parseAll(raw);
        assertThat(head.host()).isSameAs(host);
        assertThat(head.headers().get("host")).isSameAs(host);
        assertThat(head.headers().get("user-agent")).isSameAs(ua);
        assertThat(head.headers().get("accept")).isSameAs(accept);
        assertThat(head.target()).isSameAs(target);
    }

    @Test
    void changedValuesAreNotConfused() {
        parseAll(req("GET /a HTTP/1.1", "Host: example.com", "Accept: abc"));
        parseAll(req("GET /b HTTP/1.1", "Host: example.org", "Accept: abd"));
        assertThat(head.host()).isEqualTo("example.org");
        assertThat(head.headers().get("accept")).isEqualTo("abd");
        assertThat(head.target()).isEqualTo("/b");
        parseAll(req("GET /b HTTP/1.1", "Host: example.o", "Accept: ab"));
        assertThat(head.host()).isEqualTo("example.o");
        assertThat(head.headers().get("accept")).isEqualTo("ab");
        parseAll(req("GET /b HTTP/1.1", "Host: example.orgs", "Accept: abcd"));
        assertThat(head.host()).isEqualTo("example.orgs");
        assertThat(head.headers().get("accept")).isEqualTo("abcd");
    }

    @Test
    void clearCacheForgetsValues() {
        String raw = req("GET / HTTP/1.1", "Host: example.com");
        parseAll(raw);
        String host = head.host();
        parser.clearCache();
        parseAll(raw);
        assertThat(head.host()).isEqualTo(host).isNotSameAs(host);
    }

    @Test
    void manyLongValuesStayCorrectPastTheCacheBudget() {
        List<String> lines = new ArrayList<>(List.of("GET / HTTP/1.1", "Host: a"));
        for (String n : List.of("accept", "cookie", "referer", "origin", "authorization", "user-agent", "pragma")) {
            lines.add(n + ": " + n.repeat(400 / n.length()));
        }
        String raw = req(lines.toArray(String[]::new));
        parseAll(raw);
        List<String> first = fields(head.headers());
        parseAll(raw);
        assertThat(fields(head.headers())).isEqualTo(first);
    }

    @Test
    void parserRecoversAfterAnError() {
        assertThat(statusOf("GET / HTTP/1.1\r\nHost : a\r\n\r\n")).isEqualTo(400);
        parseAll(req("GET /ok HTTP/1.1", "Host: a"));
        assertThat(head.target()).isEqualTo("/ok");
    }

    @Test
    void resetForgetsAPartialHead() {
        byte[] partial = bytes("GET /old HTTP/1.1\r\nHost: a\r\n");
        assertThat(parser.parse(partial, 0, partial.length, head)).isZero();
        parser.reset();
        parseAll(req("GET /new HTTP/1.1", "Host: b"));
        assertThat(head.target()).isEqualTo("/new");
        assertThat(fields(head.headers())).containsExactly("host=b");
    }

    @Test
    void aNewHeadResetsTheRequestHead() {
        parseAll(req("POST / HTTP/1.1", "Host: a", "Transfer-Encoding: chunked", "Expect: 100-continue",
                "Connection: upgrade", "Upgrade: x"));
        parseAll(req("GET / HTTP/1.0"));
        assertThat(head.chunked()).isFalse();
        assertThat(head.expectContinue()).isFalse();
        assertThat(head.upgrade()).isNull();
        assertThat(head.host()).isNull();
        assertThat(head.contentLength()).isEqualTo(-1);
        assertThat(head.headers().isEmpty()).isTrue();
    }

    @Test
    void exceptionsCarryNoStackTrace() {
        HttpParseException e = catchThrowableOfType(HttpParseException.class, () -> parse("GET / HTTP/9.9\r\n\r\n"));
        assertThat(e.status()).isEqualTo(505);
        assertThat(e.getStackTrace()).isEmpty();
        assertThat(e.getMessage()).isNotBlank();
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> new RequestHeadParser(0, 10, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parser.parse(new byte[4], 3, 5, head)).isInstanceOf(IndexOutOfBoundsException.class);
    }
}
