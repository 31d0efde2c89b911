package dev.peregrine.files;

import dev.peregrine.api.Headers;
import dev.peregrine.api.Response;
import dev.peregrine.api.Upgraded;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Records what a handler does with a response. Like the real server it refuses a body whose
 * size disagrees with a declared Content-Length, so a framing bug fails the test.
 */
public final class FakeResponse implements Response {

    private int status = 200;
    private final Headers headers = new Headers();
    private final Headers trailers = new Headers();
    private long contentLength = -1;
    private final ByteArrayOutputStream sink = new ByteArrayOutputStream();
    private boolean committed;
    private boolean closed;
    private int writes;
    private int largestWrite;
    private int fileSends;

    private final OutputStream body = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("body closed");
            }
            committed = true;
            writes++;
            largestWrite = Math.max(largestWrite, len);
            sink.write(b, off, len);
            if (contentLength >= 0 && sink.size() > contentLength) {
                throw new IOException("wrote more than Content-Length " + contentLength);
            }
        }

        @Override
        public void flush() {
            committed = true;
        }

        @Override
        public void close() throws IOException {
            if (closed) {
                return;
            }
            closed = true;
            committed = true;
            if (contentLength >= 0 && sink.size() != contentLength) {
                throw new IOException("wrote " + sink.size() + " bytes, Content-Length is " + contentLength);
            }
        }
    };

    @Override public int status() { return status; }

    @Override
    public Response status(int status) {
        if (committed) {
            throw new IllegalStateException("committed");
        }
        this.status = status;
        return this;
    }

    @Override public Headers headers() { return headers; }

    @Override
    public Response contentLength(long length) {
        this.contentLength = length;
        return this;
    }

    @Override public OutputStream body() { return body; }
    @Override public Headers trailers() { return trailers; }
    @Override public boolean isCommitted() { return committed; }

    @Override
    public void upgrade(Upgraded upgraded) {
        throw new UnsupportedOperationException();
    }

    /** The declared Content-Length, -1 when none was set. */
    public long contentLength() {
        return contentLength;
    }

    public String header(String name) {
        return headers.get(name);
    }

    public byte[] bodyBytes() {
        return sink.toByteArray();
    }

    public String bodyString() {
        return sink.toString(StandardCharsets.UTF_8);
    }

    /** How many write calls the body saw, and the largest: shows a file was streamed in chunks. */
    public int writes() {
        return writes;
    }

    /** Calls of {@link #sendFile}: the zero-copy route a real protocol may take. */
    public int fileSends() {
        return fileSends;
    }

    @Override
    public void sendFile(java.nio.channels.FileChannel file, long position, long count) throws IOException {
        fileSends++;
        Response.super.sendFile(file, position, count);
    }

    /** Calls of {@link #send(java.nio.ByteBuffer)}: the route of a mapped file. */
    public int bufferSends() {
        return bufferSends;
    }

    private int bufferSends;

    @Override
    public void send(java.nio.ByteBuffer body) throws IOException {
        bufferSends++;
        Response.super.send(body);
    }

    public int largestWrite() {
        return largestWrite;
    }
}
