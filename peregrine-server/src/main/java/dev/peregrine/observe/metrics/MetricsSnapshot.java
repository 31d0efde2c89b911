package dev.peregrine.observe.metrics;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every instrument of a server at one moment ({@code server.metrics().snapshot()}), in the shape
 * OpenTelemetry exporters use: a list of {@link Metric}s, each with its points by attribute set.
 * The names are in {@link Instruments}; {@code docs/observability.md} lists each with its unit
 * and attributes. The helpers below answer the usual questions (how many, grouped by what,
 * how slow) without walking the points by hand.
 *
 * <p>A snapshot is taken without stopping the server: instruments are read one after another,
 * so two of them may differ by the requests that ended in between.
 *
 * @param time when the snapshot was taken
 * @param metrics every instrument, in a fixed order; an instrument with nothing recorded has no points
 */
public record MetricsSnapshot(Instant time, List<Metric> metrics) {

    public MetricsSnapshot {
        metrics = List.copyOf(metrics);
    }

    /** The instrument with this name, or {@code null}. */
    public Metric metric(String name) {
        for (Metric m : metrics) {
            if (m.name().equals(name)) {
                return m;
            }
        }
        return null;
    }

    /** The sum over every point of a counter or up-down counter, or the count of a histogram; 0 if unknown. */
    public long total(String name) {
        Metric m = metric(name);
        return m == null ? 0 : m.total();
    }

    /**
     * As {@link #total(String)} over the points whose attributes include every entry of
     * {@code match}, e.g. {@code total(Instruments.ACTIVE_CONNECTIONS, Map.of("network.protocol.version", "2"))}.
     */
    public long total(String name, Map<String, String> match) {
        long n = 0;
        for (Metric.Point p : points(name)) {
            if (matches(p, match)) {
                n += p instanceof Metric.LongPoint l ? l.value() : ((Metric.HistogramPoint) p).histogram().count();
            }
        }
        return n;
    }

    /** The histogram {@code name} merged over the points whose attributes include {@code match}; null if none. */
    public HistogramSnapshot histogram(String name, Map<String, String> match) {
        HistogramSnapshot merged = null;
        for (Metric.Point p : points(name)) {
            if (p instanceof Metric.HistogramPoint h && matches(p, match)) {
                merged = merged == null ? h.histogram() : merged.merge(h.histogram());
            }
        }
        return merged;
    }

    /**
     * Totals of {@code name} grouped by the value of one attribute (points without it are left
     * out): e.g. requests by {@code http.response.status_code}, connections by protocol.
     */
    public Map<String, Long> totalsBy(String name, String attribute) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Metric.Point p : points(name)) {
            String v = p.attributes().get(attribute);
            if (v != null) {
                long n = p instanceof Metric.LongPoint l ? l.value() : ((Metric.HistogramPoint) p).histogram().count();
                out.merge(v, n, Long::sum);
            }
        }
        return out;
    }

    /** Histogram {@code name} merged per value of one attribute (points without it are left out). */
    public Map<String, HistogramSnapshot> histogramsBy(String name, String attribute) {
        Map<String, HistogramSnapshot> out = new LinkedHashMap<>();
        for (Metric.Point p : points(name)) {
            String v = p.attributes().get(attribute);
            if (v != null && p instanceof Metric.HistogramPoint h) {
                out.merge(v, h.histogram(), HistogramSnapshot::merge);
            }
        }
        return out;
    }

    /** A route's requests and their durations (seconds), for a "slowest routes" table. */
    public record RouteStats(String route, long requests, HistogramSnapshot duration) {}

    /** Every matched route with its request count and duration histogram, slowest p99 first. */
    public List<RouteStats> routes() {
        List<RouteStats> out = new ArrayList<>();
        histogramsBy(Instruments.REQUEST_DURATION, Instruments.ATTR_ROUTE)
                .forEach((route, h) -> out.add(new RouteStats(route, h.count(), h)));
        out.sort(Comparator.comparingDouble((RouteStats r) -> r.duration().percentile(0.99)).reversed());
        return out;
    }

    private List<Metric.Point> points(String name) {
        Metric m = metric(name);
        return m == null ? List.of() : m.points();
    }

    private static boolean matches(Metric.Point p, Map<String, String> match) {
        for (Map.Entry<String, String> e : match.entrySet()) {
            if (!e.getValue().equals(p.attributes().get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
