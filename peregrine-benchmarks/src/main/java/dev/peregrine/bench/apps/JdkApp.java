package dev.peregrine.bench.apps;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;

/**
 * The benchmark app on the JDK's {@code com.sun.net.httpserver}, with a virtual thread per exchange
 * (without an executor it runs every handler on its one dispatcher thread). Its idle-connection
 * limits are raised so the idle scenario measures held connections rather than its defaults
 * (200 idle connections, 30 s).
 */
public final class JdkApp {

    private static final byte[] HELLO = AppConfig.HELLO.getBytes(StandardCharsets.UTF_8);

    private JdkApp() {}

    public static void main(String[] args) throws IOException {
        System.setProperty("sun.net.httpserver.maxIdleConnections", "1000000");
        System.setProperty("sun.net.httpserver.idleInterval", "130");
        AppConfig cfg = AppConfig.parse(args);
        HttpServer server = HttpServer.create(new InetSocketAddress(cfg.host(), cfg.port()), 1024);
        server.createContext("/plaintext", ex -> {
            try (ex) {
                ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
                send(ex, HELLO);
            }
        });
        server.createContext("/json", ex -> {
            try (ex) {
                ex.getResponseHeaders().set("Content-Type", "application/json");
                send(ex, Json.serialize(Json.message()));
            }
        });
        server.createContext("/file/", ex -> {
            try (ex) {
                Path file = cfg.file(ex.getRequestURI().getPath().substring("/file/".length()));
                if (file == null || !Files.isRegularFile(file)) {
                    ex.sendResponseHeaders(404, -1);
                    return;
                }
                ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
                ex.sendResponseHeaders(200, Files.size(file));
                try (OutputStream out = ex.getResponseBody()) {
                    Files.copy(file, out);
                }
            }
        });
        server.createContext("/echo", ex -> {
            try (ex) {
                ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
                String length = ex.getRequestHeaders().getFirst("Content-Length");
                ex.sendResponseHeaders(200, length != null ? Long.parseLong(length) : 0);
                try (InputStream in = ex.getRequestBody(); OutputStream out = ex.getResponseBody()) {
                    in.transferTo(out);
                }
            }
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        cfg.announce("jdk httpserver");
    }

    private static void send(HttpExchange ex, byte[] body) throws IOException {
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
