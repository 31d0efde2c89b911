package dev.peregrine.files;

import static dev.peregrine.files.TestSite.serve;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Content codings and multipart ranges through StaticFiles: sidecars and gzip made here chosen by
 * Accept-Encoding, each with its own ETag, Vary on every answer, ranges of the encoded bytes.
 */
class StaticFilesEncodingTest {

    @TempDir
    Path dir;
    TestSite site;
    StaticFiles files;
    String js;

    @BeforeEach
    void setUp() {
        site = new TestSite(dir);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            sb.append("function f").append(i).append("() { return ").append(i * 7).append("; }\n");
        }
        js = sb.toString();
        site.file("app.js", js);
        site.file("logo.png", new byte[4000]);
        files = site.handler();
    }

    private FakeResponse get(String path, String acceptEncoding) {
        FakeRequest req = FakeRequest.get(path);
        if (acceptEncoding != null) {
            req.header("accept-encoding", acceptEncoding);
        }
        return serve(files, req);
    }

    private static String gunzip(byte[] b) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(b))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void sidecar(String name, byte[] content) throws IOException {
        Path p = site.file(name, content);
        // Newer than the original, as a build writes it.
        Files.setLastModifiedTime(p, FileTime.from(TestSite.MODIFIED.plusSeconds(5)));
    }

    @Test
    void gzipIsMadeOnTheFlyWithItsOwnTagAndCachedAfterwards() {
        FakeResponse plain = get("/app.js", null);
        FakeResponse gz = get("/app.js", "gzip, deflate, br");
        assertThat(gz.header("content-encoding")).isEqualTo("gzip");
        assertThat(gz.header("content-type")).isEqualTo(plain.header("content-type"));
        assertThat(gz.header("vary")).isEqualTo("accept-encoding");
        assertThat(gz.bodyBytes().length).isLessThan(js.length() / 3);
        assertThat(gunzip(gz.bodyBytes())).isEqualTo(js);
        assertThat(gz.header("etag")).isEqualTo(plain.header("etag").replaceFirst("\"$", "-gzip\""));
        assertThat(get("/app.js", "gzip").bodyBytes()).isEqualTo(gz.bodyBytes());
        assertThat(files.gzipCompressions()).isEqualTo(1);
    }

    @Test
    void identityWithoutAcceptEncodingStillSaysVary() {
        FakeResponse res = get("/app.js", null);
        assertThat(res.header("content-encoding")).isNull();
        assertThat(res.bodyString()).isEqualTo(js);
        assertThat(res.header("vary")).isEqualTo("accept-encoding");
    }

    @Test
    void whatIsCompressedAlreadyIsNeverCompressedAndDoesNotVary() {
        FakeResponse res = get("/logo.png", "gzip");
        assertThat(res.header("content-encoding")).isNull();
        assertThat(res.header("vary")).isNull();
        assertThat(res.bodyBytes()).hasSize(4000);
    }

    @Test
    void aPrecompressedSidecarWinsByTheClientsWeights() throws IOException {
        sidecar("app.js.br", "brotli bytes".getBytes(StandardCharsets.UTF_8));
        files = site.handler();
        FakeResponse br = get("/app.js", "gzip, br");
        assertThat(br.header("content-encoding")).isEqualTo("br");
        assertThat(br.bodyString()).isEqualTo("brotli bytes");
        assertThat(br.contentLength()).isEqualTo(12);
        assertThat(br.header("etag")).endsWith("-br\"");
        assertThat(br.fileSends()).as("a small sidecar is answered from memory").isZero();
        assertThat(files.cache().contentBytes()).isEqualTo(js.length() + 12);
        FakeResponse gz = get("/app.js", "gzip;q=1, br;q=0.5");
        assertThat(gz.header("content-encoding")).isEqualTo("gzip");
    }

    @Test
    void aSidecarOlderThanTheOriginalIsIgnored() throws IOException {
        Path p = site.file("app.js.br", "stale".getBytes(StandardCharsets.UTF_8));
        Files.setLastModifiedTime(p, FileTime.from(TestSite.MODIFIED.minusSeconds(60)));
        files = site.handler();
        assertThat(get("/app.js", "br").header("content-encoding")).isNull();
    }

    @Test
    void aTagRevalidatesOnlyTheRepresentationItNames() {
        String gzipTag = get("/app.js", "gzip").header("etag");
        FakeResponse again = serve(files, FakeRequest.get("/app.js").header("accept-encoding", "gzip")
                .header("if-none-match", gzipTag));
        assertThat(again.status()).isEqualTo(304);
        assertThat(again.header("vary")).isEqualTo("accept-encoding");
        FakeResponse identity = serve(files, FakeRequest.get("/app.js").header("if-none-match", gzipTag));
        assertThat(identity.status()).isEqualTo(200);
        assertThat(identity.bodyString()).isEqualTo(js);
    }

    @Test
    void aRangeCountsBytesOfTheEncodedRepresentation() {
        byte[] whole = get("/app.js", "gzip").bodyBytes();
        FakeResponse part = serve(files, FakeRequest.get("/app.js").header("accept-encoding", "gzip")
                .header("range", "bytes=0-9"));
        assertThat(part.status()).isEqualTo(206);
        assertThat(part.header("content-encoding")).isEqualTo("gzip");
        assertThat(part.header("content-range")).isEqualTo("bytes 0-9/" + whole.length);
        assertThat(part.bodyBytes()).isEqualTo(java.util.Arrays.copyOf(whole, 10));
    }

    @Test
    void distantRangesGoOutAsMultipartByteranges() {
        FakeResponse res = serve(files, FakeRequest.get("/app.js").header("range", "bytes=0-4,1000-1004"));
        assertThat(res.status()).isEqualTo(206);
        String type = res.header("content-type");
        assertThat(type).startsWith("multipart/byteranges; boundary=");
        String boundary = type.substring(type.indexOf('=') + 1);
        String body = res.bodyString();
        assertThat(res.contentLength()).isEqualTo(res.bodyBytes().length);
        assertThat(body).startsWith("--" + boundary + "\r\n").endsWith("\r\n--" + boundary + "--\r\n")
                .contains("Content-Range: bytes 0-4/" + js.length() + "\r\n\r\n" + js.substring(0, 5) + "\r\n")
                .contains("Content-Range: bytes 1000-1004/" + js.length() + "\r\n\r\n" + js.substring(1000, 1005));
    }

    @Test
    void theApacheKillerGetsTheWholeFile() {
        StringBuilder ranges = new StringBuilder("bytes=0-");
        for (int i = 1; i < 1300; i++) {
            ranges.append(",5-").append(i);
        }
        FakeResponse res = serve(files, FakeRequest.get("/app.js").header("range", ranges.toString()));
        assertThat(res.status()).isEqualTo(200);
        assertThat(res.bodyString()).isEqualTo(js);
    }
}
