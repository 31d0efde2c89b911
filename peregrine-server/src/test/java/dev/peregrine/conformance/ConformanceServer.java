package dev.peregrine.conformance;

import dev.peregrine.api.Handler;
import dev.peregrine.http2.Http2Selector;
import dev.peregrine.server.Server;
import dev.peregrine.tls.CertificateSource;
import dev.peregrine.tls.SelfSignedCertificate;
import dev.peregrine.tls.TlsOptions;
import dev.peregrine.transport.Endpoint;
import java.io.OutputStream;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * The servers conformance suites run against (h2spec in {@code .ci/run}): one with a plain
 * listener (HTTP/1.1 and h2c with prior knowledge on one port) and a TLS listener (h2 by ALPN),
 * and one speaking only HTTP/2 on a plain listener, all on 127.0.0.1, with a handler that reads
 * the whole request body before it answers, so malformed-body cases meet the protocol's checks
 * rather than a response that was already complete. Prints {@code ports PLAIN TLS H2ONLY} and serves
 * until stdin closes or the process is stopped.
 *
 * <pre>java -cp ... dev.peregrine.testkit.ConformanceServer [plainPort] [tlsPort]</pre>
 */
public final class ConformanceServer {

    private ConformanceServer() {}

    /** Reads the body to its end, then answers 200 with a short text. */
    public static final Handler DRAIN_THEN_ANSWER = (req, res) -> {
        try (var in = req.body()) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        res.send("conformance " + req.protocol().text() + "\n");
    };

    public static void main(String[] args) throws Exception {
        int plain = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        int secure = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        SelfSignedCertificate cert = SelfSignedCertificate.generate(SelfSignedCertificate.Spec.server("localhost",
                List.of("localhost"), List.of(InetAddress.getByName("127.0.0.1"))));
        TlsOptions tls = TlsOptions.builder().certificate(CertificateSource.of(cert.keyMaterial())).build();
        Server server = Server.builder()
                .listen(Endpoint.tcp("127.0.0.1", plain))
                .listen(Endpoint.tcp("127.0.0.1", secure), tls)
                .handler(DRAIN_THEN_ANSWER)
                .start();
        // HTTP/2 alone (Kestrel's Http2-only endpoint): every plain connection is h2c, so bytes
        // that are not the preface get GOAWAY PROTOCOL_ERROR instead of an HTTP/1.1 400.
        Server h2only = Server.builder()
                .listen(Endpoint.tcp("127.0.0.1", 0))
                .protocols(new Http2Selector())
                .handler(DRAIN_THEN_ANSWER)
                .start();
        System.out.println("ports " + server.port() + " " + server.securePort() + " " + h2only.port());
        System.out.flush();
        try {
            while (System.in.read() >= 0) {
                // serve until stdin closes
            }
        } finally {
            h2only.stop(Duration.ofSeconds(5));
            server.stop(Duration.ofSeconds(5));
        }
    }
}
