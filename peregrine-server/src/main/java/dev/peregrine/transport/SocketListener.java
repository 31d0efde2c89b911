package dev.peregrine.transport;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/** A bound TCP or Unix-domain server socket in blocking mode. */
public final class SocketListener implements Listener {

    /**
     * Pending connections the kernel may queue before accept. Large enough for a burst of
     * thousands of connects (benchmarks, reconnect storms); Linux caps it at somaxconn anyway.
     */
    private static final int BACKLOG = 4096;

    private final ServerSocketChannel channel;
    private final SocketAddress bound;
    private final Path unixPath;

    private SocketListener(ServerSocketChannel channel, Path unixPath) throws IOException {
        this.channel = channel;
        this.bound = channel.getLocalAddress();
        this.unixPath = unixPath;
    }

    /** Binds the endpoint. A Unix socket path must not exist yet; it is deleted again on close. */
    public static SocketListener bind(Endpoint endpoint) throws IOException {
        return switch (endpoint) {
            case Endpoint.Tcp tcp -> {
                ServerSocketChannel ch = ServerSocketChannel.open();
                try {
                    ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                    ch.bind(tcp.address(), BACKLOG);
                } catch (IOException e) {
                    ch.close();
                    throw new IOException("cannot bind " + endpoint + ": " + e.getMessage(), e);
                }
                yield new SocketListener(ch, null);
            }
            case Endpoint.Unix unix -> {
                ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                try {
                    ch.bind(unix.address(), BACKLOG);
                } catch (IOException e) {
                    ch.close();
                    throw new IOException("cannot bind " + endpoint + ": " + e.getMessage(), e);
                }
                yield new SocketListener(ch, unix.address().getPath());
            }
        };
    }

    @Override
    public Connection accept() throws IOException {
        SocketChannel s = channel.accept();
        try {
            if (unixPath == null) {
                // Responses are batched per flush already; Nagle would only add latency.
                s.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            return new SocketConnection(s);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    @Override
    public SocketAddress localAddress() {
        return bound;
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            if (unixPath != null) {
                Files.deleteIfExists(unixPath);
            }
        }
    }

    @Override
    public String toString() {
        return String.valueOf(bound);
    }
}
