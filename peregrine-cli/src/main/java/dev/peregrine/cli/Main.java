package dev.peregrine.cli;

import dev.peregrine.tls.DevCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * The {@code peregrine} command. Exit codes: 0 success, 1 the server could not start (no such
 * directory, port taken, unusable certificate) or {@code dev-cert} failed, 2 a wrong command line
 * (usage goes to stderr).
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
            case Command.DevCert devCert -> devCert(devCert, out, err);
        };
    }

    /**
     * {@code peregrine dev-cert}: creates the development certificate once, then reuses it; prints
     * where it is, its SPKI pin, and how to trust it. Exit 1 when it can be neither read nor created.
     */
    private static int devCert(Command.DevCert options, PrintStream out, PrintStream err) {
        Path dir = options.dir() != null ? options.dir() : DevCertificate.defaultDirectory();
        DevCertificate cert;
        try {
            cert = DevCertificate.loadOrCreate(dir);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            err.println("peregrine: cannot load or create the development certificate in " + dir + ": "
                    + FileServer.rootMessage(e));
            err.println("(a damaged " + dir.resolve("localhost.p12") + " can be deleted: it is created again)");
            return 1;
        }
        if (!cert.created()) {
            out.println("The development certificate already exists in " + cert.directory() + "; nothing was changed.");
        }
        out.print(cert.trustInstructions());
        out.println();
        out.println("`peregrine serve" + (options.dir() == null ? "" : " --cert-dir " + options.dir())
                + "` uses it for https://localhost:8443/.");
        out.flush();
        return 0;
    }

    private static int serve(Command.Serve options, PrintStream out, PrintStream err) {
        FileServer server;
        try {
            server = FileServer.start(options, out);
        } catch (IllegalArgumentException | FileServer.CannotStart e) {
            err.println("peregrine: " + e.getMessage());
            return 1;
        } catch (UncheckedIOException e) {
            err.println("peregrine: cannot start: " + FileServer.rootMessage(e));
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
        announce(server, options, out, err, Browser.system(problem -> warnNoBrowser(err, problem)));
        // The accept loops are daemon threads: keep the JVM alive until the shutdown hook runs.
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Prints the banner and, with {@code --open}, opens the browser: a failure there only warns. */
    static void announce(FileServer server, Command.Serve options, PrintStream out, PrintStream err, Browser browser) {
        server.banner().forEach(out::println);
        out.flush();
        if (options.dev().open()) {
            String url = browserUrl(server.url(), options.host());
            try {
                browser.open(url);
            } catch (IOException | RuntimeException e) {
                warnNoBrowser(err, FileServer.rootMessage(e));
            }
        }
    }

    /** The URL to open: the HTTP one, with {@code localhost} for a wildcard address, which is not one to connect to. */
    static String browserUrl(String url, String host) {
        return host.equals("0.0.0.0") || host.equals("::") ? url.replaceFirst("//[^/]+:", "//localhost:") : url;
    }

    private static void warnNoBrowser(PrintStream err, String problem) {
        err.println("peregrine: warning: could not open a browser (" + problem + "); open the URL yourself");
        err.flush();
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
