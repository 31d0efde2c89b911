package dev.peregrine.bench.apps;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.resource.PathResourceManager;
import io.undertow.server.handlers.resource.ResourceHandler;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.xnio.Options;

/**
 * The benchmark app on Undertow core: default IO and worker threads (derived from the available
 * CPUs), non-blocking sends on the IO thread for plaintext and JSON, {@code ResourceHandler} for
 * the files, a blocking copy on a worker thread for the echo. Pipelined responses are buffered
 * and flushed together ({@code BUFFER_PIPELINED_DATA}), Undertow's switch for pipelining.
 */
public final class UndertowApp {

    private static final ByteBuffer HELLO = ByteBuffer.allocateDirect(13)
            .put(AppConfig.HELLO.getBytes(StandardCharsets.UTF_8)).flip();

    private UndertowApp() {}

    public static void main(String[] args) {
        AppConfig cfg = AppConfig.parse(args);
        ResourceHandler files = Handlers.resource(new PathResourceManager(cfg.files()))
                .setDirectoryListingEnabled(false);
        HttpHandler echo = new HttpHandler() {
            @Override
            public void handleRequest(HttpServerExchange exchange) throws Exception {
                if (exchange.isInIoThread()) {
                    exchange.dispatch(this);
                    return;
                }
                exchange.startBlocking();
                exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/octet-stream");
                long length = exchange.getRequestContentLength();
                if (length >= 0) {
                    exchange.setResponseContentLength(length);
                }
                try (InputStream in = exchange.getInputStream(); OutputStream out = exchange.getOutputStream()) {
                    in.transferTo(out);
                }
            }
        };
        HttpHandler root = Handlers.path()
                .addExactPath("/plaintext", exchange -> {
                    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
                    exchange.getResponseSender().send(HELLO.duplicate());
                })
                .addExactPath("/json", exchange -> {
                    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
                    exchange.getResponseSender().send(ByteBuffer.wrap(Json.serialize(Json.message())));
                })
                .addExactPath("/echo", exchange -> {
                    if (exchange.getRequestMethod().equals(Methods.POST)) {
                        echo.handleRequest(exchange);
                    } else {
                        exchange.setStatusCode(405).endExchange();
                    }
                })
                .addPrefixPath("/file", files);
        Undertow server = Undertow.builder()
                .addHttpListener(cfg.port(), cfg.host())
                .setSocketOption(Options.BACKLOG, 1024)
                .setServerOption(UndertowOptions.BUFFER_PIPELINED_DATA, true)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 130_000)
                .setHandler(root)
                .build();
        server.start();
        cfg.announce("undertow");
    }
}
