package dev.peregrine.transport;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** A TCP or Unix-domain socket in blocking mode, read and written from virtual threads. */
public final class SocketConnection implements Connection {

    private final SocketChannel channel;
    private final SocketAddress local;
    private final SocketAddress remote;

    public SocketConnection(SocketChannel channel) throws IOException {
        this.channel = channel;
        this.local = channel.getLocalAddress();
        this.remote = channel.getRemoteAddress();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            channel.write(src);
        }
    }

    @Override
    public void write(ByteBuffer[] srcs) throws IOException {
        while (anyRemaining(srcs)) {
            channel.write(srcs);
        }
    }

    private static boolean anyRemaining(ByteBuffer[] srcs) {
        for (ByteBuffer b : srcs) {
            if (b.hasRemaining()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void shutdownInput() throws IOException {
        channel.shutdownInput();
    }

    @Override
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public SocketAddress localAddress() {
        return local;
    }

    @Override
    public SocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a socket that is already broken has nothing left to report
        }
    }

    @Override
    public String toString() {
        return remote + " -> " + local;
    }
}
