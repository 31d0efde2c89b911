package dev.peregrine.observe.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.Filter;
import dev.peregrine.api.ForwardingRequest;
import dev.peregrine.api.Handler;
import dev.peregrine.api.Router;
import dev.peregrine.observe.metrics.Instruments;
import dev.peregrine.server.Server;
import dev.peregrine.testkit.Await;
import dev.peregrine.transport.Endpoint;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The status page over a real socket with the JDK HttpClient: what it serves, to whom, and that its numbers are the server's. */
class StatusPageTest {

    private static final Duration WAIT = Duration.ofSeconds(10); // a guard against hangs, not a timing assertion

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private Server server;
    private StatusPage page;

    /** Serves a router behind the page; {@code remote} pretends requests come from that address (null: as they are). */
    private String start(StatusPage.Builder builder, AtomicReference<Server> ref, SocketAddress remote) throws Exception {
        page = builder.interval(Duration.ofMillis(100)).build();
        Handler app = Router.builder().get("/items/{id}", (req, res) -> res.send("item " + req.pathParam("id"))).build();
        Handler handler = app.with(page);
        if (remote != null) {
            Filter from = (req, res, next) -> next.handle(new ForwardingRequest(req) {
                @Override
                public SocketAddress remoteAddress() {
                    return remote;
                }
            }, res);
            handler = handler.with(from);
        }
        server = Server.builder().listen(Endpoint.tcp("127.0.0.1", 0)).handler(handler).start();
        ref.set(server);
        return "http://127.0.0.1:" + server.port();
    }

    private String start() throws Exception {
        AtomicReference<Server> ref = new AtomicReference<>();
        return start(StatusPage.builder(() -> ref.get().metrics().snapshot()), ref, null);
    }

    @AfterEach
    void stop() {
        if (page != null) {
            page.close();
        }
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
        client.close();
    }

    private HttpResponse<String> get(String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long number(String json, String path) {
        Matcher m = Pattern.compile(Pattern.quote(path) + "\":(\\d+)").matcher(json);
        assertThat(m.find()).as(path + " in " + json).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void thePageItsScriptAndStyleComeFromTheServerWithAStrictPolicy() throws Exception {
        String base = start();
        HttpResponse<String> html = get(base + StatusPage.PATH);
        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(html.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(html.headers().firstValue("content-security-policy").orElseThrow()).startsWith("default-src 'none'")
                .contains("script-src 'self'");
        assertThat(html.body()).contains("/.peregrine/status/status.js").doesNotContain("http://").doesNotContain("https://");
        assertThat(get(base + StatusPage.PATH + "/status.js").body()).contains("new EventSource(\"/.peregrine/status/events\"");
        assertThat(get(base + StatusPage.PATH + "/status.css").headers().firstValue("content-type")).hasValue("text/css; charset=utf-8");
        assertThat(get(base + StatusPage.PATH + "/nothing").statusCode()).isEqualTo(404);
        assertThat(get(base + "/items/7").body()).isEqualTo("item 7"); // everything else passes on
    }

    @Test
    void theSampleCountsWhatTheServerServed() throws Exception {
        String base = start();
        for (int i = 0; i < 7; i++) {
            assertThat(get(base + "/items/" + i).statusCode()).isEqualTo(200);
        }
        assertThat(get(base + "/missing").statusCode()).isEqualTo(404);
        String json = get(base + StatusPage.PATH + "/sample.json").body();
        // The sample request itself is still running when it is taken: 8 requests ended before it.
        assertThat(number(json, "\"requests\":{\"total")).isEqualTo(8);
        // The client can read the sample before the server has recorded that request's end.
        Await.until("the sample request's end", () -> server.metrics().snapshot().total(Instruments.REQUEST_DURATION) >= 9);
        assertThat(server.metrics().snapshot().total(Instruments.REQUEST_DURATION)).isEqualTo(9);
        assertThat(json).contains("\"byStatusClass\":{\"2xx\":7,\"4xx\":1}");
        assertThat(json).contains("\"route\":\"/items/{id}\",\"requests\":7");
        assertThat(number(json, "\"connections\":{\"open")).isEqualTo(1); // the client's one keep-alive connection
    }

    @Test
    void theEventStreamSendsASampleEachIntervalUntilThePageCloses() throws Exception {
        String base = start();
        HttpResponse<InputStream> events = client.send(HttpRequest.newBuilder(URI.create(base + StatusPage.PATH + "/events"))
                .timeout(WAIT).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(events.headers().firstValue("content-type")).hasValue("text/event-stream");
        List<String> data = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(events.body(), StandardCharsets.UTF_8))) {
            for (String line; data.size() < 3 && (line = in.readLine()) != null; ) {
                if (line.startsWith("data: ")) {
                    data.add(line.substring(6));
                    assertThat(get(base + "/items/x").statusCode()).isEqualTo(200); // traffic between samples
                }
            }
            assertThat(data).hasSize(3);
            assertThat(number(data.get(2), "\"requests\":{\"total")).isGreaterThan(number(data.get(0), "\"requests\":{\"total"));
            assertThat(data.get(2)).doesNotContain("\"intervalSeconds\":0,");
            page.close();
            // Reads what is left on its own thread, so a stream that never ends fails the test instead of hanging it.
            Thread drain = Thread.ofVirtual().start(() -> {
                try {
                    while (in.readLine() != null) {
                        // at most the sample that was on its way
                    }
                } catch (java.io.IOException e) {
                    // ended badly: the join below still returns
                }
            });
            assertThat(drain.join(WAIT)).as("the stream ends once the page closes").isTrue();
        }
        HttpResponse<String> after = get(base + StatusPage.PATH + "/events");
        assertThat(after.statusCode()).as("a closed page tells EventSource to stop reconnecting").isEqualTo(204);
    }

    @Test
    void aClientOffLoopbackIsRefusedWithoutTheToken() throws Exception {
        AtomicReference<Server> ref = new AtomicReference<>();
        String base = start(StatusPage.builder(() -> ref.get().metrics().snapshot()), ref,
                new InetSocketAddress("192.0.2.10", 40000));
        assertThat(get(base + StatusPage.PATH).statusCode()).isEqualTo(403);
        assertThat(get(base + StatusPage.PATH + "/sample.json").statusCode()).isEqualTo(403);
        assertThat(get(base + "/items/1").statusCode()).isEqualTo(200);
    }

    @Test
    void aClientOffLoopbackWithTheTokenIsServed() throws Exception {
        AtomicReference<Server> ref = new AtomicReference<>();
        String base = start(StatusPage.builder(() -> ref.get().metrics().snapshot()).token("s3cret"), ref,
                new InetSocketAddress("192.0.2.10", 40000));
        assertThat(get(base + StatusPage.PATH + "?token=wrong").statusCode()).isEqualTo(403);
        assertThat(get(base + StatusPage.PATH + "?token=s3cret").statusCode()).isEqualTo(200);
        assertThat(get(base + StatusPage.PATH + "/sample.json?token=s3cret").statusCode()).isEqualTo(200);
        // The page's script and style URLs carry no token: they must load for it all the same.
        assertThat(get(base + StatusPage.PATH + "/status.js").statusCode()).isEqualTo(200);
        assertThat(get(base + StatusPage.PATH + "/status.css").statusCode()).isEqualTo(200);
        assertThat(get(base + StatusPage.PATH + "/events").statusCode()).isEqualTo(403);
    }
}
