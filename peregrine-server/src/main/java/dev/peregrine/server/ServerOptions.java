package dev.peregrine.server;

import java.time.Duration;

/**
 * Every limit and timeout of a server, with its default beside it. Defaults follow Kestrel's,
 * which have held up against real clients for years; the reason for each is in its comment.
 * Build with {@code ServerOptions.builder().keepAliveTimeout(Duration.ofSeconds(5)).build()}.
 *
 * @param keepAliveTimeout how long an idle keep-alive connection waits for its next request
 *     (default 130 s: longer than the 120 s idle timeout of common proxies and load balancers,
 *     so the client side closes first and no request races a server close)
 * @param requestHeadersTimeout how long a client may take to send a whole request head once
 *     it started (default 30 s) — the slowloris defence
 * @param minRequestBodyBytesPerSecond minimum average body upload rate, 0 to disable (default
 *     240 B/s: a very slow mobile link still passes, a trickling attacker does not). Time counts
 *     only while the handler waits for body bytes, never while it is busy. HTTP/1.1 answers 408
 *     and closes the connection; HTTP/2 applies it per stream (and not while the client has no
 *     connection window to send in), resets the stream with CANCEL, fails the handler's read with
 *     an IOException and keeps the connection. Counted as a {@code request_body_rate} timeout
 * @param minRequestBodyRateGracePeriod how long a body may run below that rate before the
 *     connection is closed, or the HTTP/2 stream reset (default 5 s: covers TCP slow start and
 *     handler start-up)
 * @param minResponseBytesPerSecond minimum rate at which the client must take response bytes,
 *     0 to disable (default 240 B/s, Kestrel's MinResponseDataRate): a write of n bytes must
 *     finish within the grace period plus n at this rate, and writes are at most 1 MiB, so a
 *     client that stops reading is cut within grace + 1 MiB / rate (about 73 minutes at the
 *     default; raise the rate on servers facing the internet, e.g. to 64 KiB/s for 21 s)
 * @param minResponseRateGracePeriod the slack on every response write (default 5 s)
 * @param maxRequestLineBytes longest request line (default 8 KiB: common proxies' limit; a
 *     longer target gets 414)
 * @param maxRequestHeaderBytes largest header section, request line excluded (default 32 KiB;
 *     beyond it 431)
 * @param maxRequestHeaderCount most header fields (default 100; beyond it 431)
 * @param maxRequestBodyBytes largest request body, -1 unlimited (default 30,000,000 bytes ≈
 *     28.6 MiB, Kestrel's); a handler may change it per request; beyond it 413
 * @param maxUnreadBodyDrainBytes how much of a body the handler did not read the server reads
 *     and discards to keep the connection (default 256 KiB); a larger remainder closes it
 * @param maxConcurrentConnections open connections at most, -1 unlimited (default -1); excess
 *     connections are closed at once and counted
 * @param maxResponseBufferBytes how many response bytes a handler may write before they are
 *     flushed to the socket (default 64 KiB); also the largest batch of pipelined responses
 * @param idleParkDelay how long a keep-alive connection waits for its next request on its own
 *     thread before it is parked thread-less with the server's selector (default 1 s: busy
 *     clients send their next request within milliseconds, and a parked thread's stack is the
 *     largest cost of an idle connection)
 * @param idleParkMinConnections parking applies only while at least this many connections are
 *     open (default 256): a parkable wait is a timed read, which costs a JDK timer per request,
 *     while a few hundred parked stacks cost only a megabyte or two; 0 parks always
 * @param readBufferBytes the read buffer a busy connection borrows (default 16 KiB: a typical
 *     request head fits many times over); an idle connection gives it back
 * @param http2 HTTP/2's switches, limits and abuse budgets ({@link Http2Options#defaults()})
 * @param metrics whether the server records metrics (default true; {@code docs/observability.md}):
 *     off, nothing is recorded per request or connection beyond the counts the limits need, and
 *     {@link ServerMetrics#enabled(boolean)} can still turn it on for connections accepted later
 */
