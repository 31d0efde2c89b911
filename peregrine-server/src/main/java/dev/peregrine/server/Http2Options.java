package dev.peregrine.server;

import java.time.Duration;

/**
 * HTTP/2 switches, limits and abuse budgets (RFC 9113), each with its default and reason.
 * Kestrel's {@code Http2Limits} are the reference for the limits; the budgets answer the attacks
 * named beside them. Part of {@link ServerOptions#http2()}.
 *
 * @param tls offer {@code h2} by ALPN on TLS listeners (default true; browsers use h2 only over TLS)
 * @param priorKnowledge accept h2c on plain listeners when a connection starts with the HTTP/2
 *     preface (RFC 9113 §3.3; default true: costs one look at the first bytes of a connection)
 * @param upgrade accept {@code Upgrade: h2c} from HTTP/1.1 (RFC 7540 §3.2; default true)
 * @param maxConcurrentStreams streams a client may have open (default 100, Kestrel's and the
 *     RFC's recommended minimum); excess streams are refused with REFUSED_STREAM
 * @param initialStreamWindow receive window per stream (default 768 KiB, Kestrel's: one upload
 *     can fill a fast link, while the connection window bounds what a connection buffers)
 * @param initialConnectionWindow receive window for the whole connection (default 1 MiB): the
 *     most request-body bytes one connection can have buffered unread
 * @param maxFrameSize largest frame we accept (default 16 KiB, the RFC's initial value; larger
 *     frames mean larger read buffers per connection)
 * @param headerTableSize HPACK dynamic table we keep for the client's header blocks (default 4 KiB)
 * @param maxHeaderListSize largest decoded request header list, RFC 9113 §6.5.2 sizing (default
 *     32 KiB, as HTTP/1.1's {@code maxRequestHeaderBytes}); larger gets 431
 * @param settingsTimeout how long the client may take to acknowledge our SETTINGS (default 10 s);
 *     past it the connection ends with SETTINGS_TIMEOUT (§6.5.3)
 * @param maxResetsPerSecond stream resets (the client's RST_STREAM and those its frames forced
 *     on us) allowed per second averaged over a ten-second window (default 20, ~200 in ten
 *     seconds as Netty allows): Rapid Reset (CVE-2023-44487) and MadeYouReset (CVE-2025-8671)
 *     spend this budget and end with ENHANCE_YOUR_CALM
 * @param maxControlFramesPerSecond frames that do no work — PING, SETTINGS, PRIORITY,
 *     WINDOW_UPDATE, empty DATA/HEADERS/CONTINUATION — per second over a ten-second window,
 *     on top of a credit earned by each request served (default 100): the 2019 flood family
 *     (CVE-2019-9512, -9513, -9515, -9516, -9518)
 * @param maxQueuedControlBytes control frames (PING and SETTINGS acknowledgements, RST_STREAM,
 *     WINDOW_UPDATE) we may have queued unsent because the client does not read (default 64 KiB):
 *     CVE-2019-9512/-9515's outbound queue cannot grow past it
 * @param streamOutputBufferBytes response bytes a handler may have queued per stream before it
 *     blocks (default 64 KiB): the backpressure between the handler and flow control
 * @param minResponseBytesPerSecond minimum rate at which a client must take response data that
 *     is ready for it, 0 to disable (default 240 B/s after a 5 s grace, as for request bodies):
 *     a client that never opens its window (zero-window slow read) loses the stream
 */
