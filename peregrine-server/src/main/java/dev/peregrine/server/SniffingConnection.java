package dev.peregrine.server;

import dev.peregrine.server.internal.ConnectionSelector;
import dev.peregrine.server.internal.ProtocolSelection;
import dev.peregrine.server.internal.ServerContext;
import dev.peregrine.transport.Connection;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A new connection whose protocol is told by its first bytes (h2c prior knowledge, RFC 9113
 * §3.3): reads until a {@link ConnectionSelector} claims them, then hands the bytes read and the
 * transport to that protocol, which replaces this one in the connection manager. Used only when
 * some installed protocol sniffs; otherwise the fallback protocol starts at once.
 */
final class SniffingConnection extends HandoffConnection {

    private static final System.Logger LOG = System.getLogger(SniffingConnection.class.getName());
    /** Enough for an HTTP/2 preface and the first frames, and the size HTTP/1.1 waits with. */
    private static final int SNIFF_BYTES = 2048;

    private final long id;
    private final Connection transport;
    private final ServerContext context;
    private final ConnectionManager manager;
    private final ProtocolSelection selection;
    /** Written by the connection thread, read by the heartbeat. */
    private volatile long deadlineNanos;

    SniffingConnection(long id, Connection transport, ServerContext context, ConnectionManager manager,
            ProtocolSelection selection) {
        this.id = id;
        this.transport = transport;
        this.context = context;
        this.manager = manager;
        this.selection = selection;
        // A client that connects and sends nothing is held like an idle keep-alive connection.
        this.deadlineNanos = context.clock().nanoTime() + context.options().keepAliveTimeout().toNanos();
    }

    @Override
    public boolean process() {
        byte[] first = new byte[SNIFF_BYTES];
        ByteBuffer view = ByteBuffer.wrap(first);
        ConnectionSelector chosen = null;
        try {
            while (chosen == null) {
                int n = transport.read(view);
                if (n < 0) {
                    return false; // closed, timed out or stopped before a byte: nothing to answer
                }
                if (n > 0 && view.position() == n) {
                    // The client has begun: a preface trickled a byte at a time (no protocol is
                    // chosen while it is incomplete) is held to the request-headers deadline,
                    // the slowloris defence, not to the far longer keep-alive one.
                    long headers = context.clock().nanoTime() + context.options().requestHeadersTimeout().toNanos();
                    if (headers - deadlineNanos < 0) {
                        deadlineNanos = headers;
                    }
                }
                chosen = selection.byPreface(first, 0, view.position());
                if (chosen == null && !view.hasRemaining()) {
                    chosen = selection.fallback();
                }
            }
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "connection " + id + " closed before its protocol was known: " + e);
            return false;
        }
        return SecureConnection.run(id, chosen.open(id, transport, context, first, view.position()), transport,
                manager, this::installed);
    }

    @Override
    void stopBeforeHandoff() {
        transport.close(); // nothing received yet: no request to finish
    }

    @Override
    void tickBeforeHandoff(long nowNanos) {
        if (nowNanos - deadlineNanos >= 0) {
            context.connection().timedOut(TimeoutKind.KEEP_ALIVE);
            transport.close();
        }
    }

    @Override
    public void abort() {
        transport.close();
    }
}
