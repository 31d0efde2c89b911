package dev.peregrine.cli;

import dev.peregrine.api.Handler;
import dev.peregrine.files.StaticFiles;
import dev.peregrine.http3.Http3;
import dev.peregrine.http3.Http3Options;
import dev.peregrine.observe.AccessLog;
import dev.peregrine.observe.metrics.MetricsSnapshot;
import dev.peregrine.observe.status.StatusPage;
import dev.peregrine.server.Http2Options;
import dev.peregrine.server.Server;
import dev.peregrine.server.ServerOptions;
import dev.peregrine.tls.CertificateSource;
import dev.peregrine.tls.DevCertificate;
import dev.peregrine.tls.TlsOptions;
import dev.peregrine.transport.Endpoint;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What {@code peregrine serve} runs: a {@link Server} with {@link StaticFiles} (or the
 * {@link DemoSite}) in the development options ({@link DevMode}) behind an {@link AccessLog},
 * bound as the options say: an HTTP listener and, unless {@code --no-https}, an HTTPS one, both
 * in one server (one handler, one set of metrics).
 *
 * <p>{@code localhost} binds both loopbacks, 127.0.0.1 and ::1, on one port: browsers resolve
 * localhost to ::1 first, and a server on 127.0.0.1 alone costs them a failed connect each time
 * (or fails outright for clients without fallback). Where the machine has no IPv6 loopback,
 * 127.0.0.1 alone is used. The HTTPS port is bound the same way.
 */
final class FileServer implements AutoCloseable {

    /** Attempts to find ports free on both loopbacks when asked for port 0 (another process may win a race). */
    private static final int PORT_ATTEMPTS = 5;

