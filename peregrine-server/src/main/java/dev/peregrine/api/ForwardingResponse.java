package dev.peregrine.api;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;

/**
 * A response that forwards every call; filters override what they change. {@link #sendFile}
 * and {@link #send(java.nio.ByteBuffer)} go to the delegate, so a file body keeps its
 * zero-copy route: a subclass that changes {@link #body()} (to count, compress or rewrite
 * bytes) must override them too, e.g. with {@link Response#copyFileRegion} or
 * {@link Response#copyBuffer} into its own body.
 */
public class ForwardingResponse implements Response {

    private final Response delegate;

    public ForwardingResponse(Response delegate) {
        this.delegate = delegate;
    }

    protected Response delegate() {
        return delegate;
    }

    @Override public int status() { return delegate.status(); }
    @Override public Response status(int status) { delegate.status(status); return this; }
    @Override public Headers headers() { return delegate.headers(); }
    @Override public Response contentLength(long length) { delegate.contentLength(length); return this; }
    @Override public OutputStream body() { return delegate.body(); }
    @Override public Headers trailers() { return delegate.trailers(); }
    @Override public boolean isCommitted() { return delegate.isCommitted(); }
    @Override public void upgrade(Upgraded upgraded) { delegate.upgrade(upgraded); }

    @Override
    public void sendFile(FileChannel file, long position, long count) throws IOException {
        delegate.sendFile(file, position, count);
    }

    @Override
    public void send(java.nio.ByteBuffer body) throws IOException {
        delegate.send(body);
    }
}
