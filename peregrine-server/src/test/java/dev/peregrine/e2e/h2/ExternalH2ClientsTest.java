package dev.peregrine.e2e.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.peregrine.api.Router;
import dev.peregrine.server.Http2Options;
import dev.peregrine.server.Server;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/2 clients nobody here wrote, run as processes: curl (prior knowledge, Upgrade, TLS),
 * nghttp (frames, trailers, small windows) and h2load (many multiplexed requests). Each test is
 * skipped where its tool is not installed ({@code .ci/run} installs curl and nghttp2-client).
 * curl may be set up to use a proxy in some environments: every call passes {@code --noproxy '*'}.
 */
@Timeout(120)
class ExternalH2ClientsTest {

    static final int DOWNLOAD = 4 * 1024 * 1024;

    @TempDir
    static Path dir;

    static Server server;

    @BeforeAll
    static void start() throws Exception {
        Router router = Router.builder()
                .get("/", H2.DESCRIBE)
                .get("/hello", (req, res) -> res.send("hello"))
                .get("/trailers", (req, res) -> {
                    res.trailers().set("x-checksum", "abc123");
                    res.trailers().set("x-count", "2");
                    OutputStream out = res.body();
                    out.write("part1;".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    out.write("part2".getBytes(StandardCharsets.UTF_8));
                })
                .get("/download", (req, res) -> H2.writePattern(res.body(), DOWNLOAD, 13, 10_000))
                .post("/sha256", (req, res) -> {
                    String expect = String.valueOf(req.header("expect"));
                    try (InputStream in = req.body()) {
                        res.send("expect=" + expect + " sha256=" + H2.sha256(in));
                    }
                })
                .build();
        server = H2.start(router, H2.options(Http2Options.defaults()));
    }

    @AfterAll
    static void stop() {
        H2.stop(server);
    }

    static List<String> curl(String url, String... extra) {
        List<String> cmd = H2.command("curl", "-sS", "--noproxy", "*", "--max-time",
                String.valueOf(H2.WAIT.toSeconds() - 5)); // curl gives up first, so its own error is what fails
        cmd.addAll(List.of(extra));
        cmd.add(url);
        return cmd;
    }

    static String plain(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    static String secure(String path) {
        return "https://127.0.0.1:" + server.securePort() + path;
    }

    /** The last line of curl's output: what {@code -w '\n%{http_version}'} printed. */
    static String lastLine(String out) {
        List<String> lines = out.lines().toList();
        return lines.isEmpty() ? "" : lines.getLast().trim();
    }

    // ---------------------------------------------------------------- curl

    @Test
    void curlWithPriorKnowledgeSpeaksH2c() throws Exception {
        assumeTrue(H2.installed("curl"), "curl is not installed");
        H2.Run r = H2.run(curl(plain("/"), "--http2-prior-knowledge", "-w", "\n%{http_version}"));
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(lastLine(r.out())).isEqualTo("2");
        assertThat(H2.field(r.out(), "protocol")).isEqualTo("HTTP_2");
        assertThat(H2.field(r.out(), "secure")).isEqualTo("false");
    }

    @Test
    void curlUpgradesToH2c() throws Exception {
        assumeTrue(H2.installed("curl"), "curl is not installed");
        H2.Run r = H2.run(curl(plain("/"), "--http2", "-v", "-w", "\n%{http_version}"));
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.stderr()).contains("Upgrade: h2c").containsPattern("HTTP/1.1 101");
        assertThat(lastLine(r.out())).isEqualTo("2");
        assertThat(H2.field(r.out(), "protocol")).isEqualTo("HTTP_2");
    }

    @Test
    void curlNegotiatesH2OverTls() throws Exception {
        assumeTrue(H2.installed("curl"), "curl is not installed");
        H2.Run r = H2.run(curl(secure("/"), "--http2", "-k", "-w", "\n%{http_version}"));
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(lastLine(r.out())).isEqualTo("2");
        assertThat(H2.field(r.out(), "protocol")).isEqualTo("HTTP_2");
        assertThat(H2.field(r.out(), "alpn")).isEqualTo("h2");
        assertThat(H2.field(r.out(), "secure")).isEqualTo("true");
    }

    @Test
    void curlOverTlsAskingForHttp11GetsHttp11ByAlpn() throws Exception {
        assumeTrue(H2.installed("curl"), "curl is not installed");
        H2.Run r = H2.run(curl(secure("/"), "--http1.1", "-k", "-w", "\n%{http_version}"));
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(lastLine(r.out())).isEqualTo("1.1");
        assertThat(H2.field(r.out(), "protocol")).isEqualTo("HTTP_1_1");
        assertThat(H2.field(r.out(), "alpn")).isEqualTo("http/1.1");
    }

    @Test
    void curlWaitsForTheServersContinueBeforeTheBody() throws Exception {
        assumeTrue(H2.installed("curl"), "curl is not installed");
        byte[] body = new byte[2 * 1024 * 1024];
        H2.fill(body, 0, body.length, 0, 17);
        Path file = dir.resolve("upload.bin");
        Files.write(file, body);
        // A long timeout: curl sends the body on its own only if no 100 comes within it.
        H2.Run r = H2.run(curl(plain("/sha256"), "--http2-prior-knowledge", "-v", "-H", "Expect: 100-continue",
                "--expect100-timeout", String.valueOf(H2.WAIT.toSeconds() * 2), "--data-binary", "@" + file));
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.stderr()).contains("HTTP/2 100").contains("HTTP/2 200");
        assertThat(r.out()).isEqualTo("expect=100-continue sha256=" + H2.sha256(body));
    }

    // ---------------------------------------------------------------- nghttp

    @Test
    void nghttpShowsResponseTrailersInAHeadersFrameAndNoTransferEncoding() throws Exception {
        assumeTrue(H2.installed("nghttp"), "nghttp is not installed");
        H2.Run r = H2.run(H2.command("nghttp", "-nv", plain("/trailers")));
        assertThat(r.exitCode()).as(r.all()).isZero();
        String out = r.out();
        assertThat(out).contains("x-checksum: abc123").contains("x-count: 2").doesNotContainIgnoringCase("transfer-encoding");
        // The trailers come after the body, in a second HEADERS frame that ends the stream.
        int data = out.indexOf("recv DATA frame");
        int trailer = out.indexOf("x-checksum: abc123");
        assertThat(data).as(out).isNotNegative().isLessThan(trailer);
        assertThat(out.substring(trailer)).containsPattern("recv HEADERS frame <[^>]*flags=0x05");
    }

    @Test
    void nghttpWithSmallWindowsDownloadsIntact() throws Exception {
        assumeTrue(H2.installed("nghttp"), "nghttp is not installed");
        // Windows of 2^16-1 bytes for the stream and the connection: the server must wait for WINDOW_UPDATEs.
        H2.Run r = H2.run(H2.command("nghttp", "-w", "16", "-W", "16", plain("/download")));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout().length).isEqualTo(DOWNLOAD);
        assertThat(H2.sha256(r.stdout())).isEqualTo(H2.patternSha256(DOWNLOAD, 13));
    }

    // ---------------------------------------------------------------- h2load

    @Test
    void h2loadMultiplexesTwoThousandRequests() throws Exception {
        assumeTrue(H2.installed("h2load"), "h2load is not installed");
        H2.Run r = H2.run(H2.command("h2load", "-n", "2000", "-c", "4", "-m", "10", plain("/hello")));
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).as(r.all()).contains("2000 succeeded, 0 failed").contains("status codes: 2000 2xx");
    }
}
