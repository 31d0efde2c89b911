package dev.peregrine.e2e.browse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.Handler;
import dev.peregrine.api.Router;
import dev.peregrine.observe.metrics.Instruments;
import dev.peregrine.observe.status.StatusPage;
import dev.peregrine.server.Server;
import dev.peregrine.transport.Endpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page in headless Chromium while a load runs: the page draws samples from its event
 * stream, its charts have moved, and its request count lies between what the server had served
 * before the browser started and after it finished. Skipped where Chromium is not installed.
 * {@code --dump-dom} and {@code --screenshot} wait for the page to go idle, which an open event
 * stream never does: the test closes the status page once samples have been drawn.
 */
@Timeout(300)
class StatusPageChromiumTest {

    /** Where the status-page screenshot goes; docs/images/status-page.png is a copy of it. */
    static final Path SCREENSHOT = Path.of("target", "status-page.png");

    @TempDir
    Path work;

    private Server server;
    private StatusPage page;
    private final AtomicBoolean loading = new AtomicBoolean(true);
    private final AtomicLong served = new AtomicLong();
    private Thread load;

    @BeforeEach
    void start() throws Exception {
        Assumptions.assumeTrue(HeadlessChromium.installed(), HeadlessChromium.EXECUTABLE + " is not installed");
        AtomicReference<Server> ref = new AtomicReference<>();
        page = StatusPage.builder(() -> ref.get().metrics().snapshot()).interval(Duration.ofMillis(250)).build();
        Handler app = Router.builder()
                .get("/api/items/{id}", (req, res) -> res.send("item " + req.pathParam("id")))
                .get("/api/slow", (req, res) -> {
                    Thread.sleep(5);
                    res.send("slow");
                })
                .build();
        server = Server.builder().listen(Endpoint.tcp("127.0.0.1", 0)).handler(app.with(page)).start();
        ref.set(server);
        String base = "http://127.0.0.1:" + server.port();
        // A steady load with a few misses and slow requests, bounded in count and time.
        load = Thread.ofVirtual().start(() -> {
            long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                for (int i = 0; i < 1_000_000 && loading.get() && System.nanoTime() < end; i++) {
                    String path = i % 10 == 0 ? "/api/slow" : i % 25 == 0 ? "/missing" : "/api/items/" + (i % 50);
                    client.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.discarding());
                    served.incrementAndGet();
                }
            } catch (Exception e) {
                // the server stopped: the load ends
            }
        });
    }

    @AfterEach
    void stop() throws Exception {
        loading.set(false);
        if (load != null) {
            load.join(Duration.ofSeconds(30));
        }
        if (page != null) {
            page.close();
        }
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    private static long number(String dom, String id) {
        Matcher m = Pattern.compile("id=\"" + id + "\">([0-9,]+)<").matcher(dom);
        assertThat(m.find()).as(id + " in the page").isTrue();
        return Long.parseLong(m.group(1).replace(",", ""));
    }

    /**
     * Runs {@code browse} (a Chromium call that returns once the page is idle) while the page
     * receives samples, then closes the status page: its stream ends, the browser's reconnect gets
     * 204 and stops, the page goes idle and Chromium writes what it drew.
     */
    private HeadlessChromium.Result whileSampling(Callable<HeadlessChromium.Result> browse) throws Exception {
        AtomicReference<HeadlessChromium.Result> result = new AtomicReference<>();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread browser = Thread.ofVirtual().start(() -> {
            try {
                result.set(browse.call());
            } catch (Exception e) {
                failure.set(e);
            }
        });
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (page.openStreams() == 0 && browser.isAlive() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        Thread.sleep(2_000); // about eight samples at 250 ms while the load runs
        page.close();
        assertThat(browser.join(Duration.ofSeconds(120))).as("chromium finished").isTrue();
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }

    @Test
    void thePageDrawsLiveSamplesThatAgreeWithTheMetrics() throws Exception {
        awaitServed(200);
        long before = server.metrics().snapshot().total(Instruments.REQUEST_DURATION);
        HeadlessChromium chromium = new HeadlessChromium(work);
        HeadlessChromium.Result result = whileSampling(() -> chromium.dumpDom(
                "http://127.0.0.1:" + server.port() + StatusPage.PATH, "--virtual-time-budget=5000"));
        long after = server.metrics().snapshot().total(Instruments.REQUEST_DURATION);
        String dom = result.stdout();
        assertThat(dom).as(result.describe()).contains("class=\"state stopped\"").contains("last sample");

        Matcher samples = Pattern.compile("data-samples=\"(\\d+)\"").matcher(dom);
        assertThat(samples.find()).as("samples drawn").isTrue();
        assertThat(Integer.parseInt(samples.group(1))).as("samples drawn").isGreaterThanOrEqualTo(2);

        long shown = number(dom, "requests-total");
        assertThat(shown).as("requests the page shows").isBetween(before, after);
        // The requests chart is a line through more than one sample, not all at zero.
        Matcher line = Pattern.compile("id=\"chart-requests\"[^>]*>\\s*<polyline points=\"([^\"]+)\"").matcher(dom);
        assertThat(line.find()).as("requests chart").isTrue();
        assertThat(line.group(1).split(" ")).hasSizeGreaterThanOrEqualTo(2);
        assertThat(dom).contains("/api/items/{id}").contains("/api/slow"); // the routes table
    }

    @Test
    void aScreenshotShowsThePageUnderLoad() throws Exception {
        awaitServed(200);
        HeadlessChromium chromium = new HeadlessChromium(work);
        Files.createDirectories(SCREENSHOT.toAbsolutePath().getParent());
        HeadlessChromium.Result result = whileSampling(() -> chromium.screenshot(
                "http://127.0.0.1:" + server.port() + StatusPage.PATH, SCREENSHOT, 1100, 900, "--virtual-time-budget=5000"));
        assertThat(Files.size(SCREENSHOT)).as(result.describe()).isGreaterThan(10_000);
    }

    private void awaitServed(long n) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (served.get() < n && System.nanoTime() < end && load.isAlive()) {
            Thread.sleep(10);
        }
        assertThat(served.get()).as("requests of the load").isGreaterThanOrEqualTo(n);
    }
}
