package dev.peregrine.server;

import dev.peregrine.server.internal.ProtocolConnection;

/**
 * A connection that chooses its protocol first (TLS handshake and ALPN, or the first bytes) and
 * then hands over to it: until the hand-over it answers stop and tick itself, afterwards it
 * passes them on. Kestrel's connection middleware before the protocol selection.
 */
abstract class HandoffConnection implements ProtocolConnection {

    private volatile ProtocolConnection protocol;
    private volatile boolean stopping;

    /** Records the chosen protocol; true when a graceful stop began meanwhile and must be passed on. */
    final boolean installed(ProtocolConnection chosen) {
        protocol = chosen;
        return stopping;
    }

    /** Stop before the hand-over: no request can be in flight yet. */
    abstract void stopBeforeHandoff();

    /** The heartbeat before the hand-over. */
    abstract void tickBeforeHandoff(long nowNanos);

    @Override
    public final void stopAcceptingRequests() {
        stopping = true;
        ProtocolConnection p = protocol;
        if (p != null) {
            p.stopAcceptingRequests();
        } else {
            stopBeforeHandoff();
        }
    }

    @Override
    public final void tick(long nowNanos) {
        ProtocolConnection p = protocol;
        if (p != null) {
            p.tick(nowNanos);
        } else {
            tickBeforeHandoff(nowNanos);
        }
    }
}
