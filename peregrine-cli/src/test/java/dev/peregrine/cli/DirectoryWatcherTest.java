package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryWatcherTest {

    private static final Duration WAIT = Duration.ofSeconds(20); // a guard against hangs, not a timing assertion

    @TempDir
    Path tmp;
    Path root;
    final LinkedBlockingQueue<List<String>> reports = new LinkedBlockingQueue<>();
    final List<List<String>> seen = new ArrayList<>();
    DirectoryWatcher watcher;

    @BeforeEach
    void start() throws Exception {
        root = tmp.toRealPath();
        Files.createDirectories(root.resolve("css"));
        Files.createDirectories(root.resolve(".git"));
        Files.writeString(root.resolve("index.html"), "v1");
        // A quiet period generous enough that the test's own few writes make one burst on a busy machine.
        watcher = DirectoryWatcher.start(root, Duration.ofMillis(400), reports::add);
    }

    @AfterEach
    void stop() {
        watcher.close();
    }

    /** Waits (bounded) for a report naming {@code path}; every report seen on the way is kept in {@link #seen}. */
    private List<String> awaitReportOf(String path) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            List<String> report = reports.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (report == null) {
                throw new AssertionError("no report of " + path + "; reports: " + seen);
            }
            seen.add(report);
            if (report.contains(path)) {
                return report;
            }
        }
    }

    @Test
    void anEditedFileIsReportedByItsUrlPath() throws Exception {
        Files.writeString(root.resolve("index.html"), "v2");
        assertThat(awaitReportOf("/index.html")).containsExactly("/index.html");
    }

    @Test
    void aBurstOfChangesIsOneReport() throws Exception {
        Files.writeString(root.resolve("index.html"), "v2");
        Files.writeString(root.resolve("css/site.css"), "a{}");
        Files.writeString(root.resolve("app.js"), "1");
        assertThat(awaitReportOf("/index.html")).containsExactlyInAnyOrder("/index.html", "/css/site.css", "/app.js");
    }

    @Test
    void filesInSubdirectoriesAndNewDirectoriesAreWatched() throws Exception {
        Files.writeString(root.resolve("css/site.css"), "a{}");
        awaitReportOf("/css/site.css");
        Files.createDirectories(root.resolve("new/deeper"));
        awaitReportOf("/new");
        Files.writeString(root.resolve("new/deeper/x.css"), "b{}"); // reported by the walk or the new watch
        awaitReportOf("/new/deeper/x.css");
    }

    @Test
    void dotFilesAndDotFoldersAreIgnored() throws Exception {
        Files.writeString(root.resolve(".index.html.swp"), "x");
        Files.writeString(root.resolve(".git/index"), "x");
        Files.writeString(root.resolve("visible.txt"), "x");
        awaitReportOf("/visible.txt");
        assertThat(seen).allSatisfy(r -> assertThat(r).noneMatch(p -> p.contains("/.")));
    }

    @Test
    void namesArePercentEncodedAsInALink() throws Exception {
        Files.writeString(root.resolve("a b%é.css"), "x");
        assertThat(awaitReportOf("/a%20b%25%C3%A9.css")).contains("/a%20b%25%C3%A9.css");
    }

    @Test
    void deletionsAreChangesToo() throws Exception {
        Files.delete(root.resolve("index.html"));
        awaitReportOf("/index.html");
    }
}
