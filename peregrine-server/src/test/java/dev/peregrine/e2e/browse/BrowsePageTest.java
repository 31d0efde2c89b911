package dev.peregrine.e2e.browse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.peregrine.files.StaticFiles;
import dev.peregrine.server.Server;
import dev.peregrine.testkit.RawClient;
import dev.peregrine.testkit.RawResponse;
import dev.peregrine.transport.Endpoint;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The browse page end to end: a real server over loopback serving a folder laid out like a
 * release download area, read by headless Chromium (skipped where it is not installed) and
 * by raw HTTP/1.1 for what a browser does not show (OPTIONS, the JSON form).
 */
@Timeout(300)
class BrowsePageTest {

    /** Where the browse-page screenshot goes; docs/images/browse-page.png is a copy of it. */
    static final Path SCREENSHOT = Path.of("target", "browse-page.png");

    @TempDir
    static Path root;
    @TempDir
    Path work;

    private static Server server;

    /** Name, size in bytes (-1: a folder), modification time: a release folder as people publish them. */
    private record Sample(String name, long size, String modified) {}

    private static final List<Sample> SAMPLES = List.of(
            new Sample("docs", -1, "2025-11-02T09:41:00Z"),
            new Sample("examples", -1, "2025-10-28T16:05:00Z"),
            new Sample("nightly", -1, "2025-11-21T03:00:00Z"),
            new Sample("CHANGELOG.md", 18_633, "2025-11-20T18:22:00Z"),
            new Sample("LICENSE", 11_358, "2024-02-14T10:00:00Z"),
            new Sample("README.md", 6_512, "2025-11-20T18:22:00Z"),
            new Sample("peregrine-1.4.0.tar.gz", 10_276_513, "2025-11-20T19:03:00Z"),
            new Sample("peregrine-1.4.0.tar.gz.sha256", 89, "2025-11-20T19:03:00Z"),
            new Sample("peregrine-1.4.0.zip", 10_811_021, "2025-11-20T19:04:00Z"),
            new Sample("peregrine-cli-1.4.0-linux-x86_64", 43_729_112, "2025-11-20T19:07:00Z"),
            new Sample("release notes 1.4.0.pdf", 217_304, "2025-11-20T17:48:00Z"),
            new Sample("screenshot #1 (dark).png", 497_664, "2025-11-19T12:30:00Z"),
            new Sample(".DS_Store", 6_148, "2025-11-20T19:10:00Z"));

    /** Names a page must show as text and link to without breaking the path or the markup. */
    private static final List<String> ODD = List.of("<script>alert(1)<.txt", "a \"quote\" & 'apos'.txt",
            "100% #1?.txt", "café 日本.txt", "<img src=x onerror=alert(2)>");

