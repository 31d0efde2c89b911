package dev.peregrine.observe.metrics;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One instrument in a {@link MetricsSnapshot}: its OpenTelemetry name, unit (UCUM, as OpenTelemetry
 * writes it: {@code s}, {@code By}, {@code {request}}), description, kind, and one point per
 * attribute set that was recorded.
 *
 * @param name e.g. {@code http.server.request.duration}
 * @param unit e.g. {@code s}
 * @param description one sentence, used as Prometheus's {@code # HELP}
 * @param kind what the points mean
 * @param points one per attribute set, in a stable order
 */
public record Metric(String name, String unit, String description, Kind kind, List<Point> points) {

    /** OpenTelemetry's instrument kinds, as far as Peregrine uses them. */
    public enum Kind {
        /** A monotonic sum (Prometheus {@code counter}). */
        COUNTER,
        /** A sum that goes up and down: a count of things open right now (Prometheus {@code gauge}). */
        UP_DOWN_COUNTER,
        /** A distribution (Prometheus {@code histogram}). */
        HISTOGRAM
    }

    public Metric {
        Objects.requireNonNull(name);
        points = List.copyOf(points);
    }

    /** A value of one attribute set: a {@link LongPoint} for sums, a {@link HistogramPoint} for histograms. */
    public sealed interface Point permits LongPoint, HistogramPoint {
        /** Attribute names (OpenTelemetry's, with dots) to values, in a fixed order; empty for none. */
        Map<String, String> attributes();
    }

    /** The value of a counter or up-down counter for one attribute set. */
    public record LongPoint(Map<String, String> attributes, long value) implements Point {}

    /** The distribution of a histogram for one attribute set. */
    public record HistogramPoint(Map<String, String> attributes, HistogramSnapshot histogram) implements Point {}

    /** The sum of every point's value (counters), or every point's count (histograms). */
    public long total() {
        long n = 0;
        for (Point p : points) {
            n += p instanceof LongPoint l ? l.value() : ((HistogramPoint) p).histogram().count();
        }
        return n;
    }
}
