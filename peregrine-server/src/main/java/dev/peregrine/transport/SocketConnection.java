package dev.peregrine.transport;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;

/** A TCP or Unix-domain socket in blocking mode, read and written from virtual threads. */
public final class SocketConnection implements Connection {

    private final SocketChannel channel;
    private final SocketAddress local;
    private final SocketAddress remote;
    private java.io.InputStream in;
    private int soTimeout;
    private final boolean timedReads;

    public SocketConnection(SocketChannel channel) throws IOException {
        this.channel = channel;
        this.timedReads = channel.getRemoteAddress() instanceof java.net.InetSocketAddress;
        this.local = channel.getLocalAddress();
        this.remote = channel.getRemoteAddress();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    /**
     * Reads into a heap buffer, giving up after {@code timeoutMillis} with a
     * {@link java.net.SocketTimeoutException} that leaves the socket usable. Timed reads go through
     * the socket adaptor's stream, the one public route to a timed blocking read on a channel.
     */
    @Override
    public int read(ByteBuffer heapDst, int timeoutMillis) throws IOException {
        if (timeoutMillis != soTimeout) {
            channel.socket().setSoTimeout(timeoutMillis);
            soTimeout = timeoutMillis;
        }
        if (in == null) {
            in = channel.socket().getInputStream();
        }
        int n = in.read(heapDst.array(), heapDst.arrayOffset() + heapDst.position(), heapDst.remaining());
        if (n > 0) {
            heapDst.position(heapDst.position() + n);
        }
        return n;
    }

    /** Whether {@link #read(ByteBuffer, int)} works: TCP yes; Unix sockets have no socket adaptor. */
    public boolean supportsTimedRead() {
        return timedReads;
    }

    /** The channel, for parking an idle connection with a selector. */
    public SocketChannel channel() {
        return channel;
    }

    @Override
    public SocketChannel parkableChannel() {
        return timedReads ? channel : null;
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

    @Override
    public boolean supportsFileTransfer() {
        return true;
    }

    @Override
    public void transferFrom(FileChannel file, long position, long count) throws IOException {
        long pos = position;
        long end = position + count;
        while (pos < end) {
            long n = file.transferTo(pos, end - pos, channel);
            if (n <= 0) {
                // Let the other connections run once first: under load the client drains the send
                // buffer meanwhile, and a retry is far cheaper than the park below (measured: the
                // park on every full buffer cost a third of 1 MiB file throughput).
                Thread.yield();
                n = file.transferTo(pos, end - pos, channel);
            }
            if (n <= 0) {
                if (pos >= file.size()) {
                    throw new EOFException("file shrank while being sent");
                }
                // transferTo does not park: the JDK puts a socket used from virtual threads in
                // non-blocking mode, and sendfile on a full send buffer returns 0 at once. Looping
                // on it spun the carrier thread for as long as the client did not read, and two
                // such clients stalled every connection on a two-core machine. A blocking write
                // of a small piece parks until the socket takes bytes again; then sendfile resumes.
                // (One yield and retry above, never a loop: a stalled client still parks at once.)
                n = writeThrough(file, pos, Math.min(end - pos, PARKING_WRITE_BYTES));
            }
            pos += n;
        }
    }

    /** Bytes copied through a heap buffer when sendfile would block: enough to wait for room. */
    private static final int PARKING_WRITE_BYTES = 8 * 1024;

    private long writeThrough(FileChannel file, long position, long count) throws IOException {
        ByteBuffer piece = ByteBuffer.allocate((int) count);
        while (piece.hasRemaining()) {
            if (file.read(piece, position + piece.position()) < 0) {
                throw new EOFException("file shrank while being sent");
            }
        }
        write(piece.flip());
        return count;
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
