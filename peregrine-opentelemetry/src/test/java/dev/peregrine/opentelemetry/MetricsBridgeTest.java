package dev.peregrine.opentelemetry;

import static dev.peregrine.observe.metrics.Instruments.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.Router;
import dev.peregrine.server.Server;
import dev.peregrine.transport.Endpoint;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.Collection;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The metrics bridge against the SDK's in-memory reader, over a real server and the JDK client:
 * known traffic, then the exported names, units, kinds, attributes and counts.
 */
@Timeout(60)
class MetricsBridgeTest {

    static final Attributes USERS_200 = Attributes.builder()
            .put(ATTR_METHOD, "GET").put(ATTR_STATUS, 200L).put(ATTR_ROUTE, "/users/{id}")
            .put(ATTR_PROTOCOL_VERSION, "1.1").put(ATTR_SCHEME, "http").build();
    static final Attributes NOT_FOUND = Attributes.builder()
            .put(ATTR_METHOD, "GET").put(ATTR_STATUS, 404L)
            .put(ATTR_PROTOCOL_VERSION, "1.1").put(ATTR_SCHEME, "http").build();

    InMemoryMetricReader reader;
    OpenTelemetrySdk sdk;
    Server server;
    HttpClient client;

    @BeforeEach
    void start() throws Exception {
        reader = InMemoryMetricReader.create();
        sdk = OpenTelemetrySdk.builder()
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build())
                .build();
        server = Server.builder().listen(Endpoint.tcp("127.0.0.1", 0))
                .handler(Router.builder().get("/users/{id}", (req, res) -> res.send("user " + req.pathParam("id")))
                        .build())
                .start();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
        sdk.close();
    }

    @Test
    void requestHistogramsCarryTheRouteTemplateAndCountEachRequest() throws Exception {
        PeregrineTelemetry.create(sdk).metrics(server);
        for (int i = 1; i <= 3; i++) {
            assertThat(get("/users/" + i)).isEqualTo(200);
        }
        assertThat(get("/nope")).isEqualTo(404);
        // The server records a request once its response is out, so possibly after the client has it.
        awaitCondition(() -> histogramCount(reader.collectAllMetrics(), REQUEST_DURATION) == 4, "4 requests exported");

        Collection<MetricData> metrics = reader.collectAllMetrics();
        MetricData duration = metric(metrics, REQUEST_DURATION).orElseThrow();
        assertThat(duration.getUnit()).isEqualTo("s");
        assertThat(duration.getDescription()).isEqualTo("Duration of HTTP server requests.");
        assertThat(duration.getType()).isEqualTo(MetricDataType.HISTOGRAM);
        assertThat(duration.getInstrumentationScopeInfo().getName()).isEqualTo(PeregrineTelemetry.SCOPE);
        assertThat(histogramPoint(duration, USERS_200).getCount()).isEqualTo(3);
        assertThat(histogramPoint(duration, USERS_200).getSum()).isPositive();
        assertThat(histogramPoint(duration, NOT_FOUND).getCount()).isEqualTo(1);
        assertThat(histogramPoint(duration, USERS_200).getBoundaries()).startsWith(0.005, 0.01);

        MetricData responseBody = metric(metrics, RESPONSE_BODY_SIZE).orElseThrow();
        assertThat(responseBody.getUnit()).isEqualTo("By");
        assertThat(histogramPoint(responseBody, USERS_200).getSum()).isEqualTo("user 1".length() * 3.0);
        MetricData requestBody = metric(metrics, REQUEST_BODY_SIZE).orElseThrow();
        assertThat(histogramPoint(requestBody, USERS_200).getSum()).isZero();
    }

    @Test
    void countersAndUpDownCountersAreObservedFromTheSnapshot() throws Exception {
        PeregrineTelemetry.create(sdk).metrics(server);
        assertThat(get("/users/1")).isEqualTo(200);
        awaitCondition(() -> histogramCount(reader.collectAllMetrics(), REQUEST_DURATION) == 1, "the request exported");

        Collection<MetricData> metrics = reader.collectAllMetrics();
        MetricData accepted = metric(metrics, ACCEPTED_CONNECTIONS).orElseThrow();
        assertThat(accepted.getType()).isEqualTo(MetricDataType.LONG_SUM);
        assertThat(accepted.getLongSumData().isMonotonic()).isTrue();
        assertThat(accepted.getUnit()).isEqualTo("{connection}");
        assertThat(accepted.getDescription()).isEqualTo("Number of connections accepted.");
        assertThat(accepted.getLongSumData().getPoints()).singleElement()
                .satisfies(p -> assertThat(p.getValue()).isEqualTo(1));

        MetricData active = metric(metrics, ACTIVE_REQUESTS).orElseThrow();
        assertThat(active.getLongSumData().isMonotonic()).isFalse();
        assertThat(active.getUnit()).isEqualTo("{request}");
        LongPointData activeGet = active.getLongSumData().getPoints().stream()
                .filter(p -> "GET".equals(p.getAttributes().get(AttributeKey.stringKey(ATTR_METHOD))))
                .findFirst().orElseThrow();
        assertThat(activeGet.getValue()).isZero();
        assertThat(activeGet.getAttributes().get(AttributeKey.stringKey(ATTR_SCHEME))).isEqualTo("http");

        // The client keeps its connection open: one HTTP/1.1 connection, idle or busy.
        MetricData connections = metric(metrics, ACTIVE_CONNECTIONS).orElseThrow();
        assertThat(connections.getLongSumData().isMonotonic()).isFalse();
        long open = connections.getLongSumData().getPoints().stream()
                .filter(p -> "1.1".equals(p.getAttributes().get(AttributeKey.stringKey(ATTR_PROTOCOL_VERSION))))
                .mapToLong(LongPointData::getValue).sum();
        assertThat(open).isEqualTo(1);
        MetricData upgraded = metric(metrics, UPGRADED_CONNECTIONS).orElseThrow();
        assertThat(upgraded.getLongSumData().getPoints()).singleElement()
                .satisfies(p -> assertThat(p.getValue()).isZero());
    }

    @Test
    void closingTheRegistrationStopsBothCallbacksAndHistograms() throws Exception {
        PeregrineTelemetry.Registration registration = PeregrineTelemetry.create(sdk).metrics(server);
        assertThat(get("/users/1")).isEqualTo(200);
        awaitCondition(() -> histogramCount(reader.collectAllMetrics(), REQUEST_DURATION) == 1, "the request exported");
        registration.close();
        registration.close(); // idempotent

        assertThat(get("/users/2")).isEqualTo(200);
        awaitCondition(() -> server.metrics().snapshot().total(REQUEST_DURATION) == 2, "the server recorded it");
        Collection<MetricData> after = reader.collectAllMetrics();
        assertThat(metric(after, ACCEPTED_CONNECTIONS)).isEmpty();
        assertThat(histogramCount(after, REQUEST_DURATION)).isLessThanOrEqualTo(1);
    }

    private int get(String path) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + server.port() + path);
        return client.send(HttpRequest.newBuilder(uri).build(), BodyHandlers.discarding()).statusCode();
    }

    private static Optional<MetricData> metric(Collection<MetricData> metrics, String name) {
        return metrics.stream().filter(m -> m.getName().equals(name)).findFirst();
    }

    private static long histogramCount(Collection<MetricData> metrics, String name) {
        return metric(metrics, name)
                .map(m -> m.getHistogramData().getPoints().stream().mapToLong(HistogramPointData::getCount).sum())
                .orElse(0L);
    }

    private static HistogramPointData histogramPoint(MetricData metric, Attributes attributes) {
        return metric.getHistogramData().getPoints().stream()
                .filter(p -> p.getAttributes().equals(attributes))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no point " + attributes + " in " + metric));
    }

    static void awaitCondition(BooleanSupplier condition, String what) {
        dev.peregrine.testkit.Await.until(what, condition);
    }
}
