package dev.peregrine.api;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/**
 * The response a handler builds. Set status and headers first; the head is sent (committed)
 * on the first body write that does not fit the buffer, on {@link OutputStream#flush()}, or
 * when the handler returns.
 *
 * <p>Framing is chosen for the handler: a known {@code Content-Length} (set it, or call
 * {@link #send(byte[])}) is used as is; otherwise HTTP/1.1 uses chunked encoding and
 * HTTP/1.0 closes the connection at the end. {@code HEAD} responses carry the same headers
 * and no body.
 */
public interface Response {

    int status();

    /** Sets the status code (100-599; 1xx other than via {@link #upgrade} are not supported). */
    Response status(int status);

    Headers headers();

    /** Shortcut for {@code headers().set(name, value)}. */
    default Response header(String name, String value) {
        headers().set(name, value);
        return this;
    }

    /** Declares the body length; the server then checks the handler writes exactly that many bytes. */
    Response contentLength(long length);

    /** The streaming body. Closing it ends the response (sending trailers if any). */
    OutputStream body();

    /**
     * Trailer fields to send after the body (chunked HTTP/1.1, HTTP/2, HTTP/3). Set them before the
     * body is closed; over HTTP/1.1 their presence selects chunked encoding.
     */
    Headers trailers();

    /** Whether the status line and headers have been sent. */
    boolean isCommitted();

    /** Sends the whole body with a Content-Length and ends the response. */
    default void send(byte[] body) throws IOException {
        contentLength(body.length);
        try (OutputStream out = body()) {
            out.write(body);
        }
    }

    /**
     * Sends {@code count} bytes of {@code file}, starting at {@code position}, as the whole body
     * with a {@code Content-Length}, and ends the response. Nothing may have been written to
     * {@link #body()} before. Over plain-TCP HTTP/1.1 the bytes go from the page cache to the
     * socket without a copy ({@code sendfile}); TLS, HTTP/2 and HTTP/3 read them into buffers
     * their own way. A {@code HEAD} request gets the length alone. The channel stays open: the
     * caller owns it.
     *
     * @throws EOFException if the file ends before {@code count} bytes (it shrank while being
     *     sent); the server then aborts the response rather than send fewer bytes than declared
     */
    default void sendFile(FileChannel file, long position, long count) throws IOException {
        if (position < 0 || count < 0) {
            throw new IllegalArgumentException("negative position or count");
        }
        contentLength(count);
        try (OutputStream out = body()) {
            copyFileRegion(file, position, count, out);
        }
    }

    /**
     * Sends the buffer's remaining bytes as the whole body, with a {@code Content-Length}, and
     * ends the response; nothing may have been written to {@link #body()} before. The buffer is
     * read, never kept: its position is left where it was. Over plain HTTP/1.1 a large buffer is
     * written to the socket as it is, without a copy into the server's own buffers, which makes
     * this the fast route for a mapped file ({@link java.nio.MappedByteBuffer}) that stays mapped
     * between requests; other protocols copy it into their frames. A {@code HEAD} request gets
     * the length alone.
     */
    default void send(ByteBuffer body) throws IOException {
        ByteBuffer b = body.duplicate();
        contentLength(b.remaining());
        try (OutputStream out = body()) {
            copyBuffer(b, out);
        }
    }

    /** Writes the buffer's remaining bytes to {@code out}, through one chunk unless it has an array. */
    static void copyBuffer(ByteBuffer b, OutputStream out) throws IOException {
        if (b.hasArray()) {
            out.write(b.array(), b.arrayOffset() + b.position(), b.remaining());
            b.position(b.limit());
            return;
        }
        byte[] chunk = new byte[Math.min(64 * 1024, Math.max(b.remaining(), 1))];
        while (b.hasRemaining()) {
            int n = Math.min(chunk.length, b.remaining());
            b.get(chunk, 0, n);
            out.write(chunk, 0, n);
        }
    }

    /**
     * Copies {@code count} bytes of {@code file} from {@code position} to {@code out} through one
     * buffer: the portable route for a file body, where no zero-copy transfer applies.
     *
     * @throws EOFException if the file ends first
     */
    static void copyFileRegion(FileChannel file, long position, long count, OutputStream out) throws IOException {
        byte[] chunk = new byte[(int) Math.min(64 * 1024, Math.max(count, 1))];
        ByteBuffer buf = ByteBuffer.wrap(chunk);
        long pos = position;
        long end = position + count;
        while (pos < end) {
            buf.clear().limit((int) Math.min(chunk.length, end - pos));
            int n = file.read(buf, pos);
            if (n < 0) {
                throw new EOFException("file shrank while being sent");
            }
            out.write(chunk, 0, n);
            pos += n;
        }
    }

    /** Sends UTF-8 text; sets {@code Content-Type: text/plain; charset=utf-8} unless one is set. */
    default void send(String text) throws IOException {
        if (!headers().contains("content-type")) {
            headers().set("content-type", "text/plain; charset=utf-8");
        }
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sets the status and sends UTF-8 text. */
    default void send(int status, String text) throws IOException {
        status(status);
        send(text);
    }

    /**
     * Answers {@code 101 Switching Protocols} with the headers set so far and, once the handler
     * returns, gives the raw connection to {@code upgraded} (WebSocket, h2c). Only HTTP/1.1 supports it.
     *
     * @throws UnsupportedOperationException on protocols without upgrade
     * @throws IllegalStateException if the response is already committed
     */
    void upgrade(Upgraded upgraded);
}
