package dev.peregrine.api;

import java.io.InputStream;
import java.net.SocketAddress;
import java.util.Map;

/** A request that forwards every call; filters and routers override what they change. */
public class ForwardingRequest implements Request {

    private final Request delegate;

    public ForwardingRequest(Request delegate) {
        this.delegate = delegate;
    }

    protected Request delegate() {
        return delegate;
    }

    @Override public String method() { return delegate.method(); }
    @Override public String target() { return delegate.target(); }
    @Override public String path() { return delegate.path(); }
    @Override public String query() { return delegate.query(); }
    @Override public Map<String, String> pathParams() { return delegate.pathParams(); }
    @Override public String authority() { return delegate.authority(); }
    @Override public Headers headers() { return delegate.headers(); }
    @Override public long contentLength() { return delegate.contentLength(); }
    @Override public InputStream body() { return delegate.body(); }
    @Override public Headers trailers() { return delegate.trailers(); }
    @Override public void maxBodySize(long bytes) { delegate.maxBodySize(bytes); }
    @Override public Protocol protocol() { return delegate.protocol(); }
    @Override public String scheme() { return delegate.scheme(); }
    @Override public TlsSession tls() { return delegate.tls(); }
    @Override public SocketAddress localAddress() { return delegate.localAddress(); }
    @Override public SocketAddress remoteAddress() { return delegate.remoteAddress(); }
    @Override public RouteTemplate route() { return delegate.route(); }
    @Override public void routeMatched(RouteTemplate route) { delegate.routeMatched(route); }
    @Override public long startNanos() { return delegate.startNanos(); }
}