public record ServerOptions(
        Duration keepAliveTimeout,
        Duration requestHeadersTimeout,
        long minRequestBodyBytesPerSecond,
        Duration minRequestBodyRateGracePeriod,
        long minResponseBytesPerSecond,
        Duration minResponseRateGracePeriod,
        int maxRequestLineBytes,
        int maxRequestHeaderBytes,
        int maxRequestHeaderCount,
        long maxRequestBodyBytes,
        long maxUnreadBodyDrainBytes,
        int maxConcurrentConnections,
        int maxResponseBufferBytes,
        Duration idleParkDelay,
        int idleParkMinConnections,
        int readBufferBytes,
        Http2Options http2,
        boolean metrics) {

    public ServerOptions {
        requirePositive(keepAliveTimeout, "keepAliveTimeout");
        requirePositive(requestHeadersTimeout, "requestHeadersTimeout");
        requirePositive(minRequestBodyRateGracePeriod, "minRequestBodyRateGracePeriod");
        requirePositive(minResponseRateGracePeriod, "minResponseRateGracePeriod");
        if (minResponseBytesPerSecond < 0) {
            throw new IllegalArgumentException("minResponseBytesPerSecond must be >= 0");
        }
        requirePositive(idleParkDelay, "idleParkDelay");
        if (idleParkMinConnections < 0) {
            throw new IllegalArgumentException("idleParkMinConnections must be >= 0");
        }
        if (minRequestBodyBytesPerSecond < 0) {
            throw new IllegalArgumentException("minRequestBodyBytesPerSecond must be >= 0");
        }
        if (maxRequestLineBytes < 64 || maxRequestHeaderBytes < 64 || maxRequestHeaderCount < 1) {
            throw new IllegalArgumentException("request line/header limits are too small to parse a request");
        }
        if (maxRequestBodyBytes < -1 || maxUnreadBodyDrainBytes < 0) {
            throw new IllegalArgumentException("body limits must be >= 0 (or -1 for unlimited)");
        }
        if (maxConcurrentConnections == 0 || maxConcurrentConnections < -1) {
            throw new IllegalArgumentException("maxConcurrentConnections must be positive or -1");
        }
        java.util.Objects.requireNonNull(http2, "http2");
        if (maxResponseBufferBytes < 1024 || readBufferBytes < 1024) {
            throw new IllegalArgumentException("buffers must be at least 1 KiB");
        }
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    public static ServerOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this record's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.keepAliveTimeout = keepAliveTimeout;
        b.requestHeadersTimeout = requestHeadersTimeout;
        b.minRequestBodyBytesPerSecond = minRequestBodyBytesPerSecond;
        b.minRequestBodyRateGracePeriod = minRequestBodyRateGracePeriod;
        b.minResponseBytesPerSecond = minResponseBytesPerSecond;
        b.minResponseRateGracePeriod = minResponseRateGracePeriod;
        b.maxRequestLineBytes = maxRequestLineBytes;
        b.maxRequestHeaderBytes = maxRequestHeaderBytes;
        b.maxRequestHeaderCount = maxRequestHeaderCount;
        b.maxRequestBodyBytes = maxRequestBodyBytes;
        b.maxUnreadBodyDrainBytes = maxUnreadBodyDrainBytes;
        b.maxConcurrentConnections = maxConcurrentConnections;
        b.maxResponseBufferBytes = maxResponseBufferBytes;
        b.idleParkDelay = idleParkDelay;
        b.idleParkMinConnections = idleParkMinConnections;
        b.readBufferBytes = readBufferBytes;
        b.http2 = http2;
        b.metrics = metrics;
        return b;
    }

    /** Collects options; unset ones keep their defaults. */
    public static final class Builder {
        private Duration keepAliveTimeout = Duration.ofSeconds(130);
        private Duration requestHeadersTimeout = Duration.ofSeconds(30);
        private long minRequestBodyBytesPerSecond = 240;
        private Duration minRequestBodyRateGracePeriod = Duration.ofSeconds(5);
        private long minResponseBytesPerSecond = 240;
        private Duration minResponseRateGracePeriod = Duration.ofSeconds(5);
        private int maxRequestLineBytes = 8 * 1024;
        private int maxRequestHeaderBytes = 32 * 1024;
        private int maxRequestHeaderCount = 100;
        private long maxRequestBodyBytes = 30_000_000;
        private long maxUnreadBodyDrainBytes = 256 * 1024;
        private int maxConcurrentConnections = -1;
        private int maxResponseBufferBytes = 64 * 1024;
        private Duration idleParkDelay = Duration.ofSeconds(1);
        private int idleParkMinConnections = 256;
        private int readBufferBytes = 16 * 1024;
        private Http2Options http2 = Http2Options.defaults();
        private boolean metrics = true;

        private Builder() {}

        public Builder keepAliveTimeout(Duration v) { keepAliveTimeout = v; return this; }
        public Builder requestHeadersTimeout(Duration v) { requestHeadersTimeout = v; return this; }
        public Builder minRequestBodyBytesPerSecond(long v) { minRequestBodyBytesPerSecond = v; return this; }
        public Builder minRequestBodyRateGracePeriod(Duration v) { minRequestBodyRateGracePeriod = v; return this; }
        public Builder minResponseBytesPerSecond(long v) { minResponseBytesPerSecond = v; return this; }
        public Builder minResponseRateGracePeriod(Duration v) { minResponseRateGracePeriod = v; return this; }
        public Builder maxRequestLineBytes(int v) { maxRequestLineBytes = v; return this; }
        public Builder maxRequestHeaderBytes(int v) { maxRequestHeaderBytes = v; return this; }
        public Builder maxRequestHeaderCount(int v) { maxRequestHeaderCount = v; return this; }
        public Builder maxRequestBodyBytes(long v) { maxRequestBodyBytes = v; return this; }
        public Builder maxUnreadBodyDrainBytes(long v) { maxUnreadBodyDrainBytes = v; return this; }
        public Builder maxConcurrentConnections(int v) { maxConcurrentConnections = v; return this; }
        public Builder maxResponseBufferBytes(int v) { maxResponseBufferBytes = v; return this; }
        public Builder idleParkDelay(Duration v) { idleParkDelay = v; return this; }
        public Builder idleParkMinConnections(int v) { idleParkMinConnections = v; return this; }
        public Builder readBufferBytes(int v) { readBufferBytes = v; return this; }
        public Builder http2(Http2Options v) { http2 = v; return this; }
        public Builder metrics(boolean v) { metrics = v; return this; }

        public ServerOptions build() {
            return new ServerOptions(keepAliveTimeout, requestHeadersTimeout, minRequestBodyBytesPerSecond,
                    minRequestBodyRateGracePeriod, minResponseBytesPerSecond, minResponseRateGracePeriod,
                    maxRequestLineBytes, maxRequestHeaderBytes,
                    maxRequestHeaderCount, maxRequestBodyBytes, maxUnreadBodyDrainBytes,
                    maxConcurrentConnections, maxResponseBufferBytes, idleParkDelay, idleParkMinConnections, readBufferBytes, http2,
                    metrics);
        }
    }
}
