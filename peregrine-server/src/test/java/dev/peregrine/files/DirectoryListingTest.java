package dev.peregrine.files;

import static dev.peregrine.files.TestSite.serve;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The browse page and the JSON listing, through {@link StaticFiles} as a client sees them. */
class DirectoryListingTest {

    private static final Pattern ROW = Pattern.compile("<tr class=\"(?:dir|file)\"><td class=\"name\"><a href=\"([^\"]*)\">");
    private static final Pattern JSON_NAME = Pattern.compile("\\{\"name\":\"((?:[^\"\\\\]|\\\\.)*)\"");

    @TempDir
    Path dir;
    @TempDir
    Path outside;
    TestSite site;
    StaticFiles files;

    @BeforeEach
    void setUp() {
        site = new TestSite(dir);
        // sizes and dates chosen so that name, size and date orders all differ
        file("list/b.txt", 300, "2021-05-01T00:00:00Z");
        file("list/A.txt", 20, "2023-01-01T00:00:00Z");
        file("list/c.txt", 5000, "2019-01-01T00:00:00Z");
        dir("list/zeta", "2018-01-01T00:00:00Z");
        dir("list/alpha", "2024-01-01T00:00:00Z");
        files = site.handler().listing(true);
    }

    private void file(String relative, int size, String modified) {
        touch(site.file(relative, new byte[size]), modified);
    }

    private void dir(String relative, String modified) {
        touch(site.dir(relative), modified);
    }

