package dev.peregrine.observe.metrics;

/**
 * The names of Peregrine's instruments and attributes. The four {@code http.server.*} ones are
 * OpenTelemetry's HTTP semantic conventions; the rest follow Kestrel's connection meters under
 * the one prefix {@value #PREFIX}. Units and attributes are listed in {@code docs/observability.md}.
 */
public final class Instruments {

    /** The prefix of every instrument that is not an OpenTelemetry HTTP convention. */
    public static final String PREFIX = "peregrine.";

    /** Histogram, seconds: handler start to the end of the response (queued for the socket). */
    public static final String REQUEST_DURATION = "http.server.request.duration";
    /** Up-down counter: requests whose handler is running. */
    public static final String ACTIVE_REQUESTS = "http.server.active_requests";
    /** Histogram, bytes: request body bytes the handler read. */
    public static final String REQUEST_BODY_SIZE = "http.server.request.body.size";
    /** Histogram, bytes: response body bytes sent (none for HEAD, 204, 304). */
    public static final String RESPONSE_BODY_SIZE = "http.server.response.body.size";

    /** Up-down counter: connections open right now. */
    public static final String ACTIVE_CONNECTIONS = PREFIX + "active_connections";
    /** Counter: connections accepted and registered. */
    public static final String ACCEPTED_CONNECTIONS = PREFIX + "accepted_connections";
    /** Histogram, seconds: accept to close. */
    public static final String CONNECTION_DURATION = PREFIX + "connection.duration";
    /** Counter: connections closed at once because the connection limit was reached. */
    public static final String REJECTED_CONNECTIONS = PREFIX + "rejected_connections";
    /** Up-down counter: HTTP/1.1 connections handed to an {@code Upgraded} handler (101) right now. */
    public static final String UPGRADED_CONNECTIONS = PREFIX + "upgraded_connections";
    /** Histogram, seconds: TLS handshakes, failed ones with {@code error.type}. */
    public static final String TLS_HANDSHAKE_DURATION = PREFIX + "tls_handshake.duration";
    /** Up-down counter: TLS handshakes in progress. */
    public static final String ACTIVE_TLS_HANDSHAKES = PREFIX + "active_tls_handshakes";
    /** Counter: HTTP/2 and HTTP/3 request streams opened. */
    public static final String STREAMS = PREFIX + "streams";
    /** Counter: HTTP/2 and HTTP/3 streams reset, by error code and by who reset them. */
    public static final String STREAM_RESETS = PREFIX + "stream_resets";
    /** Counter: requests refused as malformed, too large or too slow, by the status they got. */
    public static final String BAD_REQUESTS = PREFIX + "bad_requests";
    /** Counter: handlers that threw (not counting clients that went away). */
    public static final String HANDLER_ERRORS = PREFIX + "handler_errors";
    /** Counter: deadlines that fired, by kind. */
    public static final String TIMEOUTS = PREFIX + "timeouts";
    /** Counter: HTTP/2 and HTTP/3 connection or stream errors raised by the server, by error code. */
    public static final String PROTOCOL_ERRORS = PREFIX + "protocol_errors";
    /** Counter: failed accept calls (such as running out of file descriptors). */
    public static final String ACCEPT_ERRORS = PREFIX + "accept_errors";

    public static final String ATTR_METHOD = "http.request.method";
    public static final String ATTR_STATUS = "http.response.status_code";
    public static final String ATTR_ROUTE = "http.route";
    public static final String ATTR_PROTOCOL_VERSION = "network.protocol.version";
    public static final String ATTR_SCHEME = "url.scheme";
    public static final String ATTR_ERROR_TYPE = "error.type";
    public static final String ATTR_TLS_VERSION = "tls.protocol.version";
    /** {@code true} or {@code false}: whether the connection is over TLS (QUIC always is). */
    public static final String ATTR_TLS = PREFIX + "tls";
    /** HTTP/1.x connections only: {@code busy} (a request in flight), {@code idle} or {@code parked}. */
    public static final String ATTR_CONNECTION_STATE = PREFIX + "connection.state";
    /** The protocol's error code name, e.g. {@code CANCEL}, {@code H3_REQUEST_CANCELLED}. */
    public static final String ATTR_ERROR_CODE = PREFIX + "error_code";
    /** {@code client} or {@code server}: who reset the stream. */
    public static final String ATTR_INITIATOR = PREFIX + "initiator";
    /** {@code keep_alive}, {@code request_headers}, {@code request_body_rate}, {@code response_rate}, {@code settings_ack}. */
    public static final String ATTR_TIMEOUT = PREFIX + "timeout";
    /** {@code true} on the one series that collects attribute sets beyond the cardinality limit. */
    public static final String ATTR_OVERFLOW = "otel.metric.overflow";

    private Instruments() {}
}
