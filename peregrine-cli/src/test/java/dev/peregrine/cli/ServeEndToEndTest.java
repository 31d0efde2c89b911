package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code peregrine serve} over real sockets: the server as the command builds it, the JDK's
 * HttpClient for what it can send, and a raw socket for targets it would normalize away.
 */
class ServeEndToEndTest {

    private static final String SECRET = "TOP-SECRET-" + 0x5ec7e7;
    private static final Duration WAIT = Duration.ofSeconds(20); // a guard against hangs, not a timing assertion

    @TempDir
    static Path tmp;
    static Path www;
    static byte[] big;
    static FileServer server;
    static LogCapture log;
    static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(tmp.resolve("secret.txt"), SECRET);
        www = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(www.resolve("hello.txt"), "Hello, world!\n");
        Files.writeString(www.resolve(".env"), SECRET);
        Files.createDirectories(www.resolve("sub"));
        Files.writeString(www.resolve("sub/a.css"), "a{}");
        Files.writeString(www.resolve("sub/<script>alert(1)<.txt"), "x");
        big = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(big);
        Files.write(www.resolve("big.bin"), big);
        Instant old = Instant.parse("2024-03-04T05:06:07Z");
        for (String f : new String[] {"hello.txt", "big.bin", "sub/a.css"}) {
            Files.setLastModifiedTime(www.resolve(f), FileTime.from(old)); // settled: strong ETags
        }
        log = new LogCapture();
        server = FileServer.start(new Command.Serve(www, "127.0.0.1", 0, true, false), log.stream);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(WAIT).build();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            assertThat(server.stop(Duration.ofSeconds(10))).isTrue();
        }
        if (client != null) {
            client.close();
        }
    }

    private static HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(WAIT).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create(server.url()).resolve(path));
    }

    private static String body(HttpResponse<byte[]> res) {
        return new String(res.body(), StandardCharsets.UTF_8);
    }

    @Test
    void bannerNamesTheDirectoryAndTheBoundPort() throws IOException {
        assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port() + "/");
        assertThat(server.banner()).containsExactly("Serving " + www.toRealPath() + " on " + server.url()); // HTTP only
        assertThat(server.secureUrl()).isNull();
        assertThat(server.port()).isPositive();
    }

    @Test
    void servesAFile() throws Exception {
        HttpResponse<byte[]> res = send(get("/hello.txt"));
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(body(res)).isEqualTo("Hello, world!\n");
        assertThat(res.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
        assertThat(res.headers().firstValue("content-length")).hasValue("14");
        assertThat(res.headers().firstValue("accept-ranges")).hasValue("bytes");
        assertThat(res.headers().firstValue("last-modified")).hasValue("Mon, 04 Mar 2024 05:06:07 GMT");
        assertThat(res.headers().firstValue("etag")).hasValueSatisfying(e -> assertThat(e).startsWith("\""));
    }

    @Test
    void streamsALargeFile() throws Exception {
        HttpResponse<byte[]> res = send(get("/big.bin"));
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(big);
    }

    @Test
    void revalidationGets304() throws Exception {
        String etag = send(get("/hello.txt")).headers().firstValue("etag").orElseThrow();
        HttpResponse<byte[]> res = send(get("/hello.txt").header("If-None-Match", etag));
        assertThat(res.statusCode()).isEqualTo(304);
        assertThat(res.body()).isEmpty();
        assertThat(res.headers().firstValue("etag")).hasValue(etag);
        HttpResponse<byte[]> byDate = send(get("/hello.txt").header("If-Modified-Since", "Mon, 04 Mar 2024 05:06:07 GMT"));
        assertThat(byDate.statusCode()).isEqualTo(304);
    }

    @Test
    void failedPreconditionGets412() throws Exception {
        assertThat(send(get("/hello.txt").header("If-Match", "\"nope\"")).statusCode()).isEqualTo(412);
    }

    @Test
    void rangesGet206And416() throws Exception {
        HttpResponse<byte[]> part = send(get("/big.bin").header("Range", "bytes=1000-1999"));
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.headers().firstValue("content-range")).hasValue("bytes 1000-1999/" + big.length);
        assertThat(part.body()).isEqualTo(java.util.Arrays.copyOfRange(big, 1000, 2000));

        HttpResponse<byte[]> suffix = send(get("/hello.txt").header("Range", "bytes=-6"));
        assertThat(suffix.statusCode()).isEqualTo(206);
        assertThat(body(suffix)).isEqualTo("world!\n".substring(1));

        HttpResponse<byte[]> none = send(get("/hello.txt").header("Range", "bytes=100-"));
        assertThat(none.statusCode()).isEqualTo(416);
        assertThat(none.headers().firstValue("content-range")).hasValue("bytes */14");

        String etag = part.headers().firstValue("etag").orElseThrow();
        HttpResponse<byte[]> resumed = send(get("/big.bin").header("Range", "bytes=10-19").header("If-Range", etag));
        assertThat(resumed.statusCode()).isEqualTo(206);
        HttpResponse<byte[]> changed = send(get("/hello.txt").header("Range", "bytes=0-1").header("If-Range", "\"old\""));
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(body(changed)).isEqualTo("Hello, world!\n");
    }

    @Test
    void headHasTheLengthButNoBody() throws Exception {
        HttpResponse<byte[]> res = send(get("/big.bin").method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-length")).hasValue(String.valueOf(big.length));
        assertThat(res.body()).isEmpty();
    }

    @Test
    void postIs405() throws Exception {
        HttpResponse<byte[]> res = send(get("/hello.txt").POST(HttpRequest.BodyPublishers.ofString("x")));
        assertThat(res.statusCode()).isEqualTo(405);
        assertThat(res.headers().firstValue("allow")).hasValue("GET, HEAD, OPTIONS");
    }

    @Test
    void directoryRedirectsThenLists() throws Exception {
        HttpResponse<byte[]> redirect = send(get("/sub?q=1"));
        assertThat(redirect.statusCode()).isEqualTo(301);
        assertThat(redirect.headers().firstValue("location")).hasValue("/sub/?q=1");

        HttpResponse<byte[]> listing = send(get("/sub/"));
        assertThat(listing.statusCode()).isEqualTo(200);
        assertThat(listing.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(body(listing)).contains("a.css").contains("&lt;script&gt;alert(1)&lt;.txt")
                .doesNotContain("<script>");
    }

    @Test
    void dotFilesAreNotServed() throws Exception {
        assertThat(send(get("/.env")).statusCode()).isEqualTo(404);
        assertThat(body(send(get("/")))).doesNotContain(".env");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/../secret.txt",
        "/sub/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/..%2fsecret.txt",
        "/%5c..%5csecret.txt",
        "/..\\secret.txt",
        "/hello.txt%00",
        "/%252e%252e/secret.txt",
        "//secret.txt",
        "/.env",
    })
    void traversalOverTheWireIs404(String target) throws IOException {
        String response = raw("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(response).as(target).startsWith("HTTP/1.1 404 ").doesNotContain(SECRET);
    }

    @Test
    void absoluteFormTargetsAreConfinedToo() throws IOException {
        String response = raw("GET http://x/%2e%2e/secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(response).doesNotContain(SECRET).doesNotStartWith("HTTP/1.1 200");
    }

    @Test
    void requestsAreLogged() throws Exception {
        send(get("/hello.txt?log=1"));
        assertThat(log.awaitLine("\"GET /hello.txt?log=1 HTTP/1.1\""))
                .matches("127\\.0\\.0\\.1 - - \\[[^]]+] \"GET /hello\\.txt\\?log=1 HTTP/1\\.1\" 200 14 \\d+\\.\\dms");
    }

    /** Sends raw bytes and reads until the server closes. */
    static String raw(String request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), (int) WAIT.toMillis());
            s.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** A PrintStream whose lines a test can wait for (the log line is written after the response). */
    static final class LogCapture {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream stream = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (bytes) {
                    bytes.write(b);
                    bytes.notifyAll();
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (bytes) {
                    bytes.write(b, off, len);
                    bytes.notifyAll();
                }
            }
        }, true, StandardCharsets.UTF_8);

        String awaitLine(String containing) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            synchronized (bytes) {
                while (true) {
                    for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
                        if (line.contains(containing)) {
                            return line;
                        }
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError("no log line containing " + containing + " in:\n" + bytes);
                    }
                    bytes.wait(Math.max(1, left / 1_000_000));
                }
            }
        }
    }
}
