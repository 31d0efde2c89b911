package dev.peregrine.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrecompressedTest {

    private static final Instant I0 = Instant.parse("2024-05-01T10:00:00Z");
    private static final FileTime T0 = FileTime.from(I0);

    private static FileTime seconds(long s) {
        return FileTime.from(I0.plusSeconds(s));
    }

    @TempDir
    Path tmp;
    Path root;
    Path file;

    @BeforeEach
    void site() throws IOException {
        root = Files.createDirectory(tmp.resolve("site")).toRealPath();
        file = Files.writeString(root.resolve("app.js"), "console.log(1)");
        Files.setLastModifiedTime(file, T0);
    }

    private BasicFileAttributes original() throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class);
    }

    private Path sidecar(String suffix, FileTime modified) throws IOException {
        Path p = Files.write(root.resolve("app.js" + suffix), new byte[] {1, 2, 3});
        Files.setLastModifiedTime(p, modified);
        return p;
    }

    @Test
    void namesTheSidecarBesideTheFile() {
        Path f = Path.of("/srv/www/js/app.min.js");
        assertThat(Precompressed.sidecar(f, ContentCoding.BR)).isEqualTo(Path.of("/srv/www/js/app.min.js.br"));
        assertThat(Precompressed.sidecar(f, ContentCoding.ZSTD)).isEqualTo(Path.of("/srv/www/js/app.min.js.zst"));
        assertThat(Precompressed.sidecar(f, ContentCoding.GZIP)).isEqualTo(Path.of("/srv/www/js/app.min.js.gz"));
        assertThat(Precompressed.sidecar(Path.of("README"), ContentCoding.GZIP)).isEqualTo(Path.of("README.gz"));
        assertThatThrownBy(() -> Precompressed.sidecar(f, ContentCoding.IDENTITY))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFreshRegularSidecarIsUsable() throws IOException {
        Path br = sidecar(".br", seconds(1));
        Precompressed.Sidecar s = Precompressed.usable(root, file, original(), ContentCoding.BR);
        assertThat(s).isNotNull();
        assertThat(s.path()).isEqualTo(br);
        assertThat(s.coding()).isEqualTo(ContentCoding.BR);
        assertThat(s.attributes().size()).isEqualTo(3);
    }

    @Test
    void aSidecarAsOldAsTheFileIsUsable() throws IOException {
        sidecar(".gz", T0); // written by the same build step, same timestamp
        assertThat(Precompressed.usable(root, file, original(), ContentCoding.GZIP)).isNotNull();
    }

    @Test
    void anOlderSidecarIsNot() throws IOException {
        sidecar(".gz", seconds(-1));
        assertThat(Precompressed.usable(root, file, original(), ContentCoding.GZIP)).isNull();
    }

    @Test
    void aMissingSidecarIsNot() throws IOException {
        sidecar(".gz", T0);
        assertThat(Precompressed.usable(root, file, original(), ContentCoding.BR)).isNull();
        assertThat(Precompressed.usable(root, file, original(), ContentCoding.ZSTD)).isNull();
    }

    @Test
    void aDirectoryNamedLikeASidecarIsNot() throws IOException {
        Files.createDirectory(root.resolve("app.js.br"));
        Files.setLastModifiedTime(root.resolve("app.js.br"), seconds(1));
        assertThat(Precompressed.usable(root, file, original(), ContentCoding.BR)).isNull();
    }

    @Test
    void aSymlinkInsideTheRootIsFollowed() throws IOException {
        Path target = Files.write(Files.createDirectory(root.resolve("dist")).resolve("app.js.br"), new byte[7]);
        Files.setLastModifiedTime(target, T0);
        Files.createSymbolicLink(root.resolve("app.js.br"), target);
        Precompressed.Sidecar s = Precompressed.usable(root, file, original(), ContentCoding.BR);
        assertThat(s).isNotNull();
        assertThat(s.path()).isEqualTo(target.toRealPath());
        assertThat(s.attributes().size()).isEqualTo(7);
    }

    @Test
    void aSymlinkOutOfTheRootIsRefused() throws IOException {
        Path outside = Files.write(tmp.resolve("secret.gz"), new byte[5]);
        Files.setLastModifiedTime(outside, seconds(1));
        Files.createSymbolicLink(root.resolve("app.js.gz"), outside);
        assertThat(Precompressed.usable(root, file, original(), ContentCoding.GZIP)).isNull();
    }

    @Test
    void aSymlinkToAHiddenFileIsRefused() throws IOException {
        Path hidden = Files.write(root.resolve(".env"), new byte[5]);
        Files.setLastModifiedTime(hidden, seconds(1));
        Files.createSymbolicLink(root.resolve("app.js.gz"), hidden);
        assertThat(Precompressed.usable(root, file, original(), ContentCoding.GZIP)).isNull();
    }

    @Test
    void aDanglingSymlinkIsRefused() throws IOException {
        Files.createSymbolicLink(root.resolve("app.js.gz"), root.resolve("nothing-here"));
        assertThat(Precompressed.usable(root, file, original(), ContentCoding.GZIP)).isNull();
    }
}
