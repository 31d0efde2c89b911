package dev.peregrine.observe.events;

import jdk.jfr.EventType;

/**
 * Commits Peregrine's JFR events. Every method first asks whether its event type is enabled in
 * a running recording (one field read); a disabled event costs that read and nothing else: no
 * event object, no string. Turn them on with the settings file
 * {@code dev/peregrine/observe/peregrine.jfc} (see {@code docs/observability.md}):
 * {@code java -XX:StartFlightRecording:settings=default,settings=peregrine.jfc ...}.
 *
 * <p>Called by the server's per-connection metrics context, so each fact is recorded in one
 * place for every protocol; a debug log line about the same fact uses the same words (reason
 * texts, timeout kinds, error code names).
 */
public final class PeregrineEvents {

    private static final EventType CONNECTION_START = EventType.getEventType(ConnectionStartEvent.class);
    private static final EventType CONNECTION_END = EventType.getEventType(ConnectionEndEvent.class);
    private static final EventType TLS_HANDSHAKE = EventType.getEventType(TlsHandshakeEvent.class);
    private static final EventType REQUEST_START = EventType.getEventType(RequestStartEvent.class);
    private static final EventType REQUEST_END = EventType.getEventType(RequestEndEvent.class);
    private static final EventType BAD_REQUEST = EventType.getEventType(BadRequestEvent.class);
    private static final EventType STREAM_RESET = EventType.getEventType(StreamResetEvent.class);
    private static final EventType GO_AWAY = EventType.getEventType(GoAwayEvent.class);
    private static final EventType TIMEOUT = EventType.getEventType(TimeoutEvent.class);

    private PeregrineEvents() {}

    /** Whether request start/end events are recorded: the caller then reads the clock even with metrics off. */
    public static boolean requestEventsEnabled() {
        return REQUEST_START.isEnabled() || REQUEST_END.isEnabled();
    }

    public static boolean requestEndEnabled() {
        return REQUEST_END.isEnabled();
    }

    public static void connectionStart(long connectionId, Object remote, boolean tls) {
        if (CONNECTION_START.isEnabled()) {
            ConnectionStartEvent e = new ConnectionStartEvent();
            e.connectionId = connectionId;
            e.remoteAddress = String.valueOf(remote);
            e.tls = tls;
            e.commit();
        }
    }

    public static void connectionEnd(long connectionId, String protocol, boolean tls, long durationNanos) {
        if (CONNECTION_END.isEnabled()) {
            ConnectionEndEvent e = new ConnectionEndEvent();
            e.connectionId = connectionId;
            e.protocol = protocol;
            e.tls = tls;
            e.connectionDuration = durationNanos;
            e.commit();
        }
    }

    /** Whether TLS handshake events are recorded (the caller then reads the clock even with metrics off). */
    public static boolean tlsHandshakeEnabled() {
        return TLS_HANDSHAKE.isEnabled();
    }

    public static void tlsHandshake(long connectionId, String version, String cipherSuite, String alpn,
            String serverName, String failure, long durationNanos) {
        if (TLS_HANDSHAKE.isEnabled()) {
            TlsHandshakeEvent e = new TlsHandshakeEvent();
            e.connectionId = connectionId;
            e.tlsVersion = version;
            e.cipherSuite = cipherSuite;
            e.applicationProtocol = alpn;
            e.serverName = serverName;
            e.failure = failure;
            e.handshakeDuration = durationNanos;
            e.commit();
        }
    }

    public static void requestStart(long connectionId, String method, String target, String protocol) {
        if (REQUEST_START.isEnabled()) {
            RequestStartEvent e = new RequestStartEvent();
            e.connectionId = connectionId;
            e.method = method;
            e.target = target;
            e.protocol = protocol;
            e.commit();
        }
    }

    public static void requestEnd(long connectionId, String method, String target, String route, int status,
            long requestBytes, long responseBytes, String protocol, long durationNanos, String error) {
        if (REQUEST_END.isEnabled()) {
            RequestEndEvent e = new RequestEndEvent();
            e.connectionId = connectionId;
            e.method = method;
            e.target = target;
            e.route = route;
            e.status = status;
            e.requestBytes = requestBytes;
            e.responseBytes = responseBytes;
            e.protocol = protocol;
            e.requestDuration = durationNanos;
            e.error = error;
            e.commit();
        }
    }

    public static void badRequest(long connectionId, String protocol, int status, String reason) {
        if (BAD_REQUEST.isEnabled()) {
            BadRequestEvent e = new BadRequestEvent();
            e.connectionId = connectionId;
            e.protocol = protocol;
            e.status = status;
            e.reason = reason;
            e.commit();
        }
    }

    public static void streamReset(long connectionId, String protocol, long streamId, long errorCode,
            String errorName, boolean byClient) {
        if (STREAM_RESET.isEnabled()) {
            StreamResetEvent e = new StreamResetEvent();
            e.connectionId = connectionId;
            e.protocol = protocol;
            e.streamId = streamId;
            e.errorCode = errorCode;
            e.errorName = errorName;
            e.initiator = byClient ? "client" : "server";
            e.commit();
        }
    }

    public static void goAway(long connectionId, String protocol, long lastStreamId, long errorCode, String errorName,
            boolean sent, String reason) {
        if (GO_AWAY.isEnabled()) {
            GoAwayEvent e = new GoAwayEvent();
            e.connectionId = connectionId;
            e.protocol = protocol;
            e.lastStreamId = lastStreamId;
            e.errorCode = errorCode;
            e.errorName = errorName;
            e.sent = sent;
            e.reason = reason;
            e.commit();
        }
    }

    public static void timeout(long connectionId, String protocol, String kind) {
        if (TIMEOUT.isEnabled()) {
            TimeoutEvent e = new TimeoutEvent();
            e.connectionId = connectionId;
            e.protocol = protocol;
            e.kind = kind;
            e.commit();
        }
    }
}
