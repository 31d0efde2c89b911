package dev.peregrine.e2e.h2;

import static dev.peregrine.observe.metrics.Instruments.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.Handler;
import dev.peregrine.api.Router;
import dev.peregrine.observe.PrometheusHandler;
import dev.peregrine.observe.metrics.HistogramSnapshot;
import dev.peregrine.observe.metrics.MetricsSnapshot;
import dev.peregrine.server.Http2Options;
import dev.peregrine.server.Server;
import dev.peregrine.server.ServerOptions;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Known traffic over real sockets with the JDK client, then the metrics: the snapshot API and
 * the Prometheus endpoint must count exactly what was sent, for HTTP/1.1 on the plain listener
 * and HTTP/2 on the TLS one. Each test uses routes of its own, so they do not see each other.
 */
@Timeout(60)
class MetricsEndToEndTest {

    static Server server;
    static final PrometheusHandler metrics = new PrometheusHandler();

    static Handler app() {
        return Router.builder()
                .get("/users/{id}", (req, res) -> res.send("user " + req.pathParam("id")))
                .post("/echo", (req, res) -> res.send(req.bodyBytes()))
                .get("/boom", (req, res) -> {
                    throw new IllegalStateException("boom (expected by the test)");
                })
                .get("/hello", (req, res) -> res.send("hello"))
                .head("/h2-head", (req, res) -> res.send("not sent"))
                .get("/metrics", metrics)
                .build();
    }

    @BeforeAll
    static void start() throws Exception {
        server = H2.start(app(), H2.options(Http2Options.defaults()));
        metrics.bind(server.metrics());
    }

    @AfterAll
    static void stop() {
        H2.stop(server);
    }

    private static Map<String, String> h1(String method, String status, String route) {
        return Map.of(ATTR_METHOD, method, ATTR_STATUS, status, ATTR_ROUTE, route, ATTR_PROTOCOL_VERSION, "1.1",
                ATTR_SCHEME, "http");
    }

