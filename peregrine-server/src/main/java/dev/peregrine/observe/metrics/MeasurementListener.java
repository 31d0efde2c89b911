package dev.peregrine.observe.metrics;

import java.util.Map;

/**
 * Sees each measurement of the server's histograms as it is recorded, for a bridge that must
 * aggregate them itself (an OpenTelemetry {@code DoubleHistogram} takes single values, never
 * buckets). Counters need no listener: their totals are in {@link MetricsSnapshot}. Register one
 * with {@code server.metrics().addListener(...)}.
 *
 * <p>Called on the thread that recorded, only for connections with metrics on, after the server's
 * own histogram was updated; it must be quick and must not block. {@code attributes} are those
 * the {@link MetricsSnapshot} shows for the point (OpenTelemetry names, absent values left out),
 * and are the <em>same instance</em> each time for the same attribute set, so a listener can
 * cache what it derives from them by identity. A listener that throws loses that measurement
 * only; the request is unaffected.
 *
 * <p>Cost: with no listener registered, recording reads one volatile field more per request,
 * connection and TLS handshake.
 */
public interface MeasurementListener {

    /**
     * A request ended ({@link Instruments#REQUEST_DURATION}, {@link Instruments#REQUEST_BODY_SIZE},
     * {@link Instruments#RESPONSE_BODY_SIZE}).
     */
    void requestEnded(Map<String, String> attributes, long durationNanos, long requestBodyBytes,
            long responseBodyBytes);

    /** A connection closed ({@link Instruments#CONNECTION_DURATION}). */
    default void connectionClosed(Map<String, String> attributes, long durationNanos) {}

    /** A TLS handshake ended, completed or failed ({@link Instruments#TLS_HANDSHAKE_DURATION}). */
    default void tlsHandshakeEnded(Map<String, String> attributes, long durationNanos) {}
}
