package dev.peregrine.bench.apps;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What every benchmark app takes: {@code <port> [files-dir]}. The files directory holds {@code 1m}
 * and {@code 100m}, written by bench/run; {@code GET /file/1m} and {@code /file/100m} serve them.
 * The bind address is {@code 127.0.0.1} unless {@code -Dbench.host=::1} says otherwise.
 */
public record AppConfig(String host, int port, Path files) {

    /** Hello, World! as every app answers {@code GET /plaintext}. */
    public static final String HELLO = "Hello, World!";

    public static AppConfig parse(String[] args) {
        if (args.length < 1) {
            throw new IllegalArgumentException("usage: <port> [files-dir]");
        }
        int port = Integer.parseInt(args[0]);
        Path files = Path.of(args.length > 1 ? args[1] : System.getProperty("bench.files", "/tmp/peregrine-bench/files"));
        if (!Files.isDirectory(files)) {
            System.err.println("warning: files directory " + files + " does not exist; /file/* will 404");
        }
        return new AppConfig(System.getProperty("bench.host", "127.0.0.1"), port, files);
    }

    /** The file behind {@code /file/<name>}, or {@code null} if the name is not one of ours. */
    public Path file(String name) {
        return switch (name) {
            case "1m", "100m" -> files.resolve(name);
            default -> null;
        };
    }

    /** Logs that the app is up (bench/run does not rely on it: it polls {@code /plaintext}). */
    public void announce(String server) {
        System.out.println(server + " listening on " + host + ":" + port + " (files " + files + ")");
    }
}
