package dev.peregrine.observe.status;

import dev.peregrine.observe.metrics.HistogramSnapshot;
import dev.peregrine.observe.metrics.Instruments;
import dev.peregrine.observe.metrics.MetricsSnapshot;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the status page shows at one moment, computed from two metrics snapshots: totals from the
 * newer one, rates and latency percentiles from the difference between them, so the page shows
 * the last interval rather than the server's whole life. Rendered as one JSON object per
 * Server-Sent Event ({@link #toJson()}); {@code docs/observability.md} lists the fields.
 */
final class StatusSample {

    /** The routes the page lists, slowest first. */
    static final int ROUTES_SHOWN = 8;

    private final MetricsSnapshot now;
    private final MetricsSnapshot before;
    private final double seconds;

    /**
     * @param before the previous snapshot of the same server, or {@code null} for the first sample
     *     (rates are then 0 and percentiles cover everything recorded so far)
     */
    StatusSample(MetricsSnapshot before, MetricsSnapshot now) {
        this.now = now;
        this.before = before;
        this.seconds = before == null ? 0 : Duration.between(before.time(), now.time()).toNanos() / 1e9;
    }

    long requests() {
        return now.total(Instruments.REQUEST_DURATION);
    }

    /** Requests completed per second over the interval. */
    double requestsPerSecond() {
        return rate(requests(), before == null ? 0 : before.total(Instruments.REQUEST_DURATION));
    }

    /** Request durations of the interval alone (everything so far for the first sample). */
    HistogramSnapshot intervalLatency() {
        return delta(now.histogram(Instruments.REQUEST_DURATION, Map.of()),
                before == null ? null : before.histogram(Instruments.REQUEST_DURATION, Map.of()));
    }

    String toJson() {
        Json json = new Json();
        json.open();
        json.field("time", now.time().toEpochMilli());
        json.field("intervalSeconds", seconds);

        json.object("connections");
        json.field("open", now.total(Instruments.ACTIVE_CONNECTIONS));
        json.field("tls", now.total(Instruments.ACTIVE_CONNECTIONS, Map.of(Instruments.ATTR_TLS, "true")));
        json.counts("byProtocol", now.totalsBy(Instruments.ACTIVE_CONNECTIONS, Instruments.ATTR_PROTOCOL_VERSION));
        json.counts("byState", now.totalsBy(Instruments.ACTIVE_CONNECTIONS, Instruments.ATTR_CONNECTION_STATE));
        json.field("accepted", now.total(Instruments.ACCEPTED_CONNECTIONS));
        json.field("rejected", now.total(Instruments.REJECTED_CONNECTIONS));
        json.field("upgraded", now.total(Instruments.UPGRADED_CONNECTIONS));
        json.close();

        json.object("requests");
        json.field("total", requests());
        json.field("perSecond", requestsPerSecond());
        json.field("active", now.total(Instruments.ACTIVE_REQUESTS));
        json.counts("byStatusClass", statusClasses(now.totalsBy(Instruments.REQUEST_DURATION, Instruments.ATTR_STATUS)));
        json.counts("byProtocol", now.totalsBy(Instruments.REQUEST_DURATION, Instruments.ATTR_PROTOCOL_VERSION));
        json.close();

        HistogramSnapshot latency = intervalLatency();
        json.object("latency");
        json.field("count", latency == null ? 0 : latency.count());
        json.field("p50", percentile(latency, 0.50));
        json.field("p90", percentile(latency, 0.90));
        json.field("p99", percentile(latency, 0.99));
        json.close();

        json.object("bytes");
        double in = sum(now, Instruments.REQUEST_BODY_SIZE);
        double out = sum(now, Instruments.RESPONSE_BODY_SIZE);
        json.field("in", in);
        json.field("out", out);
        json.field("inPerSecond", before == null ? 0 : rate(in, sum(before, Instruments.REQUEST_BODY_SIZE)));
        json.field("outPerSecond", before == null ? 0 : rate(out, sum(before, Instruments.RESPONSE_BODY_SIZE)));
        json.close();

        json.object("errors");
        json.counts("badRequests", now.totalsBy(Instruments.BAD_REQUESTS, Instruments.ATTR_STATUS));
        json.field("handlerErrors", now.total(Instruments.HANDLER_ERRORS));
        json.counts("timeouts", now.totalsBy(Instruments.TIMEOUTS, Instruments.ATTR_TIMEOUT));
        json.counts("protocolErrors", now.totalsBy(Instruments.PROTOCOL_ERRORS, Instruments.ATTR_ERROR_CODE));
        json.counts("streamResets", now.totalsBy(Instruments.STREAM_RESETS, Instruments.ATTR_ERROR_CODE));
        json.field("acceptErrors", now.total(Instruments.ACCEPT_ERRORS));
        json.close();

        json.object("tls");
        HistogramSnapshot handshakes = now.histogram(Instruments.TLS_HANDSHAKE_DURATION, Map.of());
        long failed = 0;
        for (long n : now.totalsBy(Instruments.TLS_HANDSHAKE_DURATION, Instruments.ATTR_ERROR_TYPE).values()) {
            failed += n;
        }
        json.field("handshakes", handshakes == null ? 0 : handshakes.count());
        json.field("failed", failed);
        json.field("active", now.total(Instruments.ACTIVE_TLS_HANDSHAKES));
        json.field("p50", percentile(handshakes, 0.50));
        json.close();

        json.array("routes");
        List<MetricsSnapshot.RouteStats> routes = now.routes();
        for (int i = 0; i < Math.min(ROUTES_SHOWN, routes.size()); i++) {
            MetricsSnapshot.RouteStats r = routes.get(i);
            json.open();
            json.field("route", r.route());
            json.field("requests", r.requests());
            json.field("p50", r.duration().percentile(0.50));
            json.field("p99", r.duration().percentile(0.99));
            json.close();
        }
        json.closeArray();
        json.close();
        return json.toString();
    }

    private double rate(double now, double before) {
        return seconds <= 0 ? 0 : Math.max(0, now - before) / seconds;
    }

    private static double sum(MetricsSnapshot s, String histogram) {
        HistogramSnapshot h = s.histogram(histogram, Map.of());
        return h == null ? 0 : h.sum();
    }

    private static double percentile(HistogramSnapshot h, double q) {
        return h == null ? 0 : h.percentile(q);
    }

    /** {@code now - before} bucket by bucket: the values recorded in between. */
    static HistogramSnapshot delta(HistogramSnapshot now, HistogramSnapshot before) {
        if (now == null || before == null || before.counts().length != now.counts().length) {
            return now;
        }
        long[] counts = new long[now.counts().length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = Math.max(0, now.counts()[i] - before.counts()[i]);
        }
        return new HistogramSnapshot(now.bounds(), counts, Math.max(0, now.sum() - before.sum()));
    }

    /** {@code 200 -> n, 404 -> m} as {@code 2xx -> n, 4xx -> m}, in class order. */
    static Map<String, Long> statusClasses(Map<String, Long> byStatus) {
        Map<String, Long> classes = new TreeMap<>();
        byStatus.forEach((status, n) -> {
            String key = status.length() == 3 ? status.charAt(0) + "xx" : status;
            classes.merge(key, n, Long::sum);
        });
        return new LinkedHashMap<>(classes);
    }
}
