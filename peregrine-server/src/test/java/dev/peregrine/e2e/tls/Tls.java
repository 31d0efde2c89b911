package dev.peregrine.e2e.tls;

import dev.peregrine.api.Handler;
import dev.peregrine.api.TlsSession;
import dev.peregrine.server.Server;
import dev.peregrine.server.ServerOptions;
import dev.peregrine.tls.SelfSignedCertificate;
import dev.peregrine.tls.TlsOptions;
import dev.peregrine.transport.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Shared pieces of the HTTPS end-to-end tests: certificates, a real {@link Server} with a TLS
 * listener, JDK clients that trust exactly what a test says, external tools, bounded waits.
 */
final class Tls {

    /** The longest any single wait may take before the test fails; a guard against hangs, never asserted on. */
    static final Duration WAIT = Duration.ofSeconds(20);

    private Tls() {}

    /** A server certificate for these DNS names and 127.0.0.1, valid from yesterday for a year. */
    static SelfSignedCertificate serverCert(String commonName, String... dnsNames) throws Exception {
        return SelfSignedCertificate.generate(SelfSignedCertificate.Spec.server(commonName, List.of(dnsNames),
                List.of(InetAddress.getByName("127.0.0.1"))));
    }

    /** A server on 127.0.0.1 with one plain and one TLS listener. */
    static Server start(TlsOptions tls, Handler handler) throws IOException {
        return Server.builder()
                .listen(Endpoint.tcp("127.0.0.1", 0))
                .listen(Endpoint.tcp("127.0.0.1", 0), tls)
                .handler(handler)
                .options(ServerOptions.defaults())
                .start();
    }

    static void stop(Server server) {
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    /** Answers with what the handler sees of the connection, one {@code name=value} per line. */
    static final Handler DESCRIBE = (req, res) -> {
        TlsSession t = req.tls();
        StringBuilder b = new StringBuilder();
        b.append("scheme=").append(req.scheme()).append('\n');
        b.append("secure=").append(req.isSecure()).append('\n');
        b.append("remote=").append(req.remoteAddress()).append('\n');
        if (t != null) {
            b.append("protocol=").append(t.protocol()).append('\n');
            b.append("cipher=").append(t.cipherSuite()).append('\n');
            b.append("alpn=").append(t.applicationProtocol()).append('\n');
            b.append("sni=").append(t.serverName()).append('\n');
            b.append("peers=").append(t.peerCertificates().stream()
                    .map(c -> c.getSubjectX500Principal().getName()).collect(Collectors.joining(";"))).append('\n');
        }
        res.header("content-type", "text/plain");
        res.send(b.toString());
    };

    /** The value of {@code name=} in a {@link #DESCRIBE} body. */
    static String field(String body, String name) {
        return body.lines().filter(l -> l.startsWith(name + "=")).map(l -> l.substring(name.length() + 1))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in " + body));
    }

    static KeyStore trustStore(List<X509Certificate> trusted) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (int i = 0; i < trusted.size(); i++) {
            trust.setCertificateEntry("trusted-" + i, trusted.get(i));
        }
        return trust;
    }

    /**
     * A client TLS context trusting exactly {@code trusted}. A new one per client where it matters:
     * the JDK client caches sessions by host and port and, resuming one, sends that session's SNI.
     */
    static SSLContext trusting(X509Certificate... trusted) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trustStore(List.of(trusted)));
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** An HTTP/1.1 HttpClient with this TLS context. */
    static HttpClient client(SSLContext ssl) {
        return HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(WAIT).build();
    }

    /**
     * An HTTP/1.1 HttpClient that sends {@code sni} as the server name. HttpClient takes the name
     * from the URL unless the URL's host is an IP literal, so use it with {@code https://127.0.0.1:port/}.
     */
    static HttpClient clientWithSni(SSLContext ssl, String sni) {
        SSLParameters p = new SSLParameters();
        p.setServerNames(List.of(new SNIHostName(sni)));
        return HttpClient.newBuilder().sslContext(ssl).sslParameters(p).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(WAIT).build();
    }

    static HttpResponse<String> get(HttpClient client, String url) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static X509Certificate peerLeaf(HttpResponse<?> response) throws IOException {
        return (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
    }

    /** A JDK TLS socket to 127.0.0.1:port, handshake done; {@code sni} may be null for none. */
    static SSLSocket connect(SSLContext ctx, int port, String sni) throws IOException {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        s.setSoTimeout((int) WAIT.toMillis());
        SSLParameters p = s.getSSLParameters();
        p.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
        s.setSSLParameters(p);
        s.startHandshake();
        return s;
    }

    static X509Certificate peerLeaf(SSLSocket s) throws IOException {
        return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }

    /** A plain TCP socket to 127.0.0.1:port with the safety read timeout. */
    static Socket plain(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), (int) WAIT.toMillis());
        s.setSoTimeout((int) WAIT.toMillis());
        return s;
    }

    /** Sends a GET with {@code Connection: close} and reads the whole answer. */
    static String getAndClose(Socket s, String host) throws IOException {
        s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return readAll(s.getInputStream());
    }

    static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /** Writes PEM files for a certificate; a distinct modification time per generation, as file systems have coarse clocks. */
    static void writePem(Path cert, Path key, SelfSignedCertificate c, int generation) throws IOException {
        Files.writeString(cert, c.certificatePem());
        Files.writeString(key, c.privateKeyPem());
        java.nio.file.attribute.FileTime t = java.nio.file.attribute.FileTime.from(
                Instant.parse("2030-01-01T00:00:00Z").plusSeconds(generation));
        Files.setLastModifiedTime(cert, t);
        Files.setLastModifiedTime(key, t);
    }

    /** Polls until {@code condition} holds, at most {@link #WAIT}. Not a timing assertion: it only bounds a hang. */
    static void await(String what, BooleanSupplier condition) {
        dev.peregrine.testkit.Await.until(what, WAIT, condition);
    }

    // ---- external tools -----------------------------------------------------------------------

    /** Whether {@code tool} runs here (curl and openssl are optional in the test environment). */
    static boolean installed(String tool) {
        try {
            Process p = new ProcessBuilder(tool, tool.equals("openssl") ? "version" : "--version")
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The output of one tool run, stdout and stderr merged. */
    record Run(int exitCode, String output) {}

    /** Runs a command with {@code stdin}, output merged, bounded by {@link #WAIT} (then killed and failed). */
    static Run run(String stdin, List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            try (var in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.US_ASCII));
            }
            // Read on a thread so a tool that never ends is killed at the bound rather than blocking the read.
            var output = new java.util.concurrent.CompletableFuture<String>();
            Thread.ofVirtual().start(() -> {
                try {
                    output.complete(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    output.completeExceptionally(e);
                }
            });
            if (!p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("did not finish: " + String.join(" ", command));
            }
            return new Run(p.exitValue(), output.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("reading the output of " + command, e);
        } finally {
            p.destroyForcibly();
        }
    }

    static List<String> command(String... parts) {
        return new ArrayList<>(List.of(parts));
    }
}
