package dev.peregrine.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GzipCacheTest {

    private static final String JS = "text/javascript; charset=utf-8";
    private static final FileTime T0 = FileTime.from(Instant.parse("2024-05-01T10:00:00Z"));

    @TempDir
    Path dir;

    /** Text that compresses well: numbered lines of a repeated sentence. */
    private static byte[] text(int size, int seed) {
        StringBuilder sb = new StringBuilder(size + 80);
        for (int i = 0; sb.length() < size; i++) {
            sb.append("line ").append(i * seed).append(": the quick brown fox jumps over the lazy dog\n");
        }
        return sb.substring(0, size).getBytes();
    }

    private static byte[] noise(int size) {
        byte[] b = new byte[size];
        new Random(42).nextBytes(b);
        return b;
    }

    private Path file(String name, byte[] content) throws IOException {
        Path p = Files.write(dir.resolve(name), content);
        Files.setLastModifiedTime(p, T0);
        return p;
    }

    private static BasicFileAttributes attrs(Path p) throws IOException {
        return Files.readAttributes(p, BasicFileAttributes.class);
    }

    private static byte[] gzip(GzipCache cache, Path p, String type) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            return cache.gzip(p, ch, attrs(p), type);
        }
    }

    private static byte[] gunzip(byte[] gz) throws IOException {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
            return in.readAllBytes();
        }
    }

    @Test
    void roundTripsThroughGzipInputStream() throws IOException {
        byte[] content = text(50_000, 1);
        Path p = file("app.js", content);
        byte[] gz = gzip(new GzipCache(), p, JS);
        assertThat(gz).isNotNull();
        assertThat(gz.length).isLessThan(content.length / 4);
        assertThat(gunzip(gz)).isEqualTo(content);
    }

    @Test
    void framingIsRfc1952() throws IOException { // §2.3: header, deflate data, CRC32 and ISIZE little-endian
        byte[] content = text(5000, 3);
        byte[] gz = gzip(new GzipCache(), file("a.css", content), "text/css");
        assertThat(gz).startsWith(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff);
        ByteBuffer trailer = ByteBuffer.wrap(gz, gz.length - 8, 8).order(ByteOrder.LITTLE_ENDIAN);
        CRC32 crc = new CRC32();
        crc.update(content);
        assertThat(trailer.getInt() & 0xffffffffL).isEqualTo(crc.getValue());
        assertThat(trailer.getInt()).isEqualTo(content.length);
    }

    @ParameterizedTest
    @ValueSource(ints = {1024, 65_535, 65_536, 65_537, 300_000})
    void sizesAroundTheReadChunkRoundTrip(int size) throws IOException {
        byte[] content = text(size, 7);
        assertThat(gunzip(gzip(new GzipCache(), file("f.txt", content), "text/plain"))).isEqualTo(content);
    }

    @Test
    void gzipBodyAloneHandlesTinyInputs() throws IOException {
        Path p = file("tiny", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".getBytes());
        try (FileChannel ch = FileChannel.open(p)) {
            byte[] gz = GzipCache.gzipBody(ch, 80);
            assertThat(gunzip(gz)).hasSize(80);
            assertThat(GzipCache.gzipBody(ch, 5)).isEmpty(); // 5 bytes never get smaller: the "not smaller" mark
        }
    }

    @Test
    void incompressibleFilesAreNotSentCompressedNorRetried() throws IOException {
        GzipCache cache = new GzipCache();
        Path p = file("data.txt", noise(20_000));
        assertThat(gzip(cache, p, "text/plain")).isNull();
        assertThat(gzip(cache, p, "text/plain")).isNull();
        assertThat(cache.compressions()).isEqualTo(1);
        assertThat(cache.size()).isEqualTo(1);
        assertThat(cache.totalBytes()).isEqualTo(GzipCache.ENTRY_OVERHEAD);
    }

    @Test
    void aFileChannelThatEndsEarlyIsAnError() throws IOException {
        Path p = file("short.txt", text(2000, 1));
        BasicFileAttributes real = attrs(p);
        BasicFileAttributes claimed = new Attrs(4000, real.lastModifiedTime());
        GzipCache cache = new GzipCache();
        try (FileChannel ch = FileChannel.open(p)) {
            assertThatThrownBy(() -> cache.gzip(p, ch, claimed, "text/plain")).isInstanceOf(java.io.EOFException.class);
        }
        assertThat(cache.size()).isZero();
    }

    @Test
    void onlyCompressibleTypesInTheSizeWindow() throws IOException {
        GzipCache cache = new GzipCache();
        Path small = file("small.js", text((int) GzipCache.MIN_SIZE - 1, 1));
        Path png = file("big.png", text(10_000, 1)); // compressible bytes, but the type says otherwise
        assertThat(gzip(cache, small, JS)).isNull();
        assertThat(gzip(cache, png, "image/png")).isNull();
        assertThat(cache.compressions()).isZero();
        assertThat(GzipCache.eligible(JS, GzipCache.MIN_SIZE)).isTrue();
        assertThat(GzipCache.eligible(JS, GzipCache.MAX_SIZE)).isTrue();
        assertThat(GzipCache.eligible(JS, GzipCache.MAX_SIZE + 1)).isFalse();
        assertThat(GzipCache.eligible("font/woff2", 10_000)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "text/html; charset=utf-8", "TEXT/CSS", "text/javascript;charset=utf-8", "text/plain",
        "application/json", "application/manifest+json", "application/ld+json", "application/xml",
        "image/svg+xml", "application/wasm", "application/yaml", "font/ttf", "font/otf", "image/x-icon",
        "  application/json ; x=y",
    })
    void compressibleTypes(String type) {
        assertThat(MimeTypes.isCompressible(type)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "image/png", "image/jpeg", "image/webp", "image/avif", "image/gif", "video/mp4", "audio/mpeg",
        "font/woff", "font/woff2", "application/zip", "application/gzip", "application/x-tar",
        "application/pdf", "application/octet-stream", "", "+json", "textual/plain",
    })
    void incompressibleTypes(String type) {
        assertThat(MimeTypes.isCompressible(type)).isFalse();
    }

    @Test
    void nullTypeIsNotCompressible() {
        assertThat(MimeTypes.isCompressible(null)).isFalse();
    }

    @Test
    void aHitReturnsTheCachedBytes() throws IOException {
        GzipCache cache = new GzipCache();
        Path p = file("app.js", text(10_000, 1));
        byte[] first = gzip(cache, p, JS);
        assertThat(gzip(cache, p, JS)).isSameAs(first);
        assertThat(cache.compressions()).isEqualTo(1);
        assertThat(cache.totalBytes()).isEqualTo(first.length + GzipCache.ENTRY_OVERHEAD);
    }

    @Test
    void aNewVersionReplacesTheOld() throws IOException {
        GzipCache cache = new GzipCache();
        Path p = file("app.js", text(10_000, 1));
        byte[] v1 = gzip(cache, p, JS);
        byte[] v2content = text(10_000, 2); // same size, new bytes
        Files.write(p, v2content);
        Files.setLastModifiedTime(p, FileTime.from(T0.toInstant().plusSeconds(1)));
        byte[] v2 = gzip(cache, p, JS);
        assertThat(gunzip(v2)).isEqualTo(v2content);
        assertThat(v2).isNotEqualTo(v1);
        assertThat(cache.size()).isEqualTo(1);
        assertThat(cache.totalBytes()).isEqualTo(v2.length + GzipCache.ENTRY_OVERHEAD);
    }

    @Test
    void aFileChangedSinceItsAttributesWereReadIsNotCompressedNorCached() throws IOException {
        GzipCache cache = new GzipCache();
        Path p = file("app.js", text(10_000, 1));
        BasicFileAttributes before = attrs(p);
        Files.setLastModifiedTime(p, FileTime.from(T0.toInstant().plusSeconds(5))); // edited meanwhile
        try (FileChannel ch = FileChannel.open(p)) {
            assertThat(cache.gzip(p, ch, before, JS)).isNull();
        }
        assertThat(cache.size()).isZero();
        assertThat(gzip(cache, p, JS)).isNotNull(); // the current version is fine
    }

    @Test
    void theCacheIsBoundedByBytesAndEvictsTheLeastRecentlyUsed() throws IOException {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            files.add(file("f" + i + ".txt", text(20_000, i + 1)));
        }
        GzipCache probe = new GzipCache();
        long each = 0;
        for (Path f : files) {
            each = Math.max(each, gzip(probe, f, "text/plain").length + GzipCache.ENTRY_OVERHEAD);
        }
        long capacity = 3 * each; // room for three entries, not four
        GzipCache cache = new GzipCache(capacity);
        gzip(cache, files.get(0), "text/plain");
        gzip(cache, files.get(1), "text/plain");
        gzip(cache, files.get(2), "text/plain");
        gzip(cache, files.get(0), "text/plain"); // 0 is now more recent than 1
        long before = cache.compressions();
        gzip(cache, files.get(3), "text/plain"); // evicts 1, the least recently used
        assertThat(cache.totalBytes()).isLessThanOrEqualTo(capacity);
        assertThat(cache.size()).isEqualTo(3);
        gzip(cache, files.get(0), "text/plain");
        gzip(cache, files.get(2), "text/plain");
        assertThat(cache.compressions()).isEqualTo(before + 1); // 0 and 2 were still there
        gzip(cache, files.get(1), "text/plain");
        assertThat(cache.compressions()).isEqualTo(before + 2); // 1 was not
        for (Path f : files) {
            gzip(cache, f, "text/plain");
            assertThat(cache.totalBytes()).isLessThanOrEqualTo(capacity);
        }
    }

    @Test
    void anEntryLargerThanTheCacheIsServedButNotKept() throws IOException {
        GzipCache cache = new GzipCache(100);
        Path p = file("app.js", text(10_000, 1));
        assertThat(gunzip(gzip(cache, p, JS))).isEqualTo(text(10_000, 1));
        assertThat(cache.size()).isZero();
        assertThat(cache.totalBytes()).isZero();
    }

    @Test
    void concurrentRequestsForOneFileCompressItOnce() throws Exception {
        GzipCache cache = new GzipCache();
        byte[] content = text(100_000, 1);
        Path p = file("app.js", content);
        BasicFileAttributes a = attrs(p);
        int waiters = 7;
        ExecutorService pool = Executors.newFixedThreadPool(waiters + 1);
        try (FileChannel real = FileChannel.open(p); GatedChannel gated = new GatedChannel(real, true, false)) {
            Future<byte[]> owner = pool.submit(() -> cache.gzip(p, gated, a, JS));
            gated.reading.await(); // the owner holds the entry and is blocked mid-compression
            List<Thread> threads = new ArrayList<>();
            List<Future<byte[]>> others = new ArrayList<>();
            for (int i = 0; i < waiters; i++) {
                others.add(pool.submit(() -> {
                    synchronized (threads) {
                        threads.add(Thread.currentThread());
                    }
                    return cache.gzip(p, gated, a, JS);
                }));
            }
            awaitAllWaiting(threads, waiters);
            assertThat(cache.compressions()).isEqualTo(1);
            gated.release.countDown();
            byte[] result = owner.get();
            assertThat(gunzip(result)).isEqualTo(content);
            for (Future<byte[]> f : others) {
                assertThat(f.get()).isSameAs(result);
            }
            assertThat(cache.compressions()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFailedCompressionReleasesTheWaitersAndIsRetried() throws Exception {
        GzipCache cache = new GzipCache();
        Path p = file("app.js", text(10_000, 1));
        BasicFileAttributes a = attrs(p);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (FileChannel real = FileChannel.open(p); GatedChannel failing = new GatedChannel(real, true, true)) {
            Future<byte[]> owner = pool.submit(() -> cache.gzip(p, failing, a, JS));
            failing.reading.await();
            List<Thread> threads = new ArrayList<>();
            Future<byte[]> waiter = pool.submit(() -> {
                synchronized (threads) {
                    threads.add(Thread.currentThread());
                }
                return cache.gzip(p, failing, a, JS);
            });
            awaitAllWaiting(threads, 1);
            failing.release.countDown();
            assertThatThrownBy(owner::get).hasCauseInstanceOf(IOException.class);
            assertThat(waiter.get()).isNull(); // sends identity
            assertThat(cache.size()).isZero();
        } finally {
            pool.shutdownNow();
        }
        assertThat(gzip(cache, p, JS)).isNotNull();
        assertThat(cache.compressions()).isEqualTo(2);
    }

    /** Waits (bounded) until {@code n} threads registered and all are parked: waiting for the owner's result. */
    private static void awaitAllWaiting(List<Thread> threads, int n) throws InterruptedException {
        for (int i = 0; i < 10_000; i++) {
            synchronized (threads) {
                if (threads.size() == n && threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING)) {
                    return;
                }
            }
            Thread.sleep(1);
        }
        throw new AssertionError("waiters never blocked: " + threads);
    }

    /** Attributes claiming a size and time, for a file that is not (or no longer) like that. */
    private record Attrs(long size, FileTime lastModifiedTime) implements BasicFileAttributes {
        @Override public FileTime lastAccessTime() { return lastModifiedTime; }
        @Override public FileTime creationTime() { return lastModifiedTime; }
        @Override public boolean isRegularFile() { return true; }
        @Override public boolean isDirectory() { return false; }
        @Override public boolean isSymbolicLink() { return false; }
        @Override public boolean isOther() { return false; }
        @Override public Object fileKey() { return null; }
    }
}
