package dev.peregrine.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.observe.metrics.HistogramSnapshot;
import dev.peregrine.observe.metrics.Metric.Kind;
import dev.peregrine.observe.metrics.Metric;
import dev.peregrine.observe.metrics.MetricsSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The exposition formats on bytes: names, suffixes, labels, buckets, and the OpenMetrics differences. */
class PrometheusFormatTest {

    private static MetricsSnapshot snapshot() {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("http.request.method", "GET");
        attrs.put("http.route", "/say/\"hi\"\\n");
        HistogramSnapshot h = new HistogramSnapshot(new double[] {0.5, 1}, new long[] {2, 1, 1}, 3.25);
        return new MetricsSnapshot(Instant.EPOCH, List.of(
                new Metric("http.server.request.duration", "s", "Duration of HTTP server requests.", Kind.HISTOGRAM,
                        List.of(new Metric.HistogramPoint(attrs, h))),
                new Metric("http.server.active_requests", "{request}", "Number of active requests.",
                        Kind.UP_DOWN_COUNTER, List.of(new Metric.LongPoint(Map.of("url.scheme", "http"), 3))),
                new Metric("peregrine.timeouts", "{timeout}", "Deadlines that fired.", Kind.COUNTER,
                        List.of(new Metric.LongPoint(Map.of("peregrine.timeout", "keep_alive"), 7))),
                new Metric("http.server.response.body.size", "By", "Sizes.", Kind.HISTOGRAM, List.of())));
    }

    @Test
    void textFormat004() {
        String text = new String(PrometheusFormat.render(snapshot(), false), StandardCharsets.US_ASCII);
        assertThat(text).isEqualTo("""
                # HELP http_server_request_duration_seconds Duration of HTTP server requests.
                # TYPE http_server_request_duration_seconds histogram
                http_server_request_duration_seconds_bucket{http_request_method="GET",http_route="/say/\\"hi\\"\\\\n",le="0.5"} 2
                http_server_request_duration_seconds_bucket{http_request_method="GET",http_route="/say/\\"hi\\"\\\\n",le="1.0"} 3
                http_server_request_duration_seconds_bucket{http_request_method="GET",http_route="/say/\\"hi\\"\\\\n",le="+Inf"} 4
                http_server_request_duration_seconds_sum{http_request_method="GET",http_route="/say/\\"hi\\"\\\\n"} 3.25
                http_server_request_duration_seconds_count{http_request_method="GET",http_route="/say/\\"hi\\"\\\\n"} 4
                # HELP http_server_active_requests Number of active requests.
                # TYPE http_server_active_requests gauge
                http_server_active_requests{url_scheme="http"} 3
                # HELP peregrine_timeouts_total Deadlines that fired.
                # TYPE peregrine_timeouts_total counter
                peregrine_timeouts_total{peregrine_timeout="keep_alive"} 7
                # HELP http_server_response_body_size_bytes Sizes.
                # TYPE http_server_response_body_size_bytes histogram
                """);
    }

    @Test
    void openMetricsNamesCounterFamiliesWithoutTotalAddsUnitsAndEnds() {
        String text = new String(PrometheusFormat.render(snapshot(), true), StandardCharsets.US_ASCII);
        assertThat(text).contains("""
                # HELP http_server_request_duration_seconds Duration of HTTP server requests.
                # TYPE http_server_request_duration_seconds histogram
                # UNIT http_server_request_duration_seconds seconds
                """);
        assertThat(text).contains("""
                # HELP peregrine_timeouts Deadlines that fired.
                # TYPE peregrine_timeouts counter
                peregrine_timeouts_total{peregrine_timeout="keep_alive"} 7
                """);
        assertThat(text).contains("# UNIT http_server_response_body_size_bytes bytes\n");
        assertThat(text).doesNotContain("# UNIT http_server_active_requests"); // {request} is an annotation, not a unit
        assertThat(text).endsWith("# EOF\n");
    }

    @Test
    void namesAreSanitizedAndUnitsNotRepeated() {
        Metric m = new Metric("a.b-c", "s", "", Kind.COUNTER, List.of());
        assertThat(PrometheusFormat.familyName(m)).isEqualTo("a_b_c_seconds");
        assertThat(PrometheusFormat.familyName(new Metric("x_seconds", "s", "", Kind.COUNTER, List.of())))
                .isEqualTo("x_seconds");
        assertThat(PrometheusFormat.sanitize("1st")).isEqualTo("_st");
    }

    @Test
    void contentNegotiationFollowsTheQValues() {
        // What Prometheus 2.x sends by default: OpenMetrics first.
        assertThat(PrometheusHandler.prefersOpenMetrics("application/openmetrics-text;version=1.0.0,"
                + "application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"))
                .isTrue();
        assertThat(PrometheusHandler.prefersOpenMetrics("text/plain;version=0.0.4;q=1,application/openmetrics-text;q=0.5"))
                .isFalse();
        assertThat(PrometheusHandler.prefersOpenMetrics(null)).isFalse();
        assertThat(PrometheusHandler.prefersOpenMetrics("*/*")).as("no preference: plain text").isFalse();
        assertThat(PrometheusHandler.prefersOpenMetrics("application/openmetrics-text;q=0")).isFalse();
        assertThat(PrometheusHandler.prefersOpenMetrics("application/openmetrics-text, text/plain")).isTrue();
    }
}
