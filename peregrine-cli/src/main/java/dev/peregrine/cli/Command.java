package dev.peregrine.cli;

import java.nio.file.Path;
import java.util.Locale;

/** A parsed command line: what {@link Main} is asked to do. */
sealed interface Command {

    /**
     * {@code peregrine serve [DIR] [--port N] [--host H] [--no-listing] [--quiet]}.
     *
     * @param dir the directory to serve, or {@code null} for the built-in demo page
     * @param port 0-65535, 0 for any free port
     */
    record Serve(Path dir, String host, int port, boolean listing, boolean quiet) implements Command {
        static final String DEFAULT_HOST = "localhost";
        static final int DEFAULT_PORT = 8080;
    }

    record Help() implements Command {}

    record Version() implements Command {}

    /** The command line is wrong; {@code message} says how. */
    record Invalid(String message) implements Command {}

    String USAGE = """
            Usage:
              peregrine serve [DIR] [options]   serve DIR (default: a built-in demo page) over HTTP
              peregrine help                    show this help
              peregrine --version               show the version

            Options for serve:
              --port N        TCP port, 0 for any free one (default 8080)
              --host H        address to bind (default localhost: 127.0.0.1 and ::1);
                              0.0.0.0 or :: to accept connections from other machines
              --no-listing    answer 404 for directories without index.html instead of listing them
              --quiet         do not log requests to stdout

            Ctrl-C (or SIGTERM) stops the server gracefully, letting running requests finish.
            """;

    static Command parse(String... args) {
        if (args.length == 0) {
            return new Invalid("a command is required");
        }
        return switch (args[0]) {
            case "serve" -> parseServe(args);
            case "help", "--help", "-h" -> args.length == 1 ? new Help() : new Invalid("help takes no arguments");
            case "--version", "version" -> args.length == 1 ? new Version() : new Invalid("--version takes no arguments");
            default -> new Invalid("unknown command: " + args[0]);
        };
    }

    private static Command parseServe(String[] args) {
        Path dir = null;
        String host = Serve.DEFAULT_HOST;
        int port = Serve.DEFAULT_PORT;
        boolean listing = true;
        boolean quiet = false;
        boolean endOfOptions = false;
        for (int i = 1; i < args.length; i++) {
            String arg = args[i];
            if (endOfOptions || !arg.startsWith("-") || arg.equals("-")) {
                if (dir != null) {
                    return new Invalid("only one directory may be given: " + arg);
                }
                dir = Path.of(arg);
                continue;
            }
            // --name=value and --name value are both accepted
            String name = arg;
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                name = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            switch (name) {
                case "--" -> endOfOptions = true;
                case "--port", "-p" -> {
                    if (value == null) {
                        if (++i >= args.length) {
                            return new Invalid(name + " needs a value");
                        }
                        value = args[i];
                    }
                    port = parsePort(value);
                    if (port < 0) {
                        return new Invalid("not a port (0-65535): " + value);
                    }
                }
                case "--host" -> {
                    if (value == null) {
                        if (++i >= args.length) {
                            return new Invalid(name + " needs a value");
                        }
                        value = args[i];
                    }
                    if (value.isBlank()) {
                        return new Invalid("--host needs a host name or address");
                    }
                    host = stripBrackets(value.strip());
                }
                case "--no-listing" -> {
                    if (value != null) {
                        return new Invalid("--no-listing takes no value");
                    }
                    listing = false;
                }
                case "--quiet", "-q" -> {
                    if (value != null) {
                        return new Invalid("--quiet takes no value");
                    }
                    quiet = true;
                }
                default -> {
                    return new Invalid("unknown option: " + arg);
                }
            }
        }
        return new Serve(dir, host, port, listing, quiet);
    }

    private static int parsePort(String s) {
        if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        int p = Integer.parseInt(s);
        return p <= 65535 ? p : -1;
    }

    /** {@code [::1]} as people write it in URLs, to the {@code ::1} a socket wants. */
    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** Whether the host means "this machine's loopback, both families". */
    static boolean isLocalhost(String host) {
        return host.toLowerCase(Locale.ROOT).equals("localhost");
    }
}