    private static void touch(Path p, String modified) {
        try {
            Files.setLastModifiedTime(p, FileTime.from(Instant.parse(modified)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String html(String target) {
        FakeResponse res = serve(files, FakeRequest.get(target));
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.header("content-type")).isEqualTo("text/html; charset=utf-8");
        return res.bodyString();
    }

    /** The row links of a page, in order, without the "./" prefix. */
    private static List<String> rows(String html) {
        List<String> out = new ArrayList<>();
        Matcher m = ROW.matcher(html);
        while (m.find()) {
            out.add(m.group(1).substring(2));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            /list/                           | alpha/ zeta/ A.txt b.txt c.txt
            /list/?sort=name&order=asc       | alpha/ zeta/ A.txt b.txt c.txt
            /list/?sort=name&order=desc      | zeta/ alpha/ c.txt b.txt A.txt
            /list/?sort=size                 | alpha/ zeta/ A.txt b.txt c.txt
            /list/?sort=size&order=desc      | alpha/ zeta/ c.txt b.txt A.txt
            /list/?sort=modified&order=asc   | zeta/ alpha/ c.txt b.txt A.txt
            /list/?sort=modified&order=desc  | alpha/ zeta/ A.txt b.txt c.txt
            /list/?sort=bogus&order=sideways | alpha/ zeta/ A.txt b.txt c.txt
            /list/?order=desc                | zeta/ alpha/ c.txt b.txt A.txt
            """)
    void sortsOnTheServerFoldersFirst(String target, String expected) {
        List<String> rows = rows(html(target));
        // directory links carry a non-default order along; compare the names alone
        assertThat(rows.stream().map(r -> r.replaceFirst("\\?.*", "")).toList())
                .containsExactly(expected.split(" "));
    }

    @Test
    void headingsAreSortLinksThatToggleTheCurrentColumn() {
        String page = html("/list/");
        assertThat(page).contains("<th class=\"name\" aria-sort=\"ascending\"><a href=\"?sort=name&amp;order=desc\">Name \u2191</a></th>")
                .contains("<th class=\"size\"><a href=\"?sort=size&amp;order=desc\">Size</a></th>")
                .contains("<th class=\"date\"><a href=\"?sort=modified&amp;order=desc\">Modified<span class=\"t\"> (UTC)</span></a></th>");
        page = html("/list/?sort=size&order=desc");
        assertThat(page).contains("<th class=\"size\" aria-sort=\"descending\"><a href=\"?sort=size&amp;order=asc\">Size \u2193</a>")
                .contains("<th class=\"name\"><a href=\"?sort=name&amp;order=asc\">Name</a>");
    }

    @Test
    void linksToOtherFoldersKeepAChosenOrder() {
        String page = html("/list/?sort=modified&order=desc");
        assertThat(page).contains("href=\"./alpha/?sort=modified&amp;order=desc\"")
                .contains("href=\"./A.txt\"") // a file is a file: no query
                .contains("<a href=\"../?sort=modified&amp;order=desc\">Parent folder</a>");
        assertThat(html("/list/")).contains("href=\"./alpha/\"").contains("<a href=\"../\">Parent folder</a>");
    }

    @Test
    void breadcrumbsLinkEveryAncestorRelatively() {
        site.file("a/b c/d/x.txt", "x");
        String page = html("/a/b%20c/d/");
        assertThat(page).contains("<title>Index of /a/b c/d/</title>")
                .contains("<h1><span class=\"lead\">Index of</span> <a href=\"../../../\">/</a><a href=\"../../\">a</a>"
                        + "<span class=\"sep\">/</span><a href=\"../\">b c</a><span class=\"sep\">/</span>"
                        + "<span aria-current=\"page\">d</span><span class=\"sep\">/</span></h1>");
        assertThat(html("/a/b%20c/d/?sort=size&order=asc")).contains("<a href=\"../../?sort=size&amp;order=asc\">a</a>");
    }

    @Test
    void theRootHasNoParentLinkAndACurrentSlash() {
        String page = serve(files.indexFile(null), FakeRequest.get("/")).bodyString();
        assertThat(page).doesNotContain("Parent folder")
                .contains("<h1><span class=\"lead\">Index of</span> <span aria-current=\"page\">/</span></h1>");
    }

    @Test
    void sizesAreHumanWithExactBytesInTheTitle() {
        String page = html("/list/");
        assertThat(page).contains("<td class=\"size\" title=\"5,000 bytes\">4.9 KiB</td>")
                .contains("<td class=\"size\" title=\"20 bytes\">20 B</td>")
                // folders have no size to show
                .contains("<a href=\"./alpha/\">alpha/</a></td><td class=\"size\"></td>")
                .contains("<time datetime=\"2019-01-01T00:00:00Z\">2019-01-01<span class=\"t\"> 00:00</span></time>")
                .contains("2 folders, 3 files, <span title=\"5,320 bytes\">5.2 KiB</span>");
    }

    @ParameterizedTest
    @CsvSource({"0,0 B", "1,1 B", "1023,1023 B", "1024,1.0 KiB", "1536,1.5 KiB", "102348,99.9 KiB",
        "102400,100 KiB", "1048063,1023 KiB", "1048064,1.0 MiB", "1073741824,1.0 GiB",
        "5000000000000,4.5 TiB", "9223372036854775807,8.0 EiB"})
    void humanSizes(long bytes, String text) {
        assertThat(ListingPage.humanSize(bytes)).isEqualTo(text);
    }

    @Test
    void pageIsSelfContainedAndFitsPhonesAndDarkMode() {
        FakeResponse res = serve(files, FakeRequest.get("/list/"));
        assertThat(res.header("content-security-policy")).isEqualTo("default-src 'none'; style-src 'unsafe-inline'");
        assertThat(res.header("x-content-type-options")).isEqualTo("nosniff");
        assertThat(res.header("cache-control")).isEqualTo("no-cache");
        String page = res.bodyString();
        assertThat(page).startsWith("<!DOCTYPE html>")
                .contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .contains("@media (prefers-color-scheme:dark)")
                .contains("@media (max-width:40rem)")
                .doesNotContainIgnoringCase("<script")
                .doesNotContain("src=").doesNotContain("<link").doesNotContain("url(")
                .doesNotContain("http://").doesNotContain("https://");
    }

    @Test
    void anEmptyFolderSaysSo() {
        site.dir("empty");
        assertThat(html("/empty/")).contains("This folder is empty.").contains("0 folders, 0 files</p>");
    }

    /** Each awkward name is escaped in the text, and its link, percent-encoded, leads back to the file. */
    @ParameterizedTest
    @ValueSource(strings = {"with space.txt", "hash#frag.txt", "what?q=1.txt", "100%25 %.txt", "quote\"d.txt",
        "it's.txt", "résumé 日本.txt", "<script>alert(1)<.txt", "a&amp;b.txt", "a:b.txt", "tab\u00a0nbsp.txt",
        "plus+semi;comma,eq=.txt", "😀.txt"})
    void awkwardNamesAreEscapedAndTheirLinksWork(String name) {
        site.file("odd/" + name, "content of " + name);
        String page = html("/odd/");
        List<String> rows = rows(page);
        assertThat(rows).hasSize(1);
        String href = rows.getFirst();
        assertThat(href).matches("[A-Za-z0-9._~%-]+"); // nothing left that could end the path or the attribute
        assertThat(page).contains(">" + ListingPage.escape(name) + "</a>").doesNotContain("<script>");
        FakeResponse file = serve(files, FakeRequest.get("/odd/" + href));
        assertThat(file.status()).isEqualTo(200);
        assertThat(file.bodyString()).isEqualTo("content of " + name);
    }

    @Test
    void escapingIsExact() {
        assertThat(ListingPage.escape("<a href=\"x\">'&'</a>")).isEqualTo("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
        assertThat(ListingPage.encode("a b#?%\"'<>/é")).isEqualTo("a%20b%23%3F%25%22%27%3C%3E%2F%C3%A9");
    }

    @Test
    void hiddenNamesAreNotListedButWellKnownIs() {
        site.file("list/.env", "SECRET=1");
        site.file("list/.git/config", "x");
        site.file("list/.well-known/security.txt", "Contact: x");
        String page = html("/list/");
        assertThat(page).doesNotContain(".env").doesNotContain(".git/").contains("href=\"./.well-known/\"");
        String json = json("/list/").bodyString();
        assertThat(json).doesNotContain(".env").doesNotContain(".git\"").contains("\"name\":\".well-known\"");
    }

    @Test
    void symlinksAreListedOnlyWhenTheyWouldBeServed() throws IOException {
        Files.writeString(outside.resolve("secret.txt"), "secret");
        site.file("list/.hidden.txt", "hidden");
        assumeTrue(trySymlink(dir.resolve("list/out.txt"), outside.resolve("secret.txt")));
        assumeTrue(trySymlink(dir.resolve("list/out-dir"), outside));
        assumeTrue(trySymlink(dir.resolve("list/to-hidden.txt"), dir.resolve("list/.hidden.txt")));
        assumeTrue(trySymlink(dir.resolve("list/dangling.txt"), dir.resolve("list/nothing-here")));
        assumeTrue(trySymlink(dir.resolve("list/alias.txt"), dir.resolve("list/c.txt")));
        List<String> rows = rows(html("/list/"));
        assertThat(rows).contains("alias.txt").doesNotContain("out.txt", "out-dir/", "to-hidden.txt", "dangling.txt");
        // the alias shows what it points at
        assertThat(html("/list/")).contains("<a href=\"./alias.txt\">alias.txt</a></td><td class=\"size\" title=\"5,000 bytes\">");
    }

    @Test
    void aHugeFolderIsCutShortWithANote() throws IOException {
        for (int i = 0; i < 7; i++) {
            site.file("many/f" + i + ".txt", "x");
        }
        site.file("many/.hidden", "x"); // skipped without counting against the bound
        FakeResponse res = new FakeResponse();
        DirectoryListing.respond(FakeRequest.get("/many/"), res, "/many/", dir.resolve("many").toRealPath(),
                dir.toRealPath(), 4);
        String page = res.bodyString();
        assertThat(rows(page)).hasSize(4);
        assertThat(page).contains("This folder holds more than 4 entries; only the first 4 read are listed.");
        assertThat(DirectoryListing.read(dir.resolve("many").toRealPath(), dir.toRealPath(), ListingOrder.DEFAULT, 7))
                .satisfies(c -> {
                    assertThat(c.entries()).hasSize(7);
                    assertThat(c.truncated()).isFalse();
                });
        assertThat(html("/many/")).doesNotContain("only the first");
        assertThat(DirectoryListing.MAX_ENTRIES).isEqualTo(10_000);
    }

    private FakeResponse json(String target) {
        return serve(files, FakeRequest.get(target).header("accept", "application/json"));
    }

    @Test
    void jsonWhenAcceptPrefersIt() {
        FakeResponse res = json("/list/?sort=size&order=desc");
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.header("content-type")).isEqualTo("application/json");
        assertThat(res.header("vary")).isEqualTo("Accept");
        assertThat(res.header("x-content-type-options")).isEqualTo("nosniff");
        assertThat(res.bodyString()).isEqualTo("""
                [
                {"name":"alpha","type":"directory","size":null,"modified":"2024-01-01T00:00:00Z"},
                {"name":"zeta","type":"directory","size":null,"modified":"2018-01-01T00:00:00Z"},
                {"name":"c.txt","type":"file","size":5000,"modified":"2019-01-01T00:00:00Z"},
                {"name":"b.txt","type":"file","size":300,"modified":"2021-05-01T00:00:00Z"},
                {"name":"A.txt","type":"file","size":20,"modified":"2023-01-01T00:00:00Z"}
                ]
                """);
    }

    @Test
    void jsonNamesAreEscaped() {
        // backslashes and control characters are never listed (RequestPath): ListingJsonTest covers their escapes
        site.file("odd/say \"hi\" <b>.txt", "x");
        String body = json("/odd/").bodyString();
        Matcher m = JSON_NAME.matcher(body);
        assertThat(m.find()).isTrue();
        assertThat(m.group(1)).isEqualTo("say \\\"hi\\\" <b>.txt");
    }

    @Test
    void htmlWhenAcceptPrefersItOrSaysNothing() {
        for (String accept : new String[] {"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "*/*",
            "application/json;q=0.5, text/html"}) {
            FakeResponse res = serve(files, FakeRequest.get("/list/").header("accept", accept));
            assertThat(res.header("content-type")).as(accept).isEqualTo("text/html; charset=utf-8");
            assertThat(res.header("vary")).isEqualTo("Accept");
        }
        assertThat(serve(files, FakeRequest.get("/list/")).header("vary")).isEqualTo("Accept");
    }

    @Test
    void anIndexFileStillWinsOverJson() {
        site.file("list/index.html", "<h1>index</h1>");
        assertThat(json("/list/").bodyString()).isEqualTo("<h1>index</h1>");
    }

    private static boolean trySymlink(Path link, Path target) {
        try {
            Files.createSymbolicLink(link, target);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }
}
