package dev.peregrine.http2;

import dev.peregrine.http2.frame.FrameType;
import dev.peregrine.http2.frame.FrameWriter;
import dev.peregrine.server.internal.SlotPool;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Where the {@link Http2Writer} lays out a batch's file DATA frames: each frame's header, then
 * its payload read straight from the file ({@code pread}) into a pooled direct buffer, which goes
 * out right after the batch's other frames in one gathering write. A file body thus crosses the
 * JVM once (into this buffer) instead of through a read buffer, the stream's buffer and the
 * batch; over h2c the socket takes it from here without another copy, under TLS the engine reads
 * it from here into its record.
 *
 * <p>Everything in the stage leaves after everything in the batch's ordinary buffer, so the
 * writer puts nothing but file frames here and, once the stage holds one, nothing more in the
 * ordinary buffer for that batch (see {@code Http2Writer.fillBatch}): frames keep their order.
 *
 * <p>Writer thread only. The buffer is borrowed for one batch and given back after its write,
 * so an idle connection holds none; at most {@value #POOLED} are kept (about 2.6 MB).
 */
final class FileStage {

    /** A batch stops below 64 KiB; one more frame of up to 16 KiB and its header always fits. */
    static final int BYTES = 64 * 1024 + 16 * 1024 + 64;
    private static final int POOLED = 32;
    private static final int FRAME_HEADER = 9;
    private static final SlotPool<ByteBuffer> POOL = new SlotPool<>(POOLED);

    private ByteBuffer buffer;
    private final FrameWriter frames = new FrameWriter(ByteBuffer.allocate(0));

    /** Whether this batch holds file frames: nothing else may be added to it after them. */
    boolean active() {
        return buffer != null && buffer.position() > 0;
    }

    /** Octets staged in this batch. */
    int size() {
        return buffer == null ? 0 : buffer.position();
    }

    /**
     * Stages one DATA frame (no flags) of {@code n} octets of {@code file} from {@code position}.
     * On failure nothing is staged.
     *
     * @throws EOFException if the file ends first (it shrank while being sent)
     */
    void frame(int streamId, FileChannel file, long position, int n) throws IOException {
        if (buffer == null) {
            ByteBuffer b = POOL.poll();
            buffer = b != null ? b : ByteBuffer.allocateDirect(BYTES);
            frames.target(buffer);
        }
        int headerAt = buffer.position();
        int payloadAt = headerAt + FRAME_HEADER;
        buffer.limit(payloadAt + n).position(payloadAt);
        try {
            while (buffer.hasRemaining()) {
                if (file.read(buffer, position + buffer.position() - payloadAt) < 0) {
                    throw new EOFException("file shrank while being sent");
                }
            }
        } catch (IOException | RuntimeException e) {
            buffer.limit(buffer.capacity()).position(headerAt);
            throw e;
        }
        buffer.limit(buffer.capacity()).position(headerAt);
        frames.frameHeader(n, FrameType.DATA, 0, streamId);
        buffer.position(payloadAt + n);
    }

    /** The staged frames, ready to write; {@code null} when none. Call {@link #release} after the write. */
    ByteBuffer flip() {
        return active() ? buffer.flip() : null;
    }

    /** Gives the buffer back to the pool (dropped when the pool is full). */
    void release() {
        if (buffer != null) {
            POOL.offer(buffer.clear());
            buffer = null;
        }
    }
}
