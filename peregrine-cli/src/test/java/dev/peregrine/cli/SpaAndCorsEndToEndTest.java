package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code peregrine serve DIR --spa --cors} over real sockets, with the JDK HttpClient. */
class SpaAndCorsEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(20); // a guard against hangs, not a timing assertion
    private static final String INDEX = "<!doctype html><title>app</title><div id=app></div>\n";

    @TempDir
    static Path www;
    static FileServer server;
    static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(www.resolve("index.html"), INDEX);
        Files.writeString(www.resolve("hello.txt"), "Hello\n");
        Files.writeString(www.resolve("app.3f9a1c2b.js"), "console.log(1)\n");
        Files.createDirectories(www.resolve("docs"));
        Files.writeString(www.resolve("docs/guide.txt"), "guide\n");
        Files.createDirectories(www.resolve(".private"));
        server = FileServer.start(new Command.Serve(www, "127.0.0.1", 0, true, true, null, true, false,
                new Command.Dev(true, true, false, false, true)), System.out);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(WAIT).build();
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

    @ParameterizedTest
    @ValueSource(strings = {"/users/42", "/settings", "/deep/client/route/", "/route?tab=2", "/caf%C3%A9"})
    void unknownPathsWithoutAnExtensionGetTheIndexPage(String path) throws Exception {
        HttpResponse<String> res = send(get(path));
        assertThat(res.statusCode()).as(path).isEqualTo(200);
        assertThat(res.body()).isEqualTo(INDEX);
        assertThat(res.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(res.headers().firstValue("etag")).isPresent(); // the index file's own answer, validators included
    }

    @Test
    void immutableMarksHashedAssetNamesOnly() throws Exception {
        assertThat(send(get("/app.3f9a1c2b.js")).headers().firstValue("cache-control"))
                .contains("public, max-age=31536000, immutable");
        assertThat(send(get("/hello.txt")).headers().firstValue("cache-control")).contains("no-cache");
    }

    @Test
    void headOfARouteHasTheIndexLength() throws Exception {
        HttpResponse<String> res = send(get("/users/42").method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("content-length")).hasValue(String.valueOf(INDEX.length()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/missing.js", "/img/logo.png", "/docs/missing.txt", "/.private/route", "/.env", "/a%2fb"})
    void missingFilesWithAnExtensionAndRefusedPathsStay404(String path) throws Exception {
        assertThat(send(get(path)).statusCode()).as(path).isEqualTo(404);
    }

    @Test
    void existingFilesAndDirectoriesAreServedAsUsual() throws Exception {
        assertThat(send(get("/hello.txt")).body()).isEqualTo("Hello\n");
        assertThat(send(get("/docs")).statusCode()).isEqualTo(301);
        HttpResponse<String> listing = send(get("/docs/"));
        assertThat(listing.statusCode()).isEqualTo(200);
        assertThat(listing.body()).contains("guide.txt").isNotEqualTo(INDEX);
    }

    @Test
    void otherMethodsAreNotRewritten() throws Exception {
        assertThat(send(get("/users/42").POST(HttpRequest.BodyPublishers.ofString("x"))).statusCode()).isEqualTo(405);
    }

    @Test
    void everyResponseAllowsAnyOrigin() throws Exception {
        for (String path : new String[] {"/hello.txt", "/users/42", "/missing.js"}) {
            assertThat(send(get(path).header("Origin", "http://example.test")).headers()
                    .firstValue("access-control-allow-origin")).as(path).hasValue("*");
        }
    }

    /** Fetch standard §4.8: a CORS-preflight request is OPTIONS with Access-Control-Request-Method. */
    @Test
    void aPreflightIsAnswered204WithMethodsHeadersAndMaxAge() throws Exception {
        HttpResponse<String> res = send(get("/hello.txt").method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://example.test")
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "x-requested-with, content-type"));
        assertThat(res.statusCode()).isEqualTo(204);
        assertThat(res.body()).isEmpty();
        assertThat(res.headers().firstValue("access-control-allow-origin")).hasValue("*");
        assertThat(res.headers().firstValue("access-control-allow-methods")).hasValue("GET, HEAD, OPTIONS");
        assertThat(res.headers().firstValue("access-control-allow-headers")).hasValue("x-requested-with, content-type");
        assertThat(res.headers().firstValue("access-control-max-age")).hasValue(Cors.MAX_AGE);
        assertThat(res.headers().firstValue("vary")).hasValue("Access-Control-Request-Headers");
    }

    @Test
    void aPreflightWithoutRequestHeadersAllowsNone() throws Exception {
        HttpResponse<String> res = send(get("/users/42").method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://example.test").header("Access-Control-Request-Method", "GET"));
        assertThat(res.statusCode()).isEqualTo(204);
        assertThat(res.headers().firstValue("access-control-allow-headers")).isEmpty();
    }

    @Test
    void aPlainOptionsRequestIsNotAPreflight() throws Exception {
        HttpResponse<String> res = send(get("/hello.txt").method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertThat(res.headers().firstValue("access-control-allow-methods")).isEmpty(); // the files answered
        assertThat(res.headers().firstValue("access-control-allow-origin")).hasValue("*");
    }
}
