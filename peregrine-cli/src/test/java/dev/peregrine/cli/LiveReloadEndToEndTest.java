package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code peregrine serve DIR --watch} over real sockets, with the JDK HttpClient. */
class LiveReloadEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(20); // a guard against hangs, not a timing assertion
    private static final String PAGE = "<!doctype html><html><head><title>p</title></head><body><p>hi</p></body></html>\n";
    private static final String FRAGMENT = "<p>no body end tag\n";

    @TempDir
    static Path www;
    static FileServer server;
    static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(www.resolve("index.html"), PAGE);
        Files.writeString(www.resolve("fragment.html"), FRAGMENT);
        Files.writeString(www.resolve("hello.txt"), "Hello, world!\n");
        Files.createDirectories(www.resolve("sub"));
        Files.writeString(www.resolve("sub/a.css"), "a{}");
        for (String f : new String[] {"index.html", "fragment.html", "hello.txt"}) {
            Files.setLastModifiedTime(www.resolve(f), FileTime.from(Instant.parse("2024-03-04T05:06:07Z"))); // strong tags
        }
        server = FileServer.start(watching(www), System.out);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(WAIT).build();
    }

    static Command.Serve watching(Path dir) {
        return new Command.Serve(dir, "127.0.0.1", 0, true, true, null, true, false, new Command.Dev(false, false, false, true));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            assertThat(server.stop(Duration.ofSeconds(10))).isTrue();
        }
        if (client != null) {
            client.close();
        }
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return client.send(request.timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private static HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create(server.url()).resolve(path));
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void htmlGetsTheScriptBeforeTheBodyEndTagWithACorrectLength() throws Exception {
        HttpResponse<String> res = send(get("/index.html"));
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(PAGE.replace("</body>", ScriptPolicy.EXTERNAL_TAG + "</body>"));
        assertThat(res.headers().firstValue("content-length")).hasValue(String.valueOf(utf8Length(res.body())));
        assertThat(res.headers().firstValue("accept-ranges")).isEmpty();
        assertThat(send(get("/")).body()).isEqualTo(res.body()); // the directory's index too
    }

    @Test
    void htmlWithoutABodyEndTagGetsTheScriptAppended() throws Exception {
        HttpResponse<String> res = send(get("/fragment.html"));
        assertThat(res.body()).isEqualTo(FRAGMENT + ScriptPolicy.EXTERNAL_TAG);
        assertThat(res.headers().firstValue("content-length")).hasValue(String.valueOf(utf8Length(res.body())));
    }

    @Test
    void headHasTheLengthTheGetSends() throws Exception {
        HttpResponse<String> head = send(get("/index.html").method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.headers().firstValue("content-length"))
                .hasValue(String.valueOf(utf8Length(PAGE) + ScriptPolicy.EXTERNAL_TAG.length()));
        assertThat(head.headers().firstValue("etag")).isEqualTo(send(get("/index.html")).headers().firstValue("etag"));
    }

    /** RFC 9110 §8.8.3: a different representation gets a different tag, so caches never mix the two. */
    @Test
    void thePageTagDiffersFromTheFileTagAndRevalidatesThePage() throws Exception {
        String pageTag = send(get("/index.html")).headers().firstValue("etag").orElseThrow();
        assertThat(pageTag).matches("\"[0-9a-f]+-[0-9a-f]+-live\"");
        HttpResponse<String> revalidated = send(get("/index.html").header("If-None-Match", pageTag));
        assertThat(revalidated.statusCode()).isEqualTo(304);
        assertThat(revalidated.headers().firstValue("etag")).hasValue(pageTag);

        String fileTag = pageTag.replace("-live\"", "\"");
        HttpResponse<String> stale = send(get("/index.html").header("If-None-Match", fileTag));
        assertThat(stale.statusCode()).as("a copy without the script is not confirmed").isEqualTo(200);
        assertThat(stale.body()).contains(ScriptPolicy.EXTERNAL_TAG);
        assertThat(send(get("/index.html").header("If-Match", fileTag)).statusCode()).isEqualTo(412);
        assertThat(send(get("/index.html").header("If-Match", pageTag)).statusCode()).isEqualTo(200);
    }

    @Test
    void rangesOfAPageAreNotServed() throws Exception {
        HttpResponse<String> res = send(get("/index.html").header("Range", "bytes=0-9"));
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).contains(ScriptPolicy.EXTERNAL_TAG);
    }

    @Test
    void otherFilesAreUntouched() throws Exception {
        HttpResponse<String> res = send(get("/hello.txt"));
        assertThat(res.body()).isEqualTo("Hello, world!\n");
        assertThat(res.headers().firstValue("etag")).hasValueSatisfying(e -> assertThat(e).doesNotContain("-live"));
        assertThat(send(get("/hello.txt").header("Range", "bytes=0-4")).statusCode()).isEqualTo(206);
    }

    /** The listing forbids scripts; its policy is widened by the inline script's hash and nothing else. */
    @Test
    void theListingGetsTheInlineScriptAllowedByItsHash() throws Exception {
        HttpResponse<String> res = send(get("/sub/"));
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).contains("a.css").contains(ScriptPolicy.INLINE_TAG + "</body>");
        assertThat(res.headers().firstValue("content-length")).hasValue(String.valueOf(utf8Length(res.body())));
        String csp = res.headers().firstValue("content-security-policy").orElseThrow();
        assertThat(csp).startsWith("default-src 'none'").endsWith("; connect-src 'self'");
        Matcher inline = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL).matcher(res.body());
        assertThat(inline.find()).isTrue();
        String hash = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(inline.group(1).getBytes(StandardCharsets.UTF_8)));
        assertThat(csp).contains("script-src 'sha256-" + hash + "'");
    }

    @Test
    void theScriptIsServed() throws Exception {
        HttpResponse<String> res = send(get(LiveReload.SCRIPT));
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        assertThat(res.body()).contains("new EventSource('/.peregrine/live')").contains("location.reload()");
    }

    /** The stream's lines as they arrive, read on their own thread. */
    private static final class EventLines implements AutoCloseable {
        final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final HttpResponse<InputStream> response;
        final Thread reader;

        EventLines(FileServer server) throws Exception {
            this(server, client);
        }

        EventLines(FileServer server, HttpClient client) throws Exception {
            response = client.send(HttpRequest.newBuilder(URI.create(server.url()).resolve(LiveReload.EVENTS))
                    .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
            reader = Thread.ofVirtual().start(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (java.io.IOException e) {
                    // closed by the test
                }
                lines.add("<end of stream>");
            });
        }

        /** Waits (bounded) for a line equal to {@code wanted}. */
        void await(String wanted) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            List<String> seen = new ArrayList<>();
            while (true) {
                String line = next(deadline, wanted, seen);
                if (line.equals(wanted)) {
                    return;
                }
            }
        }

        /**
         * Waits (bounded) for a {@code reload} event with the data line {@code data} and returns its
         * data lines; other events (a late one from an earlier edit) are passed over.
         */
        List<String> awaitReload(String data) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            List<String> seen = new ArrayList<>();
            while (true) {
                if (!next(deadline, "event: reload", seen).equals("event: reload")) {
                    continue;
                }
                List<String> event = new ArrayList<>();
                for (String line; !(line = next(deadline, data, seen)).isEmpty(); ) {
                    event.add(line);
                }
                if (event.contains(data)) {
                    return event;
                }
            }
        }

        private String next(long deadline, String wanted, List<String> seen) throws InterruptedException {
            String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null || line.equals("<end of stream>")) {
                throw new AssertionError("no " + wanted + " in " + seen);
            }
            seen.add(line);
            return line;
        }

        @Override
        public void close() throws Exception {
            response.body().close();
            reader.join(WAIT);
        }
    }

    private static void awaitClients(FileServer server, int n) throws InterruptedException {
        assertThat(server.liveReload().awaitClients(n, WAIT)).as("live-reload clients").isTrue();
    }

    @Test
    void editingAFileSendsAReloadEventNamingIt() throws Exception {
        try (EventLines events = new EventLines(server)) {
            assertThat(events.response.statusCode()).isEqualTo(200);
            assertThat(events.response.headers().firstValue("content-type")).hasValue("text/event-stream");
            events.await("retry: " + LiveReload.RETRY_MILLIS);
            Files.writeString(www.resolve("sub/page.html"), "<p>new</p>");
            assertThat(events.awaitReload("data: /sub/page.html")).allSatisfy(l -> assertThat(l).startsWith("data: /"));
        }
    }

    @Test
    void editingAStylesheetNamesIt() throws Exception {
        try (EventLines events = new EventLines(server)) {
            events.await("retry: " + LiveReload.RETRY_MILLIS);
            Files.writeString(www.resolve("sub/a.css"), "a{color:red}");
            assertThat(events.awaitReload("data: /sub/a.css")).containsExactly("data: /sub/a.css");
        }
    }

    /** Browsers speak HTTP/2 over HTTPS: the stream must reach them event by event there too (h2c here). */
    @Test
    void theStreamFlowsOverHttp2() throws Exception {
        try (HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).connectTimeout(WAIT).build();
                EventLines events = new EventLines(server, h2)) {
            assertThat(events.response.version()).isEqualTo(HttpClient.Version.HTTP_2);
            events.await("retry: " + LiveReload.RETRY_MILLIS);
            Files.writeString(www.resolve("sub/h2.html"), "<p>h2</p>");
            assertThat(events.awaitReload("data: /sub/h2.html")).isNotEmpty();
        }
    }

    /** Without ending the streams first, stop would wait its whole deadline for them and report false. */
    @Test
    void aGracefulStopEndsOpenStreams(@TempDir Path dir) throws Exception {
        FileServer own = FileServer.start(watching(dir), System.out);
        try (EventLines events = new EventLines(own)) {
            events.await("retry: " + LiveReload.RETRY_MILLIS);
            awaitClients(own, 1);
            assertThat(own.stop(Duration.ofSeconds(5))).as("drained before the deadline").isTrue();
            events.reader.join(WAIT);
            assertThat(events.lines).as("the stream ended").contains("<end of stream>");
        } finally {
            own.close();
        }
    }
}
