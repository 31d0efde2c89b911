package dev.peregrine.http3.frame;

import java.io.IOException;
import java.util.Objects;

/**
 * The receiving side of one QUIC stream, as {@link FrameInput} consumes it: blocking reads that
 * return at least one byte, or -1 once the peer's FIN has been reached.
 *
 * <p>A stream reset by the peer should surface as an {@link IOException} from {@link #read}, not
 * as -1: §7.1 of RFC 9114 makes a clean end inside a frame an error, but lets a reset happen at
 * any point.
 */
@FunctionalInterface
public interface ByteSource {

    /**
     * Reads up to {@code len} bytes into {@code b[off..off+len)}, blocking until at least one is
     * available when {@code len > 0}.
     *
     * @return the number of bytes read, or -1 at the end of the stream
     */
    int read(byte[] b, int off, int len) throws IOException;

    /** A source over a fixed array (tests, or bytes already received in one piece). */
    static ByteSource of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return new ByteSource() {
            private int pos;

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos == bytes.length) {
                    return -1;
                }
                int n = Math.min(len, bytes.length - pos);
                System.arraycopy(bytes, pos, b, off, n);
                pos += n;
                return n;
            }
        };
    }
}
