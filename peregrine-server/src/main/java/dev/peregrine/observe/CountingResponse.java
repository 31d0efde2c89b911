package dev.peregrine.observe;

import dev.peregrine.api.ForwardingResponse;
import dev.peregrine.api.Response;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;

/**
 * Forwards everything and counts the body bytes the handler sends. It must not change what goes
 * on the wire: its body stream forwards {@code close()} and {@code flush()} one for one (no
 * flush on close, as {@link java.io.FilterOutputStream} would do), since a flush commits the
 * head, which turns a computable Content-Length into chunked encoding and makes one socket write
 * per request out of a pipelined batch. {@link #sendFile} goes to the delegate so a file body
 * keeps its zero-copy route.
 */
final class CountingResponse extends ForwardingResponse {

    private OutputStream delegateBody;
    private OutputStream countingBody;
    private long bytes;

    CountingResponse(Response delegate) {
        super(delegate);
    }

    /** Body bytes written so far (a file body counts once {@code sendFile} returned). */
    long bytes() {
        return bytes;
    }

    @Override
    public OutputStream body() {
        OutputStream body = delegate().body();
        if (body != delegateBody) {
            delegateBody = body;
            countingBody = new Counting(body);
        }
        return countingBody;
    }

    @Override
    public void sendFile(FileChannel file, long position, long count) throws IOException {
        delegate().sendFile(file, position, count);
        bytes += count;
    }

    @Override
    public void send(java.nio.ByteBuffer body) throws IOException {
        int count = body.remaining();
        delegate().send(body);
        bytes += count;
    }

    private final class Counting extends OutputStream {
        private final OutputStream out;

        Counting(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            bytes += len;
        }

        /** Only the handler's own flush: it asks for the head (and bytes so far) to go out now. */
        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }
}
