package dev.peregrine.files;

import static dev.peregrine.files.TestSite.serve;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticFilesRangeTest {

    private static final String DIGITS = "0123456789abcdefghij"; // 20 bytes

    @TempDir
    Path dir;
    StaticFiles files;

    @BeforeEach
    void setUp() {
        TestSite site = new TestSite(dir);
        site.file("d.txt", DIGITS);
        files = site.handler();
    }

    private FakeResponse get(String range) {
        return serve(files, FakeRequest.get("/d.txt").header("range", range));
    }

    @Test
    void closedRange() {
        FakeResponse res = get("bytes=2-5");
        assertThat(res.status()).isEqualTo(206);
        assertThat(res.bodyString()).isEqualTo("2345");
        assertThat(res.contentLength()).isEqualTo(4);
        assertThat(res.header("content-range")).isEqualTo("bytes 2-5/20");
        assertThat(res.header("content-type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(res.header("etag")).isNotNull();
        assertThat(res.header("accept-ranges")).isEqualTo("bytes");
    }

    @Test
    void openRange() {
        FakeResponse res = get("bytes=15-");
        assertThat(res.status()).isEqualTo(206);
        assertThat(res.bodyString()).isEqualTo("fghij");
        assertThat(res.header("content-range")).isEqualTo("bytes 15-19/20");
    }

    @Test
    void suffixRange() {
        FakeResponse res = get("bytes=-3");
        assertThat(res.status()).isEqualTo(206);
        assertThat(res.bodyString()).isEqualTo("hij");
        assertThat(res.header("content-range")).isEqualTo("bytes 17-19/20");
    }

    @Test
    void suffixLongerThanFileIsTheWholeFileAsAPart() {
        FakeResponse res = get("bytes=-100");
        assertThat(res.status()).isEqualTo(206);
        assertThat(res.bodyString()).isEqualTo(DIGITS);
        assertThat(res.header("content-range")).isEqualTo("bytes 0-19/20");
    }

    @Test
    void lastPositionIsClamped() {
        FakeResponse res = get("bytes=18-1000");
        assertThat(res.bodyString()).isEqualTo("ij");
        assertThat(res.header("content-range")).isEqualTo("bytes 18-19/20");
    }

    @Test
    void unsatisfiableRangeIs416WithLength() {
        for (String range : new String[] {"bytes=20-", "bytes=25-30", "bytes=-0"}) {
            FakeResponse res = get(range);
            assertThat(res.status()).as(range).isEqualTo(416);
            assertThat(res.header("content-range")).as(range).isEqualTo("bytes */20");
            assertThat(res.bodyString()).doesNotContain(DIGITS);
        }
    }

    @Test
    void nearbyRangesAreCoalescedIntoOnePart() {
        // RFC 9110 §14.2 lets a server coalesce: two parts 2 bytes apart cost more in part heads.
        FakeResponse res = get("bytes=0-1,4-5");
        assertThat(res.status()).isEqualTo(206);
        assertThat(res.bodyString()).isEqualTo("012345");
        assertThat(res.header("content-range")).isEqualTo("bytes 0-5/20");
    }

    @Test
    void invalidRangeIsIgnored() {
        assertThat(get("bytes=5-2").status()).isEqualTo(200);
        assertThat(get("lines=1-2").status()).isEqualTo(200);
    }

    @Test
    void twoRangeFieldsAreIgnored() {
        FakeResponse res = serve(files, FakeRequest.get("/d.txt").header("range", "bytes=0-1").header("range", "bytes=2-3"));
        assertThat(res.status()).isEqualTo(200);
    }

    @Test
    void headIgnoresRange() {
        FakeResponse res = serve(files, FakeRequest.head("/d.txt").header("range", "bytes=0-1"));
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.contentLength()).isEqualTo(20);
    }

    @Test
    void ifRangeWithCurrentEtagServesThePart() {
        String etag = serve(files, FakeRequest.get("/d.txt")).header("etag");
        FakeResponse res = serve(files, FakeRequest.get("/d.txt").header("range", "bytes=0-1").header("if-range", etag));
        assertThat(res.status()).isEqualTo(206);
        assertThat(res.bodyString()).isEqualTo("01");
    }

    @Test
    void ifRangeWithOldEtagOrWeakTagServesTheWhole() {
        String etag = serve(files, FakeRequest.get("/d.txt")).header("etag");
        for (String ifRange : new String[] {"\"old\"", "W/" + etag}) {
            FakeResponse res = serve(files, FakeRequest.get("/d.txt").header("range", "bytes=0-1").header("if-range", ifRange));
            assertThat(res.status()).as(ifRange).isEqualTo(200);
            assertThat(res.bodyString()).isEqualTo(DIGITS);
        }
    }

    @Test
    void ifRangeWithDate() {
        FakeResponse same = serve(files, FakeRequest.get("/d.txt").header("range", "bytes=0-1")
                .header("if-range", TestSite.MODIFIED_HTTP));
        assertThat(same.status()).isEqualTo(206);
        FakeResponse other = serve(files, FakeRequest.get("/d.txt").header("range", "bytes=0-1")
                .header("if-range", "Thu, 02 Jan 2020 03:04:06 GMT"));
        assertThat(other.status()).isEqualTo(200);
    }

    @Test
    void preconditionsComeBeforeRanges() {
        FakeResponse res = serve(files, FakeRequest.get("/d.txt").header("range", "bytes=0-1")
                .header("if-match", "\"other\""));
        assertThat(res.status()).isEqualTo(412);
        String etag = serve(files, FakeRequest.get("/d.txt")).header("etag");
        FakeResponse cached = serve(files, FakeRequest.get("/d.txt").header("range", "bytes=0-1")
                .header("if-none-match", etag));
        assertThat(cached.status()).isEqualTo(304);
    }
}
