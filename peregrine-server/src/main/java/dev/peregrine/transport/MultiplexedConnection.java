package dev.peregrine.transport;

import dev.peregrine.api.TlsSession;
import java.io.Closeable;
import java.io.IOException;
import java.net.SocketAddress;

/**
 * A connection that carries many independent byte streams (QUIC, RFC 9000): the peer opens
 * streams, which the server {@link #accept}s, and the server opens its own unidirectional ones
 * (HTTP/3's control and QPACK streams). It knows nothing of HTTP.
 *
 * <p>Every method blocks the calling (virtual) thread rather than calling back: a stream's reader
 * parks until data arrives and its writer until flow control allows, so an HTTP/3 connection is
 * written as straight-line code, as HTTP/1.1 is over {@link Connection}. The transport never
 * queues without bound in either direction.
 */
public interface MultiplexedConnection extends Closeable {

    /**
     * Waits for the next stream the peer opened, bidirectional or unidirectional. Returns
     * {@code null} once the connection is closed (by either side, or its idle timeout) and no
     * accepted stream is left to hand out.
     */
    MultiplexedStream accept() throws IOException;

    /**
     * Optionally hands every peer-opened stream to {@code handler} as it arrives, on the
     * transport's own thread, instead of through {@link #accept}: one thread hand-off fewer per
     * stream. The handler must return quickly (start a thread, never block). Streams that arrived
     * before the call are handed over at once. Returns false when the transport does not offer
     * this; then the caller keeps calling {@link #accept}. Either way {@code accept} returns
     * {@code null} once the connection is closed.
     */
    default boolean dispatchStreams(java.util.function.Consumer<MultiplexedStream> handler) {
        return false;
    }

    /** Opens a unidirectional stream to the peer; fails when the peer's stream limit is reached. */
    MultiplexedStream openUnidirectional() throws IOException;

    /**
     * Closes the connection with an application error code and reason (a QUIC CONNECTION_CLOSE
     * of the application type, RFC 9000 §10.2.3); idempotent, any thread. Every blocked read,
     * write and accept on it fails or ends.
     */
    void close(long applicationErrorCode, String reason);

    /**
     * The graceful end: closes as {@link #close(long, String)} does, but only once the peer has
     * received what was already written on every stream, or when {@code timeout} passes first.
     * A QUIC CONNECTION_CLOSE discards data still in flight (RFC 9000 §10.2), so a server that
     * closes right after its last response's FIN could lose that response. Returns at once; the
     * default closes immediately, for transports that deliver before closing anyway.
     */
    default void closeAfterDelivery(long applicationErrorCode, java.time.Duration timeout) {
        close(applicationErrorCode, "");
    }

    /** Aborts the connection at once, as {@link #close(long, String)} with an internal error. */
    @Override
    void close();

    /** Whether the connection is still open. */
    boolean isOpen();

    SocketAddress localAddress();

    SocketAddress remoteAddress();

    /** The TLS session the connection's handshake made (QUIC always has one). */
    TlsSession tlsSession();
}
