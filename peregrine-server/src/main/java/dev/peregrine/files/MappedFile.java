package dev.peregrine.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;

/**
 * One version of a file mapped into memory, once, on its first request, and kept with the file
 * cache's entry: each later response is a slice of it, written to the socket with one copy
 * ({@link dev.peregrine.api.Response#send(ByteBuffer)}). Measured against sendfile with
 * {@code wrk -c16} on 1 MiB files: 5,600-6,100 against 2,600-2,800 responses a second, as the
 * client (wrk, on the other core) took the written segments far more cheaply; why, was not
 * profiled. A mapping made per request (measured too) cost more than it saved, hence kept.
 *
 * <p>The mapping is released when the entry is dropped and the buffer collected (the JDK
 * unmaps it then). A file rewritten in place while mapped can show its new bytes, as it can
 * through sendfile; one truncated under the mapping makes the socket write fail, which aborts
 * that response (its declared length cannot be met) and the connection, not the server.
 */
final class MappedFile {

    /** Files from this size are mapped (smaller ones are kept in memory or sent by a read). */
    static final long MIN_BYTES = 16 * 1024;

    /** Files up to this size are mapped; larger ones go out with sendfile. */
    static final long MAX_BYTES = 256L * 1024 * 1024;

    private final Path path;
    private final long size;
    private final long modifiedNanos;
    private volatile ByteBuffer view;
    private volatile boolean failed;

    private MappedFile(Path path, long size, long modifiedNanos) {
        this.path = path;
        this.size = size;
        this.modifiedNanos = modifiedNanos;
    }

    /** A holder for this version of the file, or {@code null} if its size is out of the mapped range. */
    static MappedFile forFile(Path path, BasicFileAttributes attrs) {
        long size = attrs.size();
        if (size < MIN_BYTES || size > MAX_BYTES) {
            return null;
        }
        return new MappedFile(path, size, attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS));
    }

    /**
     * {@code count} bytes from {@code position}, as a new read-only view; {@code null} if the
     * file cannot be mapped (gone, or changed since the cache looked): send it another way.
     */
    ByteBuffer slice(long position, long count) {
        ByteBuffer v = view;
        if (v == null) {
            v = map();
            if (v == null) {
                return null;
            }
        }
        return v.slice((int) position, (int) count);
    }

    private synchronized ByteBuffer map() {
        if (view != null || failed) {
            return view;
        }
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            BasicFileAttributes now = FileCache.attributes(path);
            if (now == null || now.size() != size || now.lastModifiedTime().to(TimeUnit.NANOSECONDS) != modifiedNanos) {
                failed = true; // another version now: the cache's next look makes a new entry
                return null;
            }
            MappedByteBuffer mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            view = mapped.asReadOnlyBuffer();
            return view;
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            failed = true; // not mappable here (a special file system): sendfile it is
            return null;
        }
    }
}
