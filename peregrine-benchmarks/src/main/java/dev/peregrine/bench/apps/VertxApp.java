package dev.peregrine.bench.apps;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The benchmark app on Vert.x 5 core: one event loop per available CPU, the native (epoll)
 * transport preferred as for Netty, {@code sendFile} for the files, {@code pipeTo} for the echo.
 */
public final class VertxApp {

    private static final Buffer HELLO = Buffer.buffer(AppConfig.HELLO.getBytes(StandardCharsets.UTF_8));
    private static final String OCTET_STREAM = "application/octet-stream";

    private VertxApp() {}

    public static void main(String[] args) throws Exception {
        AppConfig cfg = AppConfig.parse(args);
        Vertx vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(Runtime.getRuntime().availableProcessors())
                .setPreferNativeTransport(true));
        vertx.createHttpServer(new HttpServerOptions().setAcceptBacklog(1024))
                .requestHandler(req -> {
                    String path = req.path();
                    HttpServerResponse res = req.response();
                    if (req.method() == HttpMethod.GET && path.equals("/plaintext")) {
                        res.putHeader("content-type", "text/plain; charset=utf-8").end(HELLO);
                    } else if (req.method() == HttpMethod.GET && path.equals("/json")) {
                        res.putHeader("content-type", "application/json")
                                .end(Buffer.buffer(Json.serialize(Json.message())));
                    } else if (req.method() == HttpMethod.GET && path.startsWith("/file/")
                            && cfg.file(path.substring(6)) != null) {
                        Path file = cfg.file(path.substring(6));
                        res.putHeader("content-type", OCTET_STREAM).sendFile(file.toString());
                    } else if (req.method() == HttpMethod.POST && path.equals("/echo")) {
                        res.putHeader("content-type", OCTET_STREAM);
                        String length = req.getHeader("content-length");
                        if (length != null) {
                            res.putHeader("content-length", length);
                        } else {
                            res.setChunked(true);
                        }
                        req.pipeTo(res);
                    } else {
                        res.setStatusCode(404).end();
                    }
                })
                .listen(cfg.port(), cfg.host())
                .await();
        cfg.announce("vertx (native transport " + vertx.isNativeTransportEnabled() + ")");
    }
}
