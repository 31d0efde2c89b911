package dev.peregrine.cli;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Watches a directory tree and reports which files changed, as URL paths ({@code /css/site.css}),
 * a burst at a time: an editor's save is often several events (truncate, write, rename, a
 * backup), and a build tool writes many files at once, so events are collected until
 * {@code quiet} passes without one (but at most {@value #MAX_BURST_MILLIS} ms), then reported
 * together once.
 *
 * <p>{@link WatchService} watches single directories: every directory is registered, and one
 * created later is registered when it appears (its files, copied in with it, count as changed).
 * Dot-files and dot-folders ({@code .git}, an editor's {@code .index.html.swp}) are ignored:
 * they are never served, and a commit would otherwise reload every page. When the service
 * reports that events were lost, the root itself ({@code /}) is reported as changed.
 */
final class DirectoryWatcher implements AutoCloseable {

    static final Duration QUIET = Duration.ofMillis(100);
    private static final long MAX_BURST_MILLIS = 1000;

    private final Path root;
    private final WatchService service;
    private final Map<WatchKey, Path> directories = new ConcurrentHashMap<>();
    private final Consumer<List<String>> onChange;
    private final Duration quiet;
    private final Thread thread;

    private DirectoryWatcher(Path root, WatchService service, Duration quiet, Consumer<List<String>> onChange) {
        this.root = root;
        this.service = service;
        this.quiet = quiet;
        this.onChange = onChange;
        this.thread = Thread.ofVirtual().name("peregrine-watch").unstarted(this::run);
    }

    /**
     * Registers every directory under {@code root} (a real path) and starts watching: a change
     * made after this returns is reported.
     *
     * @throws IOException if the tree cannot be registered
     */
    static DirectoryWatcher start(Path root, Duration quiet, Consumer<List<String>> onChange) throws IOException {
        WatchService service = root.getFileSystem().newWatchService();
        DirectoryWatcher watcher = new DirectoryWatcher(root, service, quiet, onChange);
        try {
            watcher.registerTree(root, null);
        } catch (IOException | RuntimeException e) {
            service.close();
            throw e;
        }
        watcher.thread.start();
        return watcher;
    }

    private void run() {
        try {
            while (true) {
                Set<String> changed = new LinkedHashSet<>();
                drain(service.take(), changed);
                long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(MAX_BURST_MILLIS);
                WatchKey more;
                while (System.nanoTime() < deadline
                        && (more = service.poll(quiet.toNanos(), TimeUnit.NANOSECONDS)) != null) {
                    drain(more, changed);
                }
                if (!changed.isEmpty()) {
                    onChange.accept(List.copyOf(changed));
                }
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            // closed: done
        }
    }

    private void drain(WatchKey key, Set<String> changed) {
        Path dir = directories.get(key);
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.kind() == OVERFLOW || dir == null) {
                changed.add("/");
                continue;
            }
            Path file = dir.resolve((Path) event.context());
            if (hidden(file)) {
                continue;
            }
            if (event.kind() == ENTRY_CREATE && Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    registerTree(file, changed);
                } catch (IOException | RuntimeException e) {
                    changed.add("/"); // could not watch it all: at least reload now
                }
            }
            changed.add(urlPath(file));
        }
        if (!key.reset()) {
            directories.remove(key); // the directory is gone
        }
    }

    /** Registers {@code top} and the directories under it; files found go to {@code found} when given. */
    private void registerTree(Path top, Set<String> found) throws IOException {
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(root) && hidden(dir)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                directories.put(dir.register(service, ENTRY_CREATE, ENTRY_MODIFY, ENTRY_DELETE), dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (found != null && !hidden(file)) {
                    found.add(urlPath(file));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE; // unreadable: not served either
            }
        });
    }

    /** Whether a path under the root has a segment starting with a dot. */
    private boolean hidden(Path p) {
        for (Path segment : root.relativize(p)) {
            if (segment.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    /** The URL path of a file under the root, each segment percent-encoded as a link to it would be. */
    String urlPath(Path file) {
        StringBuilder url = new StringBuilder();
        for (Path segment : root.relativize(file)) {
            url.append('/');
            for (byte b : segment.toString().getBytes(StandardCharsets.UTF_8)) {
                int c = b & 0xff;
                if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                    url.append((char) c);
                } else {
                    url.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
                }
            }
        }
        return url.isEmpty() ? "/" : url.toString();
    }

    /** Stops watching, and waits (briefly) for a report under way to finish. */
    @Override
    public void close() {
        try {
            service.close();
        } catch (IOException e) {
            // nothing left to release
        }
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
