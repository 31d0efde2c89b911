package dev.peregrine.bench.apps;

import dev.peregrine.api.ForwardingRequest;
import dev.peregrine.api.Handler;
import dev.peregrine.api.Request;
import dev.peregrine.api.Router;
import dev.peregrine.files.StaticFiles;
import dev.peregrine.http3.Http3;
import dev.peregrine.http3.Http3Options;
import dev.peregrine.quic.QuicOptions;
import dev.peregrine.server.Server;
import dev.peregrine.server.ServerOptions;
import dev.peregrine.tls.CertificateSource;
import dev.peregrine.tls.TlsOptions;
import dev.peregrine.transport.Endpoint;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The benchmark app on Peregrine with its defaults: {@link Router}, {@link StaticFiles} for the
 * files, a streaming copy for the echo. Metrics are on, as by default; {@code PEREGRINE_METRICS=off}
 * in the environment (or {@code -Dbench.metrics=off}) turns them off, so
 * {@code PEREGRINE_METRICS=off bench/run --servers peregrine ...} measures the difference.
 */
public final class PeregrineApp {

    private static final byte[] HELLO = AppConfig.HELLO.getBytes(StandardCharsets.UTF_8);

    private PeregrineApp() {}

    /** Whether metrics stay on: anything but off, false or 0 in PEREGRINE_METRICS / bench.metrics. */
    static boolean metricsOn() {
        String v = System.getProperty("bench.metrics", System.getenv("PEREGRINE_METRICS"));
        return v == null || !(v.equalsIgnoreCase("off") || v.equalsIgnoreCase("false") || v.equals("0"));
    }

    public static void main(String[] args) throws Exception {
        AppConfig cfg = AppConfig.parse(args);
        StaticFiles files = StaticFiles.of(cfg.files());
        Handler app = Router.builder()
                .get("/plaintext", (req, res) -> {
                    res.header("content-type", "text/plain; charset=utf-8");
                    res.send(HELLO);
                })
                .get("/json", (req, res) -> {
                    res.header("content-type", "application/json");
                    res.send(Json.serialize(Json.message()));
                })
                .get("/file/{name}", (req, res) -> {
                    // StaticFiles serves the request path under its root: strip the /file prefix.
                    String name = req.pathParam("name");
                    files.handle(new ForwardingRequest(req) {
                        @Override
                        public String path() {
                            return "/" + name;
                        }
                    }, res);
                })
                .post("/echo", (req, res) -> {
                    res.header("content-type", "application/octet-stream");
                    long length = req.contentLength();
                    if (length >= 0) {
                        res.contentLength(length);
                    }
                    try (InputStream in = req.body(); OutputStream out = res.body()) {
                        in.transferTo(out);
                    }
                })
                .build();
        Server.Builder builder = Server.builder();
        AppConfig.Https https = cfg.https();
        if (AppConfig.flag(args, "--h3")) {
            // bench/run's h3 rows: HTTPS on TCP and HTTP/3 on UDP, both on the given port number.
            TlsOptions tls = TlsOptions.builder().certificate(CertificateSource.pem(
                    java.nio.file.Path.of(AppConfig.option(args, "--cert", null)),
                    java.nio.file.Path.of(AppConfig.option(args, "--key", null)))).build();
            builder.listen(Endpoint.tcp(cfg.host(), cfg.port()), tls)
                    .listen(Http3.on(cfg.host(), cfg.port(), tls, Http3Options.builder()
                            // The same stream limit as NettyH3App's (the load keeps 64 streams open per
                            // connection; with 100 it waits for MAX_STREAMS, which follows the client's ACKs).
                            .quic(QuicOptions.builder().maxBidirectionalStreams(NettyH3App.MAX_STREAMS).build())
                            .build()));
        } else {
            builder.listen(Endpoint.tcp(cfg.host(), cfg.port()));
        }
        if (https != null) {
            // The same app behind Peregrine's TLS listener (JDK SSLEngine), its default cipher suites.
            builder.listen(Endpoint.tcp(cfg.host(), https.port()), TlsOptions.builder()
                    .certificate(CertificateSource.keyStore(https.keyStore(), https.password()))
                    .protocols(AppConfig.Https.PROTOCOL)
                    .build());
        }
        Server server = builder
                .handler(app)
                .options(ServerOptions.builder().metrics(metricsOn()).build())
                .start();
        cfg.announce("peregrine");
        if (!metricsOn()) {
            System.err.println("peregrine: metrics off (PEREGRINE_METRICS / -Dbench.metrics)");
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(java.time.Duration.ofSeconds(2))));
        Thread.currentThread().join(); // the server's threads may be daemons: keep the JVM up
    }
}
