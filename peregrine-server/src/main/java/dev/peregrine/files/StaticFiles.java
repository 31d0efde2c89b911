package dev.peregrine.files;

import dev.peregrine.api.Handler;
import dev.peregrine.api.Request;
import dev.peregrine.api.Response;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Serves the files under a directory, for {@code GET} and {@code HEAD}:
 *
 * <pre>{@code
 * Handler site = StaticFiles.of(Path.of("public")).listing(true).cacheControl("max-age=60");
 * }</pre>
 *
 * <ul>
 *   <li><b>Validators.</b> Every file gets {@code Last-Modified} and an {@code ETag} made of its
 *       size and modification time in nanoseconds. The tag is <em>strong</em>, as nginx's is:
 *       If-Match and If-Range only ever match strong tags, so a weak one would make every
 *       resumed download start over. Size plus nanosecond mtime changes on any real edit; the
 *       one hole is a file rewritten with the same size twice within the file system's clock
 *       tick, so a file modified within the last second gets a <em>weak</em> tag (and its date
 *       is not strong either, RFC 9110 §8.8.2.2) until it has settled.
 *   <li><b>Conditional requests</b> per RFC 9110 §13.2.2 (see {@link Preconditions}): 412,
 *       304, and If-Range.
 *   <li><b>Ranges</b>: one byte range gets 206 with Content-Range; a range past the end 416;
 *       several ranges the whole file (see {@link ByteRange}). {@code Accept-Ranges: bytes}.
 *   <li><b>Directories</b>: a URL without the trailing slash is redirected (301) to it, so
 *       relative links in the page resolve; then the index file, else a listing if enabled,
 *       else 404.
 *   <li><b>Safety</b>: see {@link RequestPath} — no traversal in any encoding, no symlink out
 *       of the root, no dot-files except {@code .well-known}; refusals are plain 404s.
 *   <li>Bodies are streamed from a {@link FileChannel} in {@value #CHUNK}-byte chunks with
 *       a Content-Length; a file is never read whole into memory.
 * </ul>
 *
 * <p>Instances are immutable and thread-safe; the option methods return a changed copy.
 */
public final class StaticFiles implements Handler {

    /** Read size: the server's default response buffer, so one read fills one flush. */
    static final int CHUNK = 64 * 1024;

    private static final String LISTING_CSP = "default-src 'none'; style-src 'unsafe-inline'";

    private final Path root;
    private final String indexFile;
    private final boolean listing;
    private final String cacheControl;
    private final Clock clock;

    private StaticFiles(Path root, String indexFile, boolean listing, String cacheControl, Clock clock) {
        this.root = root;
        this.indexFile = indexFile;
        this.listing = listing;
        this.cacheControl = cacheControl;
        this.clock = clock;
    }

    /**
     * Serves {@code root} with the defaults: index file {@code index.html}, no directory
     * listing (an embedded server should not publish file names unless asked), and
     * {@code Cache-Control: no-cache} — caches keep the file but revalidate each time, which
     * costs a 304 and never shows a stale page after an edit.
     *
     * @throws IllegalArgumentException if {@code root} is not an existing directory
     */
    public static StaticFiles of(Path root) {
        Path real;
        try {
            real = root.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException("no such directory: " + root, e);
        }
        if (!Files.isDirectory(real)) {
            throw new IllegalArgumentException("not a directory: " + root);
        }
        return new StaticFiles(real, "index.html", false, "no-cache", Clock.systemUTC());
    }

    /** The file served for a directory URL, e.g. {@code index.html}; {@code null} for none. */
    public StaticFiles indexFile(String name) {
        if (name != null && (!RequestPath.isPlainName(name) || name.equals(".well-known"))) {
            throw new IllegalArgumentException("an index file is a plain, visible file name: " + name);
        }
        return new StaticFiles(root, name, listing, cacheControl, clock);
    }

    /** Whether a directory without an index file gets an HTML listing (otherwise 404). */
    public StaticFiles listing(boolean enabled) {
        return new StaticFiles(root, indexFile, enabled, cacheControl, clock);
    }

    /** The {@code Cache-Control} value sent with files, e.g. {@code max-age=3600}; {@code null} for none. */
    public StaticFiles cacheControl(String value) {
        if (value != null && (value.isBlank() || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f))) {
            throw new IllegalArgumentException("not a header value: " + value);
        }
        return new StaticFiles(root, indexFile, listing, value, clock);
    }

    /** For tests: the clock that decides whether a file changed "within the last second". */
    StaticFiles clock(Clock clock) {
        return new StaticFiles(root, indexFile, listing, cacheControl, Objects.requireNonNull(clock));
    }

    /** The served directory, as a real path (symlinks resolved). */
    public Path root() {
        return root;
    }

    @Override
    public void handle(Request request, Response response) throws IOException {
        if (GetOrHead.refuseOthers(request, response)) {
            return;
        }
        RequestPath path = RequestPath.parse(request.path());
        Path target = path == null ? null : path.resolveIn(root);
        BasicFileAttributes attrs = target == null ? null : attributes(target);
        if (attrs == null) {
            notFound(response);
        } else if (attrs.isDirectory()) {
            directory(request, response, path, target);
        } else if (attrs.isRegularFile() && !path.trailingSlash()) {
            file(request, response, target, attrs);
        } else {
            notFound(response); // "file.txt/", or a FIFO, device or socket: never read those
        }
    }

    private void directory(Request request, Response response, RequestPath path, Path dir) throws IOException {
        if (!path.trailingSlash()) {
            // 301, not 308: only GET and HEAD get here, so keeping the method adds nothing,
            // and every client ever written follows a 301. The raw path was validated segment
            // by segment, so it cannot start with "//" and point at another host.
            String query = request.query();
            response.header("location", request.path() + "/" + (query == null ? "" : "?" + query));
            response.send(301, "Moved Permanently\n");
            return;
        }
        if (indexFile != null) {
            Path index = RequestPath.confine(root, dir.resolve(indexFile));
            BasicFileAttributes attrs = index == null ? null : attributes(index);
            if (attrs != null && attrs.isRegularFile()) {
                file(request, response, index, attrs);
                return;
            }
        }
        if (!listing) {
            notFound(response);
            return;
        }
        String urlPath = path.segments().isEmpty() ? "/" : "/" + String.join("/", path.segments()) + "/";
        DirectoryListing.respond(request, response, urlPath, dir, root);
    }

    private void file(Request request, Response response, Path file, BasicFileAttributes attrs) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException | SecurityException e) {
            notFound(response); // unreadable: same answer as missing
            return;
        }
        try (channel) {
            long length = attrs.size();
            Preconditions.Validators v = validators(attrs, length, clock.instant());
            switch (Preconditions.evaluate(request.method(), request.headers(), v)) {
                case PRECONDITION_FAILED -> {
                    response.send(412, "Precondition Failed\n");
                    return;
                }
                case NOT_MODIFIED -> {
                    // 304 carries the validators and caching fields a 200 would, and no body
                    // or content metadata (RFC 9110 §15.4.5).
                    validatorHeaders(response, v);
                    response.status(304);
                    return;
                }
                case PROCEED -> { }
            }
            ByteRange range = ByteRange.WHOLE;
            // Range is defined for GET only (RFC 9110 §14.2); a HEAD gets the 200 headers.
            if (request.method().equals("GET") && request.headers().count("range") == 1
                    && Preconditions.ifRangeHolds(request.header("if-range"), v)) {
                range = ByteRange.parse(request.header("range"), length);
            }
            response.header("accept-ranges", "bytes");
            switch (range) {
                case ByteRange.Unsatisfiable u -> {
                    response.header("content-range", "bytes */" + length);
                    response.send(416, "Range Not Satisfiable\n");
                }
                case ByteRange.Part part -> {
                    contentHeaders(response, file, v);
                    response.status(206);
                    response.header("content-range", "bytes " + part.first() + "-" + part.last() + "/" + length);
                    send(request, response, channel, part.first(), part.length());
                }
                case ByteRange.Whole w -> {
                    contentHeaders(response, file, v);
                    response.status(200);
                    send(request, response, channel, 0, length);
                }
            }
        }
    }

    private Preconditions.Validators validators(BasicFileAttributes attrs, long length, Instant now) {
        Instant modified = attrs.lastModifiedTime().toInstant();
        boolean settled = modified.isBefore(now.minusSeconds(1));
        String tag = "\"" + Long.toHexString(length) + "-"
                + Long.toHexString(attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS)) + "\"";
        // Never claim a Last-Modified later than now (RFC 9110 §8.8.2.1), e.g. a file
        // touched with a future date or written by a machine with a fast clock.
        long lastModified = Math.min(modified.getEpochSecond(), now.getEpochSecond());
        return new Preconditions.Validators(settled ? tag : "W/" + tag, lastModified, settled);
    }

    private void validatorHeaders(Response response, Preconditions.Validators v) {
        response.header("etag", v.etag());
        response.header("last-modified", HttpDate.format(v.lastModified()));
        if (cacheControl != null) {
            response.header("cache-control", cacheControl);
        }
    }

    private void contentHeaders(Response response, Path file, Preconditions.Validators v) {
        response.header("content-type", MimeTypes.forFileName(file.getFileName().toString()));
        // The table is the truth about types; do not let a browser sniff HTML out of a .txt.
        response.header("x-content-type-options", "nosniff");
        validatorHeaders(response, v);
    }

    /** Sends {@code count} bytes from {@code position} (zero-copy where the protocol can); HEAD gets the length alone. */
    private static void send(Request request, Response response, FileChannel channel, long position, long count)
            throws IOException {
        if (request.method().equals("HEAD")) {
            response.contentLength(count);
            return;
        }
        response.sendFile(channel, position, count);
    }

    private static BasicFileAttributes attributes(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class);
        } catch (IOException | SecurityException e) {
            return null;
        }
    }

    private static void notFound(Response response) throws IOException {
        response.send(404, "Not Found\n");
    }
}
