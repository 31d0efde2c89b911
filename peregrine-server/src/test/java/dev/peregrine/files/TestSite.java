package dev.peregrine.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

/** A directory of files with fixed, old modification times, served at a fixed "now". */
final class TestSite {

    static final Instant MODIFIED = Instant.parse("2020-01-02T03:04:05.123456789Z");
    static final String MODIFIED_HTTP = "Thu, 02 Jan 2020 03:04:05 GMT";
    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    final Path root;
    /** The cache's clock: every change made through this class lets a revalidation interval pass. */
    private final java.util.concurrent.atomic.AtomicLong ticks = new java.util.concurrent.atomic.AtomicLong();

    TestSite(Path root) {
        this.root = root;
    }

    Path file(String relative, String content) {
        return file(relative, content.getBytes(StandardCharsets.UTF_8));
    }

    Path file(String relative, byte[] content) {
        try {
            Path p = root.resolve(relative);
            Files.createDirectories(p.getParent());
            Files.write(p, content);
            Files.setLastModifiedTime(p, FileTime.from(MODIFIED));
            tick();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lets the file cache's revalidation interval pass, as a second would in real time. */
    void tick() {
        ticks.addAndGet(FileCache.REVALIDATE_MILLIS);
    }

    Path dir(String relative) {
        try {
            return Files.createDirectories(root.resolve(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    StaticFiles handler() {
        return StaticFiles.of(root).clock(Clock.fixed(NOW, ZoneOffset.UTC)).ticker(ticks::get);
    }

    static FakeResponse serve(StaticFiles handler, dev.peregrine.api.Request request) {
        FakeResponse response = new FakeResponse();
        try {
            handler.handle(request, response);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return response;
    }
}
