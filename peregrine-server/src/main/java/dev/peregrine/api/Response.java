package dev.peregrine.api;

import java.io.IOException;
import java.io.OutputStream;
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
