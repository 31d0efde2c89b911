package dev.peregrine.transport;

import dev.peregrine.testkit.BytePipe;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A connection made of two in-memory pipes: the server side implements {@link Connection}, the
 * test drives the client side with {@link #send} and {@link #receive}. Counts the server's write
 * calls so tests can check batching (one flush for a pipelined batch).
 */
public final class InMemoryConnection implements Connection {

    private final BytePipe toServer = new BytePipe();
    private final BytePipe toClient = new BytePipe();
    private final AtomicInteger writes = new AtomicInteger();
    private final AtomicInteger fileTransfers = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong directBytes = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean open = true;
    private volatile boolean fileTransfer;

    /** Makes this connection claim zero-copy file transfer, as a plain socket does (counted). */
    public InMemoryConnection withFileTransfer() {
        fileTransfer = true;
        return this;
    }

    // ---- server side

    @Override
    public int read(ByteBuffer dst) throws IOException {
        return toServer.read(dst, 0);
    }

    @Override
    public void write(ByteBuffer src) throws IOException {
        writes.incrementAndGet();
        countDirect(src);
        byte[] b = new byte[src.remaining()];
        src.get(b);
        toClient.write(b, 0, b.length);
    }

    @Override
    public void write(ByteBuffer[] srcs) throws IOException {
        writes.incrementAndGet();
        for (ByteBuffer src : srcs) {
            countDirect(src);
            byte[] b = new byte[src.remaining()];
            src.get(b);
            toClient.write(b, 0, b.length);
        }
    }

    private void countDirect(ByteBuffer src) {
        if (src.isDirect()) {
            directBytes.addAndGet(src.remaining());
        }
    }

    @Override
    public boolean supportsFileTransfer() {
        return fileTransfer;
    }

    @Override
    public void transferFrom(java.nio.channels.FileChannel file, long position, long count) throws IOException {
        fileTransfers.incrementAndGet();
        ByteBuffer buf = ByteBuffer.allocate((int) count);
        while (buf.hasRemaining()) {
            if (file.read(buf, position + buf.position()) < 0) {
                throw new java.io.EOFException("file shrank");
            }
        }
        buf.flip();
        toClient.write(buf.array(), 0, buf.limit());
    }

    @Override
    public void shutdownInput() {
        toServer.closeWrite();
    }

    @Override
    public void shutdownOutput() {
        toClient.closeWrite();
    }

    @Override
    public SocketAddress localAddress() {
        return new InetSocketAddress("127.0.0.1", 80);
    }

    @Override
    public SocketAddress remoteAddress() {
        return new InetSocketAddress("127.0.0.1", 40000);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
        toServer.abort();
        toClient.closeWrite();
    }

    // ---- client side

    /** Number of write calls the server made so far. */
    public int serverWrites() {
        return writes.get();
    }

    /** Octets the server wrote from direct buffers (a socket takes those without a copy). */
    public long directBytesWritten() {
        return directBytes.get();
    }

    /** Number of file regions the server sent with {@link #transferFrom}. */
    public int fileTransfers() {
        return fileTransfers.get();
    }

    public void send(String ascii) throws IOException {
        send(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    public void send(byte[] bytes) throws IOException {
        toServer.write(bytes, 0, bytes.length);
    }

    /** The client half-closes: the server reads end of stream. */
    public void sendEof() {
        toServer.closeWrite();
    }

    /** Everything the server writes until it closes its output (bounded by {@code timeoutMillis}). */
    public String receiveAll(long timeoutMillis) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(8192);
        while (true) {
            b.clear();
            int n = toClient.read(b, timeoutMillis);
            if (n < 0) {
                return all.toString(StandardCharsets.ISO_8859_1);
            }
            all.write(b.array(), 0, n);
        }
    }

    /** Reads until {@code expected} bytes of response arrived (bounded by the timeout). */
    public String receive(int expected, long timeoutMillis) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(8192);
        while (all.size() < expected) {
            b.clear().limit(Math.min(8192, expected - all.size()));
            int n = toClient.read(b, timeoutMillis);
            if (n < 0) {
                break;
            }
            all.write(b.array(), 0, n);
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads whatever arrives until {@code marker} was seen (bounded by the timeout). */
    public String receiveUntil(String marker, long timeoutMillis) throws IOException {
        StringBuilder sb = new StringBuilder();
        ByteBuffer b = ByteBuffer.allocate(8192);
        while (sb.indexOf(marker) < 0) {
            b.clear();
            int n = toClient.read(b, timeoutMillis);
            if (n < 0) {
                break;
            }
            sb.append(new String(b.array(), 0, n, StandardCharsets.ISO_8859_1));
        }
        return sb.toString();
    }

    /** Whether the server closed its side (after draining what it wrote). */
    /**
     * Waits until the server side is blocked reading with no input pending: a connection that
     * answered everything and waits for its next request. False if it did not within the time.
     */
    public boolean awaitServerWaitingForInput(long timeoutMillis) throws InterruptedException {
        return toServer.awaitReaderWaiting(timeoutMillis);
    }

    public boolean serverClosed() {
        return toClient.isEof();
    }
}
