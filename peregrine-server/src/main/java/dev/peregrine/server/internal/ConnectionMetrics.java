package dev.peregrine.server.internal;

import dev.peregrine.api.Protocol;
import dev.peregrine.api.Request;
import dev.peregrine.api.RouteTemplate;
import dev.peregrine.api.TlsSession;
import dev.peregrine.observe.metrics.MeasurementListener;
import dev.peregrine.observe.events.PeregrineEvents;
import dev.peregrine.server.TimeoutKind;
import dev.peregrine.tls.TlsHandshakeException;
import java.util.Map;

/**
 * One connection's metrics and events context (Kestrel's ConnectionMetricsContext): made by the
 * dispatcher when the connection is accepted, it fixes whether metrics are on for the
 * connection's whole life and carries what every recording needs (the connection's id, TLS, the
 * protocol it speaks), so protocol code states a fact with one call and this class records it
 * as metrics ({@link Instrumentation}) and JFR events ({@link PeregrineEvents}), once for every
 * protocol. With metrics off the calls only check for enabled events.
 *
 * <p>Thread-safe: HTTP/2 and HTTP/3 streams of one connection record from their own threads.
 */
public final class ConnectionMetrics {

    private final Instrumentation server;
    private final long id;
    private final boolean tls;
    private final boolean enabled;
    /**
     * Set when the dispatcher registered the connection: only then do the open-connection gauges
     * count it. Written before the connection's thread starts, so every later reader sees it.
     */
    private boolean isOpen;
    private volatile int protocol = Instrumentation.CONN_NONE;
    private long openedNanos;
    /** The series the last request of this connection went to: a keep-alive connection's next usually matches. */
    private volatile RequestSeries last;
    /** HTTP/1.x only: requests summed between waits for input, touched by the connection's thread alone. */
    private final RequestBatch batch = new RequestBatch();

    ConnectionMetrics(Instrumentation server, long id, boolean tls, boolean enabled) {
        this.server = server;
        this.id = id;
        this.tls = tls;
        this.enabled = enabled;
    }

    /** The connection's id, as in log lines. */
    public long id() {
        return id;
    }

    /** Whether this connection records metrics (fixed when it was accepted). */
    public boolean enabled() {
        return enabled;
    }

    // ---------------------------------------------------------------- life cycle

    /** Registered with the connection manager: it counts as open from now. */
    public void opened(Object remote) {
        openedNanos = System.nanoTime();
        isOpen = true;
        if (enabled) {
            server.open[openIndex(protocol)].increment(); // the protocol may be known already (plain HTTP/1.1, QUIC)
        }
        PeregrineEvents.connectionStart(id, remote, tls);
    }

    /**
     * Whether requests are summed in {@link #batch}: on a registered HTTP/1.x connection, whose
     * one thread serves one request at a time (a detached context may be shared by many).
     */
    private boolean batches() {
        return protocol == Instrumentation.CONN_H1 && isOpen;
    }

    /**
     * An HTTP/1.x connection is about to wait for its next request: what its requests recorded
     * since the last wait reaches the shared instruments now ({@link RequestBatch}).
     */
    public void awaitingInput() {
        batch.awaitingInput(server);
    }

    /**
     * An HTTP/1.x connection wrote its output buffer: the requests whose responses were complete
     * in it are answered now, and their durations end ({@link RequestBatch}).
     */
    public void responsesWritten() {
        batch.written(server.listeners);
    }

    /** Unregistered: closed for good. */
    public void closed() {
        batch.awaitingInput(server);
        isOpen = false; // a request that ends after this (an abort) records directly
        long nanos = System.nanoTime() - openedNanos;
        int p = protocol;
        if (enabled) {
            server.open[openIndex(p)].decrement();
            server.connectionDuration[openIndex(p)].record(nanos);
            MeasurementListener[] listeners = server.listeners;
            if (listeners != null) {
                connectionClosed(listeners, MetricsSnapshots.CONNECTION_DURATION_ATTRIBUTES.get(openIndex(p)), nanos);
            }
        }
        PeregrineEvents.connectionEnd(id, protocolText(p), tls, nanos);
    }

    /** The connection speaks {@code p} from now on (after ALPN, sniffing, or an h2c upgrade). */
    public void protocol(Protocol p) {
        int next = switch (p) {
            case HTTP_1_0, HTTP_1_1 -> Instrumentation.CONN_H1;
            case HTTP_2 -> Instrumentation.CONN_H2;
            case HTTP_3 -> Instrumentation.CONN_H3;
        };
        int before = protocol;
        if (before == next) {
            return;
        }
        batch.awaitingInput(server); // an h2c upgrade: the HTTP/1.1 request's record goes out before streams begin
        protocol = next;
        if (enabled && isOpen) {
            server.open[openIndex(before)].decrement();
            server.open[openIndex(next)].increment();
        }
    }

