package dev.peregrine.http2;

import dev.peregrine.hpack.HpackDecoder;
import dev.peregrine.hpack.HpackException;
import dev.peregrine.http2.frame.Http2ConnectionException;
import dev.peregrine.http2.frame.Http2ErrorCode;
import java.util.Arrays;

/**
 * One field block being assembled from HEADERS and its CONTINUATION frames (RFC 9113 §4.3) on
 * the reader thread. Its size is limited across frames, before anything is decoded, so a
 * CONTINUATION flood costs at most the limit (CVE-2024-27316 and its siblings).
 */
final class FieldBlock {

    private static final int INITIAL_BYTES = 1024;
    /** A block larger than this was a one-off: its array is not kept after decoding. */
    private static final int KEPT_BYTES = 4096;

    private final int maxBytes;
    private byte[] bytes = new byte[INITIAL_BYTES];
    private int length;
    private int streamId;
    private boolean endStream;

    /** @param maxBytes the most octets a block may have across frames */
    FieldBlock(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    void begin(int streamId, boolean endStream) {
        this.streamId = streamId;
        this.endStream = endStream;
        this.length = 0;
    }

    int streamId() {
        return streamId;
    }

    boolean endStream() {
        return endStream;
    }

    /** Appends a fragment; ENHANCE_YOUR_CALM past the limit. */
    void append(byte[] b, int off, int len) throws Http2ConnectionException {
        if (length + len > maxBytes) {
            throw new Http2ConnectionException(Http2ErrorCode.ENHANCE_YOUR_CALM,
                    "field block larger than " + maxBytes + " bytes (CONTINUATION flood)");
        }
        if (length + len > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.min(Math.max(bytes.length * 2, length + len), maxBytes));
        }
        System.arraycopy(b, off, bytes, length, len);
        length += len;
    }

    /**
     * Decodes the whole block into {@code sink}; false when the list exceeded the decoder's
     * limit (the table is still in step). A malformed block is COMPRESSION_ERROR.
     */
    boolean decode(HpackDecoder decoder, HpackDecoder.HeaderSink sink) throws Http2ConnectionException {
        try {
            return decoder.decode(bytes, 0, length, sink);
        } catch (HpackException e) {
            throw new Http2ConnectionException(Http2ErrorCode.COMPRESSION_ERROR, "HPACK: " + e.getMessage());
        } finally {
            if (bytes.length > KEPT_BYTES) {
                bytes = new byte[INITIAL_BYTES];
            }
        }
    }
}
