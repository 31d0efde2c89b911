package dev.peregrine.http2;

import dev.peregrine.api.Headers;
import dev.peregrine.api.Protocol;
import dev.peregrine.api.Request;
import dev.peregrine.api.TlsSession;
import dev.peregrine.transport.Connection;
import java.io.InputStream;
import java.net.SocketAddress;

/** The {@link Request} view of one HTTP/2 stream: pseudo-headers, fields and the streamed body. */
final class Http2Request implements Request {

    private final RequestFields fields;
    private final RequestBodyPipe body;
    private final Connection transport;
    private String path;
    private String query;
    private Headers emptyTrailers;

    Http2Request(RequestFields fields, RequestBodyPipe body, Connection transport) {
        this.fields = fields;
        this.body = body;
        this.transport = transport;
    }

    @Override
    public String method() {
        return fields.method();
    }

    /** {@code :path} as received; the authority for CONNECT (RFC 9113 §8.5). */
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
        return Protocol.HTTP_2;
    }

    @Override
    public String scheme() {
        String s = fields.scheme();
        return s != null ? s : transport.tls() != null ? "https" : "http";
    }

    @Override
    public TlsSession tls() {
        return transport.tls();
    }

    @Override
    public SocketAddress localAddress() {
        return transport.localAddress();
    }

    @Override
    public SocketAddress remoteAddress() {
        return transport.remoteAddress();
    }

    @Override
    public String toString() {
        return method() + " " + target() + " HTTP/2";
    }
}
