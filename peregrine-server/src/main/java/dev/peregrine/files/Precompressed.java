package dev.peregrine.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Precompressed copies next to a file, made by the site's build ({@code app.js.br},
 * {@code app.js.zst}, {@code app.js.gz} beside {@code app.js}), as nginx's
 * {@code gzip_static} and Caddy's {@code precompressed} serve them. The copy is a
 * representation of the original file, never a file of its own: it is only ever sent for a
 * request of the original's URL, with the original's media type.
 */
final class Precompressed {

    /**
     * A sidecar that may be sent.
     *
     * @param path the file to open (symlinks resolved)
     * @param attributes its attributes: {@code size()} is the Content-Length of a whole response
     */
    record Sidecar(ContentCoding coding, Path path, BasicFileAttributes attributes) {}

    private Precompressed() {}

    /** The sidecar's name for {@code file} in {@code coding}: {@code x.js} becomes {@code x.js.br}; pure, no file-system access. */
    static Path sidecar(Path file, ContentCoding coding) {
        String suffix = coding.sidecarSuffix();
        if (suffix == null) {
            throw new IllegalArgumentException("identity has no sidecar");
        }
        return file.resolveSibling(file.getFileName().toString() + suffix);
    }

    /**
     * {@code file}'s sidecar in {@code coding} when it may be sent for it, else {@code null}. It may when it is a regular file (a directory or FIFO named
     * {@code x.js.gz} is not a copy), inside {@code rootReal} once symlinks are followed
     * (the same confinement as the original, see {@link RequestPath#confine}), and not older
     * than the original: a build that rewrote {@code app.js} but not yet {@code app.js.br}
     * would otherwise serve the old script to brotli clients only. Costs one or two
     * {@code stat}s per call; ask only for codings {@link AcceptEncoding#accepts} allows.
     *
     * @param rootReal the served root as a real path
     * @param file the original, as resolved (real path) by the caller
     * @param original the original's attributes: its existence is the caller's check
     */
    static Sidecar usable(Path rootReal, Path file, BasicFileAttributes original, ContentCoding coding) {
        Path candidate = sidecar(file, coding);
        Path path = candidate;
        BasicFileAttributes attrs;
        try {
            // Without following links first: the common case (no sidecar) costs one failed stat.
            attrs = Files.readAttributes(candidate, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (attrs.isSymbolicLink()) {
                path = RequestPath.confine(rootReal, candidate);
                if (path == null) {
                    return null;
                }
                attrs = Files.readAttributes(path, BasicFileAttributes.class);
            }
        } catch (IOException | SecurityException e) {
            return null;
        }
        if (!attrs.isRegularFile() || attrs.lastModifiedTime().compareTo(original.lastModifiedTime()) < 0) {
            return null;
        }
        return new Sidecar(coding, path, attrs);
    }
}
