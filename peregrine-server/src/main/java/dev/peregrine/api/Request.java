package dev.peregrine.api;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A request as the handler sees it, whatever the protocol.
 *
 * <p>The body is streamed: {@link #body()} reads from the connection as the handler asks, with
 * backpressure, and is never buffered whole by the server. The object is valid until the
 * handler returns.
 */
public interface Request {

    /** The method token, e.g. {@code GET}. */
    String method();

    /** The request target exactly as received: {@code /a%20b?x=1}, {@code *}, or an absolute URI. */
    String target();

    /** The path of the target, still percent-encoded ({@code /a%20b}); {@code *} for {@code OPTIONS *}. */
    String path();

    /** The raw query string without {@code ?}, or {@code null} when the target has none. */
    String query();

    /** The first value of a query parameter, percent-decoded, or {@code null}. */
    default String queryParam(String name) {
        return QueryString.first(query(), name);
    }

    /** The value of a path parameter captured by a {@link Router} pattern, or {@code null}. */
    default String pathParam(String name) {
        return pathParams().get(name);
    }

    /** Path parameters captured by a {@link Router} pattern; empty outside a router. */
    default Map<String, String> pathParams() {
        return Map.of();
    }

    /**
     * The authority the request is for (RFC 9110 §7.2): the {@code Host} field in HTTP/1.1 (or the
     * authority of an absolute-form target), {@code :authority} in HTTP/2 and HTTP/3, or
     * {@code null} when the request names none.
     */
    String authority();

    /** The header fields; names compare case-insensitively. */
    Headers headers();

    /** Shortcut for {@code headers().get(name)}. */
    default String header(String name) {
        return headers().get(name);
    }

    /** The declared body length, or -1 when unknown (chunked, or a stream without length). */
    long contentLength();

    /**
     * The body as a stream. For {@code Expect: 100-continue} requests the interim 100 response
     * is sent the first time the handler reads. Reading past the configured maximum body size
     * fails with an {@link IOException} and the client gets a 413.
     */
    InputStream body();

    /** Reads the whole body (bounded by the body size limit). */
    default byte[] bodyBytes() throws IOException {
        return body().readAllBytes();
    }

    /** Reads the whole body as UTF-8 text. */
    default String bodyString() throws IOException {
        return new String(bodyBytes(), StandardCharsets.UTF_8);
    }

    /** Trailer fields; complete once the body was read to its end, empty before and when none. */
    Headers trailers();

    /** Raises or lowers the maximum body size for this request (bytes, -1 = unlimited); call before reading. */
    void maxBodySize(long bytes);

    Protocol protocol();

    /** {@code http} or {@code https}. */
    String scheme();

    default boolean isSecure() {
        return "https".equals(scheme());
    }

    /**
     * The TLS facts of the connection (protocol version, cipher suite, ALPN, SNI name, the
     * client's verified certificate chain), or {@code null} for plain text.
     */
    default TlsSession tls() {
        return null;
    }

    SocketAddress localAddress();

    SocketAddress remoteAddress();

    /**
     * The route template a {@link Router} matched for this request (OpenTelemetry's
     * {@code http.route}), or {@code null} when none did (yet).
     */
    default RouteTemplate route() {
        return null;
    }

    /**
     * Called by a {@link Router} when one of its routes matched, before that route's handler
     * runs; the server records it with the request's metrics and events. Wrappers forward it.
     */
    default void routeMatched(RouteTemplate route) {}

    /**
     * When the server began this request, as a {@link System#nanoTime()} reading: the one its
     * metrics and request events start from, so a filter that times requests (an access log)
     * needs no clock read of its own. Where the server recorded no start (metrics and events both
     * off), the first call reads the clock and later calls return the same value. The default,
     * for requests made outside the server, reads the clock at each call; wrappers forward it.
     */
    default long startNanos() {
        return System.nanoTime();
    }
}
