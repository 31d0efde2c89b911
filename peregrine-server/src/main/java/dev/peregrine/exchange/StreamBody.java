package dev.peregrine.exchange;

import dev.peregrine.api.BadRequestException;
import dev.peregrine.api.Headers;
import java.io.InputStream;

/**
 * A request body on a multiplexed protocol (HTTP/2, HTTP/3) as its handler reads it: the bytes
 * of the stream's DATA frames, then the trailer section if the client sent one.
 */
public abstract class StreamBody extends InputStream {

    /** The trailer fields, once the body has been read to its end; null when there were none (yet). */
    public abstract Headers trailers();

    /** Body bytes the handler read so far (DATA payload, framing excluded). */
    public abstract long bytesRead();

    /** Changes the body limit (413 past it) before the first read; see {@code Request.maxBodySize}. */
    public abstract void maxBodySize(long bytes);

    /** The 413 for a declared length over the limit, checked at the first read; null when it fits (or -1). */
    protected static BadRequestException declaredTooLarge(long declared, long maxBytes) {
        return maxBytes >= 0 && declared > maxBytes
                ? new BadRequestException(413, "request body of " + declared + " bytes is larger than " + maxBytes)
                : null;
    }

    /** The 413 once the bytes read so far pass the limit; null while they fit (or -1). */
    protected static BadRequestException readTooLarge(long total, long maxBytes) {
        return maxBytes >= 0 && total > maxBytes
                ? new BadRequestException(413, "request body larger than " + maxBytes + " bytes")
                : null;
    }
}
