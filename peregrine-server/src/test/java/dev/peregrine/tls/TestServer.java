package dev.peregrine.tls;

import dev.peregrine.api.TlsSession;
import dev.peregrine.transport.SocketConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A loopback TLS server for tests: accepts on a virtual thread, wraps each connection with the
 * middleware on the connection's own virtual thread (as the real dispatcher does), then runs an app.
 */
final class TestServer implements AutoCloseable {

    interface App {
        void serve(TlsConnection connection) throws IOException;
    }

    /** Echoes everything until end of stream, then half-closes with close_notify. */
    static final App ECHO = c -> {
        ByteBuffer buf = ByteBuffer.allocate(8192);
        while (c.read(buf.clear()) >= 0) {
            c.write(buf.flip());
        }
        c.shutdownOutput();
    };

    /** Reads one request head and answers 200 with a body describing the TLS session. */
    static final App HTTP_INFO = c -> {
        ByteBuffer buf = ByteBuffer.allocate(8192);
        StringBuilder head = new StringBuilder();
        while (!head.toString().contains("\r\n\r\n")) {
            if (c.read(buf.clear()) < 0) {
                return;
            }
            head.append(StandardCharsets.US_ASCII.decode(buf.flip()));
        }
        TlsSession s = c.tls();
        String body = "protocol=" + s.protocol() + " cipher=" + s.cipherSuite() + " alpn=" + s.applicationProtocol()
                + " sni=" + s.serverName() + " peers=" + s.peerCertificates().size() + "\n";
        String response = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body;
        c.write(ByteBuffer.wrap(response.getBytes(StandardCharsets.US_ASCII)));
        c.shutdownOutput();
    };

    final TlsMiddleware middleware;
    final BlockingQueue<TlsSession> sessions = new LinkedBlockingQueue<>();
    final BlockingQueue<Throwable> appErrors = new LinkedBlockingQueue<>();
    private final ServerSocketChannel server;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();

    TestServer(TlsMiddleware middleware, App app) throws IOException {
        this.middleware = middleware;
        this.server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        Thread.ofVirtual().name("test-accept").start(() -> {
            while (server.isOpen()) {
                SocketChannel ch;
                try {
                    ch = server.accept();
                } catch (IOException e) {
                    return;
                }
                open.add(ch);
                Thread.ofVirtual().start(() -> {
                    SocketConnection raw;
                    try {
                        raw = new SocketConnection(ch); // the server's own TCP transport
                    } catch (IOException e) {
                        appErrors.add(e);
                        return;
                    }
                    try {
                        TlsConnection tls = (TlsConnection) middleware.wrap(raw);
                        sessions.add(tls.tls());
                        app.serve(tls);
                    } catch (TlsHandshakeException e) {
                        // counted by the middleware; tests look at its stats
                    } catch (Throwable t) {
                        appErrors.add(t);
                    } finally {
                        raw.close();
                        open.remove(ch);
                    }
                });
            }
        });
    }

    static TestServer start(TlsOptions options, App app) throws Exception {
        return new TestServer(TlsMiddleware.create(options), app);
    }

    int port() {
        return ((InetSocketAddress) server.socket().getLocalSocketAddress()).getPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (SocketChannel ch : open) {
            ch.close();
        }
    }
}
