package dev.peregrine.http2;

import dev.peregrine.api.Headers;
import dev.peregrine.exchange.BodyMode;
import dev.peregrine.exchange.FieldChecks;
import dev.peregrine.exchange.ResponseOutput;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.locks.ReentrantLock;

/**
 * HTTP/2's {@link ResponseOutput} for one stream: the head becomes a HEADERS frame, the body
 * DATA frames, the end END_STREAM or a trailing HEADERS (RFC 9113 §8.1). Everything is queued
 * in the stream's {@link StreamOutput} for the connection's {@link Http2Writer}; the writer is
 * woken only when a frame's worth is queued, on flush and at the end, so a small response leaves
 * as HEADERS and DATA in one write.
 */
final class Http2Output implements ResponseOutput {

    /** Body bytes worth waking the writer for before the handler flushes or ends. */
    private static final int WAKE_BYTES = 16 * 1024;

    private final Http2Writer writer;
    private final StreamOutput stream;
    private final int maxPendingBytes;

    Http2Output(Http2Writer writer, StreamOutput stream, int maxPendingBytes) {
        this.writer = writer;
        this.stream = stream;
        this.maxPendingBytes = maxPendingBytes;
    }

    /**
     * Fields a handler may set that HTTP/2 forbids or that the writer sets itself: the
     * connection-specific ones (RFC 9113 §8.2.2) and the framing ones.
     */
    static boolean isDroppedResponseField(String lowerName) {
        return switch (lowerName) {
            case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "content-length" -> true;
            default -> false;
        };
    }

    @Override
    public int maxPendingBytes() {
        return maxPendingBytes;
    }

    @Override
    public void writeHead(int status, Headers headers, BodyMode mode, long contentLength, boolean headOnly)
            throws IOException {
        // All or nothing: every field is checked before anything is queued.
        FieldChecks.checkAll(headers, "header value");
        if (!stream.published) {
            failIfDead(); // unpublished: this thread owns the head (see StreamOutput.published)
            setHead(status, headers, mode, contentLength);
            return;
        }
        ReentrantLock lock = writer.lock();
        lock.lock();
        try {
            failIfDead();
            setHead(status, headers, mode, contentLength);
        } finally {
            lock.unlock();
        }
    }

    private void setHead(int status, Headers headers, BodyMode mode, long contentLength) {
        stream.headStatus = status;
        stream.headFields = headers;
        stream.headLength = mode == BodyMode.LENGTH || mode == BodyMode.NONE ? contentLength : -1;
    }

    /** Lets the writer see the stream (lock held); a stream reset meanwhile drops what it had. */
    private void publish() throws IOException {
        if (!stream.published) {
            stream.published = true;
            if (stream.dead) {
                stream.discard();
            }
        }
        failIfDead();
    }

    @Override
    public void writeBody(byte[] b, int off, int len) throws IOException {
        if (!stream.published && stream.buffered() + len < WAKE_BYTES) {
            failIfDead();
            stream.append(b, off, len); // unpublished: the body buffer is this thread's
            return;
        }
        ReentrantLock lock = writer.lock();
        lock.lock();
        try {
            publish();
            while (len > 0) {
                writer.awaitSpace(stream);
                int n = Math.min(len, stream.space());
                stream.append(b, off, n);
                off += n;
                len -= n;
                if (stream.buffered() >= WAKE_BYTES) {
                    writer.schedule(stream);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * The writer reads the region itself, one DATA frame at a time as the windows allow, into
     * its direct staging buffer ({@link FileStage}): no copy through this stream's buffer.
     * Returns once all of it is read, so the caller may close the channel.
     */
    @Override
    public void writeFile(FileChannel file, long position, long count) throws IOException {
        if (count == 0) {
            return;
        }
        ReentrantLock lock = writer.lock();
        lock.lock();
        try {
            publish();
            writer.sendFile(stream, file, position, count);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() throws IOException {
        ReentrantLock lock = writer.lock();
        lock.lock();
        try {
            publish();
            writer.schedule(stream);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void finish(Headers trailersOrNull) throws IOException {
        if (trailersOrNull != null && !trailersOrNull.isEmpty()) {
            FieldChecks.checkAll(trailersOrNull, "trailer value");
        } else {
            trailersOrNull = null;
        }
        if (!stream.published) {
            failIfDead();
            stream.endQueued = true; // the whole response is here: hand it over without the lock
            stream.trailers = trailersOrNull;
            writer.submit(stream);
            return;
        }
        ReentrantLock lock = writer.lock();
        lock.lock();
        try {
            publish();
            stream.endQueued = true;
            stream.trailers = trailersOrNull;
            writer.schedule(stream);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void writeContinue() throws IOException {
        ReentrantLock lock = writer.lock();
        lock.lock();
        try {
            publish();
            if (!stream.headSent && stream.headStatus == 0) {
                stream.continuePending = true;
                writer.schedule(stream);
            }
        } finally {
            lock.unlock();
        }
    }

    private void failIfDead() throws IOException {
        if (stream.dead) {
            throw new IOException("stream " + stream.streamId + " was reset");
        }
    }
}
