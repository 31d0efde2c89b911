package dev.peregrine.e2e.browse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.peregrine.api.Filter;
import dev.peregrine.files.StaticFiles;
import dev.peregrine.server.Server;
import dev.peregrine.transport.Endpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real browser decodes what StaticFiles compresses (issue 9): a script gzipped on the fly and
 * a stylesheet from its precompressed {@code .gz} sidecar both take effect in headless Chromium,
 * and the server saw itself send them encoded. Skipped where Chromium is not installed.
 */
class CompressedAssetsChromiumTest {

    @TempDir
    static Path root;
    @TempDir
    Path work;

    private static Server server;
    private static final Map<String, String> encodings = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws IOException {
        Files.writeString(root.resolve("index.html"), """
                <!doctype html><html><head><link rel="stylesheet" href="style.css"></head>
                <body><p id="out">not run</p><p id="color"></p><script src="app.js"></script></body></html>
                """);
        // Padding makes both assets worth compressing (over 1 KiB) without changing what they do.
        String padding = "/* " + "compressible padding ".repeat(200) + " */\n";
        Files.writeString(root.resolve("app.js"), padding + """
                document.getElementById('out').textContent = 'script ran: ' + (6 * 7);
                const c = getComputedStyle(document.body).backgroundColor;
                document.getElementById('color').textContent = 'background ' + c;
                """);
        String css = padding + "body { background-color: rgb(1, 2, 3); }\n";
        Files.writeString(root.resolve("style.css"), "body { background-color: rgb(9, 9, 9); }"); // not what is sent
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(root.resolve("style.css.gz")))) {
            out.write(css.getBytes(StandardCharsets.UTF_8));
        }
        // The sidecar stands for the original only when it is not older.
        Files.setLastModifiedTime(root.resolve("style.css"), FileTime.from(Instant.now().minusSeconds(60)));
        Filter record = (req, res, next) -> {
            next.handle(req, res);
            encodings.put(req.path(), String.valueOf(res.headers().get("content-encoding")));
        };
        server = Server.builder()
                .listen(Endpoint.tcp("127.0.0.1", 0))
                .handler(StaticFiles.of(root).with(record))
                .start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            assertThat(server.stop(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void aGzippedScriptAndAPrecompressedStylesheetDecodeInChromium() throws Exception {
        assumeTrue(HeadlessChromium.installed(), HeadlessChromium.EXECUTABLE + " is not installed");
        HeadlessChromium.Result r = new HeadlessChromium(work.resolve("chromium"))
                .dumpDom("http://127.0.0.1:" + server.port() + "/");
        assertThat(r.stdout()).contains("script ran: 42").contains("background rgb(1, 2, 3)");
        assertThat(encodings).containsEntry("/app.js", "gzip").containsEntry("/style.css", "gzip");
    }
}
