package dev.peregrine.cli;

import java.nio.file.Path;
import java.util.Locale;

/** A parsed command line: what {@link Main} is asked to do. */
sealed interface Command {

    /**
     * {@code peregrine serve [DIR] [options]}.
     *
     * @param dir the directory to serve, or {@code null} for the built-in demo page
     * @param port 0-65535, 0 for any free port
     * @param https the HTTPS listener, or {@code null} for plain HTTP only ({@code --no-https})
     * @param http2 HTTP/2 beside HTTP/1.1: h2 on HTTPS, h2c on HTTP (off with {@code --no-http2})
     * @param http3 HTTP/3 on the HTTPS port number over UDP (off with {@code --no-http3}; needs HTTPS)
     * @param dev the development options ({@code --spa}, {@code --cors}, {@code --open}, {@code --watch})
     */
    record Serve(Path dir, String host, int port, boolean listing, boolean quiet, Https https, boolean http2,
            boolean http3, Dev dev) implements Command {
        static final String DEFAULT_HOST = "localhost";
        static final int DEFAULT_PORT = 8080;
        static final int DEFAULT_HTTPS_PORT = 8443;

        public Serve {
            dev = dev == null ? Dev.NONE : dev;
        }

        /** Without development options. */
        Serve(Path dir, String host, int port, boolean listing, boolean quiet, Https https, boolean http2,
                boolean http3) {
            this(dir, host, port, listing, quiet, https, http2, http3, Dev.NONE);
        }

        /** With HTTP/2, and HTTP/3 when there is HTTPS. */
        Serve(Path dir, String host, int port, boolean listing, boolean quiet, Https https) {
            this(dir, host, port, listing, quiet, https, true);
        }

        /** HTTP/3 whenever there is HTTPS. */
        Serve(Path dir, String host, int port, boolean listing, boolean quiet, Https https, boolean http2) {
            this(dir, host, port, listing, quiet, https, http2, https != null);
        }

        /** Plain HTTP only, as with {@code --no-https}. */
        Serve(Path dir, String host, int port, boolean listing, boolean quiet) {
            this(dir, host, port, listing, quiet, null);
        }
    }

    /**
     * The development options of {@code serve}.
     *
     * @param spa unknown extension-less paths get the root's {@code index.html} ({@code --spa})
     * @param cors {@code Access-Control-Allow-Origin: *} and preflight answers ({@code --cors})
     * @param open open the default browser at the HTTP URL once listening ({@code --open})
     * @param watch live reload: pages reload when a file under the directory changes ({@code --watch})
     * @param immutable files with a content hash in their names are cached for a year ({@code --immutable})
     * @param status the live status page at {@code /.peregrine/status}, for loopback clients ({@code --status})
     */
    record Dev(boolean spa, boolean cors, boolean open, boolean watch, boolean immutable, boolean status) {
        static final Dev NONE = new Dev(false, false, false, false, false, false);

        /** Without {@code --status}. */
        Dev(boolean spa, boolean cors, boolean open, boolean watch, boolean immutable) {
            this(spa, cors, open, watch, immutable, false);
        }

        /** Without {@code --immutable} and {@code --status}. */
        Dev(boolean spa, boolean cors, boolean open, boolean watch) {
            this(spa, cors, open, watch, false, false);
        }
    }

    /**
     * The HTTPS side of {@code serve}.
     *
     * @param port 0-65535, 0 for any free port
     * @param certificate what the listener presents
     */
    record Https(int port, Certificate certificate) {
        /** The default: port 8443 with the development certificate from its default directory. */
        static Https defaults() {
            return new Https(Serve.DEFAULT_HTTPS_PORT, new Certificate.Dev(null));
        }
    }

    /** Where the HTTPS certificate comes from. */
    sealed interface Certificate {
        /** The {@code dev-cert} certificate, created on first use; {@code dir} null for the default directory. */
        record Dev(Path dir) implements Certificate {}

        /** {@code --cert FILE --key FILE}: a PEM chain (leaf first) and its private key. */
        record Pem(Path chain, Path key) implements Certificate {}

        /** {@code --keystore FILE [--keystore-password PW]}: a PKCS#12 or JKS store, its first key entry. */
        record KeyStore(Path file, String password) implements Certificate {}
    }

    /** {@code peregrine dev-cert [--dir DIR]}; {@code dir} null for the default directory. */
    record DevCert(Path dir) implements Command {}

    record Help() implements Command {}

    record Version() implements Command {}

    /** The command line is wrong; {@code message} says how. */
    record Invalid(String message) implements Command {}

