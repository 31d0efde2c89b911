package dev.peregrine.http1;

import dev.peregrine.api.Headers;
import dev.peregrine.api.Protocol;
import dev.peregrine.api.Request;
import dev.peregrine.api.RouteTemplate;
import dev.peregrine.api.TlsSession;
import java.io.InputStream;
import java.net.SocketAddress;

/**
 * The {@link Request} view of the current HTTP/1.x exchange. One per connection, re-pointed at
 * each new head: the target is split into path and query only when a handler asks.
 */
final class Http1Request implements Request {

    private final Http1Connection connection;
    private final RequestHead head;
    private final RequestBodyStream body;
    private String path;
    private String query;
    private boolean split;
    private Headers trailers;
    private RouteTemplate route;
    /** What {@link #startNanos} returns; 0 until the server or the first call sets it. */
    private long startNanos;

    Http1Request(Http1Connection connection, RequestHead head, RequestBodyStream body) {
        this.connection = connection;
        this.head = head;
        this.body = body;
    }

    /** Re-points this view at the head just parsed. */
    void reset() {
        path = null;
        query = null;
        split = false;
        trailers = null;
        route = null;
        startNanos = 0;
    }

    @Override
    public RouteTemplate route() {
        return route;
    }

    @Override
    public void routeMatched(RouteTemplate route) {
        this.route = route;
    }

    @Override
    public long startNanos() {
        long s = startNanos;
        if (s == 0) {
            s = System.nanoTime() | 1; // 0 means "not yet"
            startNanos = s;
        }
        return s;
    }

    /** The start the server's metrics recorded ({@code ConnectionMetrics.requestStarted}); 0: none. */
    void started(long nanos) {
        startNanos = nanos;
    }

    /** Body bytes the handler read so far. */
    long bodyBytesRead() {
        return body.bytesRead();
    }

    void trailers(Headers received) {
        trailers = received;
    }

    @Override
    public String method() {
        return head.method();
    }

    @Override
    public String target() {
        return head.target();
    }

    @Override
    public String path() {
        splitTarget();
        return path;
    }

    @Override
    public String query() {
        splitTarget();
        return query;
    }

    /** Origin-form {@code /p?q}, absolute-form {@code http://h/p?q} (RFC 9112 §3.2.2), {@code *}, authority-form. */
    private void splitTarget() {
        if (split) {
            return;
        }
        split = true;
        String t = head.target();
        int start = 0;
        if (t.charAt(0) != '/' && !t.equals("*")) {
            int scheme = t.indexOf("://");
            if (scheme > 0) {
                int slash = t.indexOf('/', scheme + 3);
                int q = t.indexOf('?', scheme + 3);
                if (slash < 0 || (q >= 0 && q < slash)) {
                    // http://host or http://host?q: the path is empty, which means "/" (RFC 9112 §3.2.2)
                    path = "/";
                    query = q < 0 ? null : t.substring(q + 1);
                    return;
                }
                start = slash;
            } else {
                path = t; // authority-form (CONNECT host:port)
                return;
            }
        }
        int q = t.indexOf('?', start);
        if (q < 0) {
            path = start == 0 ? t : t.substring(start);
        } else {
            path = t.substring(start, q);
            query = t.substring(q + 1);
        }
    }

    @Override
    public String authority() {
        String t = head.target();
        int scheme = t.charAt(0) == '/' ? -1 : t.indexOf("://");
        if (scheme > 0) {
            // absolute-form: the target's authority wins over Host (RFC 9112 §3.2.2)
            int start = scheme + 3;
            int end = start;
            while (end < t.length() && t.charAt(end) != '/' && t.charAt(end) != '?' && t.charAt(end) != '#') {
                end++;
            }
            return t.substring(start, end);
        }
        if (head.method() == "CONNECT") {
            return t; // authority-form (RFC 9112 §3.2.3); the parser interns method names
        }
        return head.headers().get("host");
    }

    @Override
    public Headers headers() {
        return head.headers();
    }

    @Override
    public long contentLength() {
        return head.chunked() ? -1 : Math.max(head.contentLength(), 0);
    }

    @Override
    public InputStream body() {
        return body;
    }

    @Override
    public Headers trailers() {
        if (trailers == null) {
            trailers = new Headers(1); // empty until the body ends; handlers may not rely on sharing it
        }
        return trailers;
    }

    @Override
    public void maxBodySize(long bytes) {
        if (body.isStarted()) {
            throw new IllegalStateException("the body is already being read");
        }
        body.maxBodySize(bytes);
    }

    @Override
    public Protocol protocol() {
        return head.minorVersion() == 0 ? Protocol.HTTP_1_0 : Protocol.HTTP_1_1;
    }

    @Override
    public String scheme() {
        return connection.transport().tls() != null ? "https" : "http";
    }

    @Override
    public TlsSession tls() {
        return connection.transport().tls();
    }

    @Override
    public SocketAddress localAddress() {
        return connection.transport().localAddress();
    }

    @Override
    public SocketAddress remoteAddress() {
        return connection.transport().remoteAddress();
    }

    @Override
    public String toString() {
        return head.method() + " " + head.target() + " " + protocol().text();
    }
}
