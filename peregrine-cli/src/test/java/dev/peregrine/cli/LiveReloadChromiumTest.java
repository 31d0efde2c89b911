package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live reload in a real browser: headless Chromium keeps a page open from {@code serve --watch},
 * the test edits files, and the server's access log shows what the page did about it. Skipped
 * where Chromium is not installed.
 */
class LiveReloadChromiumTest {

    private static final String CHROMIUM = "/usr/bin/chromium";
    /** A guard against hangs, not a timing assertion: a cold browser start on a busy machine is slow. */
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path tmp;
    Path www;
    FileServer server;
    final AccessLines log = new AccessLines();
    Process browser;

    @BeforeEach
    void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(CHROMIUM)), CHROMIUM + " is not installed");
        www = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(www.resolve("style.css"), "body { color: black }\n");
        Files.writeString(www.resolve("ping.txt"), "pong\n");
        Files.createDirectories(www.resolve("sub"));
        Files.writeString(www.resolve("sub/first.txt"), "1\n");
        writePage(1);
        server = FileServer.start(new Command.Serve(www, "127.0.0.1", 0, true, false, null, true, false,
                new Command.Dev(false, false, false, true)), log);
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (browser != null) {
                kill(browser);
            }
            assertThat(survivors()).as("chromium processes still running").isEmpty();
        } finally {
            if (server != null) {
                assertThat(server.stop(Duration.ofSeconds(10))).isTrue();
            }
        }
    }

    /** The page loads the stylesheet, and an image whose URL says which version of the page asked for it. */
    private void writePage(int version) throws Exception {
        Files.writeString(www.resolve("index.html"), """
                <!doctype html><html><head><title>live</title><link rel="stylesheet" href="/style.css"></head>
                <body><h1>version %d</h1><img src="/ping.txt?v=%d" alt=""></body></html>
                """.formatted(version, version));
    }

    private void open(String path) throws Exception {
        List<String> cmd = List.of(CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + tmp.resolve("profile"), server.url() + path.substring(1));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(tmp.resolve("chromium-out.txt").toFile())
                .redirectError(tmp.resolve("chromium-err.txt").toFile());
        // Its profile, crash database and caches go under this test's directory too, so every process it starts names tmp.
        pb.environment().put("HOME", tmp.resolve("home").toString());
        pb.environment().put("XDG_CONFIG_HOME", tmp.resolve("config").toString());
        pb.environment().put("XDG_CACHE_HOME", tmp.resolve("cache").toString());
        pb.environment().put("TMPDIR", Files.createDirectories(tmp.resolve("t")).toString()); // its singleton socket
        browser = pb.start();
    }

    @Test
    void anEditedPageReloadsAndAnEditedStylesheetIsSwappedInPlace() throws Exception {
        open("/");
        log.await("\"GET /ping.txt?v=1 ", this::browserDescription);
        assertThat(server.liveReload().awaitClients(1, WAIT)).as("the page's event stream").isTrue();

        writePage(2);
        log.await("\"GET /ping.txt?v=2 ", this::browserDescription); // the reloaded page asked for its image
        assertThat(server.liveReload().awaitClients(1, WAIT)).isTrue();

        Files.writeString(www.resolve("style.css"), "body { color: red }\n");
        log.await("\"GET /style.css?peregrine-reload=", this::browserDescription);

        writePage(3);
        log.await("\"GET /ping.txt?v=3 ", this::browserDescription);
        // Had the stylesheet edit reloaded the page, version 2 would have asked for its image again.
        assertThat(log.count(l -> l.contains("\"GET /ping.txt?v=2 "))).as(log.toString()).isEqualTo(1);
    }

    /** The listing forbids scripts by its policy; the injected one is allowed by its hash, so the listing reloads too. */
    @Test
    void theListingReloadsWhenAFileIsAdded() throws Exception {
        open("/sub/");
        log.await("\"GET /sub/ ", this::browserDescription);
        assertThat(server.liveReload().awaitClients(1, WAIT)).as("the listing's event stream").isTrue();
        Files.writeString(www.resolve("sub/second.txt"), "2\n");
        log.awaitCount(l -> l.contains("\"GET /sub/ "), 2, this::browserDescription);
    }

    private String browserDescription() {
        StringBuilder s = new StringBuilder("access log:\n").append(log);
        for (String f : new String[] {"chromium-out.txt", "chromium-err.txt"}) {
            try {
                String text = Files.readString(tmp.resolve(f));
                s.append("\n--- ").append(f).append(" ---\n")
                        .append(text.length() > 4000 ? "..." + text.substring(text.length() - 4000) : text);
            } catch (java.io.IOException e) {
                s.append("\n(no ").append(f).append(")");
            }
        }
        return s.toString();
    }

    /** Kills the browser and every process it started, and waits for them to go. */
    private static void kill(Process p) throws Exception {
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        tree.add(p.toHandle());
        tree.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // reported by survivors()
            }
        }
    }

    /**
     * Processes still running that name this test's directory: helpers that left the browser's
     * tree (a zygote re-parented to init), killed here, and what could not be killed.
     */
    private List<ProcessHandle> survivors() throws Exception {
        String marker = tmp.toString();
        Predicate<ProcessHandle> ours = h -> h.pid() != ProcessHandle.current().pid()
                && h.info().commandLine().map(c -> c.contains(marker)).orElse(false);
        for (ProcessHandle h : ProcessHandle.allProcesses().filter(ours).toList()) {
            h.destroyForcibly();
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // still listed below
            }
        }
        return ProcessHandle.allProcesses().filter(ours).toList();
    }

    /** The access log, a line at a time, for the test to wait on. */
    private static final class AccessLines extends PrintStream {
        private final List<String> lines = new ArrayList<>();

        AccessLines() {
            super(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        }

        private final java.io.ByteArrayOutputStream partial = new java.io.ByteArrayOutputStream();

        @Override
        public void println(String line) {
            synchronized (lines) {
                lines.add(line);
                lines.notifyAll();
            }
        }

        /** The access log writes batches of whole lines from its own thread: split them here. */
        @Override
        public void write(byte[] buf, int off, int len) {
            synchronized (lines) {
                for (int i = off; i < off + len; i++) {
                    if (buf[i] == '\n') {
                        lines.add(partial.toString(StandardCharsets.UTF_8));
                        partial.reset();
                    } else {
                        partial.write(buf[i]);
                    }
                }
                lines.notifyAll();
            }
        }

        int count(Predicate<String> which) {
            synchronized (lines) {
                return (int) lines.stream().filter(which).count();
            }
        }

        void await(String containing, java.util.function.Supplier<String> describe) throws InterruptedException {
            awaitCount(l -> l.contains(containing), 1, describe);
        }

        /** Waits (bounded) until {@code n} lines match. */
        void awaitCount(Predicate<String> which, int n, java.util.function.Supplier<String> describe) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            synchronized (lines) {
                while (lines.stream().filter(which).count() < n) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError("the log never had " + n + " such line(s)\n" + describe.get());
                    }
                    TimeUnit.NANOSECONDS.timedWait(lines, left);
                }
            }
        }

        @Override
        public String toString() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }
    }
}
