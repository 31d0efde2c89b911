package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code peregrine serve DIR --status} over a real socket with the JDK HttpClient. */
class StatusPageEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(20); // a guard against hangs, not a timing assertion

    private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theBannerNamesThePageAndItCountsTheFilesServed(@TempDir Path www) throws Exception {
        Files.writeString(www.resolve("index.html"), "<p>hi</p>");
        FileServer server = FileServer.start(new Command.Serve(www, "127.0.0.1", 0, true, true, null, true, false,
                new Command.Dev(false, false, false, false, false, true)), System.out);
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            String page = server.url() + ".peregrine/status";
            assertThat(server.banner()).last().isEqualTo("Status page: " + page);
            for (int i = 0; i < 3; i++) {
                assertThat(get(client, server.url()).statusCode()).isEqualTo(200);
            }
            assertThat(get(client, page).body()).contains("<title>Peregrine status</title>");
            String sample = get(client, page + "/sample.json").body();
            // The three files and the page itself ended before the sample was taken.
            assertThat(sample).contains("\"requests\":{\"total\":4,").contains("\"byStatusClass\":{\"2xx\":4}");
        } finally {
            assertThat(server.stop(Duration.ofSeconds(10))).as("the open status streams do not hold the stop").isTrue();
        }
    }

    @Test
    void withoutTheFlagThePathIsJustAFile(@TempDir Path www) throws Exception {
        Files.writeString(www.resolve("index.html"), "<p>hi</p>");
        FileServer server = FileServer.start(new Command.Serve(www, "127.0.0.1", 0, true, true, null, true, false,
                Command.Dev.NONE), System.out);
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            assertThat(server.banner()).noneMatch(l -> l.startsWith("Status page"));
            assertThat(get(client, server.url() + ".peregrine/status").statusCode()).isEqualTo(404);
        } finally {
            server.stop(Duration.ofSeconds(10));
        }
    }
}