    @Test
    void http11RequestsAreCountedByRouteStatusAndBodySizeInTheSnapshotAndOnTheEndpoint() throws Exception {
        HttpClient client = H2.client(HttpClient.Version.HTTP_1_1);
        for (int i = 1; i <= 3; i++) {
            assertThat(client.send(H2.request(H2.http(server, "/users/" + i)).build(), BodyHandlers.ofString()).body())
                    .isEqualTo("user " + i);
        }
        byte[] upload = new byte[1000];
        for (int i = 0; i < 2; i++) {
            client.send(H2.request(H2.http(server, "/echo")).POST(BodyPublishers.ofByteArray(upload)).build(),
                    BodyHandlers.ofByteArray());
        }
        assertThat(client.send(H2.request(H2.http(server, "/boom")).build(), BodyHandlers.discarding()).statusCode())
                .isEqualTo(500);
        assertThat(client.send(H2.request(H2.http(server, "/no/such/route")).build(), BodyHandlers.discarding())
                .statusCode()).isEqualTo(404);

        // The response can reach the client a moment before the server records its end.
        H2.await("the 404 to be recorded", () -> server.metrics().snapshot().total(REQUEST_DURATION,
                Map.of(ATTR_STATUS, "404", ATTR_PROTOCOL_VERSION, "1.1")) == 1);
        MetricsSnapshot s = server.metrics().snapshot();
        assertThat(s.histogram(REQUEST_DURATION, h1("GET", "200", "/users/{id}")).count()).isEqualTo(3);
        HistogramSnapshot requestBodies = s.histogram(REQUEST_BODY_SIZE, h1("POST", "200", "/echo"));
        assertThat(requestBodies.count()).isEqualTo(2);
        assertThat(requestBodies.sum()).isEqualTo(2000);
        assertThat(s.histogram(RESPONSE_BODY_SIZE, h1("POST", "200", "/echo")).sum()).isEqualTo(2000);
        assertThat(s.histogram(RESPONSE_BODY_SIZE, h1("GET", "200", "/users/{id}")).sum())
                .isEqualTo(3 * "user 1".length());
        // A 5xx is an error: error.type is its status code (OpenTelemetry's HTTP conventions).
        assertThat(s.total(REQUEST_DURATION, Map.of(ATTR_ROUTE, "/boom", ATTR_STATUS, "500", ATTR_ERROR_TYPE, "500")))
                .isEqualTo(1);
        assertThat(s.total(HANDLER_ERRORS)).isGreaterThanOrEqualTo(1);
        // No route matched: no http.route attribute at all.
        assertThat(s.metric(REQUEST_DURATION).points()).anySatisfy(p -> {
            assertThat(p.attributes()).containsEntry(ATTR_STATUS, "404").doesNotContainKey(ATTR_ROUTE);
        });
        assertThat(s.routes()).extracting(MetricsSnapshot.RouteStats::route).contains("/users/{id}", "/echo");
        // The client keeps its connection: an open, plain HTTP/1.1 connection, idle now.
        assertThat(s.total(ACTIVE_CONNECTIONS, Map.of(ATTR_PROTOCOL_VERSION, "1.1", ATTR_TLS, "false")))
                .isGreaterThanOrEqualTo(1);

        HttpResponse<String> scrape = client.send(H2.request(H2.http(server, "/metrics"))
                .header("accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")
                .build(), BodyHandlers.ofString());
        assertThat(scrape.headers().firstValue("content-type")).hasValue(
                "application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(scrape.body()).contains(
                "http_server_request_duration_seconds_count{http_request_method=\"GET\",http_response_status_code=\"200\","
                        + "http_route=\"/users/{id}\",network_protocol_version=\"1.1\",url_scheme=\"http\"} 3\n",
                "http_server_request_body_size_bytes_sum{http_request_method=\"POST\",http_response_status_code=\"200\","
                        + "http_route=\"/echo\",network_protocol_version=\"1.1\",url_scheme=\"http\"} 2000.0\n",
                "# TYPE peregrine_handler_errors counter\n",
                "# UNIT http_server_request_duration_seconds seconds\n");
        assertThat(scrape.body()).endsWith("# EOF\n");
        HttpResponse<String> text = client.send(H2.request(H2.http(server, "/metrics")).build(), BodyHandlers.ofString());
        assertThat(text.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(text.body()).contains("# TYPE peregrine_handler_errors_total counter\n").doesNotContain("# EOF");
    }

    @Test
    void http2RequestsStreamsAndTheTlsHandshakeAreRecordedThroughTheSameExchange() throws Exception {
        HttpClient client = H2.client(HttpClient.Version.HTTP_2);
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> r = client.send(H2.request(H2.https(server, "/hello")).build(), BodyHandlers.ofString());
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
        }
        HttpResponse<Void> head = client.send(H2.request(H2.https(server, "/h2-head"))
                .method("HEAD", BodyPublishers.noBody()).build(), BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(200);
        Map<String, String> hello = Map.of(ATTR_ROUTE, "/hello", ATTR_PROTOCOL_VERSION, "2", ATTR_SCHEME, "https",
                ATTR_STATUS, "200", ATTR_METHOD, "GET");
        H2.await("the four HTTP/2 requests to be recorded",
                () -> server.metrics().snapshot().total(REQUEST_DURATION, hello) == 4
                        && server.metrics().snapshot().total(REQUEST_DURATION, Map.of(ATTR_ROUTE, "/h2-head")) == 1);
        MetricsSnapshot s = server.metrics().snapshot();
        assertThat(s.histogram(RESPONSE_BODY_SIZE, hello).sum()).isEqualTo(4 * "hello".length());
        assertThat(s.histogram(RESPONSE_BODY_SIZE, Map.of(ATTR_ROUTE, "/h2-head")).sum())
                .as("HEAD sends no body").isZero();
        assertThat(s.total(STREAMS, Map.of(ATTR_PROTOCOL_VERSION, "2"))).isGreaterThanOrEqualTo(5);
        assertThat(s.total(TLS_HANDSHAKE_DURATION, Map.of(ATTR_TLS_VERSION, "1.3"))).isGreaterThanOrEqualTo(1);
        assertThat(s.total(ACTIVE_CONNECTIONS, Map.of(ATTR_PROTOCOL_VERSION, "2", ATTR_TLS, "true")))
                .isGreaterThanOrEqualTo(1);
        assertThat(s.histogram(REQUEST_DURATION, hello).percentile(0.99)).isGreaterThan(0);
    }

    @Test
    void aServerWithMetricsOffRecordsNothingPerRequest() throws Exception {
        Server off = H2.start(app(), ServerOptions.builder().metrics(false).build());
        try {
            HttpClient client = H2.client(HttpClient.Version.HTTP_1_1);
            client.send(H2.request(H2.http(off, "/users/1")).build(), BodyHandlers.discarding());
            client.send(H2.request(H2.http(off, "/boom")).build(), BodyHandlers.discarding());
            H2.client(HttpClient.Version.HTTP_2).send(H2.request(H2.https(off, "/hello")).build(),
                    BodyHandlers.discarding());
            MetricsSnapshot s = off.metrics().snapshot();
            assertThat(s.metric(REQUEST_DURATION).points()).isEmpty();
            assertThat(s.metric(ACTIVE_REQUESTS).points()).isEmpty();
            assertThat(s.metric(ACTIVE_CONNECTIONS).points()).isEmpty();
            assertThat(s.metric(TLS_HANDSHAKE_DURATION).points()).isEmpty();
            assertThat(s.total(STREAMS)).isZero();
            assertThat(off.metrics().requests()).isZero();
            assertThat(off.metrics().handlerErrors()).isZero();
            // What the connection limit needs is still counted.
            assertThat(off.metrics().acceptedConnections()).isGreaterThanOrEqualTo(2);
        } finally {
            H2.stop(off);
        }
    }
}
