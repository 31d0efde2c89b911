package dev.peregrine.http3;

import dev.peregrine.quic.QuicOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * HTTP/3 limits and choices, beside the transport's {@link QuicOptions}. Each default says why.
 *
 * @param maxFieldSectionSize largest request field section we accept, counted as RFC 9114 §4.2.2
 *     counts it (name + value + 32 per field), and what SETTINGS_MAX_FIELD_SECTION_SIZE
 *     announces; larger requests get 431. Default 32 KiB, HTTP/1.1's header limit, so a request
 *     that fits one protocol fits the others
 * @param qpackMaxTableCapacity the dynamic table the peer's encoder may use (RFC 9204 §3.2.3),
 *     SETTINGS_QPACK_MAX_TABLE_CAPACITY. Default 4 KiB: what browsers use, a bounded cost per
 *     connection
 * @param qpackBlockedStreams how many streams may wait for dynamic-table inserts at once
 *     (SETTINGS_QPACK_BLOCKED_STREAMS, RFC 9204 §2.1.2). Default 16
 * @param qpackBlockedTimeout how long one blocked stream waits for its inserts before it fails
 *     (QPACK_DECOMPRESSION_FAILED); the encoder stream must not be able to hold a stream forever.
 *     Default 10 s
 * @param responseBufferBytes a stream's output buffer: a handler blocks once this much is
 *     waiting for the transport (backpressure), and frames leave in writes of up to this size.
 *     Default 64 KiB: a fast download needs big writes, a hello needs one
 * @param altSvcMaxAge the {@code ma} of the {@code Alt-Svc} advertised on the TLS listeners, in
 *     seconds; 0 advertises nothing. Default 86400 (one day, as RFC 7838's examples use)
 * @param quic the QUIC transport's limits
 */
public record Http3Options(
        int maxFieldSectionSize,
        int qpackMaxTableCapacity,
        int qpackBlockedStreams,
        Duration qpackBlockedTimeout,
        int responseBufferBytes,
        long altSvcMaxAge,
        QuicOptions quic) {

    public Http3Options {
        if (maxFieldSectionSize < 1024) {
            throw new IllegalArgumentException("maxFieldSectionSize must be at least 1024");
        }
        if (qpackMaxTableCapacity < 0 || qpackBlockedStreams < 0) {
            throw new IllegalArgumentException("QPACK limits must not be negative");
        }
        if (responseBufferBytes < 1024) {
            throw new IllegalArgumentException("responseBufferBytes must be at least 1024");
        }
        if (altSvcMaxAge < 0) {
            throw new IllegalArgumentException("altSvcMaxAge must not be negative");
        }
        Objects.requireNonNull(qpackBlockedTimeout);
        Objects.requireNonNull(quic);
    }

    public static Http3Options defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxFieldSectionSize = maxFieldSectionSize;
        b.qpackMaxTableCapacity = qpackMaxTableCapacity;
        b.qpackBlockedStreams = qpackBlockedStreams;
        b.qpackBlockedTimeout = qpackBlockedTimeout;
        b.responseBufferBytes = responseBufferBytes;
        b.altSvcMaxAge = altSvcMaxAge;
        b.quic = quic;
        return b;
    }

    public static final class Builder {
        private int maxFieldSectionSize = 32 * 1024;
        private int qpackMaxTableCapacity = 4096;
        private int qpackBlockedStreams = 16;
        private Duration qpackBlockedTimeout = Duration.ofSeconds(10);
        private int responseBufferBytes = 64 * 1024;
        private long altSvcMaxAge = 86_400;
        private QuicOptions quic = QuicOptions.DEFAULTS;

        private Builder() {}

        public Builder maxFieldSectionSize(int v) { maxFieldSectionSize = v; return this; }
        public Builder qpackMaxTableCapacity(int v) { qpackMaxTableCapacity = v; return this; }
        public Builder qpackBlockedStreams(int v) { qpackBlockedStreams = v; return this; }
        public Builder qpackBlockedTimeout(Duration v) { qpackBlockedTimeout = v; return this; }
        public Builder responseBufferBytes(int v) { responseBufferBytes = v; return this; }
        /** 0 turns the {@code Alt-Svc} advertisement off. */
        public Builder altSvcMaxAge(long seconds) { altSvcMaxAge = seconds; return this; }
        public Builder quic(QuicOptions v) { quic = v; return this; }

        public Http3Options build() {
            return new Http3Options(maxFieldSectionSize, qpackMaxTableCapacity, qpackBlockedStreams,
                    qpackBlockedTimeout, responseBufferBytes, altSvcMaxAge, quic);
        }
    }
}
