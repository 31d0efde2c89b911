package dev.peregrine.server;

import dev.peregrine.http1.Http1Connection;
import dev.peregrine.tls.TlsConnection;
import dev.peregrine.tls.TlsHandshakeException;
import dev.peregrine.tls.TlsMiddleware;
import dev.peregrine.transport.Connection;

/**
 * A connection accepted on a TLS listener: the handshake runs on the connection's own thread
 * (never in the accept loop), then ALPN picks the protocol connection, which replaces this one in
 * the connection manager. Kestrel's HttpsConnectionMiddleware followed by protocol selection.
 */
final class SecureConnection implements ProtocolConnection {

    private final long id;
    private final Connection raw;
    private final TlsMiddleware tls;
    private final ServerContext context;
    private final ConnectionManager manager;
    private volatile ProtocolConnection protocol;
    private volatile boolean stopping;

    SecureConnection(long id, Connection raw, TlsMiddleware tls, ServerContext context, ConnectionManager manager) {
        this.id = id;
        this.raw = raw;
        this.tls = tls;
        this.context = context;
        this.manager = manager;
    }

    @Override
    public boolean process() {
        TlsConnection secure;
        try {
            secure = tls.wrap(raw);
        } catch (TlsHandshakeException e) {
            return false; // already closed, counted and logged by the middleware
        }
        ProtocolConnection selected = select(secure);
        protocol = selected;
        if (!manager.replace(id, selected)) {
            secure.close();
            return false;
        }
        if (stopping) {
            selected.stopAcceptingRequests();
        }
        return selected.process();
    }

    /** ALPN (RFC 7301): HTTP/1.1 for {@code http/1.1} or no ALPN; {@code h2} will select HTTP/2. */
    private ProtocolConnection select(TlsConnection secure) {
        return new Http1Connection(id, secure, context);
    }

    @Override
    public void stopAcceptingRequests() {
        stopping = true;
        ProtocolConnection p = protocol;
        if (p != null) {
            p.stopAcceptingRequests();
        } else {
            raw.close(); // still handshaking: no request is in flight, nothing to finish
        }
    }

    @Override
    public void tick(long nowNanos) {
        // The handshake deadline is the middleware's, checked on its own heartbeat call.
        ProtocolConnection p = protocol;
        if (p != null) {
            p.tick(nowNanos);
        }
    }

    @Override
    public void abort() {
        raw.close();
    }
}