    /** The server could not start; the message says why, in one line for the user. */
    static final class CannotStart extends Exception {
        CannotStart(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Server server;
    private final String description;
    private final String url;
    private final String secureUrl;
    private final String certificateNote;
    private final String http3Line;
    /** The status page with {@code --status}, else null. */
    private final StatusPage status;
    private final String statusLine;
    /** Written from its own thread; closed (drained) after the server stops. {@code null} with --quiet. */
    private final AccessLog accessLog;
    private final DevMode dev;

    private FileServer(Server server, String description, String url, String secureUrl, String certificateNote,
            String http3Line, DevMode dev, AccessLog accessLog, StatusPage status) {
        this.http3Line = http3Line;
        this.status = status;
        this.statusLine = status == null ? null : "Status page: " + url.substring(0, url.length() - 1) + StatusPage.PATH;
        this.dev = dev;
        this.accessLog = accessLog;
        this.server = server;
        this.description = description;
        this.url = url;
        this.secureUrl = secureUrl;
        this.certificateNote = certificateNote;
    }

    /**
     * Starts serving.
     *
     * @param log where request lines go (ignored when {@code options.quiet()})
     * @throws IllegalArgumentException if the directory does not exist
     * @throws CannotStart if the certificate cannot be read or created, or no listener could be bound
     */
    static FileServer start(Command.Serve options, PrintStream log) throws CannotStart {
        Handler handler;
        String description;
        DevMode devMode;
        Runnable dropCache = () -> { };
        if (options.dir() == null) {
            devMode = DevMode.of(options.dev(), null);
            handler = devMode.around(DemoSite.load());
            description = "the built-in demo page";
        } else {
            StaticFiles files = StaticFiles.of(options.dir()).listing(options.listing())
                    .immutableHashedAssets(options.dev().immutable());
            devMode = DevMode.of(options.dev(), files.root());
            handler = devMode.around(files);
            description = files.root().toString();
            dropCache = files::clearCache;
        }
        TlsOptions tls = null;
        String note = null;
        if (options.https() != null) {
            Command.Certificate choice = options.https().certificate();
            if (choice instanceof Command.Certificate.Dev dev) {
                DevCertificate cert = devCertificate(dev.dir());
                tls = cert.tlsOptions().toBuilder().watchFiles(true).build();
                note = (cert.created() ? "Created the development certificate " : "HTTPS uses the development certificate ")
                        + cert.certificatePem() + " (`peregrine dev-cert"
                        + (dev.dir() == null ? "" : " --dir " + dev.dir()) + "` shows how to trust it)";
            } else {
                tls = TlsOptions.builder().certificate(certificateSource(choice)).watchFiles(true).build();
            }
        }
        int httpsPort = options.https() == null ? -1 : options.https().port();
        boolean http3 = tls != null && options.http3();
        // The page reads the server's metrics once it is bound; a request before that sees none yet.
        AtomicReference<Server> bound = new AtomicReference<>();
        StatusPage status = !options.dev().status() ? null : StatusPage.builder(() -> bound.get() == null
                ? new MetricsSnapshot(Instant.now(), List.of()) : bound.get().metrics().snapshot()).build();
        if (status != null) {
            handler = handler.with(status);
        }
        // Started once nothing but binding can fail, so a failed start leaves no writer thread behind.
        AccessLog accessLog = options.quiet() ? null : AccessLog.to(log);
        if (accessLog != null) {
            handler = handler.with(accessLog);
        }
        Server server;
        try {
            server = bind(options.host(), options.port(), httpsPort, tls, handler, options.http2(), http3);
        } catch (CannotStart | RuntimeException e) {
            if (accessLog != null) {
                accessLog.close();
            }
            throw e;
        }
        bound.set(server);
        try {
            devMode.start(dropCache);
        } catch (IOException | RuntimeException e) {
            server.close();
            if (accessLog != null) {
                accessLog.close();
            }
            throw new CannotStart("cannot watch " + description + " for changes: " + rootMessage(e), e);
        }
        String host = options.host().indexOf(':') >= 0 ? "[" + options.host() + "]" : options.host();
        String url = "http://" + host + ":" + server.port() + "/";
        String secureUrl = tls == null ? null : "https://" + host + ":" + server.securePort() + "/";
        String http3Line = http3 ? "HTTP/3 on UDP port " + server.securePort()
                + " (QUIC; HTTPS responses advertise it with Alt-Svc)" : null;
        return new FileServer(server, description, url, secureUrl, note, http3Line, devMode, accessLog, status);
    }

    private static DevCertificate devCertificate(Path dir) throws CannotStart {
        Path where = dir != null ? dir : DevCertificate.defaultDirectory();
        try {
            return DevCertificate.loadOrCreate(where);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new CannotStart("cannot load or create the development certificate in " + where + ": " + rootMessage(e)
                    + " (or use --cert/--key, --keystore, or --no-https)", e);
        }
    }

    /** The source for {@code --cert/--key} or {@code --keystore}, read once now so a bad file fails here with its name. */
    private static CertificateSource certificateSource(Command.Certificate choice) throws CannotStart {
        CertificateSource source = switch (choice) {
            case Command.Certificate.Pem pem -> CertificateSource.pem(pem.chain(), pem.key());
            case Command.Certificate.KeyStore ks -> CertificateSource.keyStore(ks.file(), ks.password().toCharArray());
            case Command.Certificate.Dev dev -> throw new IllegalStateException("handled by the caller");
        };
        try {
            source.load();
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new CannotStart("cannot use the certificate " + String.join(" and ", source.files().stream()
                    .map(Path::toString).toList()) + ": " + rootMessage(e), e);
        }
        return source;
    }

    private static Server bind(String host, int port, int httpsPort, TlsOptions tls, Handler handler, boolean http2,
            boolean http3) throws CannotStart {
        List<String> addresses;
        if (!Command.isLocalhost(host)) {
            // Resolve here so an unknown name fails with its own message rather than an unchecked exception from bind.
            try {
                addresses = List.of(InetAddress.getByName(host).getHostAddress());
            } catch (IOException e) {
                throw new CannotStart("cannot listen on " + host + ": " + rootMessage(e), e);
            }
        } else {
            addresses = ipv6LoopbackAvailable() ? List.of("127.0.0.1", "::1") : List.of("127.0.0.1");
        }
        // Port 0 on two listeners would give two different ports: with both loopbacks, take free
        // IPv4 ports and bind both families to them, trying again if someone took one in between.
        // HTTP/3 takes the HTTPS port number on UDP, so a free HTTPS port is picked here too.
        boolean pick = (addresses.size() > 1 || http3) && (port == 0 || httpsPort == 0);
        for (int attempt = 1; ; attempt++) {
            int http = port;
            int https = httpsPort;
            if (pick) {
                int[] free;
                try {
                    free = freePorts(2);
                } catch (IOException e) {
                    throw new CannotStart("cannot listen on " + host + ": " + rootMessage(e), e);
                }
                http = port == 0 ? free[0] : port;
                https = httpsPort == 0 ? free[1] : httpsPort;
            }
            ServerOptions serverOptions = ServerOptions.builder()
                    .http2(Http2Options.builder().enabled(http2).build()).build();
            Server.Builder builder = Server.builder().handler(handler).options(serverOptions);
            List<Endpoint> plain = new ArrayList<>();
            List<Endpoint> secure = new ArrayList<>();
            for (String address : addresses) {
                plain.add(Endpoint.tcp(address, http));
                builder.listen(plain.getLast());
            }
            if (tls != null) {
                for (String address : addresses) {
                    secure.add(Endpoint.tcp(address, https));
                    builder.listen(secure.getLast(), tls);
                    if (http3) {
                        builder.listen(Http3.on(address, https, tls, Http3Options.defaults()));
                    }
                }
            }
            try {
                return builder.start();
            } catch (IOException | RuntimeException e) {
                if (!pick || attempt >= PORT_ATTEMPTS || !isBindFailure(e)) {
                    throw new CannotStart("cannot listen on " + host + ":" + failedPort(e, plain, secure, http, https)
                            + ": " + rootMessage(e), e);
                }
            }
        }
    }

    /**
     * Which port a failed start was about. The transport names the endpoint in its message
     * ("cannot bind tcp:127.0.0.1:8443: ..."); without that, both ports are named.
     */
    private static String failedPort(Throwable e, List<Endpoint> plain, List<Endpoint> secure, int http, int https) {
        String message = String.valueOf(e.getMessage());
        for (Endpoint endpoint : plain) {
            if (message.contains(endpoint + ":")) {
                return String.valueOf(http);
            }
        }
        for (Endpoint endpoint : secure) {
            if (message.contains(endpoint + ":")) {
                return https + " (HTTPS)";
            }
        }
        return secure.isEmpty() ? String.valueOf(http) : http + " or " + https + " (HTTPS)";
    }

    private static boolean ipv6LoopbackAvailable() {
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** {@code count} distinct ports free on 127.0.0.1 right now: all probes are held open until each has its port. */
    private static int[] freePorts(int count) throws IOException {
        List<ServerSocketChannel> probes = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocketChannel probe = ServerSocketChannel.open();
                probes.add(probe);
                probe.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
                ports[i] = ((InetSocketAddress) probe.getLocalAddress()).getPort();
            }
            return ports;
        } finally {
            for (ServerSocketChannel probe : probes) {
                probe.close();
            }
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    /** The innermost message: "Address already in use" rather than the wrappers around it. */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        for (int depth = 0; t.getCause() != null && depth < 20; depth++) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    /**
     * What is printed at start, one line per listener: {@code Serving DIR on http://...}, then
     * {@code Serving DIR on https://...}, then which certificate HTTPS uses if it is the
     * development one. The first line is always the HTTP one, so scripts can read the port from it.
     */
    List<String> banner() {
        List<String> lines = new ArrayList<>();
        lines.add("Serving " + description + " on " + url);
        if (secureUrl != null) {
            lines.add("Serving " + description + " on " + secureUrl);
        }
        if (http3Line != null) {
            lines.add(http3Line);
        }
        if (certificateNote != null) {
            lines.add(certificateNote);
        }
        if (statusLine != null) {
            lines.add(statusLine);
        }
        return lines;
    }

    String url() {
        return url;
    }

    /** The HTTPS URL, or {@code null} with {@code --no-https}. */
    String secureUrl() {
        return secureUrl;
    }

    int port() {
        return server.port();
    }

    /** The HTTPS port; only with HTTPS on. */
    int securePort() {
        return server.securePort();
    }

    List<SocketAddress> localAddresses() {
        return new ArrayList<>(server.localAddresses());
    }

    /** The live-reload streams with {@code --watch}, else null. */
    LiveReload liveReload() {
        return dev.liveReload();
    }

    /**
     * Stops gracefully; true when every in-flight request finished before the deadline. The
     * live-reload and status streams, which would never finish, are ended first.
     */
    boolean stop(Duration timeout) {
        dev.close();
        closeStatus();
        boolean drained = server.stop(timeout);
        closeAccessLog();
        return drained;
    }

    @Override
    public void close() {
        dev.close();
        closeStatus();
        server.close();
        closeAccessLog();
    }

    private void closeStatus() {
        if (status != null) {
            status.close();
        }
    }

    /** Writes out the lines still queued, so they come before whatever is printed after the stop. */
    private void closeAccessLog() {
        if (accessLog != null) {
            accessLog.close();
        }
    }
}
