package dev.peregrine.opentelemetry;

import static dev.peregrine.observe.metrics.Instruments.*;

import dev.peregrine.observe.metrics.MeasurementListener;
import dev.peregrine.observe.metrics.Metric;
import dev.peregrine.observe.metrics.MetricsSnapshot;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.DoubleHistogramBuilder;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server's histograms as OpenTelemetry synchronous histograms, fed value by value from the
 * server's {@link MeasurementListener} hook (the API takes no pre-aggregated buckets). The
 * {@link Attributes} of an attribute set are made once: the server hands the same map instance
 * for the same set each time, so they are found by identity, without hashing the map.
 */
final class HistogramRecorder implements MeasurementListener {

    private static final double NANOS_PER_SECOND = 1e9;
    /** The semantic conventions' advice for {@code http.server.request.duration}, seconds. */
    private static final List<Double> REQUEST_SECONDS =
            List.of(0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0);
    /** Connections live far longer than requests (Kestrel's advice for its connection duration). */
    private static final List<Double> CONNECTION_SECONDS =
            List.of(0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0);

    private final DoubleHistogram requestDuration;
    private final LongHistogram requestBodySize;
    private final LongHistogram responseBodySize;
    private final DoubleHistogram connectionDuration;
    private final DoubleHistogram tlsHandshakeDuration;
    /**
     * Copied on write and never changed once published, so reads take no lock. Bounded: the
     * server caps its request attribute sets (1024 and one overflow set), and connections and
     * handshakes have a few fixed ones.
     */
    private volatile IdentityHashMap<Map<String, String>, Attributes> attributes = new IdentityHashMap<>();

    private HistogramRecorder(Meter meter, MetricsSnapshot described) {
        requestDuration = seconds(meter, described, REQUEST_DURATION, REQUEST_SECONDS);
        requestBodySize = bytes(meter, described, REQUEST_BODY_SIZE);
        responseBodySize = bytes(meter, described, RESPONSE_BODY_SIZE);
        connectionDuration = seconds(meter, described, CONNECTION_DURATION, CONNECTION_SECONDS);
        tlsHandshakeDuration = seconds(meter, described, TLS_HANDSHAKE_DURATION, REQUEST_SECONDS);
    }

    /** The histograms, named, described and with units as in {@code described}, the server's snapshot. */
    static HistogramRecorder create(Meter meter, MetricsSnapshot described) {
        return new HistogramRecorder(meter, described);
    }

    private static DoubleHistogram seconds(Meter meter, MetricsSnapshot described, String name, List<Double> bounds) {
        Metric m = described.metric(name);
        DoubleHistogramBuilder b = meter.histogramBuilder(name).setUnit(m.unit()).setDescription(m.description());
        return b.setExplicitBucketBoundariesAdvice(bounds).build();
    }

    private static LongHistogram bytes(Meter meter, MetricsSnapshot described, String name) {
        Metric m = described.metric(name);
        return meter.histogramBuilder(name).setUnit(m.unit()).setDescription(m.description()).ofLongs().build();
    }

    @Override
    public void requestEnded(Map<String, String> attributes, long durationNanos, long requestBodyBytes,
            long responseBodyBytes) {
        Attributes a = attributes(attributes);
        requestDuration.record(durationNanos / NANOS_PER_SECOND, a);
        requestBodySize.record(requestBodyBytes, a);
        responseBodySize.record(responseBodyBytes, a);
    }

    @Override
    public void connectionClosed(Map<String, String> attributes, long durationNanos) {
        connectionDuration.record(durationNanos / NANOS_PER_SECOND, attributes(attributes));
    }

    @Override
    public void tlsHandshakeEnded(Map<String, String> attributes, long durationNanos) {
        tlsHandshakeDuration.record(durationNanos / NANOS_PER_SECOND, attributes(attributes));
    }

    private Attributes attributes(Map<String, String> key) {
        Attributes a = attributes.get(key);
        return a != null ? a : add(key);
    }

    private synchronized Attributes add(Map<String, String> key) {
        Attributes a = attributes.get(key);
        if (a == null) {
            IdentityHashMap<Map<String, String>, Attributes> next = new IdentityHashMap<>(attributes);
            a = MetricAttributes.of(key);
            next.put(key, a);
            attributes = next;
        }
        return a;
    }
}
