package dev.peregrine.e2e.browse;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs {@code /usr/bin/chromium --headless} once per call with a bounded wait, its profile,
 * home and caches inside one test directory, and makes sure no browser process outlives the
 * call: the process tree is killed when done, and helpers that left the tree are found by that
 * directory in their command line.
 */
final class HeadlessChromium {

    static final Path EXECUTABLE = Path.of("/usr/bin/chromium");
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    /** How a run ended: the exit code ({@code -1} when killed at the deadline) and stderr for failure messages. */
    record Result(int exitCode, String stdout, String stderr) {
        String describe() {
            String tail = stderr.length() <= 4000 ? stderr : "..." + stderr.substring(stderr.length() - 4000);
            return "exit " + exitCode + "\n--- stderr ---\n" + tail;
        }
    }

    private final Path work;

    HeadlessChromium(Path work) {
        this.work = work;
    }

    static boolean installed() {
        return Files.isExecutable(EXECUTABLE);
    }

    /** The DOM of {@code url} after load, serialized. */
    Result dumpDom(String url, String... flags) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(flags));
        args.add("--dump-dom");
        args.add(url);
        return run(args);
    }

    /** A PNG of {@code url} in a {@code width} x {@code height} window, written to {@code png}. */
    Result screenshot(String url, Path png, int width, int height, String... flags)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(flags));
        args.add("--hide-scrollbars");
        args.add("--window-size=" + width + "," + height);
        args.add("--screenshot=" + png.toAbsolutePath());
        args.add(url);
        return run(args);
    }

    private Result run(List<String> args) throws IOException, InterruptedException {
        Files.createDirectories(work);
        List<String> cmd = new ArrayList<>(List.of(EXECUTABLE.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-dev-shm-usage",
                "--user-data-dir=" + work.resolve("profile")));
        cmd.addAll(args);
        Path out = Files.createTempFile(work, "stdout-", ".txt");
        Path err = Files.createTempFile(work, "stderr-", ".txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        // The crash reporter and caches live under these: keep them in the test's directory too.
        pb.environment().putAll(Map.of("HOME", work.resolve("home").toString(),
                "XDG_CONFIG_HOME", work.resolve("config").toString(), "XDG_CACHE_HOME", work.resolve("cache").toString()));
        Process p = pb.start();
        boolean finished;
        try {
            finished = p.waitFor(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            killTree(p);
            reapStragglers();
        }
        return new Result(finished ? p.exitValue() : -1, Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private static void killTree(Process p) throws InterruptedException {
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        tree.add(p.toHandle());
        tree.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : tree) {
            awaitExit(h);
        }
    }

    /** Browser helpers that re-parented themselves: they name our profile directory on their command line. */
    private void reapStragglers() throws InterruptedException {
        String marker = work.toString();
        List<ProcessHandle> left = ProcessHandle.allProcesses()
                .filter(h -> h.pid() != ProcessHandle.current().pid())
                .filter(h -> h.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .toList();
        left.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : left) {
            awaitExit(h);
        }
    }

    private static void awaitExit(ProcessHandle h) throws InterruptedException {
        try {
            h.onExit().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // nothing more to do: the next run uses a directory of its own
        }
    }
}
