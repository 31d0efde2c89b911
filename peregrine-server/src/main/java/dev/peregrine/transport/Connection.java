package dev.peregrine.transport;

import dev.peregrine.api.TlsSession;
import java.io.Closeable;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;

/**
 * A duplex byte stream to one client: a TCP or Unix socket, or the same wrapped by middleware
 * such as TLS. Reads and writes block; each connection runs on its own virtual thread, so a
 * blocked read costs a parked continuation, not an OS thread.
 *
 * <p>One thread reads and one thread writes at a time; {@link #close()} may be called from any
 * thread (the heartbeat or a shutdown aborting the connection) and wakes both.
 */
public interface Connection extends Closeable {

    /** Reads at least one byte into {@code dst} unless at end of stream; returns the count, or -1 at EOF. */
    int read(ByteBuffer dst) throws IOException;

    /** Writes every remaining byte of {@code src}. */
    void write(ByteBuffer src) throws IOException;

    /** Writes every remaining byte of each buffer, in order, with as few system calls as the transport allows. */
    default void write(ByteBuffer[] srcs) throws IOException {
        for (ByteBuffer src : srcs) {
            write(src);
        }
    }

    /**
     * Whether {@link #transferFrom} sends file bytes without copying them through the JVM: a
     * plain socket ({@code sendfile}), not TLS, which must encrypt every byte.
     */
    default boolean supportsFileTransfer() {
        return false;
    }

    /**
     * Writes {@code count} bytes of {@code file} from {@code position}, blocking until all are sent.
     *
     * @throws java.io.EOFException if the file ends first
     * @throws UnsupportedOperationException unless {@link #supportsFileTransfer()}
     */
    default void transferFrom(FileChannel file, long position, long count) throws IOException {
        throw new UnsupportedOperationException("no file transfer on " + getClass().getSimpleName());
    }

    /**
     * Reads like {@link #read(ByteBuffer)} but gives up after {@code timeoutMillis} with a
     * {@link java.net.SocketTimeoutException}, leaving the connection usable. Only called when
     * {@link #parkableChannel()} is not null.
     */
    default int read(ByteBuffer dst, int timeoutMillis) throws IOException {
        throw new UnsupportedOperationException("no timed reads on " + getClass().getSimpleName());
    }

    /**
     * The socket channel a selector may watch while this connection idles without a thread, or
     * {@code null} when it cannot be parked (no timed reads, or input already buffered above the
     * socket). See {@code dev.peregrine.server.IdleParker}.
     */
    default SocketChannel parkableChannel() {
        return null;
    }

    /** Half-closes: sends FIN (or TLS close_notify) while the read side stays open. */
    void shutdownOutput() throws IOException;

    /**
     * Wakes a blocked {@link #read} with end-of-stream while writes still work, so a timed-out or
     * stopping connection can still send its last response (408, or {@code Connection: close}).
     * The default aborts the connection.
     */
    default void shutdownInput() throws IOException {
        close();
    }

    SocketAddress localAddress();

    SocketAddress remoteAddress();

    /** Facts about TLS on this connection, or {@code null} when it is plain text. */
    default TlsSession tls() {
        return null;
    }

    boolean isOpen();

    /** Closes at once (an abort); pending reads and writes fail. Idempotent. */
    @Override
    void close();
}
