package dev.peregrine.cli;

import dev.peregrine.api.Handler;
import dev.peregrine.api.Request;
import dev.peregrine.api.Response;
import dev.peregrine.files.GetOrHead;
import dev.peregrine.files.MimeTypes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * The page {@code peregrine serve} shows when given no directory, served straight from the
 * classpath ({@code dev/peregrine/cli/demo/}). The files are a fixed, small list read into
 * memory once at start: nothing is extracted to a temporary directory that would need cleaning
 * up, and it works the same from the jar and from an IDE. Only exact names are served, so no
 * path ever reaches the class loader from a request.
 */
final class DemoSite implements Handler {

    private static final String BASE = "dev/peregrine/cli/demo/";
    private static final List<String> FILES = List.of("index.html", "style.css", "favicon.svg");

    private record Page(byte[] body, String contentType, String etag) {}

    private final Map<String, Page> pages;

    private DemoSite(Map<String, Page> pages) {
        this.pages = Map.copyOf(pages);
    }

    static DemoSite load() {
        Map<String, Page> pages = new HashMap<>();
        for (String name : FILES) {
            try (InputStream in = DemoSite.class.getClassLoader().getResourceAsStream(BASE + name)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + BASE + name);
                }
                byte[] body = in.readAllBytes();
                CRC32 crc = new CRC32();
                crc.update(body);
                String etag = "\"" + Long.toHexString(crc.getValue()) + "-" + Integer.toHexString(body.length) + "\"";
                pages.put("/" + name, new Page(body, MimeTypes.forFileName(name), etag));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        pages.put("/", pages.get("/index.html"));
        return new DemoSite(pages);
    }

    @Override
    public void handle(Request request, Response response) throws IOException {
        if (GetOrHead.refuseOthers(request, response)) {
            return;
        }
        Page page = pages.get(request.path());
        if (page == null) {
            response.send(404, "Not Found\n");
            return;
        }
        response.header("etag", page.etag());
        response.header("cache-control", "no-cache");
        // The tags are strong and unique per file, so a substring test is a fair weak
        // comparison for the handful of fixed pages here; StaticFiles does the full parse.
        String ifNoneMatch = request.header("if-none-match");
        if (ifNoneMatch != null && (ifNoneMatch.contains(page.etag()) || ifNoneMatch.strip().equals("*"))) {
            response.status(304);
            return;
        }
        response.header("content-type", page.contentType());
        response.header("x-content-type-options", "nosniff");
        response.send(page.body());
    }
}
