package dev.peregrine.exchange;

import dev.peregrine.api.Headers;
import dev.peregrine.api.Response;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;

/**
 * What a protocol does with a response once {@link ExchangeResponse} has applied the
 * protocol-neutral rules (Kestrel's {@code IHttpOutputProducer} is the model). HTTP/1.1 writes a
 * status line and fields with chunked or length framing; HTTP/2 and HTTP/3 write HEADERS and DATA
 * frames. One exchange at a time per output; called only from the thread running the handler.
 */
public interface ResponseOutput {

    /**
     * Body bytes the exchange may hold back before the head is committed: a handler that finishes
     * within them gets a computed {@code content-length}.
     */
    int maxPendingBytes();

    /**
     * Encodes the head and queues it. All or nothing: a {@link RuntimeException} (a field the
     * protocol refuses) must leave the output exactly as it was, so the failure can still become
     * a clean 500.
     *
     * @param headers the handler's fields; the output drops the framing and connection-specific
     *     ones it writes itself or its protocol forbids, and adds {@code date} when absent
     * @param mode how the body is delimited
     * @param contentLength the length for {@link BodyMode#LENGTH} (and for a 304 that declares one), else -1
     * @param headOnly the request was HEAD: framed as for GET, but no body follows
     */
    void writeHead(int status, Headers headers, BodyMode mode, long contentLength, boolean headOnly)
            throws IOException;

    /** Body bytes after the head, framed by the output; may block when the peer is slow (backpressure). */
    void writeBody(byte[] b, int off, int len) throws IOException;

    /**
     * Body bytes taken from a file region, after a head in {@link BodyMode#LENGTH}. The default
     * reads them into a buffer and calls {@link #writeBody}; a protocol over a plain socket
     * overrides it to let the kernel copy them ({@code sendfile}).
     *
     * @throws EOFException if the file ends before {@code count} bytes
     */
    default void writeFile(FileChannel file, long position, long count) throws IOException {
        Response.copyFileRegion(file, position, count, bodyStream());
    }

    /**
     * Body bytes from a buffer (its remaining ones, read and not kept), after a head in
     * {@link BodyMode#LENGTH}. The default copies them through {@link #writeBody}; HTTP/1.1
     * writes a large one to the socket as it is.
     */
    default void writeBuffer(java.nio.ByteBuffer body) throws IOException {
        Response.copyBuffer(body, bodyStream());
    }

    /** {@link #writeBody} as a stream, for the copying defaults above. */
    private OutputStream bodyStream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                writeBody(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                writeBody(b, off, len);
            }
        };
    }

    /** Sends what is queued. */
    void flush() throws IOException;

    /** Ends the body: the last chunk, END_STREAM, or a trailing HEADERS with the trailer fields. */
    void finish(Headers trailersOrNull) throws IOException;

    /** Sends the interim {@code 100 Continue} (RFC 9110 §10.1.1), before any head. */
    void writeContinue() throws IOException;

    /** Whether {@link #writeUpgradeHead} works: HTTP/1.1 only (RFC 9110 §7.8). */
    default boolean supportsUpgrade() {
        return false;
    }

    /** Writes a {@code 101 Switching Protocols} head with these fields. */
    default void writeUpgradeHead(Headers headers) throws IOException {
        throw new UnsupportedOperationException("this protocol has no upgrade");
    }
}
