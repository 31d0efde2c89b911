package dev.peregrine.http1;

import dev.peregrine.api.Headers;

/**
 * A parsed and validated HTTP/1.x request head: request-line, header fields, and the framing facts
 * derived from them (RFC 9112 §3, §6, §9.3).
 *
 * <p>One instance is reused per connection: {@link RequestHeadParser} resets it when a new head
 * starts, and that includes the {@link #headers()} object. Whoever hands these values to a
 * handler must be done with them (or have copied them) before the next request is parsed.
 */
public final class RequestHead {

    // Written by RequestHeadParser (same package); read through the accessors.
    String method;
    String target;
    int minorVersion;
    final Headers headers = new Headers(16);
    long contentLength = -1;
    boolean chunked;
    boolean keepAlive;
    boolean expectContinue;
    String upgrade;
    String host;

    /** Clears every field for the next request; keeps the header storage. */
    public void reset() {
        method = null;
        target = null;
        minorVersion = 0;
        headers.clear();
        contentLength = -1;
        chunked = false;
        keepAlive = false;
        expectContinue = false;
        upgrade = null;
        host = null;
    }

    /** The method, case-sensitive; the standard ones are the interned literals ({@code "GET"}...). */
    public String method() {
        return method;
    }

    /** The request-target exactly as received: origin-, absolute-, authority- or asterisk-form. */
    public String target() {
        return target;
    }

    /** 0 for HTTP/1.0, 1 for HTTP/1.1 and any later 1.x (RFC 9110 §6.2). */
    public int minorVersion() {
        return minorVersion;
    }

    /** The header fields in arrival order, names lower-cased. */
    public Headers headers() {
        return headers;
    }

    /** The Content-Length, or -1 when absent (then the body is chunked or empty). */
    public long contentLength() {
        return contentLength;
    }

    /** Whether the body uses the chunked transfer coding (always the only coding here). */
    public boolean chunked() {
        return chunked;
    }

    /** Whether the connection may persist after this exchange (RFC 9112 §9.3). */
    public boolean keepAlive() {
        return keepAlive;
    }

    /** Whether an HTTP/1.1 client waits for {@code 100 Continue} before sending the body (RFC 9110 §10.1.1). */
    public boolean expectContinue() {
        return expectContinue;
    }

    /** The Upgrade field value when Connection lists {@code upgrade}, else null (RFC 9110 §7.8). */
    public String upgrade() {
        return upgrade;
    }

    /** The Host field value (possibly empty), or null when an HTTP/1.0 request has none. */
    public String host() {
        return host;
    }

    /** Whether a message body follows the head (RFC 9112 §6.3): chunked, or a positive length. */
    public boolean hasBody() {
        return chunked || contentLength > 0;
    }

    @Override
    public String toString() {
        return method + " " + target + " HTTP/1." + minorVersion + " " + headers;
    }
}
