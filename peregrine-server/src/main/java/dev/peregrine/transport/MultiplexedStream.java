package dev.peregrine.transport;

import java.io.IOException;

/**
 * One stream of a {@link MultiplexedConnection}: an ordered byte stream in each direction it
 * has, each ended by FIN, or aborted with an application error code (RFC 9000 §2-§3). A
 * bidirectional stream has both directions; a unidirectional one only the direction of the side
 * that opened it.
 *
 * <p>One thread reads and one thread writes at a time; {@link #reset} and {@link #stopSending}
 * may be called from any thread and wake a blocked write or read.
 */
public interface MultiplexedStream {

    /** The QUIC stream id (its two low bits say who opened it and whether it is bidirectional). */
    long id();

    boolean isBidirectional();

    /**
     * Reads at least one byte unless the peer's side has ended: returns the count, or -1 after
     * the peer's FIN. Throws {@link StreamAbortedException} when the peer reset its sending side
     * (RESET_STREAM) or after {@link #stopSending} was called here.
     */
    int read(byte[] b, int off, int len) throws IOException;

    /**
     * Writes all of {@code b[off..off+len)}, then a FIN when {@code fin} is set, blocking while
     * flow control or the transport's bounded buffer has no room. Throws
     * {@link StreamAbortedException} once the peer asked us to stop (STOP_SENDING) or after
     * {@link #reset} was called here. The bytes are copied: the caller may reuse {@code b}.
     */
    void write(byte[] b, int off, int len, boolean fin) throws IOException;

    /** Abandons our sending side with this code (RESET_STREAM); idempotent, any thread. */
    void reset(long applicationErrorCode);

    /** Asks the peer to stop sending, with this code (STOP_SENDING); idempotent, any thread. */
    void stopSending(long applicationErrorCode);
}
