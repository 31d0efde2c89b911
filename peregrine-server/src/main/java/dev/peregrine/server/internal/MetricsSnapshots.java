package dev.peregrine.server.internal;

import dev.peregrine.server.TimeoutKind;
import static dev.peregrine.observe.metrics.Instruments.*;

import dev.peregrine.observe.metrics.HistogramSnapshot;
import dev.peregrine.observe.metrics.Metric.HistogramPoint;
import dev.peregrine.observe.metrics.Metric.Kind;
import dev.peregrine.observe.metrics.Metric.LongPoint;
import dev.peregrine.observe.metrics.Metric;
import dev.peregrine.observe.metrics.MetricsSnapshot;
import dev.peregrine.tls.TlsHandshakeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Reads a {@link Instrumentation} into a {@link MetricsSnapshot}: names, units, attributes. */
final class MetricsSnapshots {

    private static final double NANOS = 1e-9;
    private static final double[] SECONDS = Histogram.nanos().bounds(NANOS);
    private static final double[] BYTES = Histogram.bytes().bounds(1);
    /** {@code network.protocol.version} of a request by {@link dev.peregrine.api.Protocol} ordinal. */
    private static final String[] VERSIONS = {"1.0", "1.1", "2", "3"};
    /** ... and of a connection by its protocol slot (none chosen yet: no attribute). */
    private static final String[] CONNECTION_VERSIONS = {null, "1.1", "2", "3"};

    /** The attributes of {@code connectionDuration[protocol * 2 + tls]}, made once (listeners cache by identity). */
    static final List<Map<String, String>> CONNECTION_DURATION_ATTRIBUTES;
    /** The attributes of {@code handshakes[slot]}. */
    static final List<Map<String, String>> HANDSHAKE_ATTRIBUTES;

    static {
        List<Map<String, String>> c = new ArrayList<>();
        for (int p = 0; p < Instrumentation.PROTOCOLS; p++) {
            for (int tls = 0; tls < 2; tls++) {
                c.add(connectionAttributes(p, tls == 1, null));
            }
        }
        CONNECTION_DURATION_ATTRIBUTES = List.copyOf(c);
        List<Map<String, String>> h = new ArrayList<>();
        String[] versions = {"1.2", "1.3", null};
        for (int i = 0; i < 3; i++) {
            h.add(attrs(ATTR_TLS_VERSION, versions[i]));
        }
        for (TlsHandshakeException.Reason r : TlsHandshakeException.Reason.values()) {
            h.add(attrs(ATTR_ERROR_TYPE, r.name().toLowerCase(Locale.ROOT)));
        }
        HANDSHAKE_ATTRIBUTES = List.copyOf(h);
    }

    private MetricsSnapshots() {}