    String USAGE = """
            Usage:
              peregrine serve [DIR] [options]   serve DIR (default: a built-in demo page) over HTTP and HTTPS
              peregrine dev-cert [--dir DIR]    create (once) the localhost certificate and show how to trust it
              peregrine help                    show this help
              peregrine --version               show the version

            Options for serve:
              --port N        HTTP port, 0 for any free one (default 8080)
              --host H        address to bind (default localhost: 127.0.0.1 and ::1);
                              0.0.0.0 or :: to accept connections from other machines
              --no-listing    answer 404 for directories without index.html instead of listing them
              --quiet         do not log requests to stdout
              --no-http2      HTTP/1.1 only (HTTP/2 is on by default: h2 over HTTPS, h2c over HTTP)
              --no-http3      no HTTP/3 (on by default: QUIC on the HTTPS port number, over UDP)
              --status        a live status page at /.peregrine/status (loopback clients only):
                              connections, requests/s, latency, traffic, errors, TLS, routes

            Development (DIR required for --spa and --watch):
              --watch         live reload: pages reload when a file under DIR changes, and a
                              changed stylesheet is swapped in place
              --spa           unknown paths without an extension get DIR/index.html (client-side routing)
              --cors          allow every origin: Access-Control-Allow-Origin: * and preflight answers
              --open          open the default browser at the HTTP URL once listening
              --immutable     names with a content hash (app.3f9a1c2b.js, index-BX4kq0Zp.js) get
                              Cache-Control: public, max-age=31536000, immutable

            HTTPS (on by default, with the development certificate of `peregrine dev-cert`):
              --https-port N  HTTPS port, 0 for any free one (default 8443)
              --no-https      plain HTTP only
              --cert FILE --key FILE
                              a PEM certificate chain and its private key instead
              --keystore FILE [--keystore-password PW]
                              a PKCS#12 or JKS keystore instead
              --cert-dir DIR  where the development certificate is kept
                              (default $XDG_CONFIG_HOME/peregrine, else ~/.config/peregrine)

            Ctrl-C (or SIGTERM) stops the server gracefully, letting running requests finish.
            """;

    static Command parse(String... args) {
        if (args.length == 0) {
            return new Invalid("a command is required");
        }
        return switch (args[0]) {
            case "serve" -> parseServe(args);
            case "dev-cert" -> parseDevCert(args);
            case "help", "--help", "-h" -> args.length == 1 ? new Help() : new Invalid("help takes no arguments");
            case "--version", "version" -> args.length == 1 ? new Version() : new Invalid("--version takes no arguments");
            default -> new Invalid("unknown command: " + args[0]);
        };
    }

    /** The arguments after the command name, one at a time, with {@code --name=value} split. */
    final class Args {
        private final String[] args;
        private int next = 1;
        String name;
        /** The value after {@code =}, or null. */
        String inlineValue;
        String raw;

        Args(String[] args) {
            this.args = args;
        }

        boolean advance() {
            if (next >= args.length) {
                return false;
            }
            raw = args[next++];
            name = raw;
            inlineValue = null;
            int eq = raw.indexOf('=');
            if (raw.startsWith("--") && eq > 0) {
                name = raw.substring(0, eq);
                inlineValue = raw.substring(eq + 1);
            }
            return true;
        }

        /** The option's value ({@code --name=value} or {@code --name value}), or null if there is none. */
        String value() {
            if (inlineValue != null) {
                return inlineValue;
            }
            return next < args.length ? args[next++] : null;
        }
    }

