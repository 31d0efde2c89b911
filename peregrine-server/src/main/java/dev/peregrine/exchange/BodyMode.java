package dev.peregrine.exchange;

/**
 * How a response body is delimited, as decided once by {@link FramingRules} for every protocol.
 * Each protocol's {@link ResponseOutput} maps it to its wire form.
 */
public enum BodyMode {
    /** The length is known before the head goes out: {@code content-length} says it. */
    LENGTH,
    /**
     * The length is not known: HTTP/1.1 uses chunked coding (HTTP/1.0 closes the connection),
     * HTTP/2 and HTTP/3 end the stream.
     */
    STREAMED,
    /** The response carries no content at all: 1xx, 204, 304, a 2xx to CONNECT (RFC 9110 §6.4.1). */
    NONE
}
