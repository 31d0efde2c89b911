package dev.peregrine.http3;

import dev.peregrine.api.TlsSession;
import dev.peregrine.testkit.StreamPipe;
import dev.peregrine.transport.MultiplexedConnection;
import dev.peregrine.transport.MultiplexedStream;
import dev.peregrine.transport.StreamAbortedException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An in-memory {@link MultiplexedConnection} for HTTP/3 tests: the server side implements the
 * transport contract over {@link StreamPipe}s, the client side is a script API (open streams,
 * write frames, read the server's streams). Stream ids follow QUIC's numbering (RFC 9000 §2.1).
 */
final class InMemoryQuic implements MultiplexedConnection {

    static final int PIPE_BYTES = 256 * 1024;

    private final BlockingQueue<Object> toServer = new LinkedBlockingQueue<>();
    private final BlockingQueue<ClientStream> serverOpened = new LinkedBlockingQueue<>();
    private static final Object CLOSED = new Object();
    private final int pipeBytes;
    private long nextClientBidi = 0;
    private long nextClientUni = 2;
    private long nextServerUni = 3;
    private volatile long closeCode = -1;
    private volatile String closeReason;
    private final java.util.concurrent.CountDownLatch closedLatch = new java.util.concurrent.CountDownLatch(1);
    private final List<StreamPipe> pipes = new java.util.concurrent.CopyOnWriteArrayList<>();

    InMemoryQuic() {
        this(PIPE_BYTES);
    }

    InMemoryQuic(int pipeBytes) {
        this.pipeBytes = pipeBytes;
    }

    // ---- the client's side

    /** A stream as the test's client sees it. */
    final class ClientStream {
        final long id;
        /** Client to server; null for a server-opened unidirectional stream. */
        final StreamPipe up;
        /** Server to client; null for a client-opened unidirectional stream. */
        final StreamPipe down;

        ClientStream(long id, StreamPipe up, StreamPipe down) {
            this.id = id;
            this.up = up;
            this.down = down;
        }

        void write(byte[] b, boolean fin) throws IOException {
            up.write(b, 0, b.length, fin);
        }

        int read(byte[] b, int off, int len) throws IOException {
            return down.read(b, off, len);
        }

        /** Everything the server sends until its FIN. */
        byte[] readAll() throws IOException {
            var out = new java.io.ByteArrayOutputStream();
            byte[] b = new byte[8192];
            int n;
            while ((n = down.read(b, 0, b.length)) >= 0) {
                out.write(b, 0, n);
            }
            return out.toByteArray();
        }

        void reset(long code) {
            up.reset(code);
        }

        void stopSending(long code) {
            down.stopSending(code);
        }
    }

    ClientStream openBidi() {
        ClientStream c;
        synchronized (this) {
            c = new ClientStream(nextClientBidi, pipe(), pipe());
            nextClientBidi += 4;
        }
        toServer.add(new ServerStream(c.id, true, c.up, c.down));
        return c;
    }

    ClientStream openUni() {
        ClientStream c;
        synchronized (this) {
            c = new ClientStream(nextClientUni, pipe(), null);
            nextClientUni += 4;
        }
        toServer.add(new ServerStream(c.id, false, c.up, null));
        return c;
    }

    /** The next unidirectional stream the server opened. */
    ClientStream acceptServerStream() throws InterruptedException {
        ClientStream c = serverOpened.poll(10, TimeUnit.SECONDS);
        if (c == null) {
            throw new AssertionError("the server opened no stream within 10 s");
        }
        return c;
    }

    /** Waits until the server closed the connection; returns its application error code. */
    long awaitClose() throws InterruptedException {
        if (!closedLatch.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the server did not close the connection within 10 s");
        }
        return closeCode;
    }

    boolean isClosedByServer() {
        return closedLatch.getCount() == 0;
    }

    String closeReason() {
        return closeReason;
    }

    /** The client closes the connection (or its idle timeout fired). */
    void clientClose() {
        closeAll(new IOException("connection closed by the client"));
    }

    private StreamPipe pipe() {
        StreamPipe p = new StreamPipe(pipeBytes);
        pipes.add(p);
        return p;
    }

    // ---- the server's side: the transport contract

    private final class ServerStream implements MultiplexedStream {
        private final long id;
        private final boolean bidi;
        private final StreamPipe in;
        private final StreamPipe out;

        ServerStream(long id, boolean bidi, StreamPipe in, StreamPipe out) {
            this.id = id;
            this.bidi = bidi;
            this.in = in;
            this.out = out;
        }

        @Override
        public long id() {
            return id;
        }

        @Override
        public boolean isBidirectional() {
            return bidi;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (in == null) {
                throw new IOException("stream " + id + " has no receiving side");
            }
            try {
                return in.read(b, off, len);
            } catch (StreamPipe.AbortedException e) {
                throw new StreamAbortedException(e.getMessage(), e.code());
            }
        }

        @Override
        public void write(byte[] b, int off, int len, boolean fin) throws IOException {
            if (out == null) {
                throw new IOException("stream " + id + " has no sending side");
            }
            try {
                out.write(b, off, len, fin);
            } catch (StreamPipe.AbortedException e) {
                throw new StreamAbortedException(e.getMessage(), e.code());
            }
        }

        @Override
        public void reset(long code) {
            if (out != null) {
                out.reset(code);
            }
        }

        @Override
        public void stopSending(long code) {
            if (in != null) {
                in.stopSending(code);
            }
        }
    }

    @Override
    public MultiplexedStream accept() throws IOException {
        try {
            Object next = toServer.take();
            if (next == CLOSED) {
                toServer.add(CLOSED);
                return null;
            }
            return (MultiplexedStream) next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException();
        }
    }

    @Override
    public MultiplexedStream openUnidirectional() throws IOException {
        if (closedLatch.getCount() == 0) {
            throw new IOException("connection closed");
        }
        ClientStream c;
        synchronized (this) {
            c = new ClientStream(nextServerUni, null, pipe());
            nextServerUni += 4;
        }
        serverOpened.add(c);
        return new ServerStream(c.id, false, null, c.down);
    }

    @Override
    public void close(long applicationErrorCode, String reason) {
        synchronized (this) {
            if (closedLatch.getCount() == 0) {
                return;
            }
            closeCode = applicationErrorCode;
            closeReason = reason;
        }
        closeAll(new IOException("connection closed with code 0x" + Long.toHexString(applicationErrorCode)));
    }

    /** Closes once the client has read what the server wrote on every stream (bounded). */
    @Override
    public void closeAfterDelivery(long applicationErrorCode, java.time.Duration timeout) {
        Thread.ofVirtual().start(() -> {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && pipes.stream().anyMatch(p -> p.buffered() > 0)) {
                try {
                    Thread.sleep(5); // a test transport: polling its pipes is simplest
                } catch (InterruptedException e) {
                    return;
                }
            }
            close(applicationErrorCode, "");
        });
    }

    private void closeAll(IOException cause) {
        for (StreamPipe p : pipes) {
            p.close(cause);
        }
        toServer.add(CLOSED);
        closedLatch.countDown();
    }

    @Override
    public void close() {
        close(0x102, "aborted");
    }

    @Override
    public boolean isOpen() {
        return closedLatch.getCount() > 0;
    }

    @Override
    public SocketAddress localAddress() {
        return new InetSocketAddress("127.0.0.1", 443);
    }

    @Override
    public SocketAddress remoteAddress() {
        return new InetSocketAddress("127.0.0.1", 50000);
    }

    @Override
    public TlsSession tlsSession() {
        return new TlsSession("TLSv1.3", "TLS_AES_128_GCM_SHA256", "h3", "localhost", List.of());
    }
}
