package dev.peregrine.transport;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketAddress;

/**
 * A bound multiplexed transport (a QUIC server on a UDP port): hands out connections whose
 * handshake is complete. Closing it stops new connections; connections already accepted live on.
 */
public interface MultiplexedListener extends Closeable {

    /**
     * Waits for the next established connection. Throws
     * {@link java.nio.channels.ClosedChannelException} once the listener is closed.
     */
    MultiplexedConnection accept() throws IOException;

    boolean isOpen();

    SocketAddress localAddress();
}
