package dev.peregrine.server;

import dev.peregrine.server.internal.ConnectionMetrics;
import dev.peregrine.server.internal.ConnectionSelector;
import dev.peregrine.server.internal.ProtocolConnection;
import dev.peregrine.server.internal.ProtocolSelection;
import dev.peregrine.server.internal.ServerContext;
import dev.peregrine.tls.TlsHandshakeException;
import dev.peregrine.tls.TlsMiddleware;
import dev.peregrine.transport.Connection;
import java.util.function.Predicate;

/**
 * A connection accepted on a TLS listener: the handshake runs on the connection's own thread
 * (never in the accept loop), then ALPN picks the protocol through the {@link ProtocolSelection}
 * (or, without ALPN, the first bytes do), and that protocol connection replaces this one in the
 * connection manager. Kestrel's HttpsConnectionMiddleware followed by protocol selection.
 */
final class SecureConnection extends HandoffConnection {

    private final long id;
    private final Connection raw;
    private final TlsMiddleware tls;
    private final ServerContext context;
    private final ConnectionManager manager;
    private final ProtocolSelection selection;

    SecureConnection(long id, Connection raw, TlsMiddleware tls, ServerContext context, ConnectionManager manager,
            ProtocolSelection selection) {
        this.id = id;
        this.raw = raw;
        this.tls = tls;
        this.context = context;
        this.manager = manager;
        this.selection = selection;
    }

    @Override
    public boolean process() {
        Connection secure;
        ConnectionMetrics metrics = context.connection();
        long started = metrics.tlsHandshakeStarted();
        try {
            secure = tls.wrap(raw);
        } catch (TlsHandshakeException e) {
            metrics.tlsHandshakeEnded(started, null, e);
            return false; // already closed, counted and logged by the middleware
        }
        metrics.tlsHandshakeEnded(started, secure.tls(), null);
        String alpn = secure.tls() == null ? null : secure.tls().applicationProtocol();
        ConnectionSelector chosen = selection.forAlpn(alpn);
        ProtocolConnection selected;
        if (chosen != null || !selection.sniffs()) {
            selected = (chosen != null ? chosen : selection.fallback()).open(id, secure, context, null, 0);
        } else {
            // No ALPN: the client may still speak HTTP/2 with prior knowledge, so its first bytes decide.
            selected = new SniffingConnection(id, secure, context, manager, selection);
        }
        return run(id, selected, secure, manager, this::installed);
    }

    /**
     * Puts {@code selected} in place of the connection that chose it and runs it. {@code installed}
     * records it and says whether a graceful stop began meanwhile.
     */
    static boolean run(long id, ProtocolConnection selected, Connection transport, ConnectionManager manager,
            Predicate<ProtocolConnection> installed) {
        if (!manager.replace(id, selected)) {
            transport.close();
            return false;
        }
        if (installed.test(selected)) {
            selected.stopAcceptingRequests();
        }
        return selected.process();
    }

    @Override
    void stopBeforeHandoff() {
        raw.close(); // still handshaking: no request is in flight, nothing to finish
    }

    @Override
    void tickBeforeHandoff(long nowNanos) {
        // The handshake deadline is the middleware's, checked on its own heartbeat call.
    }

    @Override
    public void abort() {
        raw.close();
    }
}
