package dev.peregrine.files;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Files gzipped on the fly (RFC 1952 framing around {@link Deflater} output), kept in a
 * least-recently-used cache bounded by total bytes, for files that have no precompressed
 * {@code .gz} sidecar.
 *
 * <p>An entry is the compressed copy of one version of a file, identified by its path, size
 * and modification time; a newer version replaces it. The cache's lock is held only to look
 * up, insert and evict — never while reading or compressing — and the first request for a
 * version compresses it while concurrent requests for the same version wait for that result
 * instead of compressing again. A file that does not get smaller is remembered as such, so it
 * is not compressed again on every request.
 *
 * <p>Thread-safe.
 */
final class GzipCache {

    /**
     * Smallest file worth compressing. Below about 1 KiB the response fits in one TCP segment
     * either way, and gzip's 18 bytes of framing plus deflate's block overhead eat much of the
     * saving; the cost of a cache entry is then out of proportion.
     */
    static final long MIN_SIZE = 1024;

    /**
     * Largest file compressed. The copy lives whole on the heap; text files past 8 MiB are
     * rare (logs, data dumps), and one of them would push most of the cache out.
     */
    static final long MAX_SIZE = 8L * 1024 * 1024;

    /** Default bound on the cache's total bytes: a typical site's text assets several times over. */
    static final long DEFAULT_CAPACITY = 32L * 1024 * 1024;

    /**
     * zlib's default level: 7-9 cost two to four times the CPU for about 1% on text. The cache
     * pays it once per version, but that once is on a request's path, and a developer saving a
     * file pays it on every reload.
     */
    static final int LEVEL = 6;

    /** What an entry costs beyond its bytes (entry, key, map node), so "not smaller" marks count too. */
    static final int ENTRY_OVERHEAD = 128;

    private static final byte[] NOT_SMALLER = new byte[0];
    private static final int GZIP_HEADER = 10;
    private static final int GZIP_TRAILER = 8;

    private final long capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final LinkedHashMap<Path, Entry> entries = new LinkedHashMap<>(16, 0.75f, true); // access order
    private long total;
    private final AtomicLong compressions = new AtomicLong();

    /** One version's result: bytes, {@link #NOT_SMALLER}, or {@code null} when it could not be made. */
    private static final class Entry {
        final long size;
        final FileTime modified;
        final CompletableFuture<byte[]> result = new CompletableFuture<>();
        long weight; // 0 while pending; guarded by lock

        Entry(long size, FileTime modified) {
            this.size = size;
            this.modified = modified;
        }
    }

    /** A cache of at most {@link #DEFAULT_CAPACITY} bytes. */
    GzipCache() {
        this(DEFAULT_CAPACITY);
    }

