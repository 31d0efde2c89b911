package dev.peregrine.e2e.h3;

import dev.peregrine.api.Handler;
import dev.peregrine.http3.Http3;
import dev.peregrine.http3.Http3Options;
import dev.peregrine.server.Server;
import dev.peregrine.tls.CertificateSource;
import dev.peregrine.tls.SelfSignedCertificate;
import dev.peregrine.tls.TlsOptions;
import dev.peregrine.transport.Endpoint;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/** A real server with HTTPS on TCP and HTTP/3 on UDP for end-to-end tests, on free ports. */
final class H3Server {

    private static SelfSignedCertificate cert;

    private H3Server() {}

    static synchronized SelfSignedCertificate certificate() throws Exception {
        if (cert == null) {
            cert = SelfSignedCertificate.generate(SelfSignedCertificate.Spec.server("localhost", List.of("localhost"),
                    List.of(InetAddress.getByName("127.0.0.1"))));
        }
        return cert;
    }

    static TlsOptions tls() throws Exception {
        return TlsOptions.builder().certificate(CertificateSource.of(certificate().keyMaterial())).build();
    }

    /** HTTPS on a free TCP port and HTTP/3 on a free UDP port of 127.0.0.1. */
    static Server start(Handler handler) throws Exception {
        return start(handler, Http3Options.defaults());
    }

    static Server start(Handler handler, Http3Options options) throws Exception {
        TlsOptions tls = tls();
        return Server.builder()
                .listen(Endpoint.tcp("127.0.0.1", 0), tls)
                .listen(Http3.on(new InetSocketAddress("127.0.0.1", 0), tls, options))
                .handler(handler)
                .start();
    }

    static int h3Port(Server server) {
        return ((InetSocketAddress) server.multiplexedAddresses().getFirst()).getPort();
    }
}
