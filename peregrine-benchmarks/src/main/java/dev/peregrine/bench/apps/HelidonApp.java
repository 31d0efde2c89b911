package dev.peregrine.bench.apps;

import io.helidon.common.configurable.Resource;
import io.helidon.common.pki.Keys;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The benchmark app on Helidon 4 SE WebServer (a virtual thread per connection, as Peregrine):
 * routing with {@code HttpRouting}, files copied to the response stream with {@code FileChannel}
 * (the static-content module would add dependencies for two routes), the echo a blocking copy.
 *
 * <p>HTTP/2: {@code helidon-webserver-http2} on the class path is all Helidon needs; it then serves
 * h2c (prior knowledge or Upgrade) next to HTTP/1.1 on the plain socket and offers {@code h2} by ALPN
 * on a TLS socket. With {@code -Dbench.httpsPort} a second, named socket ({@code https}) has TLS 1.3
 * with the key store's key (Helidon's {@code Keys} from the PKCS#12 file, the JDK's TLS) and the same
 * routing.
 */
public final class HelidonApp {

    private static final byte[] HELLO = AppConfig.HELLO.getBytes(StandardCharsets.UTF_8);

    private HelidonApp() {}

    public static void main(String[] args) throws Exception {
        AppConfig cfg = AppConfig.parse(args);
        Consumer<HttpRouting.Builder> routing = r -> r
                .get("/plaintext", (req, res) -> {
                    res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
                    res.send(HELLO);
                })
                .get("/json", (req, res) -> {
                    res.header(HeaderNames.CONTENT_TYPE, "application/json");
                    res.send(Json.serialize(Json.message()));
                })
                .get("/file/{name}", (req, res) -> {
                    Path file = cfg.file(req.path().pathParameters().get("name"));
                    if (file == null || !Files.isRegularFile(file)) {
                        res.status(404).send();
                        return;
                    }
                    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                        res.header(HeaderNames.CONTENT_TYPE, "application/octet-stream");
                        res.contentLength(ch.size());
                        try (OutputStream out = res.outputStream()) {
                            ch.transferTo(0, ch.size(), Channels.newChannel(out));
                        }
                    }
                })
                .post("/echo", (req, res) -> {
                    res.header(HeaderNames.CONTENT_TYPE, "application/octet-stream");
                    OptionalLong length = req.headers().contentLength();
                    if (length.isPresent()) {
                        res.contentLength(length.getAsLong());
                    }
                    try (InputStream in = req.content().inputStream(); OutputStream out = res.outputStream()) {
                        in.transferTo(out);
                    }
                });
        WebServerConfig.Builder builder = WebServer.builder()
                .host(cfg.host())
                .port(cfg.port())
                .backlog(1024)
                .idleConnectionTimeout(Duration.ofSeconds(130)) // as Peregrine's keep-alive timeout
                .routing(routing);
        AppConfig.Https https = cfg.https();
        if (https != null) {
            String alias = https.keyAlias();
            Keys keys = Keys.builder()
                    .keystore(store -> store
                            .keystore(Resource.create(https.keyStore()))
                            .passphrase(https.password())
                            .keyAlias(alias)
                            .certChainAlias(alias))
                    .build();
            builder.putSocket("https", socket -> socket
                            .host(cfg.host())
                            .port(https.port())
                            .backlog(1024)
                            .idleConnectionTimeout(Duration.ofSeconds(130))
                            .tls(tls -> tls
                                    .privateKey(keys)
                                    .privateKeyCertChain(keys)
                                    .enabledProtocols(List.of(AppConfig.Https.PROTOCOL))))
                    .routing("https", routing);
        }
        WebServer server = builder.build().start();
        cfg.announce("helidon (port " + server.port() + ")");
    }
}
