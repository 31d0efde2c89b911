package dev.peregrine.files;

import static dev.peregrine.files.TestSite.serve;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StaticFilesTest {

    @TempDir
    Path dir;
    TestSite site;
    StaticFiles files;

    @BeforeEach
    void setUp() {
        site = new TestSite(dir);
        site.file("hello.txt", "Hello, world!\n");
        site.file("style.css", "body{}");
        site.file("data.bin", new byte[] {1, 2, 3});
        files = site.handler();
    }

    @Test
    void servesAFileWithMetadata() {
        FakeResponse res = serve(files, FakeRequest.get("/hello.txt"));
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.bodyString()).isEqualTo("Hello, world!\n");
        assertThat(res.contentLength()).isEqualTo(14);
        assertThat(res.header("content-type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(res.header("last-modified")).isEqualTo(TestSite.MODIFIED_HTTP);
        assertThat(res.header("etag")).matches("\"[0-9a-f]+-[0-9a-f]+\"");
        assertThat(res.header("accept-ranges")).isEqualTo("bytes");
        assertThat(res.header("cache-control")).isEqualTo("no-cache");
        assertThat(res.header("x-content-type-options")).isEqualTo("nosniff");
    }

    @Test
    void contentTypeFollowsExtension() {
        assertThat(serve(files, FakeRequest.get("/style.css")).header("content-type"))
                .isEqualTo("text/css; charset=utf-8");
        assertThat(serve(files, FakeRequest.get("/data.bin")).header("content-type"))
                .isEqualTo("application/octet-stream");
    }

    @Test
    void etagChangesWithContentAndTime() throws Exception {
        String before = serve(files, FakeRequest.get("/hello.txt")).header("etag");
        site.file("hello.txt", "Hello, world?\n"); // same size, same mtime: same tag (documented hole)
        assertThat(serve(files, FakeRequest.get("/hello.txt")).header("etag")).isEqualTo(before);
        Files.setLastModifiedTime(dir.resolve("hello.txt"), FileTime.from(TestSite.MODIFIED.plusNanos(1)));
        site.tick();
        assertThat(serve(files, FakeRequest.get("/hello.txt")).header("etag")).isNotEqualTo(before);
        site.file("hello.txt", "Hello!\n");
        assertThat(serve(files, FakeRequest.get("/hello.txt")).header("etag")).isNotEqualTo(before);
    }

    @Test
    void fileChangedWithinTheLastSecondGetsAWeakTag() throws Exception {
        Files.setLastModifiedTime(dir.resolve("hello.txt"), FileTime.from(TestSite.NOW.minusMillis(300)));
        FakeResponse res = serve(files, FakeRequest.get("/hello.txt"));
        assertThat(res.header("etag")).startsWith("W/\"");
        // ... which still revalidates, since If-None-Match compares weakly
        assertThat(serve(files, FakeRequest.get("/hello.txt").header("if-none-match", res.header("etag")))
                .status()).isEqualTo(304);
    }

    @Test
    void futureModificationTimeIsReportedAsNow() throws Exception {
        Files.setLastModifiedTime(dir.resolve("hello.txt"), FileTime.from(TestSite.NOW.plusSeconds(3600)));
        assertThat(serve(files, FakeRequest.get("/hello.txt")).header("last-modified"))
                .isEqualTo("Sun, 01 Jun 2025 12:00:00 GMT");
    }

    @Test
    void headSendsHeadersAndLengthButNoBody() {
        FakeResponse res = serve(files, FakeRequest.head("/hello.txt"));
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.contentLength()).isEqualTo(14);
        assertThat(res.bodyBytes()).isEmpty();
        assertThat(res.header("etag")).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "TRACE", "CONNECT", "get", "options"})
    void otherMethodsAreNotAllowed(String method) {
        FakeResponse res = serve(files, FakeRequest.of(method, "/hello.txt"));
        assertThat(res.status()).isEqualTo(405);
        assertThat(res.header("allow")).isEqualTo("GET, HEAD, OPTIONS");
    }

    /** RFC 9110 §9.3.7: OPTIONS asks what the resource supports; 204 with Allow says it, without a body. */
    @ParameterizedTest
    @ValueSource(strings = {"/hello.txt", "/", "/nope.txt", "*"})
    void optionsIs204WithAllow(String target) {
        FakeResponse res = serve(files, FakeRequest.of("OPTIONS", target));
        assertThat(res.status()).isEqualTo(204);
        assertThat(res.header("allow")).isEqualTo("GET, HEAD, OPTIONS");
        assertThat(res.header("content-length")).isNull();
        assertThat(res.contentLength()).isEqualTo(-1);
        assertThat(res.bodyBytes()).isEmpty();
    }

    @Test
    void missingFileIs404() {
        assertThat(serve(files, FakeRequest.get("/nope.txt")).status()).isEqualTo(404);
        assertThat(serve(files, FakeRequest.get("/nope/deeper.txt")).status()).isEqualTo(404);
    }

    @Test
    void fileWithTrailingSlashIs404() {
        assertThat(serve(files, FakeRequest.get("/hello.txt/")).status()).isEqualTo(404);
    }

    @Test
    void queryStringIsNotPartOfTheFileName() {
        assertThat(serve(files, FakeRequest.get("/hello.txt?v=3")).bodyString()).isEqualTo("Hello, world!\n");
    }

    @Test
    void percentEncodedNamesAreDecoded() {
        site.file("my file ü.txt", "spaced");
        assertThat(serve(files, FakeRequest.get("/my%20file%20%C3%BC.txt")).bodyString()).isEqualTo("spaced");
    }

    /** Above the content cache's limit a file is mapped once and each response is a slice of it. */
    @Test
    void filesAboveTheContentCacheLimitGoOutAsSlicesOfOneMapping() {
        byte[] big = new byte[StaticFiles.DEFAULT_CACHED_FILE_BYTES * 3 + 123];
        new Random(42).nextBytes(big);
        site.file("big.bin", big);
        for (int i = 0; i < 2; i++) {
            FakeResponse res = serve(files, FakeRequest.get("/big.bin"));
            assertThat(res.bodyBytes()).isEqualTo(big);
            assertThat(res.contentLength()).isEqualTo(big.length);
            assertThat(res.bufferSends()).isEqualTo(1);
            assertThat(res.fileSends()).isZero();
        }
        FakeResponse range = serve(files, FakeRequest.get("/big.bin").header("Range", "bytes=70000-70099"));
        assertThat(range.status()).isEqualTo(206);
        assertThat(range.bodyBytes()).isEqualTo(java.util.Arrays.copyOfRange(big, 70000, 70100));
        assertThat(range.bufferSends()).isEqualTo(1);
        assertThat(files.cache().contentBytes()).isZero();
    }



    @Test
    void smallFilesAreAnsweredFromMemoryInOneWrite() {
        site.file("small.txt", "small and hot");
        assertThat(serve(files, FakeRequest.get("/small.txt")).bodyString()).isEqualTo("small and hot");
        assertThat(files.cache().contentBytes()).isEqualTo(13);
        FakeResponse res = serve(files, FakeRequest.get("/small.txt"));
        assertThat(res.bodyString()).isEqualTo("small and hot");
        assertThat(res.fileSends()).isZero();
        assertThat(res.writes()).isEqualTo(1);
    }

    @Test
    void emptyFile() {
        site.file("empty.txt", "");
        FakeResponse res = serve(files, FakeRequest.get("/empty.txt").header("range", "bytes=0-"));
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.contentLength()).isZero();
        assertThat(res.bodyBytes()).isEmpty();
    }

    @Test
    void cacheControlIsConfigurable() {
        assertThat(serve(files.cacheControl("max-age=60"), FakeRequest.get("/hello.txt")).header("cache-control"))
                .isEqualTo("max-age=60");
        assertThat(serve(files.cacheControl(null), FakeRequest.get("/hello.txt")).header("cache-control")).isNull();
        assertThatThrownBy(() -> files.cacheControl("a\r\nb")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rootMustBeADirectory() {
        assertThatThrownBy(() -> StaticFiles.of(dir.resolve("missing"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StaticFiles.of(dir.resolve("hello.txt"))).isInstanceOf(IllegalArgumentException.class);
    }

    // --- conditional requests (RFC 9110 §13) ---

    private String etag() {
        return serve(files, FakeRequest.get("/hello.txt")).header("etag");
    }

    @Test
    void ifNoneMatchGives304WithValidatorsAndNoBody() {
        String etag = etag();
        FakeResponse res = serve(files, FakeRequest.get("/hello.txt").header("if-none-match", etag));
        assertThat(res.status()).isEqualTo(304);
        assertThat(res.bodyBytes()).isEmpty();
        assertThat(res.header("etag")).isEqualTo(etag);
        assertThat(res.header("cache-control")).isEqualTo("no-cache");
        assertThat(res.header("content-type")).isNull();
        assertThat(res.contentLength()).isEqualTo(-1);
    }

    @Test
    void ifNoneMatchComparesWeaklyAndReadsLists() {
        String etag = etag();
        assertThat(serve(files, FakeRequest.get("/hello.txt").header("if-none-match", "W/" + etag)).status())
                .isEqualTo(304);
        assertThat(serve(files, FakeRequest.get("/hello.txt").header("if-none-match", "\"x\", " + etag)).status())
                .isEqualTo(304);
        assertThat(serve(files, FakeRequest.head("/hello.txt").header("if-none-match", "*")).status())
                .isEqualTo(304);
        assertThat(serve(files, FakeRequest.get("/hello.txt").header("if-none-match", "\"stale\"")).status())
                .isEqualTo(200);
    }

    @Test
    void ifModifiedSince() {
        assertThat(serve(files, FakeRequest.get("/hello.txt").header("if-modified-since", TestSite.MODIFIED_HTTP))
                .status()).isEqualTo(304);
        assertThat(serve(files, FakeRequest.get("/hello.txt")
                .header("if-modified-since", "Thu, 02 Jan 2020 03:04:04 GMT")).status()).isEqualTo(200);
        assertThat(serve(files, FakeRequest.get("/hello.txt").header("if-modified-since", "tomorrow"))
                .status()).isEqualTo(200);
    }

    @Test
    void ifModifiedSinceIsIgnoredWhenIfNoneMatchIsPresent() {
        FakeResponse res = serve(files, FakeRequest.get("/hello.txt")
                .header("if-none-match", "\"stale\"")
                .header("if-modified-since", TestSite.MODIFIED_HTTP));
        assertThat(res.status()).isEqualTo(200);
    }

    @Test
    void ifMatchAndIfUnmodifiedSinceGive412() {
        assertThat(serve(files, FakeRequest.get("/hello.txt").header("if-match", "\"stale\"")).status())
                .isEqualTo(412);
        assertThat(serve(files, FakeRequest.get("/hello.txt").header("if-match", etag())).status())
                .isEqualTo(200);
        assertThat(serve(files, FakeRequest.get("/hello.txt").header("if-match", "*")).status())
                .isEqualTo(200);
        assertThat(serve(files, FakeRequest.get("/hello.txt")
                .header("if-unmodified-since", "Thu, 02 Jan 2020 03:04:04 GMT")).status()).isEqualTo(412);
        assertThat(serve(files, FakeRequest.get("/hello.txt")
                .header("if-unmodified-since", TestSite.MODIFIED_HTTP)).status()).isEqualTo(200);
    }

    @Test
    void failedIfMatchWinsOverIfNoneMatch() {
        FakeResponse res = serve(files, FakeRequest.get("/hello.txt")
                .header("if-match", "\"stale\"")
                .header("if-none-match", etag()));
        assertThat(res.status()).isEqualTo(412);
    }

    @Test
    void clockDecidesWhetherAFileHasSettled() throws Exception {
        Files.setLastModifiedTime(dir.resolve("hello.txt"), FileTime.from(TestSite.NOW));
        StaticFiles later = files.clock(Clock.fixed(TestSite.NOW.plusSeconds(2), ZoneOffset.UTC));
        assertThat(serve(files, FakeRequest.get("/hello.txt")).header("etag")).startsWith("W/");
        assertThat(serve(later, FakeRequest.get("/hello.txt")).header("etag")).startsWith("\"");
    }
}
