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
import org.xnio.Sequence;

/**
 * The benchmark app on Undertow core: default IO and worker threads (derived from the available
 * CPUs), non-blocking sends on the IO thread for plaintext and JSON, {@code ResourceHandler} for
 * the files, a blocking copy on a worker thread for the echo. Pipelined responses are buffered
 * and flushed together ({@code BUFFER_PIPELINED_DATA}), Undertow's switch for pipelining.
 *
 * <p>HTTP/2 by Undertow's switch, {@code ENABLE_HTTP2}: h2c by prior knowledge (or Upgrade) on the
 * HTTP listener, and with {@code -Dbench.httpsPort} an HTTPS listener (the JDK's TLS with the key
 * store, TLS 1.3 only) offering {@code h2} then {@code http/1.1} by ALPN.
 */
public final class UndertowApp {

    private static final ByteBuffer HELLO = ByteBuffer.allocateDirect(13)
            .put(AppConfig.HELLO.getBytes(StandardCharsets.UTF_8)).flip();

    private UndertowApp() {}

    public static void main(String[] args) throws Exception {
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
        Undertow.Builder builder = Undertow.builder()
                .addHttpListener(cfg.port(), cfg.host())
                .setSocketOption(Options.BACKLOG, 1024)
                .setServerOption(UndertowOptions.BUFFER_PIPELINED_DATA, true)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 130_000)
                .setServerOption(UndertowOptions.ENABLE_HTTP2, true)
                .setHandler(root);
        AppConfig.Https https = cfg.https();
        if (https != null) {
            builder.addHttpsListener(https.port(), cfg.host(), https.sslContext())
                    .setSocketOption(Options.SSL_ENABLED_PROTOCOLS, Sequence.of(AppConfig.Https.PROTOCOL));
        }
        Undertow server = builder.build();
        server.start();
        cfg.announce("undertow");
    }
}
