package dev.peregrine.http2;

import dev.peregrine.http2.frame.FrameReader;
import dev.peregrine.transport.Connection;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The reader thread's input buffer. A waiting connection reads into a small array of its own;
 * a frame that does not fit borrows a buffer of a whole frame's size ({@code maxFrameSize + 9}),
 * dropped again once nothing partial is left and no stream is open, so an idle HTTP/2
 * connection holds 2 KiB, as an idle HTTP/1.1 one does.
 */
final class FrameInput {

    static final int IDLE_BYTES = 2048;

    private final byte[] idle;
    private final int frameBufferBytes;
    private ByteBuffer in;

    /** {@code initial[0..length)} was read already (the sniffed preface); an array of the idle size is adopted. */
    FrameInput(byte[] initial, int length, int maxFrameSize) {
        if (initial != null && initial.length >= IDLE_BYTES) {
            idle = initial;
        } else {
            idle = new byte[IDLE_BYTES];
            if (length > 0) {
                System.arraycopy(initial, 0, idle, 0, length);
            }
        }
        frameBufferBytes = FrameReader.bufferSizeFor(maxFrameSize);
        in = ByteBuffer.wrap(idle);
        in.limit(length);
    }

    /** The unread bytes, position..limit. */
    ByteBuffer buffer() {
        return in;
    }

    /**
     * Keeps the partial frame and reads more after it; -1 at end of stream. {@code quiet}: no
     * stream is open, so a large buffer with nothing in it goes back.
     */
    int read(Connection transport, boolean quiet) throws IOException {
        in.compact();
        if (!in.hasRemaining()) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(frameBufferBytes, in.capacity() * 2));
            in.flip();
            bigger.put(in);
            in = bigger;
        } else if (in.position() == 0 && quiet && in.capacity() > IDLE_BYTES) {
            in = ByteBuffer.wrap(idle);
        }
        try {
            return transport.read(in);
        } finally {
            in.flip();
        }
    }
}