public record Http2Options(
        boolean tls,
        boolean priorKnowledge,
        boolean upgrade,
        int maxConcurrentStreams,
        int initialStreamWindow,
        int initialConnectionWindow,
        int maxFrameSize,
        int headerTableSize,
        int maxHeaderListSize,
        Duration settingsTimeout,
        int maxResetsPerSecond,
        int maxControlFramesPerSecond,
        int maxQueuedControlBytes,
        int streamOutputBufferBytes,
        long minResponseBytesPerSecond) {

    private static final int MAX_WINDOW = Integer.MAX_VALUE;

    public Http2Options {
        if (maxConcurrentStreams < 1) {
            throw new IllegalArgumentException("maxConcurrentStreams must be >= 1");
        }
        if (initialStreamWindow < 65_535 || initialConnectionWindow < 65_535) {
            // Below the RFC's initial 65,535 bytes a window could only shrink, which SETTINGS cannot
            // do for the connection window.
            throw new IllegalArgumentException("windows must be at least 65535 bytes");
        }
        if (initialStreamWindow > MAX_WINDOW || initialConnectionWindow > MAX_WINDOW) {
            throw new IllegalArgumentException("windows are at most 2^31-1 bytes");
        }
        if (maxFrameSize < 16_384 || maxFrameSize > 16_777_215) {
            throw new IllegalArgumentException("maxFrameSize must be 16384..16777215 (RFC 9113 §6.5.2)");
        }
        if (headerTableSize < 0 || maxHeaderListSize < 1024) {
            throw new IllegalArgumentException("header table size must be >= 0 and the header list limit >= 1 KiB");
        }
        if (settingsTimeout == null || settingsTimeout.isNegative() || settingsTimeout.isZero()) {
            throw new IllegalArgumentException("settingsTimeout must be positive");
        }
        if (maxResetsPerSecond < 1 || maxControlFramesPerSecond < 1 || maxQueuedControlBytes < 1024) {
            throw new IllegalArgumentException("abuse budgets must be positive (queued control bytes >= 1 KiB)");
        }
        if (streamOutputBufferBytes < 1024 || minResponseBytesPerSecond < 0) {
            throw new IllegalArgumentException("stream output buffer >= 1 KiB, response rate >= 0");
        }
    }

    public static Http2Options defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.tls = tls;
        b.priorKnowledge = priorKnowledge;
        b.upgrade = upgrade;
        b.maxConcurrentStreams = maxConcurrentStreams;
        b.initialStreamWindow = initialStreamWindow;
        b.initialConnectionWindow = initialConnectionWindow;
        b.maxFrameSize = maxFrameSize;
        b.headerTableSize = headerTableSize;
        b.maxHeaderListSize = maxHeaderListSize;
        b.settingsTimeout = settingsTimeout;
        b.maxResetsPerSecond = maxResetsPerSecond;
        b.maxControlFramesPerSecond = maxControlFramesPerSecond;
        b.maxQueuedControlBytes = maxQueuedControlBytes;
        b.streamOutputBufferBytes = streamOutputBufferBytes;
        b.minResponseBytesPerSecond = minResponseBytesPerSecond;
        return b;
    }

    /** Collects options; unset ones keep their defaults. */
    public static final class Builder {
        private boolean tls = true;
        private boolean priorKnowledge = true;
        private boolean upgrade = true;
        private int maxConcurrentStreams = 100;
        private int initialStreamWindow = 768 * 1024;
        private int initialConnectionWindow = 1024 * 1024;
        private int maxFrameSize = 16 * 1024;
        private int headerTableSize = 4096;
        private int maxHeaderListSize = 32 * 1024;
        private Duration settingsTimeout = Duration.ofSeconds(10);
        private int maxResetsPerSecond = 20;
        private int maxControlFramesPerSecond = 100;
        private int maxQueuedControlBytes = 64 * 1024;
        private int streamOutputBufferBytes = 64 * 1024;
        private long minResponseBytesPerSecond = 240;

        private Builder() {}

        /** Turns every way to HTTP/2 on or off at once. */
        public Builder enabled(boolean on) { tls = on; priorKnowledge = on; upgrade = on; return this; }
        public Builder tls(boolean v) { tls = v; return this; }
        public Builder priorKnowledge(boolean v) { priorKnowledge = v; return this; }
        public Builder upgrade(boolean v) { upgrade = v; return this; }
        public Builder maxConcurrentStreams(int v) { maxConcurrentStreams = v; return this; }
        public Builder initialStreamWindow(int v) { initialStreamWindow = v; return this; }
        public Builder initialConnectionWindow(int v) { initialConnectionWindow = v; return this; }
        public Builder maxFrameSize(int v) { maxFrameSize = v; return this; }
        public Builder headerTableSize(int v) { headerTableSize = v; return this; }
        public Builder maxHeaderListSize(int v) { maxHeaderListSize = v; return this; }
        public Builder settingsTimeout(Duration v) { settingsTimeout = v; return this; }
        public Builder maxResetsPerSecond(int v) { maxResetsPerSecond = v; return this; }
        public Builder maxControlFramesPerSecond(int v) { maxControlFramesPerSecond = v; return this; }
        public Builder maxQueuedControlBytes(int v) { maxQueuedControlBytes = v; return this; }
        public Builder streamOutputBufferBytes(int v) { streamOutputBufferBytes = v; return this; }
        public Builder minResponseBytesPerSecond(long v) { minResponseBytesPerSecond = v; return this; }

        public Http2Options build() {
            return new Http2Options(tls, priorKnowledge, upgrade, maxConcurrentStreams, initialStreamWindow,
                    initialConnectionWindow, maxFrameSize, headerTableSize, maxHeaderListSize, settingsTimeout,
                    maxResetsPerSecond, maxControlFramesPerSecond, maxQueuedControlBytes, streamOutputBufferBytes,
                    minResponseBytesPerSecond);
        }
    }
}
