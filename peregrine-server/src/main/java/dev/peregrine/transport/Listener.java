package dev.peregrine.transport;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketAddress;

/** A bound endpoint that accepts connections. Closing it unbinds and wakes a blocked {@link #accept()}. */
public interface Listener extends Closeable {

    /** Blocks for the next connection; throws {@link java.nio.channels.ClosedChannelException} once closed. */
    Connection accept() throws IOException;

    /** The bound address: for TCP with port 0, the port the system chose. */
    SocketAddress localAddress();

    boolean isOpen();

    @Override
    void close() throws IOException;
}