    private int openIndex(int p) {
        return p * 2 + (tls ? 1 : 0);
    }

    private static String protocolText(int p) {
        return switch (p) {
            case Instrumentation.CONN_H1 -> "HTTP/1.1";
            case Instrumentation.CONN_H2 -> "HTTP/2";
            case Instrumentation.CONN_H3 -> "HTTP/3";
            default -> null;
        };
    }

    private String protocolText() {
        return protocolText(protocol);
    }

    /** An HTTP/1.1 connection is handed to an {@code Upgraded} handler (101) for a while. */
    public void upgradeStarted() {
        if (enabled) {
            server.upgraded.increment();
        }
    }

    public void upgradeEnded() {
        if (enabled) {
            server.upgraded.decrement();
        }
    }

    // ---------------------------------------------------------------- TLS

    /** A handshake begins; returns the value to hand to {@link #tlsHandshakeEnded}. */
    public long tlsHandshakeStarted() {
        if (enabled) {
            server.activeHandshakes.increment();
        }
        return enabled || PeregrineEvents.tlsHandshakeEnabled() ? System.nanoTime() | 1 : 0;
    }

    /** The handshake ended: with {@code session} when it completed, else with {@code failure}. */
    public void tlsHandshakeEnded(long started, TlsSession session, TlsHandshakeException failure) {
        if (started == 0) {
            return;
        }
        long nanos = System.nanoTime() - started;
        if (enabled) {
            server.activeHandshakes.decrement();
            int slot = failure != null ? 3 + failure.reason().ordinal()
                    : versionSlot(session == null ? null : session.protocol());
            server.handshakes[slot].record(nanos);
            MeasurementListener[] listeners = server.listeners;
            if (listeners != null) {
                tlsHandshakeEnded(listeners, MetricsSnapshots.HANDSHAKE_ATTRIBUTES.get(slot), nanos);
            }
        }
        if (session != null) {
            PeregrineEvents.tlsHandshake(id, session.protocol(), session.cipherSuite(), session.applicationProtocol(),
                    session.serverName(), null, nanos);
        } else if (failure != null) {
            PeregrineEvents.tlsHandshake(id, null, null, null, null, failure.getMessage(), nanos);
        }
    }

    static int versionSlot(String protocol) {
        if ("TLSv1.3".equals(protocol)) {
            return 1;
        }
        return "TLSv1.2".equals(protocol) ? 0 : 2;
    }

    // ---------------------------------------------------------------- requests

    /**
     * A request's handler is about to run (or its refusal to be sent). Returns the start time to
     * give {@link #requestEnded}, 0 when neither metrics nor request events record it.
     */
    public long requestStarted(Request request) {
        boolean events = PeregrineEvents.requestEventsEnabled();
        if (!enabled && !events) {
            return 0;
        }
        if (events) {
            PeregrineEvents.requestStart(id, request.method(), request.target(), request.protocol().text());
        }
        if (enabled) {
            if (batches()) {
                return batch.started(server, request.method(), request.protocol(), tls);
            }
            server.started[Instrumentation.startedIndex(HttpMethods.id(request.method()), tls,
                    request.protocol().ordinal())].increment();
        }
        return System.nanoTime() | 1; // never 0, which means "not recorded"
    }

    /**
     * The request ended: the handler returned or failed and the response was finished or aborted.
     *
     * @param started what {@link #requestStarted} returned
     * @param status the status sent, 0 when no head went out
     * @param requestBytes request body bytes read
     * @param responseBytes response body bytes sent
     */
    public void requestEnded(long started, Request request, int status, long requestBytes, long responseBytes,
            RequestError error) {
        if (started == 0) {
            return;
        }
        RouteTemplate route = request.route();
        long nanos = -1; // read below only where something records it now
        int s = status >= 100 && status <= 599 ? status : 0;
        boolean batched = batches();
        if (enabled && !(batched && batch.endedLikeLast(server, request.method(), request.protocol(), s, route, error,
                started, requestBytes, responseBytes))) {
            int method = HttpMethods.id(request.method());
            int version = request.protocol().ordinal();
            int index = Instrumentation.startedIndex(method, tls, version);
            long key = RequestSeries.key(method, s, version, tls, route == null ? 0 : route.id(), error.ordinal());
            RequestSeries series = last;
            if (series == null || series.key != key) {
                series = server.series.get(key);
                last = series;
            }
            if (batched) {
                batch.ended(server, series, index, request.method(), request.protocol(), s, route, error, started,
                        requestBytes, responseBytes); // recorded once written
            } else {
                server.ended[index].increment();
                nanos = System.nanoTime() - started;
                series.duration.record(nanos);
                series.requestBody.record(requestBytes);
                series.responseBody.record(responseBytes);
                MeasurementListener[] listeners = server.listeners; // null unless a bridge registered: the only cost
                if (listeners != null) {
                    requestEnded(listeners, series.attributes, nanos, requestBytes, responseBytes);
                }
            }
        }
        if (PeregrineEvents.requestEndEnabled()) {
            // The event's duration ends with the response complete; a batched histogram's when it was written.
            String errorType = error.label() != null ? error.label() : status >= 500 ? Integer.toString(status) : null;
            PeregrineEvents.requestEnd(id, request.method(), request.target(), route == null ? null : route.template(),
                    status, requestBytes, responseBytes, request.protocol().text(),
                    nanos >= 0 ? nanos : System.nanoTime() - started, errorType);
        }
    }

