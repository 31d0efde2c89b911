package dev.peregrine.http3;

import dev.peregrine.server.internal.MultiplexedBinding;
import dev.peregrine.tls.TlsOptions;
import java.net.InetSocketAddress;

/**
 * HTTP/3 for a {@link dev.peregrine.server.Server}: a UDP listener speaking QUIC, with the
 * certificates of a TLS listener's options.
 *
 * <pre>{@code
 * TlsOptions tls = TlsOptions.builder().certificate(CertificateSource.pem(cert, key)).build();
 * Server server = Server.builder()
 *         .listen(Endpoint.tcp(8443), tls)   // HTTP/1.1 and HTTP/2 over TLS on TCP 8443
 *         .listen(Http3.on(8443, tls))       // HTTP/3 on UDP 8443, advertised by Alt-Svc
 *         .handler(handler)
 *         .start();
 * }</pre>
 *
 * The JVM needs {@code --enable-native-access=ALL-UNNAMED}: QUIC is quiche, a native library.
 */
public final class Http3 {

    private Http3() {}

    /** HTTP/3 on this UDP port of every interface, with default options. */
    public static MultiplexedBinding on(int port, TlsOptions tls) {
        return on(new InetSocketAddress(port), tls, Http3Options.defaults());
    }

    /** HTTP/3 on this UDP host and port. */
    public static MultiplexedBinding on(String host, int port, TlsOptions tls, Http3Options options) {
        return on(new InetSocketAddress(host, port), tls, options);
    }

    public static MultiplexedBinding on(InetSocketAddress address, TlsOptions tls, Http3Options options) {
        return new Http3Binding(address, tls, options);
    }
}
