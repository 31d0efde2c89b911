package dev.peregrine.server.internal;

import dev.peregrine.transport.Connection;

/**
 * Takes an idle keep-alive connection off its thread until its next request arrives. A protocol
 * parks through this interface so that it never sees the parker's selector or the connection
 * table it updates.
 */
public interface ConnectionParker {

    /**
     * Turns a parked connection that became readable back into a running protocol connection:
     * given by the protocol that parked it, so the parker knows no protocol.
     */
    @FunctionalInterface
    interface Resumer {
        ProtocolConnection resume(long id, Connection connection);
    }

    /**
     * Takes over an idle connection whose thread is about to end. {@code deadlineNanos} is its
     * keep-alive deadline; the heartbeat closes it then. {@code resumer} starts it again when bytes arrive.
     */
    void park(long id, Connection connection, long deadlineNanos, Resumer resumer);
}
