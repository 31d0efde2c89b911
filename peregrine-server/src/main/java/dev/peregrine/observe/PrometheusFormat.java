package dev.peregrine.observe;

import dev.peregrine.observe.metrics.HistogramSnapshot;
import dev.peregrine.observe.metrics.Metric;
import dev.peregrine.observe.metrics.MetricsSnapshot;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes a {@link MetricsSnapshot} in the Prometheus text exposition format 0.0.4 or in
 * OpenMetrics 1.0, naming things as OpenTelemetry's Prometheus exporter does: dots (and any
 * other character Prometheus does not allow) become underscores, the unit becomes a suffix
 * ({@code s} → {@code _seconds}, {@code By} → {@code _bytes}; annotations such as
 * {@code {request}} add none), counters get {@code _total}, histograms
 * {@code _bucket{le=...}} (cumulative, ending with {@code +Inf}), {@code _sum} and {@code _count}.
 */
final class PrometheusFormat {

    static final String TEXT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    static final String OPENMETRICS_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private PrometheusFormat() {}

    static byte[] render(MetricsSnapshot snapshot, boolean openMetrics) {
        StringBuilder out = new StringBuilder(4096);
        for (Metric m : snapshot.metrics()) {
            write(out, m, openMetrics);
        }
        if (openMetrics) {
            out.append("# EOF\n");
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The metric family's name: the OpenTelemetry name sanitized, with its unit as a suffix. */
    static String familyName(Metric m) {
        String name = sanitize(m.name());
        String unit = unitSuffix(m.unit());
        if (!unit.isEmpty() && !name.endsWith("_" + unit)) {
            name = name + "_" + unit;
        }
        return name;
    }

    static String unitSuffix(String unit) {
        return switch (unit) {
            case "s" -> "seconds";
            case "By" -> "bytes";
            case "ms" -> "milliseconds";
            case "1" -> "ratio";
            default -> unit.startsWith("{") ? "" : sanitize(unit);
        };
    }

    static String sanitize(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':'
                    || c >= '0' && c <= '9' && i > 0;
            b.append(ok ? c : '_');
        }
        return b.toString();
    }

    private static void write(StringBuilder out, Metric m, boolean openMetrics) {
        String family = familyName(m);
        String type = switch (m.kind()) {
            case COUNTER -> "counter";
            case UP_DOWN_COUNTER -> "gauge";
            case HISTOGRAM -> "histogram";
        };
        // Text 0.0.4 names a counter's family with its _total; OpenMetrics names it without.
        String header = m.kind() == Metric.Kind.COUNTER && !openMetrics ? family + "_total" : family;
        out.append("# HELP ").append(header).append(' ');
        escapeHelp(out, m.description());
        out.append('\n');
        out.append("# TYPE ").append(header).append(' ').append(type).append('\n');
        String unit = unitSuffix(m.unit());
        if (openMetrics && !unit.isEmpty()) {
            out.append("# UNIT ").append(header).append(' ').append(unit).append('\n');
        }
        for (Metric.Point p : m.points()) {
            switch (p) {
                case Metric.LongPoint l -> {
                    out.append(family).append(m.kind() == Metric.Kind.COUNTER ? "_total" : "");
                    labels(out, l.attributes(), null);
                    out.append(' ').append(l.value()).append('\n');
                }
                case Metric.HistogramPoint h -> histogram(out, family, h.attributes(), h.histogram());
            }
        }
    }

    private static void histogram(StringBuilder out, String family, Map<String, String> attributes,
            HistogramSnapshot h) {
        long cumulative = 0;
        double[] bounds = h.bounds();
        long[] counts = h.counts();
        for (int i = 0; i <= bounds.length; i++) {
            cumulative += counts[i];
            out.append(family).append("_bucket");
            labels(out, attributes, i < bounds.length ? formatDouble(bounds[i]) : "+Inf");
            out.append(' ').append(cumulative).append('\n');
        }
        out.append(family).append("_sum");
        labels(out, attributes, null);
        out.append(' ').append(formatDouble(h.sum())).append('\n');
        out.append(family).append("_count");
        labels(out, attributes, null);
        out.append(' ').append(cumulative).append('\n');
    }

    static String formatDouble(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v) + ".0";
        }
        return Double.toString(v);
    }

    private static void labels(StringBuilder out, Map<String, String> attributes, String le) {
        if (attributes.isEmpty() && le == null) {
            return;
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append(sanitize(e.getKey())).append("=\"");
            escapeLabel(out, e.getValue());
            out.append('"');
        }
        if (le != null) {
            out.append(first ? "" : ",").append("le=\"").append(le).append('"');
        }
        out.append('}');
    }

    private static void escapeLabel(StringBuilder out, String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }

    private static void escapeHelp(StringBuilder out, String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> out.append(c);
            }
        }
    }
}