    // ---------------------------------------------------------------- listeners
    // Out of line, so the recording methods stay small; a listener's failure loses its measurement
    // only, never the request or the connection.

    static void requestEnded(MeasurementListener[] listeners, Map<String, String> attributes,
            long nanos, long requestBytes, long responseBytes) {
        for (MeasurementListener l : listeners) {
            try {
                l.requestEnded(attributes, nanos, requestBytes, responseBytes);
            } catch (RuntimeException ignored) {
                // see above
            }
        }
    }

    private static void connectionClosed(MeasurementListener[] listeners, Map<String, String> attributes,
            long nanos) {
        for (MeasurementListener l : listeners) {
            try {
                l.connectionClosed(attributes, nanos);
            } catch (RuntimeException ignored) {
                // see above
            }
        }
    }

    private static void tlsHandshakeEnded(MeasurementListener[] listeners, Map<String, String> attributes,
            long nanos) {
        for (MeasurementListener l : listeners) {
            try {
                l.tlsHandshakeEnded(attributes, nanos);
            } catch (RuntimeException ignored) {
                // see above
            }
        }
    }

    // ---------------------------------------------------------------- errors

    /** A request refused as malformed, too large or too slow, answered with {@code status} (or a reset). */
    public void badRequest(Protocol version, int status, String reason) {
        if (enabled) {
            server.badRequests[version.ordinal() * Instrumentation.BAD_STATUSES.length + Instrumentation.badStatusSlot(status)]
                    .increment();
        }
        PeregrineEvents.badRequest(id, version.text(), status, reason);
    }

    /** A handler threw (the client was still there). */
    public void handlerError() {
        if (enabled) {
            server.handlerErrors.increment();
        }
    }

    /** A deadline fired. */
    public void timedOut(TimeoutKind kind) {
        if (enabled) {
            server.timeouts[kind.ordinal()].increment();
        }
        PeregrineEvents.timeout(id, protocolText(), kind.label());
    }

    /** A connection or stream error the server raised with this HTTP/2 or HTTP/3 error code. */
    public void protocolError(long code) {
        if (enabled) {
            boolean h3 = protocol == Instrumentation.CONN_H3;
            server.protocolErrors[(h3 ? 1 : 0) * ErrorCodes.SLOTS + ErrorCodes.index(h3, code)].increment();
        }
    }

    /** An HTTP/2 or HTTP/3 request stream was opened. */
    public void streamOpened() {
        if (enabled) {
            server.streams[protocol == Instrumentation.CONN_H3 ? 1 : 0].increment();
        }
    }

    /** A stream was reset, by the client ({@code byClient}) or by us, with this error code. */
    public void streamReset(long streamId, long code, boolean byClient) {
        boolean h3 = protocol == Instrumentation.CONN_H3;
        if (enabled) {
            server.resets[((h3 ? 1 : 0) * 2 + (byClient ? 1 : 0)) * ErrorCodes.SLOTS + ErrorCodes.index(h3, code)]
                    .increment();
        }
        PeregrineEvents.streamReset(id, protocolText(), streamId, code, ErrorCodes.name(h3, code), byClient);
    }

    /** A GOAWAY was sent ({@code sent}) or received. An event only: the counters above say why connections end. */
    public void goAway(long lastStreamId, long code, boolean sent, String reason) {
        boolean h3 = protocol == Instrumentation.CONN_H3;
        PeregrineEvents.goAway(id, protocolText(), lastStreamId, code, ErrorCodes.name(h3, code), sent, reason);
    }

    /** The name of an error code of this connection's protocol, as metrics and events write it. */
    public String errorName(long code) {
        return ErrorCodes.name(protocol == Instrumentation.CONN_H3, code);
    }

    @Override
    public String toString() {
        return "ConnectionMetrics[" + id + (tls ? " tls " : " ") + protocolText() + (enabled ? "]" : " off]");
    }
}