    /** A cache of at most {@code capacity} bytes of compressed copies (plus {@link #ENTRY_OVERHEAD} each). */
    GzipCache(long capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity < 0: " + capacity);
        }
        this.capacity = capacity;
    }

    /**
     * Whether a file of this type and size is worth offering in gzip: a compressible type
     * ({@link MimeTypes#isCompressible}), at least {@link #MIN_SIZE} and at most {@link #MAX_SIZE} bytes.
     * Use it to decide whether gzip is among the available codings before calling {@link #gzip}.
     */
    static boolean eligible(String contentType, long size) {
        return size >= MIN_SIZE && size <= MAX_SIZE && MimeTypes.isCompressible(contentType);
    }

    /**
     * The gzip bytes of {@code file} as of {@code attrs}, compressed now or taken from the
     * cache. The array is shared: send it, never change it. Its length is the Content-Length.
     *
     * @param file the path the file was opened by; the cache's key
     * @param channel the open file, read with positional reads (its position is left alone)
     * @param attrs the file's attributes as read before opening: size and modification time
     *     name the version
     * @return the bytes, or {@code null} to send identity instead: not {@link #eligible}, not
     *     smaller compressed, or the file changed while being compressed
     * @throws IOException if reading the file failed (only the request that compresses sees it)
     */
    byte[] gzip(Path file, FileChannel channel, BasicFileAttributes attrs, String contentType) throws IOException {
        long size = attrs.size();
        if (!eligible(contentType, size)) {
            return null;
        }
        FileTime modified = attrs.lastModifiedTime();
        Entry entry;
        boolean mine = false;
        lock.lock();
        try {
            entry = entries.get(file);
            if (entry != null && (entry.size != size || !entry.modified.equals(modified))) {
                remove(file, entry); // an older (or, mid-edit, newer) version: this one replaces it
                entry = null;
            }
            if (entry == null) {
                entry = new Entry(size, modified);
                entries.put(file, entry);
                mine = true;
            }
        } finally {
            lock.unlock();
        }
        return mine ? compress(file, channel, entry) : await(entry);
    }

    /**
     * The finished gzip bytes of this version when the cache has them, so a hit needs no open
     * file; {@code null} otherwise (then call {@link #gzip}), also for a version known not to
     * get smaller.
     */
    byte[] cached(Path file, BasicFileAttributes attrs) {
        lock.lock();
        try {
            Entry entry = entries.get(file);
            if (entry == null || entry.size != attrs.size() || !entry.modified.equals(attrs.lastModifiedTime())
                    || !entry.result.isDone()) {
                return null;
            }
            byte[] bytes = entry.result.getNow(null);
            return bytes == NOT_SMALLER ? null : bytes;
        } finally {
            lock.unlock();
        }
    }

    /** Whether this version is known not to get smaller (so identity is sent without trying again). */
    boolean knownIncompressible(Path file, BasicFileAttributes attrs) {
        lock.lock();
        try {
            Entry entry = entries.get(file);
            return entry != null && entry.size == attrs.size() && entry.modified.equals(attrs.lastModifiedTime())
                    && entry.result.getNow(null) == NOT_SMALLER;
        } finally {
            lock.unlock();
        }
    }

    /** Compressed bytes held, including {@link #ENTRY_OVERHEAD} per finished entry. */
    long totalBytes() {
        lock.lock();
        try {
            return total;
        } finally {
            lock.unlock();
        }
    }

    /** How many file versions the cache holds, finished or being compressed. */
    int size() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }

    /** How many times a file version was read and compressed, successfully or not (a miss count). */
    long compressions() {
        return compressions.get();
    }

    private byte[] compress(Path file, FileChannel channel, Entry entry) throws IOException {
        byte[] bytes = null;
        compressions.incrementAndGet();
        try {
            bytes = gzipBody(channel, entry.size);
            if (!sameVersion(file, entry)) {
                bytes = null; // edited while we read: these bytes may mix two versions
            }
            return bytes == NOT_SMALLER ? null : bytes;
        } finally {
            settle(file, entry, bytes);
            entry.result.complete(bytes);
        }
    }

    /** Records a finished entry's weight and evicts to fit, or drops the entry when it has no result or cannot fit. */
    private void settle(Path file, Entry entry, byte[] bytes) {
        lock.lock();
        try {
            if (entries.get(file) != entry) {
                return; // replaced or evicted meanwhile
            }
            long weight = bytes == null ? 0 : bytes.length + (long) ENTRY_OVERHEAD;
            if (bytes == null || weight > capacity) {
                entries.remove(file);
                return;
            }
            entry.weight = weight;
            total += weight;
            Iterator<Entry> eldest = entries.values().iterator();
            while (total > capacity && eldest.hasNext()) {
                Entry e = eldest.next();
                if (e.weight > 0) { // pending ones weigh nothing yet
                    total -= e.weight;
                    e.weight = 0;
                    eldest.remove();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void remove(Path file, Entry entry) {
        entries.remove(file);
        total -= entry.weight;
        entry.weight = 0;
    }

    private static byte[] await(Entry entry) {
        byte[] bytes;
        try {
            bytes = entry.result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            return null; // never completed exceptionally; kept for the compiler
        }
        return bytes == NOT_SMALLER ? null : bytes;
    }

    private static boolean sameVersion(Path file, Entry entry) {
        try {
            BasicFileAttributes now = Files.readAttributes(file, BasicFileAttributes.class);
            return now.size() == entry.size && now.lastModifiedTime().equals(entry.modified);
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /**
     * {@code size} bytes of {@code channel} as a gzip member (RFC 1952 §2.3): the 10-byte
     * header, raw deflate data, then CRC-32 and ISIZE, both little-endian. Returns
     * {@link #NOT_SMALLER} as soon as the output reaches {@code size} bytes.
     */
    static byte[] gzipBody(FileChannel channel, long size) throws IOException {
        Deflater deflater = new Deflater(LEVEL, true); // nowrap: raw deflate, we write the gzip framing
        try {
            CRC32 crc = new CRC32();
            byte[] in = new byte[(int) Math.min(64 * 1024, Math.max(size, 1))];
            ByteBuffer inBuf = ByteBuffer.wrap(in);
            Output out = new Output((int) Math.min(size, 64 * 1024), size - GZIP_TRAILER);
            // ID1 ID2 CM=deflate FLG=0 MTIME=0 (none: keeps the bytes reproducible) XFL=0 OS=255 (unknown)
            out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff});
            long pos = 0;
            while (pos < size) {
                inBuf.clear().limit((int) Math.min(in.length, size - pos));
                int n = channel.read(inBuf, pos);
                if (n < 0) {
                    throw new EOFException("file shrank while being compressed");
                }
                crc.update(in, 0, n);
                deflater.setInput(in, 0, n);
                while (!deflater.needsInput()) {
                    if (!out.deflate(deflater)) {
                        return NOT_SMALLER;
                    }
                }
                pos += n;
            }
            deflater.finish();
            while (!deflater.finished()) {
                if (!out.deflate(deflater)) {
                    return NOT_SMALLER;
                }
            }
            int c = (int) crc.getValue();
            int isize = (int) size; // ISIZE is the length modulo 2^32
            out.limit = Long.MAX_VALUE;
            out.write(new byte[] {
                (byte) c, (byte) (c >>> 8), (byte) (c >>> 16), (byte) (c >>> 24),
                (byte) isize, (byte) (isize >>> 8), (byte) (isize >>> 16), (byte) (isize >>> 24)});
            return out.length < size ? out.toArray() : NOT_SMALLER;
        } finally {
            deflater.end(); // frees zlib's native memory now rather than at some GC
        }
    }

    /** A growing output buffer that refuses to grow to {@code limit} bytes (the result would not be smaller). */
    private static final class Output {
        byte[] buf;
        int length;
        long limit;

        Output(int initial, long limit) {
            this.buf = new byte[Math.max(initial, GZIP_HEADER + 64)];
            this.limit = limit;
        }

        void write(byte[] b) {
            ensure(b.length);
            System.arraycopy(b, 0, buf, length, b.length);
            length += b.length;
        }

        /** One deflate call into the free space; false when the output would reach the limit. */
        boolean deflate(Deflater deflater) {
            if (length >= limit) {
                return false;
            }
            if (length == buf.length) {
                ensure(1);
            }
            length += deflater.deflate(buf, length, buf.length - length);
            return length < limit;
        }

        private void ensure(int more) {
            if (buf.length - length < more) {
                buf = Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(buf.length * 2L, length + (long) more)));
            }
        }

        byte[] toArray() {
            return Arrays.copyOf(buf, length);
        }
    }
}
