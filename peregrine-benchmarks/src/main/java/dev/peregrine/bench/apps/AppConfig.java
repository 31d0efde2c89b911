package dev.peregrine.bench.apps;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * What every benchmark app takes: {@code <port> [files-dir]}. The files directory holds {@code 1m}
 * and {@code 100m}, written by bench/run; {@code GET /file/1m} and {@code /file/100m} serve them.
 * The bind address is {@code 127.0.0.1} unless {@code -Dbench.host=::1} says otherwise.
 *
 * <p>Apps that support it also listen for HTTPS when {@code -Dbench.httpsPort=N} is given, with the
 * key and certificate of the PKCS#12 file {@code -Dbench.keystore=PATH} (password
 * {@code -Dbench.keystorePassword}, default {@code changeit}): see {@link #https()}.
 */
public record AppConfig(String host, int port, Path files) {

    /** Hello, World! as every app answers {@code GET /plaintext}. */
    public static final String HELLO = "Hello, World!";

    public static AppConfig parse(String[] args) {
        if (args.length < 1) {
            throw new IllegalArgumentException("usage: <port> [files-dir] [options]");
        }
        int port = Integer.parseInt(args[0]);
        Path files = Path.of(args.length > 1 ? args[1] : System.getProperty("bench.files", "/tmp/peregrine-bench/files"));
        if (!Files.isDirectory(files)) {
            System.err.println("warning: files directory " + files + " does not exist; /file/* will 404");
        }
        return new AppConfig(System.getProperty("bench.host", "127.0.0.1"), port, files);
    }

    /**
     * The value after {@code name} among the arguments after {@code <port> <files-dir>}, as in
     * {@code --cert PATH}; {@code def} when absent, and when {@code def} is null the option is required.
     * The HTTP/3 apps take {@code --cert <PEM> --key <PKCS#8 PEM>} this way (bench/run's h3 launch).
     */
    public static String option(String[] args, String name, String def) {
        for (int i = 2; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        if (def == null) {
            throw new IllegalArgumentException("missing option " + name);
        }
        return def;
    }

    /** Whether the flag {@code name} (e.g. {@code --h3}) is among the arguments after {@code <port> <files-dir>}. */
    public static boolean flag(String[] args, String name) {
        for (int i = 2; i < args.length; i++) {
            if (args[i].equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** The file behind {@code /file/<name>}, or {@code null} if the name is not one of ours. */
    public Path file(String name) {
        return switch (name) {
            case "1m", "100m" -> files.resolve(name);
            default -> null;
        };
    }

    /**
     * The HTTPS listener bench/run asks for, or {@code null} without {@code -Dbench.httpsPort}. Every
     * app that supports it uses the JDK's TLS (SunJSSE) with this key store, TLS 1.3 only, and its
     * own default cipher suites.
     */
    public Https https() {
        String port = System.getProperty("bench.httpsPort");
        if (port == null || port.isBlank() || Integer.parseInt(port) <= 0) {
            return null;
        }
        String store = System.getProperty("bench.keystore");
        if (store == null) {
            throw new IllegalArgumentException("-Dbench.httpsPort needs -Dbench.keystore=<PKCS#12 file>");
        }
        return new Https(Integer.parseInt(port), Path.of(store),
                System.getProperty("bench.keystorePassword", "changeit").toCharArray());
    }

    /** The HTTPS side: port, PKCS#12 key store holding one key entry, and its password. */
    public record Https(int port, Path keyStore, char[] password) {

        /** The only TLS version offered, so every server negotiates the same one. */
        public static final String PROTOCOL = "TLSv1.3";

        /** A key manager over the key store (SunX509, as the JDK defaults to). */
        public KeyManagerFactory keyManagerFactory() throws Exception {
            KeyStore ks = load();
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            return kmf;
        }

        /** The alias of the key store's (one) key entry, for servers that ask for it by name. */
        public String keyAlias() throws Exception {
            KeyStore ks = load();
            for (String alias : java.util.Collections.list(ks.aliases())) {
                if (ks.isKeyEntry(alias)) {
                    return alias;
                }
            }
            throw new IllegalArgumentException("no key entry in " + keyStore);
        }

        private KeyStore load() throws Exception {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keyStore)) {
                ks.load(in, password);
            }
            return ks;
        }

        /** A JDK {@link SSLContext} with that key, for servers that take one (which TLS versions it
         * offers is each server's setting: {@link #PROTOCOL}). */
        public SSLContext sslContext() throws Exception {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keyManagerFactory().getKeyManagers(), null, null);
            return ctx;
        }
    }

    /** Logs that the app is up (bench/run does not rely on it: it polls {@code /plaintext}). */
    public void announce(String server) {
        Https tls = https();
        System.out.println(server + " listening on " + host + ":" + port
                + (tls == null ? "" : ", https on " + host + ":" + tls.port()) + " (files " + files + ")");
    }
}
