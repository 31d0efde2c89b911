package dev.peregrine.opentelemetry;

import dev.peregrine.api.Filter;
import dev.peregrine.server.Server;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Tracer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Connects Peregrine to an application's {@link OpenTelemetry} instance (the SDK it configured,
 * or {@code GlobalOpenTelemetry.get()} under the Java agent):
 *
 * <pre>{@code
 * PeregrineTelemetry telemetry = PeregrineTelemetry.create(openTelemetry);
 * Server server = Server.builder()
 *         .listen(Endpoint.tcp("0.0.0.0", 8080))
 *         .handler(router.with(telemetry.tracing()))
 *         .start();
 * PeregrineTelemetry.Registration metrics = telemetry.metrics(server);   // close() to stop
 * }</pre>
 *
 * <p>{@link #metrics(Server)} registers the server's instruments ({@code docs/observability.md})
 * under the same names, units, descriptions and attributes; {@link #tracing()} is a filter that
 * starts a {@code SERVER} span per request, following OpenTelemetry's semantic conventions for
 * HTTP servers. Both use the instrumentation scope {@value #SCOPE}.
 */
public final class PeregrineTelemetry {

    /** The instrumentation scope name of the meter and the tracer. */
    public static final String SCOPE = "dev.peregrine";

    private final OpenTelemetry openTelemetry;

    private PeregrineTelemetry(OpenTelemetry openTelemetry) {
        this.openTelemetry = openTelemetry;
    }

    /** A bridge to {@code openTelemetry}: its meter provider, tracer provider and propagators. */
    public static PeregrineTelemetry create(OpenTelemetry openTelemetry) {
        return new PeregrineTelemetry(Objects.requireNonNull(openTelemetry, "openTelemetry"));
    }

    /**
     * Registers {@code server}'s instruments with the meter provider. Counters and up-down
     * counters are asynchronous, read from one {@code server.metrics().snapshot()} per collection;
     * the histograms are recorded as each request, connection or TLS handshake ends, from
     * then on (what happened before the call is only in the server's own snapshot). Connections
     * accepted while metrics were off ({@code ServerMetrics.enabled(false)}) report nothing.
     *
     * @return closing it unregisters the callbacks and stops recording into the histograms
     */
    public Registration metrics(Server server) {
        Objects.requireNonNull(server, "server");
        Meter meter = openTelemetry.getMeterProvider().meterBuilder(SCOPE).setInstrumentationVersion(version()).build();
        SnapshotObserver counters = SnapshotObserver.register(meter, server.metrics());
        HistogramRecorder histograms = HistogramRecorder.create(meter, server.metrics().snapshot());
        server.metrics().addListener(histograms);
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                server.metrics().removeListener(histograms);
                counters.close();
            }
        };
    }

    /**
     * A filter that traces each request as a {@code SERVER} span: the parent context is
     * extracted from the request headers with the propagators ({@code traceparent} and
     * {@code tracestate} for W3C trace context), the span is current while the rest of the
     * chain runs (spans the handler starts are its children), and it ends when the handler
     * returns or throws. Put it outside the {@code Router} ({@code router.with(tracing)}), so the
     * span is named after the matched route template.
     */
    public Filter tracing() {
        Tracer tracer = openTelemetry.getTracerProvider().tracerBuilder(SCOPE).setInstrumentationVersion(version())
                .build();
        return new ServerTracing(tracer, openTelemetry.getPropagators().getTextMapPropagator());
    }

    /** What {@link #metrics(Server)} returns: {@link #close()} undoes the registration. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        /** Unregisters the instruments' callbacks and the histogram listener; idempotent. */
        @Override
        void close();
    }

    private static String version() {
        String v = PeregrineTelemetry.class.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }
}
