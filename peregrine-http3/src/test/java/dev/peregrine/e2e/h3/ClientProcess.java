package dev.peregrine.e2e.h3;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An external client (ngtcp2's, Chromium) run as a process with a bounded wait: stdout and
 * stderr go to files kept for the failure message, and the whole process tree is killed on
 * timeout and when done, so no client outlives its test.
 */
final class ClientProcess {

    /** How a run ended: the exit code ({@code -1} when it was killed at the deadline) and its output. */
    record Result(int exitCode, boolean timedOut, String stdout, String stderr) {
        /** For assertion messages. */
        String describe() {
            return "exit " + exitCode + (timedOut ? " (killed at the deadline)" : "") + "\n--- stdout ---\n"
                    + tail(stdout) + "\n--- stderr ---\n" + tail(stderr);
        }

        private static String tail(String s) {
            return s.length() <= 6000 ? s : "..." + s.substring(s.length() - 6000);
        }
    }

    private ClientProcess() {}

    static boolean executable(String path) {
        return Files.isExecutable(Path.of(path));
    }

    /** Runs {@code command} in {@code workDir}, waiting at most {@code timeout}. */
    static Result run(List<String> command, Path workDir, Duration timeout) throws IOException, InterruptedException {
        return run(command, workDir, timeout, java.util.Map.of());
    }

    /** Runs {@code command} in {@code workDir} with these environment variables added. */
    static Result run(List<String> command, Path workDir, Duration timeout, java.util.Map<String, String> env)
            throws IOException, InterruptedException {
        Files.createDirectories(workDir);
        Path out = Files.createTempFile(workDir, "stdout-", ".txt");
        Path err = Files.createTempFile(workDir, "stderr-", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        Process p = pb
                .directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        boolean finished = false;
        try {
            finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            killTree(p);
        }
        return new Result(finished ? p.exitValue() : -1, !finished, Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** Kills {@code p} and every descendant still running, and waits for them to go. */
    static void killTree(Process p) throws InterruptedException {
        List<ProcessHandle> tree = new java.util.ArrayList<>(p.descendants().toList());
        tree.add(p.toHandle());
        for (ProcessHandle h : tree) {
            h.destroyForcibly();
        }
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // reported by the caller's check that nothing survived
            }
        }
    }

    /**
     * Processes still running whose command line mentions {@code marker} (say a fresh directory
     * only our client was given): helpers that left the tree, which {@link #killTree} cannot see.
     */
    static List<ProcessHandle> survivors(String marker) {
        // A zombie has no command line left, so only processes that still run are listed.
        return ProcessHandle.allProcesses()
                .filter(h -> h.pid() != ProcessHandle.current().pid())
                .filter(h -> h.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                .toList();
    }

    /**
     * Gives the processes mentioning {@code marker} up to ten seconds to exit on their own (a
     * browser's helpers outlive it briefly), kills the rest, and returns what is still running
     * after that: nothing, unless a process could not be killed.
     */
    static List<ProcessHandle> reap(String marker) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (ProcessHandle h : survivors(marker)) {
            try {
                h.onExit().get(Math.max(deadline - System.nanoTime(), 1), TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                h.destroyForcibly();
            }
        }
        for (ProcessHandle h : survivors(marker)) {
            h.destroyForcibly();
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // reported below
            }
        }
        return survivors(marker);
    }
}
