package dev.peregrine.quic;

import java.time.Duration;

/**
 * Limits of a {@link QuicListener}, each default beside its reason. Build with
 * {@code QuicOptions.builder().idleTimeout(Duration.ofSeconds(10)).build()}.
 *
 * @param idleTimeout a connection with no packet for this long is dropped (default 30 s: what browsers
 *     use, and short enough that vanished clients do not hold state; HTTP/3 keeps busy connections alive
 *     by their own traffic)
 * @param maxBidirectionalStreams concurrent bidirectional streams the peer may open (default 100: RFC 9114
 *     §6.1 asks for no fewer than 100 so parallel requests are not throttled; each one costs a virtual thread
 *     above)
 * @param maxUnidirectionalStreams concurrent unidirectional streams the peer may open (default 8: HTTP/3 needs
 *     3 — control, QPACK encoder and decoder — the rest is room for grease and unknown stream types that must
 *     be read and ignored, RFC 9114 §6.2.3)
 * @param initialMaxData the connection's receive window (default 4 MiB: about 300 Mbit/s at 100 ms RTT, and
 *     the bound of what quiche buffers for all streams of a connection together)
 * @param initialMaxStreamDataBidirectional the receive window of each peer-opened bidirectional stream
 *     (default 1 MiB: one upload can use a good part of the connection window, many cannot each claim more)
 * @param initialMaxStreamDataUnidirectional the receive window of each peer-opened unidirectional stream
 *     (default 64 KiB: HTTP/3's control and QPACK streams carry settings and table inserts, not bulk data)
 * @param streamReadBufferBytes bytes of one stream the adapter takes out of quiche ahead of its reader
 *     (default 64 KiB); beyond it the adapter stops reading, so a slow reader throttles its peer through QUIC
 *     flow control instead of growing memory. At least {@link #MAX_READ_CHUNK}.
 * @param streamWriteBufferBytes bytes of one stream handed to the event loop and not yet taken by quiche
 *     (default 64 KiB); a writer blocks beyond it, so a stalled peer blocks the writer, not the heap. It is also
 *     the largest single event-loop write, so a response up to this size with FIN is one task and one flush.
 * @param stopSendingGraceBytes after {@code stopSending}, bytes of the peer's stream the adapter reads and drops
 *     while it waits for the peer's FIN or RESET_STREAM, before it sends STOP_SENDING (default 64 KiB: the tail of
 *     a request already on its way — a FIN a packet behind the headers, a small unread body — ends within it).
 *     A stream that ends this way is freed by quiche and gives its stream credit back; once quiche has shut a
 *     stream's receiving side it frees it only if our own last frame is acknowledged after the peer's answer,
 *     which is seldom the case (see docs/http3.md). Beyond the grace the peer is uploading a body nobody reads
 *     and is told to stop. 0 sends STOP_SENDING at once.
 * @param acceptQueue established connections waiting for {@link QuicListener#accept()} (default 128: a burst
 *     of handshakes finishing together; beyond it the server is overloaded and a new connection is refused)
 * @param maxUdpPayload the largest UDP payload sent or accepted (default 1350: fits every common path
 *     MTU including IPv6 and tunnels, what Chromium and most servers use; RFC 9000 requires at least 1200)
 * @param eventLoopThreads threads of the Netty event loop (default 1: one UDP socket is always served by one
 *     event loop, so more threads would help only with several sockets — SO_REUSEPORT and a connection-id
 *     dispatcher — which this listener does not do yet; only 1 is accepted)
 */
