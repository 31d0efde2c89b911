package dev.peregrine.observe.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.observe.metrics.HistogramSnapshot;
import dev.peregrine.observe.metrics.Instruments;
import dev.peregrine.observe.metrics.Metric;
import dev.peregrine.observe.metrics.MetricsSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusSampleTest {

    private static final double[] BOUNDS = {0.001, 0.002, 0.004, 0.008};
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    /** Requests with these durations (seconds) in buckets: counts[i] values at BOUNDS[i]. */
    private static Metric durations(Map<String, String> attributes, long... counts) {
        double sum = 0;
        for (int i = 0; i < counts.length - 1; i++) {
            sum += counts[i] * BOUNDS[i];
        }
        return new Metric(Instruments.REQUEST_DURATION, "s", "", Metric.Kind.HISTOGRAM,
                List.of(new Metric.HistogramPoint(attributes, new HistogramSnapshot(BOUNDS, counts, sum))));
    }

    private static Metric gauge(String name, Map<String, String> attributes, long value) {
        return new Metric(name, "1", "", Metric.Kind.UP_DOWN_COUNTER, List.of(new Metric.LongPoint(attributes, value)));
    }

    private static MetricsSnapshot snapshot(Instant time, Metric... metrics) {
        return new MetricsSnapshot(time, new ArrayList<>(List.of(metrics)));
    }

    @Test
    void ratesAndPercentilesCoverTheIntervalNotTheServersLife() {
        // 1,000 fast requests long ago, then 20 slow ones in the last two seconds.
        MetricsSnapshot before = snapshot(T0, durations(Map.of(Instruments.ATTR_STATUS, "200"), 1000, 0, 0, 0, 0));
        MetricsSnapshot now = snapshot(T0.plusSeconds(2), durations(Map.of(Instruments.ATTR_STATUS, "200"), 1000, 0, 0, 20, 0));
        StatusSample sample = new StatusSample(before, now);

        assertThat(sample.requests()).isEqualTo(1020);
        assertThat(sample.requestsPerSecond()).isEqualTo(10.0);
        HistogramSnapshot window = sample.intervalLatency();
        assertThat(window.count()).isEqualTo(20);
        assertThat(window.percentile(0.5)).isBetween(0.004, 0.008); // the slow bucket, not the fast history
        assertThat(sample.toJson()).contains("\"perSecond\":10,").contains("\"intervalSeconds\":2,");
    }

    @Test
    void theFirstSampleHasNoRatesAndCountsEverything() {
        StatusSample sample = new StatusSample(null, snapshot(T0, durations(Map.of(), 5, 0, 0, 0, 0)));
        assertThat(sample.requestsPerSecond()).isZero();
        assertThat(sample.intervalLatency().count()).isEqualTo(5);
    }

    @Test
    void jsonCarriesConnectionsByProtocolAndStateAndStatusClasses() {
        MetricsSnapshot now = snapshot(T0,
                new Metric(Instruments.ACTIVE_CONNECTIONS, "1", "", Metric.Kind.UP_DOWN_COUNTER, List.of(
                        new Metric.LongPoint(Map.of(Instruments.ATTR_PROTOCOL_VERSION, "1.1", Instruments.ATTR_TLS, "false",
                                Instruments.ATTR_CONNECTION_STATE, "idle"), 3),
                        new Metric.LongPoint(Map.of(Instruments.ATTR_PROTOCOL_VERSION, "2", Instruments.ATTR_TLS, "true"), 2))),
                new Metric(Instruments.REQUEST_DURATION, "s", "", Metric.Kind.HISTOGRAM, List.of(
                        new Metric.HistogramPoint(Map.of(Instruments.ATTR_STATUS, "200"), new HistogramSnapshot(BOUNDS, new long[] {4, 0, 0, 0, 0}, 0.004)),
                        new Metric.HistogramPoint(Map.of(Instruments.ATTR_STATUS, "204"), new HistogramSnapshot(BOUNDS, new long[] {1, 0, 0, 0, 0}, 0.001)),
                        new Metric.HistogramPoint(Map.of(Instruments.ATTR_STATUS, "404"), new HistogramSnapshot(BOUNDS, new long[] {2, 0, 0, 0, 0}, 0.002)))),
                gauge(Instruments.ACTIVE_REQUESTS, Map.of(), 1));
        String json = new StatusSample(null, now).toJson();
        assertThat(json).contains("\"connections\":{\"open\":5,\"tls\":2,\"byProtocol\":{\"1.1\":3,\"2\":2},\"byState\":{\"idle\":3}")
                .contains("\"byStatusClass\":{\"2xx\":5,\"4xx\":2}")
                .contains("\"active\":1");
    }

    @Test
    void statusClassesGroupByFirstDigitInOrder() {
        assertThat(StatusSample.statusClasses(Map.of("503", 1L, "200", 2L, "201", 3L, "101", 4L)))
                .containsExactly(Map.entry("1xx", 4L), Map.entry("2xx", 5L), Map.entry("5xx", 1L));
    }

    @Test
    void jsonEscapesRouteTemplatesAndSeparatesMembers() {
        Json json = new Json();
        json.open();
        json.field("route", "/a\"b\\c\n\u2028");
        json.array("list");
        json.open();
        json.field("x", 1);
        json.close();
        json.open();
        json.field("y", 2.5);
        json.field("z", Double.NaN);
        json.close();
        json.closeArray();
        json.close();
        assertThat(json.toString()).isEqualTo("{\"route\":\"/a\\\"b\\\\c\\n\\u2028\",\"list\":[{\"x\":1},{\"y\":2.5,\"z\":0}]}");
    }
}
