package dev.peregrine.files;

import static dev.peregrine.files.TestSite.serve;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticFilesDirectoryTest {

    @TempDir
    Path dir;
    TestSite site;
    StaticFiles files;

    @BeforeEach
    void setUp() {
        site = new TestSite(dir);
        site.file("index.html", "<h1>home</h1>");
        site.file("docs/index.html", "<h1>docs</h1>");
        site.file("assets/app.js", "console.log(1)");
        site.file("assets/sub dir/x.txt", "x");
        files = site.handler().listing(true);
    }

    @Test
    void rootServesItsIndex() {
        FakeResponse res = serve(files, FakeRequest.get("/"));
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.bodyString()).isEqualTo("<h1>home</h1>");
        assertThat(res.header("content-type")).isEqualTo("text/html; charset=utf-8");
        assertThat(res.header("etag")).isNotNull();
    }

    @Test
    void directoryWithoutSlashRedirects() {
        FakeResponse res = serve(files, FakeRequest.get("/docs"));
        assertThat(res.status()).isEqualTo(301);
        assertThat(res.header("location")).isEqualTo("/docs/");
    }

    @Test
    void redirectKeepsTheQueryAndTheEncoding() {
        FakeResponse res = serve(files, FakeRequest.get("/assets/sub%20dir?x=1&y=%2F"));
        assertThat(res.status()).isEqualTo(301);
        assertThat(res.header("location")).isEqualTo("/assets/sub%20dir/?x=1&y=%2F");
    }

    @Test
    void directoryServesItsIndex() {
        assertThat(serve(files, FakeRequest.get("/docs/")).bodyString()).isEqualTo("<h1>docs</h1>");
    }

    @Test
    void listingWhenNoIndex() {
        FakeResponse res = serve(files, FakeRequest.get("/assets/"));
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.header("content-type")).isEqualTo("text/html; charset=utf-8");
        assertThat(res.header("content-security-policy")).contains("default-src 'none'");
        String html = res.bodyString();
        assertThat(html).contains("Index of /assets/")
                .contains("href=\"./app.js\"")
                .contains("href=\"./sub%20dir/\"")
                .contains("href=\"../\"");
        // directories first
        assertThat(html.indexOf("sub dir/")).isLessThan(html.indexOf("app.js</a>"));
    }

    @Test
    void listingOfTheRootHasNoParentLink() {
        FakeResponse res = serve(files.indexFile(null), FakeRequest.get("/"));
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.bodyString()).contains("href=\"./docs/\"").doesNotContain("href=\"../\"");
    }

    @Test
    void listingEscapesFileNames() {
        String evil = "\"><script>alert('x')<&amp;.txt";
        site.file("assets/" + evil, "evil");
        site.dir("assets/<img src=x onerror=alert(1)>");
        String html = serve(files, FakeRequest.get("/assets/")).bodyString();
        assertThat(html).doesNotContain("<script>").doesNotContain("<img");
        assertThat(html).contains("&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;&amp;amp;.txt");
        assertThat(html).contains("href=\"./%22%3E%3Cscript%3Ealert%28%27x%27%29%3C%26amp%3B.txt\"");
        assertThat(html).contains("&lt;img src=x onerror=alert(1)&gt;/");
        // and the escaped link leads back to the file
        assertThat(serve(files, FakeRequest.get("/assets/%22%3E%3Cscript%3Ealert%28%27x%27%29%3C%26amp%3B.txt"))
                .bodyString()).isEqualTo("evil");
    }

    @Test
    void titleEscapesTheDecodedPath() {
        site.file("<b>/x.txt", "x");
        String html = serve(files, FakeRequest.get("/%3Cb%3E/")).bodyString();
        assertThat(html).contains("Index of /&lt;b&gt;/").doesNotContain("<b>");
    }

    @Test
    void noListingWhenDisabled() {
        assertThat(serve(files.listing(false), FakeRequest.get("/assets/")).status()).isEqualTo(404);
        assertThat(serve(StaticFiles.of(dir), FakeRequest.get("/assets/")).status()).isEqualTo(404);
    }

    @Test
    void customIndexFile() {
        site.file("assets/default.htm", "default");
        assertThat(serve(files.indexFile("default.htm"), FakeRequest.get("/assets/")).bodyString())
                .isEqualTo("default");
        assertThatThrownBy(() -> files.indexFile("../x.html")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> files.indexFile(".index")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void indexHonoursConditionalRequests() {
        String etag = serve(files, FakeRequest.get("/docs/")).header("etag");
        assertThat(serve(files, FakeRequest.get("/docs/").header("if-none-match", etag)).status()).isEqualTo(304);
    }

    @Test
    void directoryRedirectAlsoForHead() {
        assertThat(serve(files, FakeRequest.head("/docs")).status()).isEqualTo(301);
    }
}
