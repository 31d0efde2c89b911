package dev.peregrine.files;

import dev.peregrine.api.Headers;
import dev.peregrine.api.Protocol;
import dev.peregrine.api.Request;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Locale;

/** A request built in memory: method, raw target and header fields, as the parser would hand them over. */
public final class FakeRequest implements Request {

    private final String method;
    private final String target;
    private final Headers headers = new Headers();
    private SocketAddress remote = new InetSocketAddress("127.0.0.1", 54321);
    private Protocol protocol = Protocol.HTTP_1_1;

    private FakeRequest(String method, String target) {
        this.method = method;
        this.target = target;
    }

    public static FakeRequest of(String method, String target) {
        return new FakeRequest(method, target);
    }

    public static FakeRequest get(String target) {
        return of("GET", target);
    }

    public static FakeRequest head(String target) {
        return of("HEAD", target);
    }

    /** Adds a field; the name is lower-cased as the HTTP/1.1 parser does. */
    public FakeRequest header(String name, String value) {
        headers.add(name.toLowerCase(Locale.ROOT), value);
        return this;
    }

    public FakeRequest remote(SocketAddress address) {
        this.remote = address;
        return this;
    }

    public FakeRequest protocol(Protocol protocol) {
        this.protocol = protocol;
        return this;
    }

    @Override public String method() { return method; }
    @Override public String target() { return target; }

    @Override
    public String path() {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    @Override
    public String query() {
        int q = target.indexOf('?');
        return q < 0 ? null : target.substring(q + 1);
    }

    @Override public String authority() { return headers.get("host"); }
    @Override public Headers headers() { return headers; }
    @Override public long contentLength() { return 0; }
    @Override public InputStream body() { return new ByteArrayInputStream(new byte[0]); }
    @Override public Headers trailers() { return new Headers(); }
    @Override public void maxBodySize(long bytes) { }
    @Override public Protocol protocol() { return protocol; }
    @Override public String scheme() { return "http"; }
    @Override public SocketAddress localAddress() { return new InetSocketAddress("127.0.0.1", 8080); }
    @Override public SocketAddress remoteAddress() { return remote; }
}