    private static Command parseServe(String[] argv) {
        Path dir = null;
        String host = Serve.DEFAULT_HOST;
        int port = Serve.DEFAULT_PORT;
        boolean listing = true;
        boolean quiet = false;
        boolean endOfOptions = false;
        boolean noHttps = false;
        boolean http2 = true;
        boolean http3 = true;
        Integer httpsPort = null;
        Path cert = null;
        Path key = null;
        Path keyStore = null;
        String keyStorePassword = null;
        Path certDir = null;
        boolean spa = false;
        boolean cors = false;
        boolean open = false;
        boolean watch = false;
        boolean immutable = false;
        boolean status = false;
        Args a = new Args(argv);
        while (a.advance()) {
            String arg = a.raw;
            if (endOfOptions || !arg.startsWith("-") || arg.equals("-")) {
                if (dir != null) {
                    return new Invalid("only one directory may be given: " + arg);
                }
                dir = Path.of(arg);
                continue;
            }
            String name = a.name;
            switch (name) {
                case "--" -> endOfOptions = true;
                case "--port", "-p", "--https-port" -> {
                    String value = a.value();
                    if (value == null) {
                        return new Invalid(name + " needs a value");
                    }
                    int p = parsePort(value);
                    if (p < 0) {
                        return new Invalid("not a port (0-65535): " + value);
                    }
                    if (name.equals("--https-port")) {
                        httpsPort = p;
                    } else {
                        port = p;
                    }
                }
                case "--host" -> {
                    String value = a.value();
                    if (value == null) {
                        return new Invalid(name + " needs a value");
                    }
                    if (value.isBlank()) {
                        return new Invalid("--host needs a host name or address");
                    }
                    host = stripBrackets(value.strip());
                }
                case "--cert", "--key", "--keystore", "--keystore-password", "--cert-dir" -> {
                    String value = a.value();
                    if (value == null || (value.isEmpty() && !name.equals("--keystore-password"))) {
                        return new Invalid(name + " needs a value");
                    }
                    switch (name) {
                        case "--cert" -> cert = Path.of(value);
                        case "--key" -> key = Path.of(value);
                        case "--keystore" -> keyStore = Path.of(value);
                        case "--keystore-password" -> keyStorePassword = value;
                        default -> certDir = Path.of(value);
                    }
                }
                case "--spa", "--cors", "--open", "--watch", "--immutable", "--status" -> {
                    if (a.inlineValue != null) {
                        return new Invalid(name + " takes no value");
                    }
                    switch (name) {
                        case "--spa" -> spa = true;
                        case "--cors" -> cors = true;
                        case "--open" -> open = true;
                        case "--immutable" -> immutable = true;
                        case "--status" -> status = true;
                        default -> watch = true;
                    }
                }
                case "--no-listing", "--quiet", "-q", "--no-https", "--no-http2", "--no-http3" -> {
                    if (a.inlineValue != null) {
                        return new Invalid(name + " takes no value");
                    }
                    switch (name) {
                        case "--no-listing" -> listing = false;
                        case "--no-https" -> noHttps = true;
                        case "--no-http2" -> http2 = false;
                        case "--no-http3" -> http3 = false;
                        default -> quiet = true;
                    }
                }
                default -> {
                    return new Invalid("unknown option: " + arg);
                }
            }
        }
        if (dir == null && (spa || watch)) {
            return new Invalid((spa ? "--spa" : "--watch") + " needs a directory to serve");
        }
        Dev dev = new Dev(spa, cors, open, watch, immutable, status);
        // HTTPS: check the options make one consistent choice.
        boolean anyHttpsOption = httpsPort != null || cert != null || key != null || keyStore != null
                || keyStorePassword != null || certDir != null;
        if (noHttps) {
            return anyHttpsOption ? new Invalid("--no-https cannot be combined with HTTPS options")
                    : new Serve(dir, host, port, listing, quiet, null, http2, false, dev);
        }
        if ((cert == null) != (key == null)) {
            return new Invalid("--cert and --key go together");
        }
        if (keyStorePassword != null && keyStore == null) {
            return new Invalid("--keystore-password needs --keystore");
        }
        if (cert != null && keyStore != null) {
            return new Invalid("use either --cert/--key or --keystore, not both");
        }
        if (certDir != null && (cert != null || keyStore != null)) {
            return new Invalid("--cert-dir is for the development certificate; it cannot be combined with --cert or --keystore");
        }
        int tlsPort = httpsPort != null ? httpsPort : Serve.DEFAULT_HTTPS_PORT;
        if (tlsPort == port && port != 0) {
            return new Invalid(httpsPort == null
                    ? "--port " + port + " is the default HTTPS port: choose another with --https-port, or --no-https"
                    : "--port and --https-port must differ (both are " + port + ")");
        }
        Certificate certificate = cert != null ? new Certificate.Pem(cert, key)
                : keyStore != null ? new Certificate.KeyStore(keyStore, keyStorePassword == null ? "" : keyStorePassword)
                : new Certificate.Dev(certDir);
        return new Serve(dir, host, port, listing, quiet, new Https(tlsPort, certificate), http2, http3, dev);
    }

    private static Command parseDevCert(String[] argv) {
        Path dir = null;
        Args a = new Args(argv);
        while (a.advance()) {
            switch (a.name) {
                case "--dir", "--cert-dir" -> {
                    String value = a.value();
                    if (value == null || value.isEmpty()) {
                        return new Invalid(a.name + " needs a value");
                    }
                    if (dir != null) {
                        return new Invalid(a.name + " given twice");
                    }
                    dir = Path.of(value);
                }
                default -> {
                    return new Invalid(a.raw.startsWith("-") ? "unknown option: " + a.raw : "dev-cert takes no arguments: " + a.raw);
                }
            }
        }
        return new DevCert(dir);
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
