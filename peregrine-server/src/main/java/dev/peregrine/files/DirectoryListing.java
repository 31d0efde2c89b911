package dev.peregrine.files;

import dev.peregrine.api.Request;
import dev.peregrine.api.Response;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Answers a request for a directory without an index file: reads what it holds and sends
 * it as an HTML page ({@link ListingPage}) or, when the request's {@code Accept} prefers it,
 * as JSON ({@link ListingJson}), sorted as the query asks ({@link ListingOrder}).
 *
 * <p>Only what {@link StaticFiles} would serve is listed: no hidden names, no symlink that
 * leads out of the root or through a hidden name, nothing but regular files and folders. At
 * most {@value #MAX_ENTRIES} entries are read, so one huge directory costs bounded memory
 * and time; the page says when it stopped short.
 */
final class DirectoryListing {

    /** Most entries read: bounds the listing (and the memory and time to build it) for huge directories. */
    static final int MAX_ENTRIES = 10_000;

    static final String CSP = "default-src 'none'; style-src 'unsafe-inline'";

    /** One listed name; {@code size} is meaningful for files only. */
    record Entry(String name, boolean directory, long size, Instant modified) {}

    /** What a directory holds, sorted; {@code truncated} when it held more than {@link #MAX_ENTRIES}. */
    record Contents(List<Entry> entries, boolean truncated) {}

    private DirectoryListing() {}

    /**
     * Sends the listing of {@code dir}, as HTML or JSON by the request's {@code Accept}.
     *
     * @param urlPath the decoded request path of the directory, ending in {@code /}
     * @param dir the directory's real path
     * @param root the served root's real path: no parent link there, and no entry leads out of it
     */
    static void respond(Request request, Response response, String urlPath, Path dir, Path root) throws IOException {
        respond(request, response, urlPath, dir, root, MAX_ENTRIES);
    }

    /** {@link #respond} with the bound as a parameter, so tests can reach it with a few files. */
    static void respond(Request request, Response response, String urlPath, Path dir, Path root, int limit)
            throws IOException {
        ListingOrder order = ListingOrder.parse(request.queryParam("sort"), request.queryParam("order"));
        Contents contents = read(dir, root, order, limit);
        // Both forms vary with Accept, so a cache must not hand the JSON to a browser (RFC 9110 §12.5.5).
        response.header("vary", "Accept");
        response.header("cache-control", "no-cache"); // a listing changes whenever the directory does
        response.header("x-content-type-options", "nosniff");
        if (AcceptHeader.prefers(request.headers().getAll("accept"), "application/json", "text/html")) {
            response.header("content-type", "application/json");
            response.send(ListingJson.render(contents));
        } else {
            response.header("content-type", "text/html; charset=utf-8");
            response.header("content-security-policy", CSP);
            response.send(ListingPage.render(urlPath, contents, order, dir.equals(root)));
        }
    }

    /** Reads at most {@code limit} listable entries of {@code dir}, sorted by {@code order}. */
    static Contents read(Path dir, Path root, ListingOrder order, int limit) throws IOException {
        List<Entry> entries = new ArrayList<>();
        boolean truncated = false;
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                String name = p.getFileName().toString();
                if (!RequestPath.isPlainName(name)) {
                    continue; // hidden names are refused when requested, so do not show them
                }
                if (entries.size() >= limit) {
                    truncated = true; // stop reading: the rest could be millions
                    break;
                }
                Entry e = entry(p, name, root);
                if (e != null) {
                    entries.add(e);
                }
            }
        }
        entries.sort(order.comparator());
        return new Contents(List.copyOf(entries), truncated);
    }

    /** The entry for {@code p}, or {@code null} when a request for it would get a 404. */
    private static Entry entry(Path p, String name, Path root) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isSymbolicLink()) {
                // The link is served only if it resolves inside the root through plain names.
                Path target = RequestPath.confine(root, p);
                if (target == null) {
                    return null;
                }
                a = Files.readAttributes(target, BasicFileAttributes.class);
            }
            if (!a.isDirectory() && !a.isRegularFile()) {
                return null; // FIFOs, devices, sockets are never served
            }
            return new Entry(name, a.isDirectory(), a.isDirectory() ? 0 : a.size(), a.lastModifiedTime().toInstant());
        } catch (IOException | SecurityException e) {
            return null; // it vanished meanwhile, or cannot be read: nothing to link to
        }
    }
}
