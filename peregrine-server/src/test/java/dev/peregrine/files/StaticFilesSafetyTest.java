package dev.peregrine.files;

import static dev.peregrine.files.TestSite.serve;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The served root is {@code tmp/www}; next to it sits {@code tmp/secret.txt}, and every trick
 * below tries to reach it (or a dot-file inside the root). All must be a plain 404 that shows
 * nothing of the secret.
 */
class StaticFilesSafetyTest {

    private static final String SECRET = "TOP-SECRET";

    @TempDir
    Path tmp;
    TestSite site;
    StaticFiles files;

    @BeforeEach
    void setUp() throws IOException {
        Files.writeString(tmp.resolve("secret.txt"), SECRET);
        Files.createDirectories(tmp.resolve("www2"));
        Files.writeString(tmp.resolve("www2/secret.txt"), SECRET);
        site = new TestSite(tmp.resolve("www"));
        site.file("index.html", "<h1>home</h1>");
        site.file("sub/page.txt", "page");
        site.file(".env", SECRET);
        site.file(".git/config", SECRET);
        site.file("sub/.hidden", SECRET);
        site.file(".well-known/security.txt", "Contact: mailto:sec@example.com");
        files = site.handler().listing(true);
    }

    private void assertRefused(String target) {
        FakeResponse res = serve(files, FakeRequest.get(target));
        assertThat(res.status()).as(target).isEqualTo(404);
        assertThat(res.bodyString()).as(target).doesNotContain(SECRET);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/../secret.txt",
        "/sub/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/.%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/sub%2F..%2F..%2Fsecret.txt",
        "/..%2fsecret.txt",
        "/..%2Fsecret.txt",
        "/%5c..%5csecret.txt",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "/sub\\..\\..\\secret.txt",
        "/index.html%00.txt",
        "/%00",
        "/secret.txt%00",
        "/%252e%252e/secret.txt",
        "/%252e%252e%252fsecret.txt",
        "/%c0%ae%c0%ae/secret.txt",
        "//secret.txt",
        "/../www2/secret.txt",
        "/%2e%2e/www2/secret.txt",
    })
    void traversalIsRefusedInEveryEncoding(String target) {
        assertRefused(target);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/.env", "/.git/config", "/.git/", "/.git", "/sub/.hidden", "/%2eenv", "/%2Egit/config"})
    void dotFilesAreRefused(String target) {
        assertRefused(target);
    }

    @Test
    void wellKnownIsServed() {
        FakeResponse res = serve(files, FakeRequest.get("/.well-known/security.txt"));
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.bodyString()).startsWith("Contact:");
    }

    @Test
    void symlinkEscapingTheRootIsRefused() throws IOException {
        assumeTrue(trySymlink(site.root.resolve("escape.txt"), tmp.resolve("secret.txt")));
        assumeTrue(trySymlink(site.root.resolve("escape-dir"), tmp.resolve("www2")));
        assertRefused("/escape.txt");
        assertRefused("/escape-dir/secret.txt");
        assertRefused("/escape-dir/");
    }

    @Test
    void symlinkToADotFileInsideTheRootIsRefused() throws IOException {
        assumeTrue(trySymlink(site.root.resolve("config"), site.root.resolve(".git/config")));
        assertRefused("/config");
    }

    @Test
    void symlinkWithinTheRootIsServed() throws IOException {
        assumeTrue(trySymlink(site.root.resolve("alias.txt"), site.root.resolve("sub/page.txt")));
        assertThat(serve(files, FakeRequest.get("/alias.txt")).bodyString()).isEqualTo("page");
    }

    @Test
    void rootGivenThroughASymlinkStillWorks() throws IOException {
        Path link = tmp.resolve("link-to-www");
        assumeTrue(trySymlink(link, site.root));
        StaticFiles viaLink = StaticFiles.of(link);
        assertThat(serve(viaLink, FakeRequest.get("/sub/page.txt")).bodyString()).isEqualTo("page");
        assertThat(serve(viaLink, FakeRequest.get("/../secret.txt")).status()).isEqualTo(404);
    }

    @Test
    void listingDoesNotShowDotFiles() {
        FakeResponse res = serve(files, FakeRequest.get("/sub/"));
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.bodyString()).contains("page.txt").doesNotContain(".hidden");
    }

    @Test
    void fifoIsNotRead() throws Exception {
        Path fifo = site.root.resolve("pipe");
        Process p;
        try {
            p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (IOException e) {
            assumeTrue(false, "mkfifo unavailable");
            return;
        }
        assumeTrue(p.waitFor() == 0 && Files.exists(fifo));
        assertRefused("/pipe");
    }

    private static boolean trySymlink(Path link, Path target) {
        try {
            Files.createSymbolicLink(link, target);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false; // e.g. Windows without the privilege
        }
    }
}
