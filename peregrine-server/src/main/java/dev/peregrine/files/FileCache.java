package dev.peregrine.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What request paths resolve to, remembered so a hot file costs no system call but the socket
 * write: the checked real path, the metadata and header values a response needs, and the bytes
 * of small files.
 *
 * <p><b>Revalidation.</b> An entry is trusted for {@value #REVALIDATE_MILLIS} ms; the first
 * request after that resolves the path again (symlink confinement included) and re-reads the
 * attributes, so an edit is seen, and a deleted file answers 404, within a second — the same
 * bound as the weak-ETag window of {@link StaticFiles}. Concurrent requests may both revalidate;
 * the work is idempotent, and no lock is held across file-system calls.
 *
 * <p><b>Bounds.</b> Misses are not cached (a scanner probing random names cannot fill the map);
 * at most {@value #MAX_ENTRIES} paths are kept (an arbitrary one is dropped beyond that); file
 * contents are kept only for files up to {@code maxFileBytes}, and only while the total stays
 * within {@code maxTotalBytes} (a race may overshoot it by a few files, never grow without bound).
 */
final class FileCache {

    /** How long an entry is trusted without asking the file system: the edit-visibility bound. */
    static final long REVALIDATE_MILLIS = 1000;
    /** Distinct paths remembered: a site's working set, not an index of the disk. */
    static final int MAX_ENTRIES = 16_384;

    /**
     * One regular file as last seen.
     *
     * @param content the whole file, or {@code null} when it is sent from disk
     * @param sidecars its usable precompressed copies ({@code .br}, {@code .zst}, {@code .gz}), found at revalidation
     * @param gzipOnTheFly whether it may be gzipped here ({@link GzipCache#eligible})
     */
    record CachedFile(Path path, BasicFileAttributes attrs, Preconditions.Validators validators,
                      String lastModifiedText, String contentType, boolean hashedName, byte[] content,
                      List<Sidecar> sidecars, boolean gzipOnTheFly, MappedFile mapped) {

        long size() {
            return attrs.size();
        }

        /** Whether the response depends on Accept-Encoding, so it must say {@code Vary: accept-encoding}. */
        boolean negotiable() {
            return gzipOnTheFly || !sidecars.isEmpty();
        }
    }

    /**
     * A precompressed copy of a file, with the validators of its own bytes; {@code content} is
     * those bytes when small enough for the cache (a compressed copy usually is), else {@code null}.
     */
    record Sidecar(ContentCoding coding, Path path, long size, Preconditions.Validators validators, byte[] content) {}

    /** What a path resolves to. */
    sealed interface Target {}

    /** A regular file, requested without a trailing slash. */
    record FileTarget(CachedFile file) implements Target {}

    /**
     * A directory; {@code index} is its index file when one exists and is regular, else {@code null}.
     * {@code slashed}: the request path ended with a slash (otherwise the client is redirected).
     */
    record DirectoryTarget(Path dir, RequestPath path, boolean slashed, CachedFile index) implements Target {}

    private record Snapshot(Target target, long checkedMillis) {}

    private final Path root;
    private final String indexFile;
    private final Clock clock;
    private final int maxFileBytes;
    private final long maxTotalBytes;
    private final ConcurrentHashMap<String, Snapshot> entries = new ConcurrentHashMap<>();
    private final AtomicLong contentBytes = new AtomicLong();

    /**
     * @param clock what "now" is for validators (a file changed within the last second)
     */
    FileCache(Path root, String indexFile, Clock clock, int maxFileBytes, long maxTotalBytes) {
        this.root = root;
        this.indexFile = indexFile;
        this.clock = clock;
        this.maxFileBytes = maxFileBytes;
        this.maxTotalBytes = maxTotalBytes;
    }

    /**
     * What {@code rawPath} names now (within the revalidation bound), or {@code null}: answer 404.
     *
     * @param now milliseconds on a monotonic clock, what entries age by (StaticFiles passes the
     *     request's start, a clock reading the server took already)
     */
    Target lookup(String rawPath, long now) {
        Snapshot s = entries.get(rawPath);
        if (s != null && now - s.checkedMillis() < REVALIDATE_MILLIS && now >= s.checkedMillis()) {
            return s.target();
        }
        Target fresh = resolve(rawPath, s == null ? null : s.target());
        if (fresh == null) {
            if (s != null && entries.remove(rawPath, s)) {
                release(s.target());
            }
            return null;
        }
        Snapshot next = new Snapshot(fresh, now);
        Snapshot old = entries.put(rawPath, next);
        if (old != null) {
            release(old.target());
        } else if (entries.size() > MAX_ENTRIES) {
            evictOne(rawPath);
        }
        return fresh;
    }

    /** Forgets every entry (their contents' bytes are given back). */
    void clear() {
        for (var e : entries.entrySet()) {
            if (entries.remove(e.getKey(), e.getValue())) {
                release(e.getValue().target());
            }
        }
    }

    /** Bytes of file content held now. */
    long contentBytes() {
        return contentBytes.get();
    }

    int size() {
        return entries.size();
    }

    private void evictOne(String keep) {
        Iterator<java.util.Map.Entry<String, Snapshot>> it = entries.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getKey().equals(keep) && entries.remove(e.getKey(), e.getValue())) {
                release(e.getValue().target());
                return;
            }
        }
    }

    private Target resolve(String rawPath, Target previous) {
        RequestPath path = RequestPath.parse(rawPath);
        Path target = path == null ? null : path.resolveIn(root);
        BasicFileAttributes attrs = target == null ? null : attributes(target);
        if (attrs == null) {
            return null;
        }
        if (attrs.isDirectory()) {
            CachedFile index = null;
            if (indexFile != null && path.trailingSlash()) {
                Path candidate = RequestPath.confine(root, target.resolve(indexFile));
                BasicFileAttributes ia = candidate == null ? null : attributes(candidate);
                if (ia != null && ia.isRegularFile()) {
                    CachedFile before = previous instanceof DirectoryTarget d ? d.index() : null;
                    index = file(candidate, ia, before);
                }
            }
            return new DirectoryTarget(target, path, path.trailingSlash(), index);
        }
        if (attrs.isRegularFile() && !path.trailingSlash()) {
            CachedFile before = previous instanceof FileTarget f ? f.file() : null;
            return new FileTarget(file(target, attrs, before));
        }
        return null; // "file.txt/", or a FIFO, device or socket: never read those
    }

    /** The entry for a regular file, keeping the content read before when the file did not change. */
    private CachedFile file(Path path, BasicFileAttributes attrs, CachedFile before) {
        long size = attrs.size();
        long modified = attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS);
        Instant now = clock.instant();
        Preconditions.Validators v = validators(attrs, size, now);
        byte[] content = null;
        if (before != null && before.path().equals(path) && before.size() == size
                && before.attrs().lastModifiedTime().to(TimeUnit.NANOSECONDS) == modified
                && before.content() != null) {
            content = before.content();
            contentBytes.addAndGet(size); // the old entry's release gives its share back
        } else if (size <= maxFileBytes && contentBytes.get() + size <= maxTotalBytes) {
            content = read(path, size, modified);
            if (content != null) {
                contentBytes.addAndGet(size);
            }
        }
        String name = path.getFileName().toString();
        String type = MimeTypes.forFileName(name);
        boolean compressible = MimeTypes.isCompressible(type);
        return new CachedFile(path, attrs, v, HttpDate.format(v.lastModified()), type, HashedName.matches(name),
                content, compressible ? sidecars(path, attrs, now) : List.of(),
                compressible && GzipCache.eligible(type, size), content == null ? MappedFile.forFile(path, attrs) : null);
    }

    /** The precompressed copies beside {@code path} that may stand for it (see {@link Precompressed#usable}). */
    private List<Sidecar> sidecars(Path path, BasicFileAttributes attrs, Instant now) {
        List<Sidecar> found = null;
        for (ContentCoding c : ContentCoding.PREFERENCE) {
            if (c == ContentCoding.IDENTITY) {
                continue;
            }
            Precompressed.Sidecar s = Precompressed.usable(root, path, attrs, c);
            if (s != null) {
                if (found == null) {
                    found = new ArrayList<>(3);
                }
                // The copy's own size and time name its bytes: rebuilt alone, it still gets a new tag.
                Preconditions.Validators own = validators(s.attributes(), s.attributes().size(), now);
                Preconditions.Validators tagged = new Preconditions.Validators(c.etag(own.etag()),
                        own.lastModified(), own.lastModifiedIsStrong());
                long size = s.attributes().size();
                byte[] content = null;
                if (size <= maxFileBytes && contentBytes.get() + size <= maxTotalBytes) {
                    content = read(s.path(), size, s.attributes().lastModifiedTime().to(TimeUnit.NANOSECONDS));
                    if (content != null) {
                        contentBytes.addAndGet(size);
                    }
                }
                found.add(new Sidecar(c, s.path(), size, tagged, content));
            }
        }
        return found == null ? List.of() : List.copyOf(found);
    }

    /**
     * The validators: an ETag of size and nanosecond mtime, weak (and the date not strong,
     * RFC 9110 §8.8.2.2) while the file changed within the last second — see {@link StaticFiles}.
     */
    static Preconditions.Validators validators(BasicFileAttributes attrs, long length, Instant now) {
        Instant modified = attrs.lastModifiedTime().toInstant();
        boolean settled = modified.isBefore(now.minusSeconds(1));
        String tag = "\"" + Long.toHexString(length) + "-"
                + Long.toHexString(attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS)) + "\"";
        // Never claim a Last-Modified later than now (RFC 9110 §8.8.2.1), e.g. a file
        // touched with a future date or written by a machine with a fast clock.
        long lastModified = Math.min(modified.getEpochSecond(), now.getEpochSecond());
        return new Preconditions.Validators(settled ? tag : "W/" + tag, lastModified, settled);
    }

    /** The whole file, or {@code null} if it changed while read (it is then sent from disk). */
    private static byte[] read(Path path, long size, long modifiedNanos) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            byte[] bytes = new byte[(int) size];
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                if (ch.read(buf, buf.position()) < 0) {
                    return null;
                }
            }
            if (ch.read(ByteBuffer.allocate(1), size) > 0) {
                return null; // it grew
            }
            BasicFileAttributes after = attributes(path);
            boolean unchanged = after != null && after.size() == size
                    && after.lastModifiedTime().to(TimeUnit.NANOSECONDS) == modifiedNanos;
            return unchanged ? bytes : null;
        } catch (IOException | SecurityException e) {
            return null; // unreadable now: the request path opens it and answers as it finds it
        }
    }

    private void release(Target t) {
        CachedFile f = switch (t) {
            case FileTarget ft -> ft.file();
            case DirectoryTarget d -> d.index();
        };
        if (f == null) {
            return;
        }
        if (f.content() != null) {
            contentBytes.addAndGet(-f.size());
        }
        for (Sidecar s : f.sidecars()) {
            if (s.content() != null) {
                contentBytes.addAndGet(-s.size());
            }
        }
    }

    static BasicFileAttributes attributes(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class);
        } catch (IOException | SecurityException e) {
            return null;
        }
    }
}
