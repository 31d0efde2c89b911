package dev.peregrine.e2e.h3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.Handler;
import dev.peregrine.api.Router;
import dev.peregrine.server.Server;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/3 end to end with headless Chromium, QUIC forced for the server's origin (Chromium will not
 * follow Alt-Svc to HTTP/3 with a self-signed certificate; the certificate is accepted by its
 * SPKI pin instead).
 */
class ChromiumH3Test {

    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final int SMALL = 10;

    private static Server server;
    private static int port;
    private static String bigHex;
    /** What the page's script posted to /report. */
    private static volatile CompletableFuture<String> report = new CompletableFuture<>();
    /** "HTTP/3 GET /path" for each request the server handled. */
    private static final Queue<String> seen = new ConcurrentLinkedQueue<>();

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(ClientProcess.executable(CHROMIUM), CHROMIUM + " is not installed");
        bigHex = HexFormat.of().formatHex(NgtcpClientH3Test.bigDigest());
        Router router = Router.builder()
                .get("/index.html", html("<!doctype html><html><head><title>h3 page</title></head>"
                        + "<body><h1 id=greeting>hello over HTTP/3</h1></body></html>"))
                .get("/app.html", html(APP))
                .get("/big.bin", NgtcpClientH3Test.bigHandler())
                .get("/r/{name}", (req, res) -> res.send(NgtcpClientH3Test.small(req.pathParam("name"))))
                .post("/report", (req, res) -> {
                    report.complete(req.bodyString());
                    res.send("ok");
                })
                .get("/hold", (req, res) -> {
                    // Holds the page's load event (and so --dump-dom) until the script has reported.
                    try {
                        report.get(90, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.TimeoutException e) {
                        // let the page finish; the assertions will say what is missing
                    }
                    res.send("ok");
                })
                .build();
        Handler recording = (req, res) -> {
            seen.add(req.protocol().text() + " " + req.method() + " " + req.path());
            router.handle(req, res);
        };
        server = H3Server.start(recording);
        port = H3Server.h3Port(server);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            assertThat(server.stop(Duration.ofSeconds(10))).isTrue();
        }
    }

    @BeforeEach
    void clear() {
        seen.clear();
        report = new CompletableFuture<>();
    }

    /**
     * Fetches the big file and ten small ones at once, digests the big one with WebCrypto and
     * writes what it found into the page and posts it to /report. The image /hold keeps the
     * load event, and with it --dump-dom, waiting until that report has arrived.
     */
    private static final String APP = """
            <!doctype html><html><head><title>h3 app</title></head><body><pre id=out>pending</pre>
            <script>
            (async () => {
              const out = document.getElementById('out');
              try {
                const names = [...Array(%d).keys()].map(i => '/r/file' + i + '.txt');
                const [big, ...small] = await Promise.all([
                  fetch('/big.bin').then(r => r.arrayBuffer()),
                  ...names.map(n => fetch(n).then(r => r.text()))]);
                const digest = await crypto.subtle.digest('SHA-256', big);
                const hex = [...new Uint8Array(digest)].map(b => b.toString(16).padStart(2, '0')).join('');
                out.textContent = 'digest=' + hex + ' bytes=' + big.byteLength
                    + ' small=' + small.map(s => s.length).join(',') + ' done';
              } catch (e) {
                out.textContent = 'error=' + e;
              }
              await fetch('/report', {method: 'POST', body: out.textContent});
            })();
            </script><img src=/hold alt=""></body></html>
            """.formatted(SMALL);

    private static Handler html(String page) {
        byte[] bytes = page.getBytes(StandardCharsets.UTF_8);
        return (req, res) -> {
            res.headers().set("content-type", "text/html; charset=utf-8");
            res.headers().set("cache-control", "no-store");
            res.send(bytes);
        };
    }

    private ClientProcess.Result chromium(String path) throws Exception {
        Path profile = tmp.resolve("profile");
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile,
                "--origin-to-force-quic-on=localhost:" + port,
                "--host-resolver-rules=MAP localhost 127.0.0.1",
                "--ignore-certificate-errors-spki-list=" + H3Server.certificate().spkiPin()));
        cmd.add("--dump-dom");
        cmd.add("https://localhost:" + port + path);
        // Its crash reporter keeps a database under XDG_CONFIG_HOME: point that (and the rest of
        // the home) into this test's directory too, so every process it starts names tmp.
        Map<String, String> env = Map.of("HOME", tmp.resolve("home").toString(),
                "XDG_CONFIG_HOME", tmp.resolve("config").toString(), "XDG_CACHE_HOME", tmp.resolve("cache").toString());
        ClientProcess.Result r;
        try {
            r = ClientProcess.run(cmd, tmp.resolve("run"), DEADLINE, env);
        } finally {
            assertThat(ClientProcess.reap(tmp.toString())).as("chromium processes still running").isEmpty();
        }
        assertThat(r.timedOut()).as(r.describe()).isFalse();
        return r;
    }

    @Test
    void pageLoadsOverHttp3() throws Exception {
        ClientProcess.Result r = chromium("/index.html");
        assertThat(r.stdout()).as(r.describe()).contains("<title>h3 page</title>")
                .contains("<h1 id=\"greeting\">hello over HTTP/3</h1>");
        assertThat(seen).as(r.describe()).contains("HTTP/3 GET /index.html")
                .allSatisfy(s -> assertThat(s).startsWith("HTTP/3 "));
    }

    @Test
    void scriptDownloadsHundredMebibytesAndTenSmallFilesConcurrently() throws Exception {
        ClientProcess.Result r = chromium("/app.html");
        List<String> lengths = new ArrayList<>();
        for (int i = 0; i < SMALL; i++) {
            lengths.add(String.valueOf(NgtcpClientH3Test.small("file" + i + ".txt").length));
        }
        String expected = "digest=" + bigHex + " bytes=" + NgtcpClientH3Test.BIG + " small="
                + String.join(",", lengths) + " done";
        assertThat(report.getNow("no report")).as(r.describe()).isEqualTo(expected);
        assertThat(r.stdout()).as(r.describe()).contains("<pre id=\"out\">" + expected + "</pre>");
        assertThat(seen).as(r.describe()).contains("HTTP/3 GET /app.html", "HTTP/3 GET /big.bin", "HTTP/3 POST /report")
                .allSatisfy(s -> assertThat(s).startsWith("HTTP/3 "));
        assertThat(seen.stream().filter(s -> s.startsWith("HTTP/3 GET /r/file"))).hasSize(SMALL);
    }
}
