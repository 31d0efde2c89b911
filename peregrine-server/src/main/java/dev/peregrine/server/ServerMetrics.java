package dev.peregrine.server;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters a server keeps; read them with the accessors. Names in comments follow
 * OpenTelemetry's HTTP server semantic conventions where one exists.
 */
public final class ServerMetrics {

    /** http.server.active_connections (kestrel.active_connections). */
    final AtomicLong activeConnections = new AtomicLong();
    /** Connections accepted and registered. */
    final AtomicLong acceptedConnections = new AtomicLong();
    /** Connections closed at once because the connection limit was reached (kestrel.rejected_connections). */
    final AtomicLong rejectedConnections = new AtomicLong();
    /** Requests whose handler ran (http.server.request.duration count). */
    final LongAdder requests = new LongAdder();
    /** Requests refused before a handler ran: malformed, too large, timed out. */
    final LongAdder badRequests = new LongAdder();
    /** Handlers that threw. */
    final LongAdder handlerErrors = new LongAdder();
    /** Connections closed by a heartbeat deadline (keep-alive, headers, data rate). */
    final LongAdder timedOutConnections = new LongAdder();
    /** Accept calls that failed (other than the listener closing). */
    final LongAdder acceptErrors = new LongAdder();
    /** HTTP/2 connections ended by a connection error we raised (GOAWAY with an error code). */
    final LongAdder protocolErrors = new LongAdder();
    /** HTTP/2 streams reset, by either side. */
    final LongAdder streamResets = new LongAdder();
    /** HTTP/2 connections ended because an abuse budget was spent (ENHANCE_YOUR_CALM). */
    final LongAdder abusiveConnections = new LongAdder();

    /** Idle connections waiting thread-less with the idle parker right now. */
    final AtomicLong parkedConnections = new AtomicLong();
    /** Times an idle connection was parked thread-less (one connection may park many times). */
    final LongAdder parks = new LongAdder();

    public long activeConnections() { return activeConnections.get(); }
    public long parkedConnections() { return parkedConnections.get(); }
    public long parks() { return parks.sum(); }
    public long acceptedConnections() { return acceptedConnections.get(); }
    public long rejectedConnections() { return rejectedConnections.get(); }
    public long requests() { return requests.sum(); }
    public long badRequests() { return badRequests.sum(); }
    public long handlerErrors() { return handlerErrors.sum(); }
    public long timedOutConnections() { return timedOutConnections.sum(); }
    public long acceptErrors() { return acceptErrors.sum(); }
    public long protocolErrors() { return protocolErrors.sum(); }
    public long streamResets() { return streamResets.sum(); }
    public long abusiveConnections() { return abusiveConnections.sum(); }

    public void requestHandled() { requests.increment(); }
    public void badRequest() { badRequests.increment(); }
    public void handlerError() { handlerErrors.increment(); }
    public void timedOut() { timedOutConnections.increment(); }
    public void protocolError() { protocolErrors.increment(); }
    public void streamReset() { streamResets.increment(); }
    public void abusiveConnection() { abusiveConnections.increment(); }

    @Override
    public String toString() {
        return "connections active=" + activeConnections() + " accepted=" + acceptedConnections()
                + " rejected=" + rejectedConnections() + " timedOut=" + timedOutConnections()
                + "; requests=" + requests() + " bad=" + badRequests() + " handlerErrors=" + handlerErrors()
                + "; h2 protocolErrors=" + protocolErrors() + " resets=" + streamResets() + " abusive=" + abusiveConnections();
    }
}
