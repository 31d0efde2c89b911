package dev.peregrine.opentelemetry;

import dev.peregrine.observe.metrics.Metric;
import dev.peregrine.observe.metrics.MetricsSnapshot;
import dev.peregrine.server.ServerMetrics;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opentelemetry.api.metrics.ObservableMeasurement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server's counters and up-down counters as OpenTelemetry asynchronous instruments. They are
 * registered from a first snapshot (so names, units and descriptions are the server's own) and
 * observed through one batch callback, which takes a single snapshot per collection for all of
 * them. Peregrine's counters are totals since the server started: what an asynchronous counter
 * reports (cumulative), whatever temporality the exporter then uses.
 */
final class SnapshotObserver implements AutoCloseable {

    private final BatchCallback callback;

    private SnapshotObserver(BatchCallback callback) {
        this.callback = callback;
    }

    static SnapshotObserver register(Meter meter, ServerMetrics metrics) {
        Map<String, ObservableLongMeasurement> byName = new LinkedHashMap<>();
        for (Metric m : metrics.snapshot().metrics()) {
            ObservableLongMeasurement observer = switch (m.kind()) {
                case COUNTER -> meter.counterBuilder(m.name()).setUnit(m.unit()).setDescription(m.description())
                        .buildObserver();
                case UP_DOWN_COUNTER -> meter.upDownCounterBuilder(m.name()).setUnit(m.unit())
                        .setDescription(m.description()).buildObserver();
                case HISTOGRAM -> null; // recorded as they happen: HistogramRecorder
            };
            if (observer != null) {
                byName.put(m.name(), observer);
            }
        }
        List<ObservableMeasurement> all = new ArrayList<>(byName.values());
        BatchCallback callback = meter.batchCallback(() -> observe(metrics.snapshot(), byName), all.getFirst(),
                all.subList(1, all.size()).toArray(ObservableMeasurement[]::new));
        return new SnapshotObserver(callback);
    }

    private static void observe(MetricsSnapshot snapshot, Map<String, ObservableLongMeasurement> byName) {
        for (Metric m : snapshot.metrics()) {
            ObservableLongMeasurement observer = byName.get(m.name());
            if (observer == null) {
                continue;
            }
            for (Metric.Point p : m.points()) {
                if (p instanceof Metric.LongPoint l) {
                    observer.record(l.value(), MetricAttributes.of(l.attributes()));
                }
            }
        }
    }

    @Override
    public void close() {
        callback.close();
    }
}
