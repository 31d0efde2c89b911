package dev.peregrine.exchange;

import dev.peregrine.api.Headers;
import java.io.InputStream;

/**
 * A request body on a multiplexed protocol (HTTP/2, HTTP/3) as its handler reads it: the bytes
 * of the stream's DATA frames, then the trailer section if the client sent one.
 */
public abstract class StreamBody extends InputStream {

    /** The trailer fields, once the body has been read to its end; null when there were none (yet). */
    public abstract Headers trailers();

    /** Changes the body limit (413 past it) before the first read; see {@code Request.maxBodySize}. */
    public abstract void maxBodySize(long bytes);
}