    @BeforeAll
    static void start() throws IOException {
        Path release = root.resolve("downloads/peregrine");
        Files.createDirectories(release);
        for (Sample s : SAMPLES) {
            Path p = release.resolve(s.name());
            if (s.size() < 0) {
                Files.createDirectories(p);
            } else {
                try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
                    f.setLength(s.size()); // sparse: the sizes are real, the disk is not used
                }
            }
            Files.setLastModifiedTime(p, FileTime.from(Instant.parse(s.modified())));
        }
        Path odd = Files.createDirectories(root.resolve("odd"));
        for (String name : ODD) {
            Files.writeString(odd.resolve(name), "content of " + name);
        }
        server = Server.builder()
                .listen(Endpoint.tcp("127.0.0.1", 0))
                .handler(StaticFiles.of(root).listing(true))
                .start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            assertThat(server.stop(Duration.ofSeconds(5))).isTrue();
        }
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    /** The names in the table's rows, in page order, as Chromium laid them out. */
    private static List<String> names(String dom) {
        Matcher m = Pattern.compile("<tr class=\"(?:dir|file)\"><td class=\"name\"><a href=\"[^\"]*\">([^<]*)</a>")
                .matcher(dom);
        List<String> names = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private HeadlessChromium chromium() {
        assumeTrue(HeadlessChromium.installed(), HeadlessChromium.EXECUTABLE + " is not installed");
        return new HeadlessChromium(work.resolve("chromium"));
    }

    @Test
    void chromiumRendersTheEntriesFoldersFirstByName() throws Exception {
        HeadlessChromium.Result r = chromium().dumpDom(url("/downloads/peregrine/"));
        assertThat(r.exitCode()).as(r.describe()).isZero();
        String dom = r.stdout();
        assertThat(dom).contains("<title>Index of /downloads/peregrine/</title>");
        assertThat(names(dom)).containsExactly("docs/", "examples/", "nightly/",
                "CHANGELOG.md", "LICENSE", "peregrine-1.4.0.tar.gz", "peregrine-1.4.0.tar.gz.sha256",
                "peregrine-1.4.0.zip", "peregrine-cli-1.4.0-linux-x86_64", "README.md", "release notes 1.4.0.pdf",
                "screenshot #1 (dark).png");
        assertThat(dom).doesNotContain(".DS_Store");
        assertThat(dom).contains("href=\"./release%20notes%201.4.0.pdf\"")
                .contains("href=\"./screenshot%20%231%20%28dark%29.png\"")
                .contains("title=\"43,729,112 bytes\">41.7 MiB</td>");
    }

    @Test
    void hostileNamesStayTextAndTheirLinksWork() throws Exception {
        HeadlessChromium.Result r = chromium().dumpDom(url("/odd/"));
        assertThat(r.exitCode()).as(r.describe()).isZero();
        String dom = r.stdout();
        // Chromium serializes the DOM it built: had a name become markup, an element would show here
        assertThat(dom).doesNotContain("<script").doesNotContain("<img");
        assertThat(names(dom)).containsExactlyInAnyOrder("&lt;img src=x onerror=alert(2)&gt;",
                "&lt;script&gt;alert(1)&lt;.txt", "a \"quote\" &amp; 'apos'.txt", "100% #1?.txt", "café 日本.txt");
        Matcher hrefs = Pattern.compile("<td class=\"name\"><a href=\"\\./([^\"]*)\">").matcher(dom);
        int checked = 0;
        try (RawClient c = RawClient.tcp(server.port())) {
            while (hrefs.find()) {
                String href = hrefs.group(1);
                if (href.equals("../")) {
                    continue;
                }
                assertThat(href).matches("[A-Za-z0-9._~%-]+");
                RawResponse res = c.request("GET /odd/" + href + " HTTP/1.1\r\nHost: t\r\n\r\n");
                assertThat(res.status()).as(href).isEqualTo(200);
                assertThat(res.bodyText()).startsWith("content of ");
                checked++;
            }
        }
        assertThat(checked).isEqualTo(ODD.size());
    }

    @Test
    void chromiumFollowsTheSizeSortLink() throws Exception {
        HeadlessChromium.Result r = chromium().dumpDom(url("/downloads/peregrine/?sort=size&order=desc"));
        assertThat(r.exitCode()).as(r.describe()).isZero();
        List<String> files = names(r.stdout()).stream().filter(n -> !n.endsWith("/")).toList();
        assertThat(files).containsExactly("peregrine-cli-1.4.0-linux-x86_64", "peregrine-1.4.0.zip",
                "peregrine-1.4.0.tar.gz", "screenshot #1 (dark).png", "release notes 1.4.0.pdf", "CHANGELOG.md",
                "LICENSE", "README.md", "peregrine-1.4.0.tar.gz.sha256");
        // folders still first, and A to Z: they have no size to sort by
        assertThat(names(r.stdout()).subList(0, 3)).containsExactly("docs/", "examples/", "nightly/");
        assertThat(r.stdout()).contains("aria-sort=\"descending\"");
    }

    @Test
    void screenshotOfTheBrowsePage() throws Exception {
        HeadlessChromium chromium = chromium();
        Files.createDirectories(SCREENSHOT.getParent());
        Files.deleteIfExists(SCREENSHOT);
        HeadlessChromium.Result r = chromium.screenshot(url("/downloads/peregrine/"), SCREENSHOT, 1000, 760);
        assertThat(r.exitCode()).as(r.describe()).isZero();
        byte[] png = Files.readAllBytes(SCREENSHOT);
        // PNG signature, then the IHDR chunk's width and height (RFC 2083 §11.2.2)
        assertThat(png).startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
        ByteBuffer ihdr = ByteBuffer.wrap(png, 16, 8);
        assertThat(ihdr.getInt()).isEqualTo(1000);
        assertThat(ihdr.getInt()).isEqualTo(760);
    }

    /** The same page on a phone-sized window in dark mode, for a look (target/browse-page-phone-dark.png). */
    @Test
    void screenshotOnAPhoneInDarkMode() throws Exception {
        HeadlessChromium chromium = chromium();
        Path png = SCREENSHOT.resolveSibling("browse-page-phone-dark.png");
        Files.deleteIfExists(png);
        HeadlessChromium.Result r = chromium.screenshot(url("/downloads/peregrine/?sort=modified&order=desc"), png,
                390, 844, "--force-dark-mode", "--blink-settings=preferredColorScheme=0");
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(Files.readAllBytes(png)).startsWith(0x89, 'P', 'N', 'G');
    }

    /** RFC 9110 §9.3.7: OPTIONS * asks about the server itself; the file handler answers it. */
    @Test
    void optionsAsteriskIs204WithAllow() throws IOException {
        try (RawClient c = RawClient.tcp(server.port())) {
            RawResponse star = c.request("OPTIONS * HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(star.status()).isEqualTo(204);
            assertThat(star.header("allow")).isEqualTo("GET, HEAD, OPTIONS");
            assertThat(star.header("content-length")).isNull();
            RawResponse path = c.request("OPTIONS /downloads/ HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(path.status()).isEqualTo(204);
            RawResponse post = c.request("POST /downloads/ HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
            assertThat(post.status()).isEqualTo(405);
            assertThat(post.header("allow")).isEqualTo("GET, HEAD, OPTIONS");
        }
    }

    @Test
    void jsonOverTheWire() throws IOException {
        try (RawClient c = RawClient.tcp(server.port())) {
            RawResponse res = c.request("GET /downloads/peregrine/?sort=modified&order=desc HTTP/1.1\r\nHost: t\r\n"
                    + "Accept: text/html;q=0.5, application/json\r\n\r\n");
            assertThat(res.status()).isEqualTo(200);
            assertThat(res.header("content-type")).isEqualTo("application/json");
            assertThat(res.header("vary")).isEqualTo("Accept");
            assertThat(res.bodyText()).startsWith("[\n{\"name\":\"nightly\",\"type\":\"directory\",\"size\":null,"
                            + "\"modified\":\"2025-11-21T03:00:00Z\"},")
                    .contains("{\"name\":\"peregrine-cli-1.4.0-linux-x86_64\",\"type\":\"file\",\"size\":43729112,"
                            + "\"modified\":\"2025-11-20T19:07:00Z\"}")
                    .doesNotContain(".DS_Store");
            RawResponse odd = c.request("GET /odd/ HTTP/1.1\r\nHost: t\r\nAccept: application/json\r\n\r\n");
            assertThat(odd.bodyText()).contains("{\"name\":\"a \\\"quote\\\" & 'apos'.txt\",\"type\":\"file\",\"size\":33,");
        }
    }
}
