package dev.peregrine.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code peregrine} command. Exit codes: 0 success, 1 the server could not start (no such
 * directory, port taken), 2 a wrong command line (usage goes to stderr).
 */
public final class Main {

    /** How long a stop (Ctrl-C, SIGTERM) lets running requests finish before aborting them. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private Main() {}

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
        // 0: return normally. After serve, the JVM is already shutting down, and System.exit
        // from here would block on the hook that is still running.
    }

    /**
     * Runs a command. {@code serve} blocks until the JVM shuts down (its shutdown hook stops the
     * server), so it only returns when the server could not start.
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return switch (Command.parse(args)) {
            case Command.Help h -> {
                out.print(Command.USAGE);
                out.flush();
                yield 0;
            }
            case Command.Version v -> {
                out.println("peregrine " + version());
                out.flush();
                yield 0;
            }
            case Command.Invalid invalid -> {
                err.println("peregrine: " + invalid.message());
                err.println();
                err.print(Command.USAGE);
                err.flush();
                yield 2;
            }
            case Command.Serve serve -> serve(serve, out, err);
        };
    }

    private static int serve(Command.Serve options, PrintStream out, PrintStream err) {
        FileServer server;
        try {
            server = FileServer.start(options, out);
        } catch (IllegalArgumentException e) {
            err.println("peregrine: " + e.getMessage());
            return 1;
        } catch (IOException | UncheckedIOException e) {
            err.println("peregrine: cannot listen on " + options.host() + ":" + options.port() + ": " + rootMessage(e));
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("peregrine-shutdown").unstarted(() -> {
            boolean drained = server.stop(STOP_TIMEOUT);
            out.println(drained ? "Stopped." : "Stopped (requests still running after "
                    + STOP_TIMEOUT.toSeconds() + " s were aborted).");
            out.flush();
            stopped.countDown();
        }));
        out.println(server.banner());
        out.flush();
        // The accept loops are daemon threads: keep the JVM alive until the shutdown hook runs.
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** The innermost message: "Address already in use" rather than the wrappers around it. */
    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    /** The version stamped into the jar by the build ({@code version.properties}). */
    static String version() {
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String v = p.getProperty("version");
                if (v != null && !v.startsWith("${")) {
                    return v;
                }
            }
        } catch (IOException e) {
            // fall through: a version is nice to have, never worth failing for
        }
        return "(development build)";
    }
}
