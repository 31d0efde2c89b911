package dev.peregrine.http3;

import dev.peregrine.api.Headers;
import dev.peregrine.exchange.BodyMode;
import dev.peregrine.exchange.FieldChecks;
import dev.peregrine.exchange.ResponseOutput;
import dev.peregrine.hpack.HpackWriter;
import dev.peregrine.http3.frame.FrameBuffer;
import dev.peregrine.http3.frame.FrameWriter;
import dev.peregrine.transport.MultiplexedStream;
import dev.peregrine.transport.StreamAbortedException;
import java.io.IOException;

/**
 * HTTP/3's {@link ResponseOutput} for one request stream (Kestrel's Http3OutputProducer): the
 * head becomes a HEADERS frame, the body DATA frames, the end a FIN or a trailing HEADERS then
 * FIN (RFC 9114 §4.1). Frames collect in a bounded buffer that goes to the transport when it is
 * full, on flush and at the end, so a small response leaves as HEADERS, DATA and FIN in one
 * write; the transport's write blocks while QUIC flow control has no room, which blocks the
 * handler: backpressure without a queue between them. Used only by the stream's handler thread.
 */
final class Http3Output implements ResponseOutput {

    private final MultiplexedStream stream;
    private final ResponseHeadEncoder heads;
    private final int bufferLimit;
    private final int maxPendingBytes;
    private final FrameBuffer frames = new FrameBuffer(512);
    private final HpackWriter scratch = new HpackWriter(128);
    private final Headers fields = new Headers(8);
    private boolean headWritten;
    private boolean ended;
    /** The client asked us to stop (STOP_SENDING) or the stream was reset: nothing more can go. */
    volatile boolean dead;

    Http3Output(MultiplexedStream stream, ResponseHeadEncoder heads, int bufferLimit, int maxPendingBytes) {
        this.stream = stream;
        this.heads = heads;
        this.bufferLimit = bufferLimit;
        this.maxPendingBytes = maxPendingBytes;
    }

    @Override
    public int maxPendingBytes() {
        return maxPendingBytes;
    }

    @Override
    public void writeHead(int status, Headers headers, BodyMode mode, long contentLength, boolean headOnly)
            throws IOException {
        // All or nothing: every field is checked before a byte is queued.
        FieldChecks.checkAll(headers, "header value");
        failIfDead();
        long declared = mode == BodyMode.LENGTH || mode == BodyMode.NONE ? contentLength : -1;
        heads.encodeHeaders(status, headers, declared, fields, scratch, frames);
        headWritten = true;
    }

    @Override
    public void writeBody(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        failIfDead();
        if (len >= bufferLimit) {
            // A big write goes to the transport as it is: no copy through the frame buffer.
            FrameWriter.dataHeader(len, frames);
            send(frames.array(), 0, frames.length(), false);
            frames.clear();
            send(b, off, len, false);
            return;
        }
        FrameWriter.dataHeader(len, frames);
        frames.write(b, off, len);
        if (frames.length() >= bufferLimit) {
            drain(false);
        }
    }

    @Override
    public void flush() throws IOException {
        if (frames.length() > 0) {
            drain(false);
        }
    }

    @Override
    public void finish(Headers trailersOrNull) throws IOException {
        if (trailersOrNull != null && !trailersOrNull.isEmpty()) {
            FieldChecks.checkAll(trailersOrNull, "trailer value");
            failIfDead();
            heads.encodeTrailers(trailersOrNull, fields, scratch, frames);
        }
        failIfDead();
        ended = true;
        drain(true);
    }

    @Override
    public void writeContinue() throws IOException {
        if (headWritten) {
            return;
        }
        failIfDead();
        heads.encodeInterim(100, fields, scratch, frames);
        drain(false);
    }

    /** Whether the response ended with FIN. */
    boolean isEnded() {
        return ended;
    }

    private void drain(boolean fin) throws IOException {
        send(frames.array(), 0, frames.length(), fin);
        frames.clear();
    }

    private void send(byte[] b, int off, int len, boolean fin) throws IOException {
        try {
            stream.write(b, off, len, fin);
        } catch (StreamAbortedException e) {
            dead = true;
            throw e;
        }
    }

    private void failIfDead() throws IOException {
        if (dead) {
            throw new IOException("stream " + stream.id() + " was stopped by the client");
        }
    }
}
