package dev.peregrine.files;

import dev.peregrine.api.PathDecoder;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A request path turned into file-system segments, refusing anything that could name a file
 * outside the root or a hidden one. Every refusal becomes a 404 at the caller: a 400 or 403
 * would tell a prober which of its tricks the server noticed.
 *
 * <p>The raw path is split on {@code /} first and each segment is percent-decoded exactly once,
 * so {@code %2e%2e} is caught as {@code ..} and {@code %252e%252e} stays the harmless literal
 * name {@code %2e%2e}. A segment is refused when, after decoding, it
 * <ul>
 *   <li>is empty ({@code //}: no ambiguity about what it means, and a redirect built from such a
 *       path could start with {@code //}, which browsers read as another host),
 *   <li>is {@code .} or {@code ..},
 *   <li>holds {@code /} or {@code \} (from {@code %2F} / {@code %5C}, or a raw backslash, which
 *       Windows treats as a separator), NUL or another control character,
 *   <li>starts with {@code .}, except {@code .well-known} (RFC 8615): dot-files are where
 *       secrets live ({@code .git}, {@code .env}, {@code .htpasswd}), and a static server has no
 *       business publishing them by accident,
 *   <li>on Windows, holds {@code :} (drive-relative paths, alternate data streams).
 * </ul>
 * Lexical checks cannot see symlinks, so {@link #resolveIn} finally asks the file system for
 * the real path and requires it to lie under the root's real path.
 */
record RequestPath(List<String> segments, boolean trailingSlash) {

    private static final boolean WINDOWS = File.separatorChar == '\\';

    /** The path's segments, or {@code null} when the path is refused. */
    static RequestPath parse(String rawPath) {
        if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            return null;
        }
        if (rawPath.length() == 1) {
            return new RequestPath(List.of(), true);
        }
        boolean trailingSlash = rawPath.endsWith("/");
        String body = rawPath.substring(1, trailingSlash ? rawPath.length() - 1 : rawPath.length());
        List<String> segments = new ArrayList<>();
        for (String raw : body.split("/", -1)) {
            String segment = decode(raw);
            if (segment == null) {
                return null;
            }
            segments.add(segment);
        }
        return new RequestPath(List.copyOf(segments), trailingSlash);
    }

    private static String decode(String raw) {
        if (raw.isEmpty() || raw.indexOf('\\') >= 0) {
            return null;
        }
        String lower = raw.toLowerCase(Locale.ROOT);
        if (lower.contains("%2f") || lower.contains("%5c")) {
            return null;
        }
        String s;
        try {
            s = PathDecoder.decodeSegment(raw);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (s.equals(".") || s.equals("..") || !isPlainName(s)) {
            return null;
        }
        return s;
    }

    /** Whether a decoded segment (or a file name) is one we are willing to serve. */
    static boolean isPlainName(String s) {
        if (s.isEmpty() || (s.charAt(0) == '.' && !s.equals(".well-known"))) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '/' || c == '\\' || (WINDOWS && c == ':')) {
                return false;
            }
        }
        return true;
    }

    /**
     * The real path (symlinks followed) these segments name under {@code rootReal}, or
     * {@code null} when it does not exist, cannot be read, leaves the root, or passes through
     * a hidden name once symlinks are resolved.
     *
     * @param rootReal the root as returned by {@link Path#toRealPath}
     */
    Path resolveIn(Path rootReal) {
        Path p = rootReal;
        for (String segment : segments) {
            p = p.resolve(segment);
        }
        return confine(rootReal, p);
    }

    /** {@code candidate}'s real path when it lies under {@code rootReal} through plain names only, else {@code null}. */
    static Path confine(Path rootReal, Path candidate) {
        if (!candidate.normalize().startsWith(rootReal)) {
            return null; // cannot happen after parse(); kept so this method is safe on its own
        }
        Path real;
        try {
            real = candidate.toRealPath();
        } catch (IOException | SecurityException e) {
            return null; // missing, unreadable, a symlink loop: all look the same to the client
        }
        if (!real.startsWith(rootReal)) {
            return null;
        }
        for (Path name : rootReal.relativize(real)) {
            if (!name.toString().isEmpty() && !isPlainName(name.toString())) {
                return null;
            }
        }
        return real;
    }
}
