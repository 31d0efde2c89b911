package dev.peregrine.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One version of a file mapped once: which sizes, what a slice holds, and a file that changed. */
class MappedFileTest {

    @TempDir
    Path dir;

    private Path file(String name, byte[] content, Instant modified) throws Exception {
        Path p = Files.write(dir.resolve(name), content);
        Files.setLastModifiedTime(p, FileTime.from(modified));
        return p;
    }

    private static byte[] pattern(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (i * 31 + (i >> 8));
        }
        return b;
    }

    @Test
    void onlyFilesInTheMappedRangeGetAMapping() throws Exception {
        assertThat(MappedFile.forFile(dir, attrs(MappedFile.MIN_BYTES - 1))).isNull();
        assertThat(MappedFile.forFile(dir, attrs(MappedFile.MIN_BYTES))).isNotNull();
        assertThat(MappedFile.forFile(dir, attrs(MappedFile.MAX_BYTES))).isNotNull();
        assertThat(MappedFile.forFile(dir, attrs(MappedFile.MAX_BYTES + 1))).isNull();
    }

    @Test
    void slicesHoldTheFilesBytesAndAreIndependentReadOnlyViews() throws Exception {
        byte[] content = pattern(100_000);
        Path p = file("a.bin", content, Instant.parse("2020-01-01T00:00:00Z"));
        MappedFile mapped = MappedFile.forFile(p, FileCache.attributes(p));
        ByteBuffer whole = mapped.slice(0, content.length);
        ByteBuffer part = mapped.slice(70_000, 100);
        assertThat(whole.isReadOnly()).isTrue();
        assertThat(bytes(whole)).isEqualTo(content);
        assertThat(bytes(part)).isEqualTo(java.util.Arrays.copyOfRange(content, 70_000, 70_100));
        assertThat(bytes(mapped.slice(70_000, 100))).as("reading one slice moves no other").hasSize(100);
    }

    /** Mapped lazily: a file that is another version by its first request is not mapped, and says so. */
    @Test
    void aFileChangedBeforeItsFirstSliceIsNotMapped() throws Exception {
        Path p = file("b.txt", pattern(20_000), Instant.parse("2020-01-01T00:00:00Z"));
        MappedFile mapped = MappedFile.forFile(p, FileCache.attributes(p));
        file("b.txt", "now a different, shorter file".getBytes(StandardCharsets.US_ASCII),
                Instant.parse("2020-01-02T00:00:00Z"));
        assertThat(mapped.slice(0, 100)).isNull();
        Files.delete(p);
        assertThat(MappedFile.forFile(p, attrs(20_000)).slice(0, 1)).as("gone").isNull();
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static BasicFileAttributes attrs(long size) {
        return new BasicFileAttributes() {
            @Override public FileTime lastModifiedTime() { return FileTime.fromMillis(0); }
            @Override public FileTime lastAccessTime() { return FileTime.fromMillis(0); }
            @Override public FileTime creationTime() { return FileTime.fromMillis(0); }
            @Override public boolean isRegularFile() { return true; }
            @Override public boolean isDirectory() { return false; }
            @Override public boolean isSymbolicLink() { return false; }
            @Override public boolean isOther() { return false; }
            @Override public long size() { return size; }
            @Override public Object fileKey() { return null; }
        };
    }
}
