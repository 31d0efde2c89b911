package dev.peregrine.exchange;

import dev.peregrine.api.Headers;
import dev.peregrine.api.Protocol;
import dev.peregrine.api.Request;
import dev.peregrine.api.RouteTemplate;
import dev.peregrine.api.TlsSession;
import java.io.InputStream;
import java.net.SocketAddress;

/**
 * The {@link Request} view of one stream of a multiplexed protocol (HTTP/2, HTTP/3): its
 * checked pseudo-headers and fields and its streamed body. The rules are the same for both
 * protocols (RFC 9113 §8.3, RFC 9114 §4.3), so the view is written once.
 */
public final class StreamRequest implements Request {

    private final RequestFields fields;
    private final StreamBody body;
    private final Protocol protocol;
    private final TlsSession tls;
    private final SocketAddress local;
    private final SocketAddress remote;
    private String path;
    private String query;
    private Headers emptyTrailers;
    private RouteTemplate route;
    /** What {@link #startNanos} returns; 0 until the server or the first call sets it. */
    private long startNanos;

    public StreamRequest(RequestFields fields, StreamBody body, Protocol protocol, TlsSession tls,
            SocketAddress local, SocketAddress remote) {
        this.fields = fields;
        this.body = body;
        this.protocol = protocol;
        this.tls = tls;
        this.local = local;
        this.remote = remote;
    }

    @Override
    public String method() {
        return fields.method();
    }

    /** {@code :path} as received; the authority for CONNECT (RFC 9113 §8.5, RFC 9114 §4.4). */
    @Override
    public String target() {
        return fields.path() != null ? fields.path() : fields.authority();
    }

    @Override
    public String path() {
        split();
        return path;
    }

    @Override
    public String query() {
        split();
        return query;
    }

    private void split() {
        if (path != null) {
            return;
        }
        String t = target();
        int q = t.indexOf('?');
        if (q < 0) {
            path = t;
        } else {
            path = t.substring(0, q);
            query = t.substring(q + 1);
        }
    }

    @Override
    public String authority() {
        return fields.authority();
    }

    @Override
    public Headers headers() {
        return fields.headers();
    }

    @Override
    public long contentLength() {
        return fields.contentLength();
    }

    @Override
    public InputStream body() {
        return body;
    }

    @Override
    public Headers trailers() {
        Headers t = body.trailers();
        if (t != null) {
            return t;
        }
        if (emptyTrailers == null) {
            emptyTrailers = new Headers(1);
        }
        return emptyTrailers;
    }

    @Override
    public void maxBodySize(long bytes) {
        body.maxBodySize(bytes);
    }

    @Override
    public Protocol protocol() {
        return protocol;
    }

    @Override
    public String scheme() {
        String s = fields.scheme();
        return s != null ? s : tls != null ? "https" : "http";
    }

    @Override
    public TlsSession tls() {
        return tls;
    }

    @Override
    public SocketAddress localAddress() {
        return local;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remote;
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
    public void started(long nanos) {
        startNanos = nanos;
    }

    /** Body bytes the handler read so far. */
    public long bodyBytesRead() {
        return body.bytesRead();
    }

    @Override
    public String toString() {
        return method() + " " + target() + " " + protocol.text();
    }
}
