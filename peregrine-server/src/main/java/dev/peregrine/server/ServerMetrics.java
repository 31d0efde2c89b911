package dev.peregrine.server;

import dev.peregrine.observe.metrics.MeasurementListener;
import dev.peregrine.observe.metrics.MetricsSnapshot;
import dev.peregrine.server.internal.Instrumentation;

/**
 * A server's instruments ({@code server.metrics()}): read them all at once with
 * {@link #snapshot()} (OpenTelemetry names, units and attributes; {@code docs/observability.md}),
 * or the totals with the accessors below.
 *
 * <p>Recording happens inside the server, through a context per connection made when the
 * connection is accepted: it caches whether metrics are on ({@link #enabled(boolean)}, default
 * {@link ServerOptions#metrics()}), so a connection records all or nothing for its whole life.
 * Counters are striped, histograms have fixed power-of-two buckets, and the series of an
 * attribute set is found without a lock or an allocation. With metrics off only the counts the
 * server needs for its own limits are kept (active, accepted, rejected and parked connections).
 */
public final class ServerMetrics {

    private final Instrumentation instruments;

    ServerMetrics(Instrumentation instruments) {
        this.instruments = instruments;
    }

    /** Every instrument now, with its points by attribute set. */
    public MetricsSnapshot snapshot() {
        return instruments.snapshot();
    }

    /**
     * From now on {@code listener} sees each histogram measurement as it is recorded (request,
     * connection and TLS handshake durations, body sizes), for a bridge that aggregates them its
     * own way, such as {@code peregrine-opentelemetry}. Only connections with metrics on report.
     * With none registered this costs recording one volatile read.
     */
    public void addListener(MeasurementListener listener) {
        instruments.addListener(listener);
    }

    /** Stops calling {@code listener}; false if it was not registered. */
    public boolean removeListener(MeasurementListener listener) {
        return instruments.removeListener(listener);
    }

    /** Turns recording on or off for connections accepted from now on; open ones keep their state. */
    public void enabled(boolean on) {
        instruments.enabled(on);
    }

    public boolean enabled() {
        return instruments.enabled();
    }

    public long activeConnections() { return instruments.activeConnections(); }
    public long parkedConnections() { return instruments.parkedConnections(); }
    public long parks() { return instruments.parks(); }
    public long acceptedConnections() { return instruments.acceptedConnections(); }
    public long rejectedConnections() { return instruments.rejectedConnections(); }
    /** Requests whose handler started (or whose refusal began, for a 431 on HTTP/2 and HTTP/3). */
    public long requests() { return instruments.requests(); }
    public long badRequests() { return instruments.badRequests(); }
    public long handlerErrors() { return instruments.handlerErrors(); }
    /** Deadlines that fired, of every kind. */
    public long timedOutConnections() { return instruments.timedOutConnections(); }
    public long timeouts(TimeoutKind kind) { return instruments.timeouts(kind); }
    public long acceptErrors() { return instruments.acceptErrors(); }
    /** HTTP/2 and HTTP/3 errors the server raised, except HTTP/2's ENHANCE_YOUR_CALM ({@link #abusiveConnections}). */
    public long protocolErrors() { return instruments.protocolErrors(); }
    /** HTTP/2 and HTTP/3 streams reset, by either side. */
    public long streamResets() { return instruments.streamResets(); }
    /** HTTP/2 connections ended because an abuse budget was spent (ENHANCE_YOUR_CALM). */
    public long abusiveConnections() { return instruments.abusiveConnections(); }

    @Override
    public String toString() {
        return instruments.toString();
    }
}
