package dev.peregrine.e2e.h2;

import dev.peregrine.api.Handler;
import dev.peregrine.api.TlsSession;
import dev.peregrine.server.Http2Options;
import dev.peregrine.server.Server;
import dev.peregrine.server.ServerOptions;
import dev.peregrine.tls.CertificateSource;
import dev.peregrine.tls.SelfSignedCertificate;
import dev.peregrine.tls.TlsOptions;
import dev.peregrine.transport.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Shared pieces of the HTTP/2 end-to-end tests: servers with a plain and a TLS listener, JDK
 * clients speaking HTTP/2, deterministic bodies with their digests, external tools and bounded
 * waits. Every wait here has a bound; none is a timing assertion.
 */
final class H2 {

    /** The longest any single wait may take before the test fails: a guard against hangs. */
    static final Duration WAIT = Duration.ofSeconds(20);
    /** Deadlines that must stay out of a test's way. */
    static final Duration LONG = Duration.ofSeconds(60);

    private H2() {}

    /** Options whose timeouts stay out of the way; HTTP/2 options as given. */
    static ServerOptions options(Http2Options h2) {
        return ServerOptions.builder()
                .keepAliveTimeout(LONG)
                .requestHeadersTimeout(LONG)
                .minRequestBodyBytesPerSecond(0)
                .http2(h2)
                .build();
    }

    /** One certificate for 127.0.0.1 and localhost, shared by the tests of a JVM (generating one costs). */
    static synchronized SelfSignedCertificate certificate() throws Exception {
        if (cert == null) {
            cert = SelfSignedCertificate.generate(SelfSignedCertificate.Spec.server("localhost", List.of("localhost"),
                    List.of(InetAddress.getByName("127.0.0.1"))));
        }
        return cert;
    }

    private static SelfSignedCertificate cert;

    static TlsOptions tlsOptions() throws Exception {
        return TlsOptions.builder().certificate(CertificateSource.of(certificate().keyMaterial())).build();
    }

    /** A server on 127.0.0.1 with a plain listener ({@link Server#port()}) and a TLS one ({@link Server#securePort()}). */
    static Server start(Handler handler, ServerOptions options) throws Exception {
        return Server.builder()
                .listen(Endpoint.tcp("127.0.0.1", 0))
                .listen(Endpoint.tcp("127.0.0.1", 0), tlsOptions())
                .handler(handler)
                .options(options)
                .start();
    }

    static void stop(Server server) {
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    /** A TLS context trusting exactly our certificate. */
    static SSLContext trusting() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", certificate().certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** A JDK client that asks for {@code version}, trusting our certificate for https URIs. */
    static HttpClient client(HttpClient.Version version) throws Exception {
        return HttpClient.newBuilder().version(version).sslContext(trusting()).connectTimeout(WAIT).build();
    }

    static URI http(Server server, String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    static URI https(Server server, String path) {
        return URI.create("https://127.0.0.1:" + server.securePort() + path);
    }

    static HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(WAIT);
    }

    /** Answers with what the handler saw of the request, one {@code name=value} per line. */
    static final Handler DESCRIBE = (req, res) -> {
        TlsSession t = req.tls();
        String body = "protocol=" + req.protocol() + "\n"
                + "secure=" + req.isSecure() + "\n"
                + "scheme=" + req.scheme() + "\n"
                + "authority=" + req.authority() + "\n"
                + "alpn=" + (t == null ? null : t.applicationProtocol()) + "\n"
                + "remote=" + req.remoteAddress() + "\n";
        res.header("content-type", "text/plain");
        res.send(body);
    };

    /** The value of {@code name=} in a {@link #DESCRIBE} body. */
    static String field(String body, String name) {
        return body.lines().filter(l -> l.startsWith(name + "=")).map(l -> l.substring(name.length() + 1))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " in " + body));
    }

    // ---------------------------------------------------------------- bodies

    /**
     * {@code n} deterministic bytes from {@code seed}, written in pieces by a handler or read by
     * a client without holding them all: {@link #fill} produces the same bytes at any offset.
     */
    static void fill(byte[] b, int off, int len, long position, int seed) {
        for (int i = 0; i < len; i++) {
            long p = position + i;
            long x = (p / 8 + seed) * 0x9E3779B97F4A7C15L;
            x ^= x >>> 29;
            b[off + i] = (byte) (x >>> ((p % 8) * 8));
        }
    }

    /** Writes {@code n} bytes of the {@code seed} pattern to {@code out} in {@code chunk}-sized writes. */
    static void writePattern(OutputStream out, long n, int seed, int chunk) throws IOException {
        byte[] buf = new byte[chunk];
        for (long p = 0; p < n; ) {
            int len = (int) Math.min(chunk, n - p);
            fill(buf, 0, len, p, seed);
            out.write(buf, 0, len);
            p += len;
        }
    }

    /** The pattern as a stream, for streamed uploads. */
    static InputStream patternStream(long n, int seed) {
        return new InputStream() {
            private long position;

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (position >= n) {
                    return -1;
                }
                int k = (int) Math.min(len, n - position);
                fill(b, off, k, position, seed);
                position += k;
                return k;
            }
        };
    }

    static String sha256(InputStream in) throws IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[64 * 1024];
        for (int n; (n = in.read(buf)) >= 0; ) {
            md.update(buf, 0, n);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static String sha256(byte[] b) {
        return HexFormat.of().formatHex(sha256().digest(b));
    }

    static String patternSha256(long n, int seed) throws IOException {
        return sha256(patternStream(n, seed));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    // ---------------------------------------------------------------- waits

    /** Returns once {@code condition} holds; fails after {@link #WAIT}. */
    static void await(String what, BooleanSupplier condition) {
        dev.peregrine.testkit.Await.until(what, WAIT, condition);
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static void await(CountDownLatch latch, String what) {
        try {
            if (!latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("timed out waiting for " + what + " (" + latch.getCount() + " left)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + what, e);
        }
    }

    /** For handlers: waits at most {@link #WAIT}; true if the latch opened. */
    static boolean awaitQuietly(CountDownLatch latch) {
        try {
            return latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static <T> T get(CompletableFuture<T> f, String what) throws Exception {
        try {
            return f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("timed out waiting for " + what, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Whether connecting to {@code port} on 127.0.0.1 is refused now. */
    static boolean refused(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), (int) WAIT.toMillis());
            return false;
        } catch (java.net.ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- external tools

    /** Whether {@code tool --version} runs here (curl and nghttp2's tools are optional). */
    static boolean installed(String tool) {
        try {
            Process p = new ProcessBuilder(tool, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The output of one tool run: stdout as bytes and text, stderr apart. */
    record Run(int exitCode, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        String all() {
            return out() + "\n--- stderr ---\n" + stderr;
        }
    }

    /** Runs a command, bounded by {@link #WAIT} (then killed and failed); nothing on its stdin. */
    static Run run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        try {
            CompletableFuture<byte[]> out = drain(p.getInputStream());
            CompletableFuture<byte[]> err = drain(p.getErrorStream());
            if (!p.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("did not finish: " + String.join(" ", command));
            }
            return new Run(p.exitValue(), out.get(WAIT.toSeconds(), TimeUnit.SECONDS),
                    new String(err.get(WAIT.toSeconds(), TimeUnit.SECONDS), StandardCharsets.UTF_8));
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("reading the output of " + command, e);
        } finally {
            p.destroyForcibly();
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                f.complete(in.readAllBytes());
            } catch (IOException e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    static List<String> command(String... parts) {
        return new ArrayList<>(List.of(parts));
    }
}
