package dev.peregrine.files;

import dev.peregrine.api.Handler;
import dev.peregrine.api.Request;
import dev.peregrine.api.Response;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Serves the files under a directory, for {@code GET} and {@code HEAD} ({@code OPTIONS} gets {@code Allow}):
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
 *   <li><b>Ranges</b>: one byte range gets 206 with Content-Range; several get 206 with a
 *       {@code multipart/byteranges} body, nearby ones coalesced, more than 16 or more bytes than
 *       the file the whole file (CVE-2011-3192; see {@link ByteRange#parseMultiple}); a range
 *       past the end 416. {@code Accept-Ranges: bytes}.
 *   <li><b>Content codings</b> (RFC 9110 §12.5.3): precompressed sidecars ({@code x.br},
 *       {@code x.zst}, {@code x.gz}, no older than the file) or gzip made here and cached
 *       ({@link GzipCache}) for compressible types, chosen by {@code Accept-Encoding}; each
 *       coding has its own ETag, ranges count its bytes, and {@code Vary: accept-encoding} is on
 *       every answer for such a file. Images, video, archives and fonts already compressed are
 *       never compressed again ({@link MimeTypes#isCompressible}).
 *   <li><b>Directories</b>: a URL without the trailing slash is redirected (301) to it, so
 *       relative links in the page resolve; then the index file, else a listing if enabled,
 *       else 404.
 *   <li><b>Safety</b>: see {@link RequestPath} — no traversal in any encoding, no symlink out
 *       of the root, no dot-files except {@code .well-known}; refusals are plain 404s.
 *   <li><b>Cache</b> (see {@link FileCache}): what a path resolves to, its validators and
 *       header values, and the bytes of small files are kept and revalidated once a second, so
 *       a hot file costs no system call but the socket write, and an edit shows within a second.
 *   <li>Larger bodies go out with {@link Response#sendFile} (sendfile on plain HTTP/1.1), with
 *       a Content-Length; such a file is never read whole into memory.
 * </ul>
 *
 * <p>Instances are immutable and thread-safe; the option methods return a changed copy.
 */
public final class StaticFiles implements Handler {

    /** Files up to this size are kept in memory by default: a web page's typical asset. */
    static final int DEFAULT_CACHED_FILE_BYTES = 64 * 1024;
    /** Memory for cached file contents by default: a small site whole, a fraction of any heap. */
    static final long DEFAULT_CACHED_BYTES = 64L * 1024 * 1024;
    /** What hashed asset names get with {@link #immutableHashedAssets}: a year, the longest RFC 9111 advises. */
    static final String IMMUTABLE = "public, max-age=31536000, immutable";

    /**
     * The options; a change makes a new instance with a new cache. {@code ticker}: the
     * milliseconds the cache ages entries by, for tests; null: each request's start.
     */
    private record Settings(String indexFile, boolean listing, String cacheControl, boolean immutableHashed,
                            int maxCachedFileBytes, long maxCachedBytes, Clock clock, LongSupplier ticker) {}

    private final Path root;
    private final Settings settings;
    private final FileCache cache;
    private final GzipCache gzip = new GzipCache();

    private StaticFiles(Path root, Settings settings) {
        this.root = root;
        this.settings = settings;
        this.cache = new FileCache(root, settings.indexFile(), settings.clock(), settings.maxCachedFileBytes(),
                settings.maxCachedBytes());
    }

    /**
     * Serves {@code root} with the defaults: index file {@code index.html}, no directory
     * listing (an embedded server should not publish file names unless asked),
     * {@code Cache-Control: no-cache} — caches keep the file but revalidate each time, which
     * costs a 304 and never shows a stale page after an edit — and files up to 64 KiB kept in
     * memory, 64 MiB in all.
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
        return new StaticFiles(real, new Settings("index.html", false, "no-cache", false,
                DEFAULT_CACHED_FILE_BYTES, DEFAULT_CACHED_BYTES, Clock.systemUTC(), null));
    }

    /** The file served for a directory URL, e.g. {@code index.html}; {@code null} for none. */
    public StaticFiles indexFile(String name) {
        if (name != null && (!RequestPath.isPlainName(name) || name.equals(".well-known"))) {
            throw new IllegalArgumentException("an index file is a plain, visible file name: " + name);
        }
        Settings s = settings;
        return new StaticFiles(root, new Settings(name, s.listing(), s.cacheControl(), s.immutableHashed(),
                s.maxCachedFileBytes(), s.maxCachedBytes(), s.clock(), s.ticker()));
    }

    /** Whether a directory without an index file gets an HTML listing (otherwise 404). */
    public StaticFiles listing(boolean enabled) {
        Settings s = settings;
        return new StaticFiles(root, new Settings(s.indexFile(), enabled, s.cacheControl(), s.immutableHashed(),
                s.maxCachedFileBytes(), s.maxCachedBytes(), s.clock(), s.ticker()));
    }

    /** The {@code Cache-Control} value sent with files, e.g. {@code max-age=3600}; {@code null} for none. */
    public StaticFiles cacheControl(String value) {
        if (value != null && (value.isBlank() || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f))) {
            throw new IllegalArgumentException("not a header value: " + value);
        }
        Settings s = settings;
        return new StaticFiles(root, new Settings(s.indexFile(), s.listing(), value, s.immutableHashed(),
                s.maxCachedFileBytes(), s.maxCachedBytes(), s.clock(), s.ticker()));
    }

    /**
     * Whether files whose names carry a content hash, as bundlers write them
     * ({@code app.3f9a1c2b.js}, {@code chunk-BX4kq0Zp.css}: see {@link HashedName}), get
     * {@value #IMMUTABLE} instead of the {@link #cacheControl} value: their name changes with
     * their content, so a browser need never ask again. Off by default, since a name that merely
     * looks hashed would then be cached for a year.
     */
    public StaticFiles immutableHashedAssets(boolean enabled) {
        Settings s = settings;
        return new StaticFiles(root, new Settings(s.indexFile(), s.listing(), s.cacheControl(), enabled,
                s.maxCachedFileBytes(), s.maxCachedBytes(), s.clock(), s.ticker()));
    }

    /**
     * How much file content is kept in memory: files up to {@code maxFileBytes} each, at most
     * {@code maxTotalBytes} in all; {@code 0} keeps none (metadata is cached regardless and
     * revalidated once a second).
     */
    public StaticFiles contentCache(int maxFileBytes, long maxTotalBytes) {
        if (maxFileBytes < 0 || maxTotalBytes < 0) {
            throw new IllegalArgumentException("negative cache size");
        }
        Settings s = settings;
        return new StaticFiles(root, new Settings(s.indexFile(), s.listing(), s.cacheControl(), s.immutableHashed(),
                maxFileBytes, maxTotalBytes, s.clock(), s.ticker()));
    }

    /** For tests: the clock that decides whether a file changed "within the last second", and cache ages. */
    StaticFiles clock(Clock clock) {
        Settings s = settings;
        return new StaticFiles(root, new Settings(s.indexFile(), s.listing(), s.cacheControl(), s.immutableHashed(),
                s.maxCachedFileBytes(), s.maxCachedBytes(), Objects.requireNonNull(clock), s.ticker()));
    }

    /** For tests: the milliseconds the cache ages its entries by. */
    StaticFiles ticker(LongSupplier millis) {
        Settings s = settings;
        return new StaticFiles(root, new Settings(s.indexFile(), s.listing(), s.cacheControl(), s.immutableHashed(),
                s.maxCachedFileBytes(), s.maxCachedBytes(), s.clock(), Objects.requireNonNull(millis)));
    }

    /**
     * Forgets every cached path, so the next request for each asks the file system again.
     * For a caller that knows files changed (a file watcher) and cannot wait out the cache's
     * one-second revalidation, e.g. before telling a page to reload.
     */
    public void clearCache() {
        cache.clear();
    }

    /** For tests: how often a file was gzipped here (cache misses). */
    long gzipCompressions() {
        return gzip.compressions();
    }

    /** For tests: the cache behind this handler. */
    FileCache cache() {
        return cache;
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
        LongSupplier ticker = settings.ticker();
        // The request's start is a clock reading the server took already: no clock call per request.
        long now = ticker == null ? request.startNanos() / 1_000_000 : ticker.getAsLong();
        switch (cache.lookup(request.path(), now)) {
            case null -> notFound(response);
            case FileCache.FileTarget f -> file(request, response, f.file());
            case FileCache.DirectoryTarget d -> directory(request, response, d);
        }
    }

    private void directory(Request request, Response response, FileCache.DirectoryTarget target)
            throws IOException {
        RequestPath path = target.path();
        Path dir = target.dir();
        if (!target.slashed()) {
            // 301, not 308: only GET and HEAD get here, so keeping the method adds nothing,
            // and every client ever written follows a 301. The raw path was validated segment
            // by segment, so it cannot start with "//" and point at another host.
            String query = request.query();
            response.header("location", request.path() + "/" + (query == null ? "" : "?" + query));
            response.send(301, "Moved Permanently\n");
            return;
        }
        if (target.index() != null) {
            file(request, response, target.index());
            return;
        }
        if (!settings.listing()) {
            notFound(response);
            return;
        }
        String urlPath = path.segments().isEmpty() ? "/" : "/" + String.join("/", path.segments()) + "/";
        DirectoryListing.respond(request, response, urlPath, dir, root);
    }

    private void file(Request request, Response response, FileCache.CachedFile file) throws IOException {
        boolean head = request.method().equals("HEAD");
        Representation rep = file.negotiable() ? negotiate(request, file) : identity(request, file);
        if (file.negotiable()) {
            response.header("vary", "accept-encoding"); // on every answer, 304 included (RFC 9110 §12.5.5)
        }
        Preconditions.Validators v = rep.validators();
        switch (Preconditions.evaluate(request.method(), request.headers(), v)) {
            case PRECONDITION_FAILED -> {
                response.send(412, "Precondition Failed\n");
                return;
            }
            case NOT_MODIFIED -> {
                // 304 carries the validators and caching fields a 200 would, and no body
                // or content metadata (RFC 9110 §15.4.5).
                validatorHeaders(response, file, rep);
                response.status(304);
                return;
            }
            case PROCEED -> { }
        }
        long length = rep.length();
        ByteRanges range = ByteRange.WHOLE;
        // Range is defined for GET only (RFC 9110 §14.2); a HEAD gets the 200 headers. Ranges
        // count bytes of the selected representation, compressed or not (§14.1.2).
        if (!head && request.headers().count("range") == 1 && Preconditions.ifRangeHolds(request.header("if-range"), v)) {
            range = ByteRange.parseMultiple(request.header("range"), length);
        }
        response.header("accept-ranges", "bytes");
        boolean sent = switch (range) {
            case ByteRange.Unsatisfiable u -> {
                response.header("content-range", "bytes */" + length);
                response.send(416, "Range Not Satisfiable\n");
                yield true;
            }
            case ByteRange.Part part -> {
                contentHeaders(response, file, rep);
                response.status(206);
                response.header("content-range", "bytes " + part.first() + "-" + part.last() + "/" + length);
                yield rep.send(false, response, part.first(), part.length());
            }
            case ByteRanges.Parts parts -> {
                validatorHeaders(response, file, rep);
                if (rep.coding() != ContentCoding.IDENTITY) {
                    response.header("content-encoding", rep.coding().token());
                }
                response.header("x-content-type-options", "nosniff");
                response.status(206);
                yield rep.sendParts(false, response, new MultipartByteRanges(parts, length, file.contentType()));
            }
            case ByteRange.Whole w -> {
                contentHeaders(response, file, rep);
                yield rep.send(head, response, 0, length);
            }
        };
        if (!sent) {
            response.headers().clear();
            response.contentLength(-1);
            notFound(response); // gone since the cache looked, and nothing was sent yet
        }
    }

    /**
     * The file's own bytes. Its mapping is used over plain HTTP/1.x only, where the kernel copies
     * from it: TLS, HTTP/2 and HTTP/3 would read it in Java, and a file truncated under the
     * mapping would then fault the reading thread (an {@code InternalError}) instead of failing
     * a socket write; they read the file through {@link Response#sendFile}, which ends cleanly.
     */
    private static Representation identity(Request request, FileCache.CachedFile file) {
        boolean plainHttp1 = !request.isSecure() && (request.protocol() == dev.peregrine.api.Protocol.HTTP_1_1
                || request.protocol() == dev.peregrine.api.Protocol.HTTP_1_0);
        return new Representation(ContentCoding.IDENTITY, file.content(), plainHttp1 ? file.mapped() : null,
                file.path(), file.size(), file.validators());
    }

    /**
     * The representation for this request's {@code Accept-Encoding} (RFC 9110 §12.5.3): the
     * best coding the client takes among the file's sidecars, gzip made here, and identity. A
     * client that refuses every one still gets identity, which §12.5.3 allows over a 406.
     */
    private Representation negotiate(Request request, FileCache.CachedFile file) throws IOException {
        AcceptEncoding accept = AcceptEncoding.of(request.headers());
        int available = ContentCoding.IDENTITY.bit();
        for (FileCache.Sidecar s : file.sidecars()) {
            available |= s.coding().bit();
        }
        if (file.gzipOnTheFly()) {
            available |= ContentCoding.GZIP.bit();
        }
        ContentCoding coding = accept.select(available);
        if (coding == null || coding == ContentCoding.IDENTITY) {
            return identity(request, file);
        }
        for (FileCache.Sidecar s : file.sidecars()) {
            if (s.coding() == coding) {
                return new Representation(coding, s.content(), null, s.path(), s.size(), s.validators());
            }
        }
        byte[] gz = gzipped(file);
        if (gz == null) {
            return identity(request, file); // did not get smaller, or changed while compressed
        }
        Preconditions.Validators v = file.validators();
        return new Representation(coding, gz, null, null, gz.length,
                new Preconditions.Validators(coding.etag(v.etag()), v.lastModified(), v.lastModifiedIsStrong()));
    }

    /** The file gzipped, from the cache or compressed now; {@code null} to send identity. */
    private byte[] gzipped(FileCache.CachedFile file) throws IOException {
        byte[] hit = gzip.cached(file.path(), file.attrs());
        if (hit != null || gzip.knownIncompressible(file.path(), file.attrs())) {
            return hit;
        }
        try (FileChannel channel = FileChannel.open(file.path(), StandardOpenOption.READ)) {
            return gzip.gzip(file.path(), channel, file.attrs(), file.contentType());
        } catch (java.nio.file.NoSuchFileException e) {
            return null; // deleted since the cache looked: identity's own path answers for it
        }
    }

    private void validatorHeaders(Response response, FileCache.CachedFile file, Representation rep) {
        response.header("etag", rep.validators().etag());
        response.header("last-modified", file.lastModifiedText());
        String cc = settings.immutableHashed() && file.hashedName() ? IMMUTABLE : settings.cacheControl();
        if (cc != null) {
            response.header("cache-control", cc);
        }
    }

    private void contentHeaders(Response response, FileCache.CachedFile file, Representation rep) {
        // The type is the original's: a .js sent in gzip is still JavaScript (RFC 9110 §8.4).
        response.header("content-type", file.contentType());
        if (rep.coding() != ContentCoding.IDENTITY) {
            response.header("content-encoding", rep.coding().token());
        }
        // The table is the truth about types; do not let a browser sniff HTML out of a .txt.
        response.header("x-content-type-options", "nosniff");
        validatorHeaders(response, file, rep);
    }

    private static void notFound(Response response) throws IOException {
        response.send(404, "Not Found\n");
    }
}