public record QuicOptions(
        Duration idleTimeout,
        long maxBidirectionalStreams,
        long maxUnidirectionalStreams,
        long initialMaxData,
        long initialMaxStreamDataBidirectional,
        long initialMaxStreamDataUnidirectional,
        int streamReadBufferBytes,
        int streamWriteBufferBytes,
        int stopSendingGraceBytes,
        int acceptQueue,
        int maxUdpPayload,
        int eventLoopThreads) {

    /**
     * The largest buffer one read from quiche fills. The read buffer bound is kept exact by reading only
     * while a whole chunk still fits under it; 16 KiB is a dozen packets, so per-read costs are amortised.
     */
    public static final int MAX_READ_CHUNK = 16 * 1024;

    /** The defaults documented above. */
    public static final QuicOptions DEFAULTS = builder().build();

    public QuicOptions {
        if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("idleTimeout must be positive");
        }
        positive("maxBidirectionalStreams", maxBidirectionalStreams);
        positive("maxUnidirectionalStreams", maxUnidirectionalStreams);
        positive("initialMaxData", initialMaxData);
        positive("initialMaxStreamDataBidirectional", initialMaxStreamDataBidirectional);
        positive("initialMaxStreamDataUnidirectional", initialMaxStreamDataUnidirectional);
        if (streamReadBufferBytes < MAX_READ_CHUNK) {
            throw new IllegalArgumentException("streamReadBufferBytes must be at least " + MAX_READ_CHUNK);
        }
        positive("streamWriteBufferBytes", streamWriteBufferBytes);
        if (stopSendingGraceBytes < 0) {
            throw new IllegalArgumentException("stopSendingGraceBytes must not be negative");
        }
        positive("acceptQueue", acceptQueue);
        if (maxUdpPayload < 1200 || maxUdpPayload > 65527) {
            throw new IllegalArgumentException("maxUdpPayload must be 1200..65527 (RFC 9000 §14, §18.2)");
        }
        if (eventLoopThreads != 1) {
            throw new IllegalArgumentException("one UDP socket is served by one event loop: eventLoopThreads must be 1");
        }
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .idleTimeout(idleTimeout)
                .maxBidirectionalStreams(maxBidirectionalStreams)
                .maxUnidirectionalStreams(maxUnidirectionalStreams)
                .initialMaxData(initialMaxData)
                .initialMaxStreamDataBidirectional(initialMaxStreamDataBidirectional)
                .initialMaxStreamDataUnidirectional(initialMaxStreamDataUnidirectional)
                .streamReadBufferBytes(streamReadBufferBytes)
                .streamWriteBufferBytes(streamWriteBufferBytes)
                .stopSendingGraceBytes(stopSendingGraceBytes)
                .acceptQueue(acceptQueue)
                .maxUdpPayload(maxUdpPayload)
                .eventLoopThreads(eventLoopThreads);
    }

    public static final class Builder {
        private Duration idleTimeout = Duration.ofSeconds(30);
        private long maxBidirectionalStreams = 100;
        private long maxUnidirectionalStreams = 8;
        private long initialMaxData = 4L * 1024 * 1024;
        private long initialMaxStreamDataBidirectional = 1024 * 1024;
        private long initialMaxStreamDataUnidirectional = 64 * 1024;
        private int streamReadBufferBytes = 64 * 1024;
        private int streamWriteBufferBytes = 64 * 1024;
        private int stopSendingGraceBytes = 64 * 1024;
        private int acceptQueue = 128;
        private int maxUdpPayload = 1350;
        private int eventLoopThreads = 1;

        private Builder() {}

        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = timeout;
            return this;
        }

        public Builder maxBidirectionalStreams(long streams) {
            this.maxBidirectionalStreams = streams;
            return this;
        }

        public Builder maxUnidirectionalStreams(long streams) {
            this.maxUnidirectionalStreams = streams;
            return this;
        }

        public Builder initialMaxData(long bytes) {
            this.initialMaxData = bytes;
            return this;
        }

        public Builder initialMaxStreamDataBidirectional(long bytes) {
            this.initialMaxStreamDataBidirectional = bytes;
            return this;
        }

        public Builder initialMaxStreamDataUnidirectional(long bytes) {
            this.initialMaxStreamDataUnidirectional = bytes;
            return this;
        }

        public Builder streamReadBufferBytes(int bytes) {
            this.streamReadBufferBytes = bytes;
            return this;
        }

        public Builder streamWriteBufferBytes(int bytes) {
            this.streamWriteBufferBytes = bytes;
            return this;
        }

        public Builder stopSendingGraceBytes(int bytes) {
            this.stopSendingGraceBytes = bytes;
            return this;
        }

        public Builder acceptQueue(int connections) {
            this.acceptQueue = connections;
            return this;
        }

        public Builder maxUdpPayload(int bytes) {
            this.maxUdpPayload = bytes;
            return this;
        }

        public Builder eventLoopThreads(int threads) {
            this.eventLoopThreads = threads;
            return this;
        }

        public QuicOptions build() {
            return new QuicOptions(idleTimeout, maxBidirectionalStreams, maxUnidirectionalStreams, initialMaxData,
                    initialMaxStreamDataBidirectional, initialMaxStreamDataUnidirectional, streamReadBufferBytes,
                    streamWriteBufferBytes, stopSendingGraceBytes, acceptQueue, maxUdpPayload, eventLoopThreads);
        }
    }
}