    static MetricsSnapshot of(Instrumentation m) {
        Instant now = Instant.now();
        // Ended requests before started ones: a request that ends in between then shows as active
        // for this one snapshot, never as a negative count. Counted apart from the histograms,
        // which an HTTP/1.x connection adds to in batches.
        long[] ended = new long[m.started.length];
        for (int i = 0; i < ended.length; i++) {
            ended[i] = m.ended[i].sum();
        }
        List<RequestSeries> series = m.series.all();
        List<Metric> out = new ArrayList<>();
        List<Metric.Point> durations = new ArrayList<>();
        List<Metric.Point> requestBodies = new ArrayList<>();
        List<Metric.Point> responseBodies = new ArrayList<>();
        for (RequestSeries s : series) {
            Map<String, String> a = s.attributes;
            HistogramSnapshot d = s.duration.snapshot(SECONDS, NANOS);
            durations.add(new HistogramPoint(a, d));
            requestBodies.add(new HistogramPoint(a, s.requestBody.snapshot(BYTES, 1)));
            responseBodies.add(new HistogramPoint(a, s.responseBody.snapshot(BYTES, 1)));
        }
        List<Metric.Point> active = new ArrayList<>();
        long[] activeByProtocolTls = new long[4 * 2];
        for (int method = 0; method < HttpMethods.NAMES.length; method++) {
            for (int tls = 0; tls < 2; tls++) {
                for (int p = 0; p < 4; p++) {
                    int i = Instrumentation.startedIndex(method, tls == 1, p);
                    long started = m.started[i].sum();
                    if (started == 0) {
                        continue;
                    }
                    long n = Math.max(0, started - ended[i]);
                    activeByProtocolTls[p * 2 + tls] += n;
                    active.add(new LongPoint(attrs(ATTR_METHOD, HttpMethods.NAMES[method],
                            ATTR_SCHEME, tls == 1 ? "https" : "http", ATTR_PROTOCOL_VERSION, VERSIONS[p]), n));
                }
            }
        }
        out.add(new Metric(REQUEST_DURATION, "s", "Duration of HTTP server requests.", Kind.HISTOGRAM, durations));
        out.add(new Metric(ACTIVE_REQUESTS, "{request}", "Number of active HTTP server requests.",
                Kind.UP_DOWN_COUNTER, active));
        out.add(new Metric(REQUEST_BODY_SIZE, "By", "Size of HTTP server request bodies.", Kind.HISTOGRAM,
                requestBodies));
        out.add(new Metric(RESPONSE_BODY_SIZE, "By", "Size of HTTP server response bodies.", Kind.HISTOGRAM,
                responseBodies));
        out.add(connections(m, activeByProtocolTls));
        out.add(counter(ACCEPTED_CONNECTIONS, "{connection}", "Number of connections accepted.",
                m.acceptedConnections.get()));
        List<Metric.Point> durationsByProtocol = new ArrayList<>();
        for (int p = 0; p < Instrumentation.PROTOCOLS; p++) {
            for (int tls = 0; tls < 2; tls++) {
                Histogram h = m.connectionDuration[p * 2 + tls];
                if (!h.isEmpty()) {
                    durationsByProtocol.add(new HistogramPoint(CONNECTION_DURATION_ATTRIBUTES.get(p * 2 + tls),
                            h.snapshot(SECONDS, NANOS)));
                }
            }
        }
        out.add(new Metric(CONNECTION_DURATION, "s", "Duration of connections, accept to close.", Kind.HISTOGRAM,
                durationsByProtocol));
        out.add(counter(REJECTED_CONNECTIONS, "{connection}",
                "Number of connections closed at once because the connection limit was reached.",
                m.rejectedConnections.get()));
        out.add(new Metric(UPGRADED_CONNECTIONS, "{connection}",
                "Number of HTTP/1.1 connections upgraded (101) to another protocol right now.", Kind.UP_DOWN_COUNTER,
                List.of(new LongPoint(Map.of(), m.upgraded.sum()))));
        out.add(handshakes(m));
        out.add(new Metric(ACTIVE_TLS_HANDSHAKES, "{handshake}", "Number of TLS handshakes in progress.",
                Kind.UP_DOWN_COUNTER, List.of(new LongPoint(Map.of(), m.activeHandshakes.sum()))));
        List<Metric.Point> streams = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            long n = m.streams[p].sum();
            if (n > 0) {
                streams.add(new LongPoint(attrs(ATTR_PROTOCOL_VERSION, p == 0 ? "2" : "3"), n));
            }
        }
        out.add(new Metric(STREAMS, "{stream}", "Number of HTTP/2 and HTTP/3 request streams opened.", Kind.COUNTER,
                streams));
        out.add(resets(m));
        out.add(badRequests(m));
        out.add(counter(HANDLER_ERRORS, "{error}", "Number of handlers that threw.", m.handlerErrors.sum()));
        List<Metric.Point> timeouts = new ArrayList<>();
        for (TimeoutKind k : TimeoutKind.values()) {
            long n = m.timeouts[k.ordinal()].sum();
            if (n > 0) {
                timeouts.add(new LongPoint(attrs(ATTR_TIMEOUT, k.label()), n));
            }
        }
        out.add(new Metric(TIMEOUTS, "{timeout}", "Number of deadlines that fired, by kind.", Kind.COUNTER, timeouts));
        out.add(new Metric(PROTOCOL_ERRORS, "{error}",
                "Number of HTTP/2 and HTTP/3 connection and stream errors the server raised.", Kind.COUNTER,
                byErrorCode(m.protocolErrors, 0, null)));
        out.add(counter(ACCEPT_ERRORS, "{error}", "Number of accept calls that failed.", m.acceptErrors.sum()));
        return new MetricsSnapshot(now, out);
    }

    private static Metric connections(Instrumentation m, long[] activeByProtocolTls) {
        List<Metric.Point> points = new ArrayList<>();
        long parked = m.parkedConnections.get(); // only plain HTTP/1.1 connections park
        for (int p = 0; p < Instrumentation.PROTOCOLS; p++) {
            for (int tls = 0; tls < 2; tls++) {
                long open = m.open[p * 2 + tls].sum();
                if (open <= 0) {
                    continue;
                }
                if (p != Instrumentation.CONN_H1) {
                    points.add(new LongPoint(connectionAttributes(p, tls == 1, null), open));
                    continue;
                }
                // An HTTP/1.x connection is busy exactly while one of its requests is active.
                long busy = Math.min(open, activeByProtocolTls[0 * 2 + tls] + activeByProtocolTls[1 * 2 + tls]);
                long parkedHere = tls == 0 ? Math.min(parked, open - busy) : 0;
                long idle = open - busy - parkedHere;
                points.add(new LongPoint(connectionAttributes(p, tls == 1, "busy"), busy));
                points.add(new LongPoint(connectionAttributes(p, tls == 1, "idle"), idle));
                if (tls == 0) {
                    points.add(new LongPoint(connectionAttributes(p, false, "parked"), parkedHere));
                }
            }
        }
        return new Metric(ACTIVE_CONNECTIONS, "{connection}", "Number of connections open right now.",
                Kind.UP_DOWN_COUNTER, points);
    }

    private static Metric handshakes(Instrumentation m) {
        List<Metric.Point> points = new ArrayList<>();
        for (int i = 0; i < m.handshakes.length; i++) {
            Histogram h = m.handshakes[i];
            if (h.isEmpty()) {
                continue;
            }
            points.add(new HistogramPoint(HANDSHAKE_ATTRIBUTES.get(i), h.snapshot(SECONDS, NANOS)));
        }
        return new Metric(TLS_HANDSHAKE_DURATION, "s", "Duration of TLS handshakes.", Kind.HISTOGRAM, points);
    }

    private static Metric resets(Instrumentation m) {
        List<Metric.Point> points = new ArrayList<>();
        for (int initiator = 0; initiator < 2; initiator++) {
            for (int p = 0; p < 2; p++) {
                int base = (p * 2 + initiator) * ErrorCodes.SLOTS;
                points.addAll(byErrorCode(m.resets, base, initiator == 1 ? "client" : "server", p == 1));
            }
        }
        return new Metric(STREAM_RESETS, "{stream}", "Number of HTTP/2 and HTTP/3 streams reset, by error code.",
                Kind.COUNTER, points);
    }

    private static List<Metric.Point> byErrorCode(LongAdder[] counts, int base, String initiator) {
        List<Metric.Point> points = new ArrayList<>(byErrorCode(counts, base, initiator, false));
        points.addAll(byErrorCode(counts, base + ErrorCodes.SLOTS, initiator, true));
        return points;
    }

    private static List<Metric.Point> byErrorCode(LongAdder[] counts, int base, String initiator, boolean h3) {
        List<Metric.Point> points = new ArrayList<>();
        for (int i = 0; i < ErrorCodes.SLOTS; i++) {
            long n = counts[base + i].sum();
            if (n > 0) {
                points.add(new LongPoint(attrs(ATTR_PROTOCOL_VERSION, h3 ? "3" : "2",
                        ATTR_ERROR_CODE, ErrorCodes.nameAt(h3, i), ATTR_INITIATOR, initiator), n));
            }
        }
        return points;
    }

    private static Metric badRequests(Instrumentation m) {
        List<Metric.Point> points = new ArrayList<>();
        int slots = Instrumentation.BAD_STATUSES.length;
        for (int p = 0; p < 4; p++) {
            for (int i = 0; i < slots; i++) {
                long n = m.badRequests[p * slots + i].sum();
                if (n > 0) {
                    int status = Instrumentation.BAD_STATUSES[i];
                    points.add(new LongPoint(attrs(ATTR_PROTOCOL_VERSION, VERSIONS[p],
                            ATTR_STATUS, status == 0 ? null : Integer.toString(status)), n));
                }
            }
        }
        return new Metric(BAD_REQUESTS, "{request}",
                "Number of requests refused as malformed, too large or too slow.", Kind.COUNTER, points);
    }

    static Map<String, String> requestAttributes(long key) {
        if (key == RequestSeries.OVERFLOW_KEY) {
            return attrs(ATTR_OVERFLOW, "true");
        }
        int status = RequestSeries.status(key);
        RequestError error = RequestError.values()[RequestSeries.error(key)];
        String errorType = error.label() != null ? error.label() : status >= 500 ? Integer.toString(status) : null;
        var route = dev.peregrine.api.RouteTemplate.byId(RequestSeries.route(key));
        return attrs(ATTR_METHOD, HttpMethods.NAMES[RequestSeries.method(key)],
                ATTR_STATUS, status == 0 ? null : Integer.toString(status),
                ATTR_ROUTE, route == null ? null : route.template(),
                ATTR_PROTOCOL_VERSION, VERSIONS[RequestSeries.protocol(key)],
                ATTR_SCHEME, RequestSeries.https(key) ? "https" : "http",
                ATTR_ERROR_TYPE, errorType);
    }

    private static Map<String, String> connectionAttributes(int protocol, boolean tls, String state) {
        return attrs(ATTR_PROTOCOL_VERSION, CONNECTION_VERSIONS[protocol], ATTR_TLS, Boolean.toString(tls),
                ATTR_CONNECTION_STATE, state);
    }

    private static Metric counter(String name, String unit, String description, long value) {
        return new Metric(name, unit, description, Kind.COUNTER, List.of(new LongPoint(Map.of(), value)));
    }

    /** Attributes from name/value pairs, leaving out null values, in the order given. */
    static Map<String, String> attrs(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] != null) {
                m.put(pairs[i], pairs[i + 1]);
            }
        }
        return Collections.unmodifiableMap(m);
    }
}
