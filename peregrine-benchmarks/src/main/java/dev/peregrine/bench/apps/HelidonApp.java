package dev.peregrine.bench.apps;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * The benchmark app on Helidon 4 SE WebServer (a virtual thread per connection, as Peregrine):
 * routing with {@code HttpRouting}, files copied to the response stream with {@code FileChannel}
 * (the static-content module would add dependencies for two routes), the echo a blocking copy.
 */
public final class HelidonApp {

    private static final byte[] HELLO = AppConfig.HELLO.getBytes(StandardCharsets.UTF_8);

    private HelidonApp() {}

    public static void main(String[] args) {
        AppConfig cfg = AppConfig.parse(args);
        WebServer server = WebServer.builder()
                .host(cfg.host())
                .port(cfg.port())
                .backlog(1024)
                .idleConnectionTimeout(Duration.ofSeconds(130)) // as Peregrine's keep-alive timeout
                .routing(r -> r
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
                        }))
                .build()
                .start();
        cfg.announce("helidon (port " + server.port() + ")");
    }
}
