package dev.peregrine.files;

import static dev.peregrine.files.TestSite.serve;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.ForwardingRequest;
import dev.peregrine.api.Request;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The file cache behind StaticFiles: revalidation within a second, bounds, and what it keeps. */
class FileCacheTest {

    @TempDir
    Path dir;
    final AtomicLong millis = new AtomicLong(1_000_000);
    StaticFiles files;

    @BeforeEach
    void setUp() throws Exception {
        write("page.html", "<p>one</p>");
        files = StaticFiles.of(dir).clock(Clock.fixed(TestSite.NOW, ZoneOffset.UTC)).ticker(millis::get);
    }

    private void write(String name, String content) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        // A distinct, settled mtime per write: what a real edit a second apart looks like.
        Files.setLastModifiedTime(p, FileTime.from(TestSite.MODIFIED.plusSeconds(millis.get())));
    }

    private String body(String path) {
        return serve(files, FakeRequest.get(path)).bodyString();
    }

    @Test
    void anEditIsSeenOnceTheRevalidationIntervalHasPassed() throws Exception {
        assertThat(body("/page.html")).isEqualTo("<p>one</p>");
        millis.addAndGet(10);
        write("page.html", "<p>two, longer</p>");
        // Within the interval the cache answers without asking the file system...
        assertThat(body("/page.html")).isEqualTo("<p>one</p>");
        millis.addAndGet(FileCache.REVALIDATE_MILLIS);
        // ...and after it, the new content and its new validators.
        FakeResponse res = serve(files, FakeRequest.get("/page.html"));
        assertThat(res.bodyString()).isEqualTo("<p>two, longer</p>");
        assertThat(res.contentLength()).isEqualTo(18);
    }

    /** Without a test ticker the cache ages by the request's start, which the server read already. */
    @Test
    void entriesAgeByTheRequestsStartTime() throws Exception {
        StaticFiles byRequest = StaticFiles.of(dir).clock(Clock.fixed(TestSite.NOW, ZoneOffset.UTC));
        long start = System.nanoTime();
        assertThat(serve(byRequest, startingAt(start, "/page.html")).bodyString()).isEqualTo("<p>one</p>");
        millis.addAndGet(10);
        write("page.html", "<p>two, longer</p>");
        assertThat(serve(byRequest, startingAt(start, "/page.html")).bodyString()).isEqualTo("<p>one</p>");
        long later = start + (FileCache.REVALIDATE_MILLIS + 1) * 1_000_000;
        assertThat(serve(byRequest, startingAt(later, "/page.html")).bodyString()).isEqualTo("<p>two, longer</p>");
    }

    private static Request startingAt(long startNanos, String path) {
        return new ForwardingRequest(FakeRequest.get(path)) {
            @Override
            public long startNanos() {
                return startNanos;
            }
        };
    }

    /** A file served from its mapping: an edit after the interval is served from a new one. */
    @Test
    void aMappedFileThatIsRewrittenIsServedAnewAfterTheInterval() throws Exception {
        String one = "1".repeat(200_000);
        String two = "2".repeat(150_000);
        write("big.txt", one);
        FakeResponse first = serve(files, FakeRequest.get("/big.txt"));
        assertThat(first.bufferSends()).isEqualTo(1);
        assertThat(first.bodyString()).isEqualTo(one);
        millis.addAndGet(10);
        write("big.txt", two);
        millis.addAndGet(FileCache.REVALIDATE_MILLIS);
        FakeResponse second = serve(files, FakeRequest.get("/big.txt"));
        assertThat(second.bufferSends()).isEqualTo(1);
        assertThat(second.contentLength()).isEqualTo(two.length());
        assertThat(second.bodyString()).isEqualTo(two);
    }

    @Test
    void clearingTheCacheShowsAnEditAtOnce() throws Exception {
        assertThat(body("/page.html")).isEqualTo("<p>one</p>");
        millis.addAndGet(10);
        write("page.html", "<p>edited</p>");
        files.clearCache(); // what a file watcher does before telling a page to reload
        assertThat(body("/page.html")).isEqualTo("<p>edited</p>");
        assertThat(files.cache().contentBytes()).isEqualTo(13);
    }

    @Test
    void aDeletedFileAnswers404AfterTheIntervalAndIsForgotten() throws Exception {
        assertThat(body("/page.html")).isEqualTo("<p>one</p>");
        assertThat(files.cache().contentBytes()).isEqualTo(10);
        Files.delete(dir.resolve("page.html"));
        millis.addAndGet(FileCache.REVALIDATE_MILLIS);
        assertThat(serve(files, FakeRequest.get("/page.html")).status()).isEqualTo(404);
        assertThat(files.cache().size()).isZero();
        assertThat(files.cache().contentBytes()).isZero();
    }

    @Test
    void missesAreNotCached() {
        for (int i = 0; i < 100; i++) {
            assertThat(serve(files, FakeRequest.get("/missing-" + i)).status()).isEqualTo(404);
        }
        assertThat(files.cache().size()).isZero();
    }

    @Test
    void contentIsKeptOnlyWithinTheTotalBudget() throws Exception {
        files = files.contentCache(100, 250);
        for (int i = 0; i < 5; i++) {
            write("f" + i + ".txt", "x".repeat(100));
        }
        write("big.txt", "y".repeat(101));
        for (int i = 0; i < 5; i++) {
            assertThat(body("/f" + i + ".txt")).hasSize(100);
        }
        assertThat(body("/big.txt")).hasSize(101); // over the per-file limit: served from disk
        assertThat(files.cache().contentBytes()).isEqualTo(200);
        assertThat(files.cache().size()).isEqualTo(6);
    }

    @Test
    void unchangedContentIsKeptAcrossRevalidationsWithoutDoubleCounting() {
        for (int i = 0; i < 5; i++) {
            assertThat(body("/page.html")).isEqualTo("<p>one</p>");
            millis.addAndGet(FileCache.REVALIDATE_MILLIS);
        }
        assertThat(files.cache().contentBytes()).isEqualTo(10);
    }

    @Test
    void theIndexFileOfADirectoryIsCachedWithIt() throws Exception {
        write("index.html", "home");
        assertThat(body("/")).isEqualTo("home");
        Files.delete(dir.resolve("index.html"));
        millis.addAndGet(FileCache.REVALIDATE_MILLIS);
        assertThat(serve(files, FakeRequest.get("/")).status()).isEqualTo(404); // no listing by default
    }

    @Test
    void hashedAssetsAreImmutableWhenAsked() throws Exception {
        write("app.3f9a1c2b.js", "x");
        write("app.js", "x");
        assertThat(serve(files, FakeRequest.get("/app.3f9a1c2b.js")).header("cache-control")).isEqualTo("no-cache");
        files = files.immutableHashedAssets(true);
        assertThat(serve(files, FakeRequest.get("/app.3f9a1c2b.js")).header("cache-control"))
                .isEqualTo(StaticFiles.IMMUTABLE);
        assertThat(serve(files, FakeRequest.get("/app.js")).header("cache-control")).isEqualTo("no-cache");
    }

    @ParameterizedTest
    @CsvSource({
        "main.3f9a1c2b.js, true",
        "index-BX4kq0Zp.js, true",
        "chunk.0123456789abcdef0123.css, true",
        "vendor_9f86d081884c7d65.js, true",
        "app.js, false",
        "report-20241201.pdf, false",
        "jquery-3.7.1.min.js, false",
        "favicon.ico, false",
        "Makefile, false",
        "3f9a1c2b.js, false",
        "Settings.js, false",
        "abcdefab.deadbeef, false",
    })
    void hashedNames(String name, boolean hashed) {
        assertThat(HashedName.matches(name)).isEqualTo(hashed);
    }
}
