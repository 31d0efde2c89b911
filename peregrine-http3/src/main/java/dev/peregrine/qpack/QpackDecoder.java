package dev.peregrine.qpack;

import static dev.peregrine.qpack.QpackException.QPACK_DECOMPRESSION_FAILED;

import dev.peregrine.qpack.QpackBlockedException.Reason;
import dev.peregrine.qpack.QpackDynamicTable.Entry;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The QPACK decoder of one HTTP/3 connection (RFC 9204 §2.2), sans-IO: the caller feeds it the
 * peer's encoder stream and the encoded field sections of request streams, and it writes our
 * decoder stream through a {@link DecoderStreamSink}.
 *
 * <p><b>Threads.</b> One thread feeds {@link #onEncoderStream}; any number decode sections at
 * once. Everything shared — the dynamic table, the insert and blocked-stream counts, the
 * decoder-stream output — is guarded by one lock, held only for table updates, single entry
 * reads and decoder-stream writes; the field lines are parsed and handed to the sink outside it.
 * A section with no dynamic references (Required Insert Count 0, all Peregrine-to-Peregrine
 * traffic and every peer that sets no table capacity) never takes the lock at all.
 *
 * <p><b>Blocked streams</b> (§2.1.2, §2.2.1). A section needing inserts not yet received waits
 * on a {@link Condition} for them, up to {@code maxBlockedStreams} at a time (one more is
 * QPACK_DECOMPRESSION_FAILED). The wait ends with a {@link QpackBlockedException} when the
 * caller's deadline passes, the stream is {@linkplain #streamCancelled cancelled} or the decoder
 * is {@linkplain #close() closed} — see there for which is a connection error. The caller keeps
 * the section's bytes (and so its flow-control credit) meanwhile, as §2.2.1 recommends.
 *
 * <p><b>Decoder stream</b> (§4.4). Each {@link #onEncoderStream} call that inserts entries ends
 * with one Insert Count Increment covering them (§2.2.2.3; batching per call keeps the encoder
 * current without an instruction per entry). Each section with a non-zero Required Insert Count
 * is acknowledged when decoded (§2.2.2.1), and {@link #streamCancelled} sends a Stream
 * Cancellation for a stream whose section was seen but never acknowledged (§2.2.2.2). The
 * Known Received Count is tracked so that increments never repeat what an acknowledgment
 * already told the encoder.
 *
 * <p>Any {@link QpackException} is a connection error with its
 * {@link QpackException#errorCode() code}, after which the decoder is unusable — except a
 * {@link QpackBlockedException} whose reason is {@code CANCELLED} (that stream only) or
 * {@code CLOSED} (the connection is already closing).
 */
public final class QpackDecoder implements AutoCloseable {

    /** Receives the bytes of our decoder stream, in order. */
    @FunctionalInterface
    public interface DecoderStreamSink {
        /**
         * Called under the decoder's lock, from whichever thread caused the instruction: copy or
         * enqueue the bytes (they are reused after the call) and return; do not call back into
         * the decoder.
         */
        void send(byte[] b, int off, int len);
    }

    /** Receives the fields of one section, in order; names and values are ISO-8859-1. */
    @FunctionalInterface
    public interface FieldSink {
        /** Names are as on the wire: the HTTP/3 layer checks they are valid and lowercase. */
        void field(String name, String value);
    }

    /** How a section decoded. */
    public enum Outcome {
        /** Every field was handed to the sink. */
        DECODED,
        /**
         * The fields exceeded {@code maxFieldSectionSize} ({@code name + value + 32} each): the
         * sink got a prefix of them within the limit, the rest of the section was validated, and
         * the request can be answered with 431 (RFC 9114 §4.2.2).
         */
        TOO_LARGE
    }

    /** A section with a non-zero Required Insert Count not yet acknowledged. */
    private static final class Pending {
        boolean cancelled;
    }

    private final long maxEntries;
    private final int maxBlockedStreams;
    private final long maxFieldSectionSize;
    private final DecoderStreamSink out;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition inserted = lock.newCondition();
    private final FieldSectionReader.EntryLookup dynamicEntries = this::entry;
    // Guarded by lock:
    private final QpackDynamicTable table;
    private final EncoderStreamParser encoderStream;
    private final Map<Long, Pending> pending = new HashMap<>();
    private final byte[] instruction = new byte[QpackWriter.MAX_INTEGER_LENGTH];
    private long knownReceivedCount; // what our decoder stream has told the encoder (§2.1.4)
    private int blocked;
    private boolean closed;

    /**
     * @param maxTableCapacity the SETTINGS_QPACK_MAX_TABLE_CAPACITY we advertise (0 disables the
     *     dynamic table)
     * @param maxBlockedStreams the SETTINGS_QPACK_BLOCKED_STREAMS we advertise
     * @param maxFieldSectionSize the largest section delivered in full (our
     *     SETTINGS_MAX_FIELD_SECTION_SIZE, or {@link Long#MAX_VALUE})
     * @param sink where our decoder-stream instructions go
     */
    public QpackDecoder(int maxTableCapacity, int maxBlockedStreams, long maxFieldSectionSize,
            DecoderStreamSink sink) {
        if (maxTableCapacity < 0 || maxBlockedStreams < 0 || maxFieldSectionSize < 0) {
            throw new IllegalArgumentException("negative limit");
        }
        this.maxEntries = maxTableCapacity / QpackDynamicTable.ENTRY_OVERHEAD; // §4.5.1.1
        this.maxBlockedStreams = maxBlockedStreams;
        this.maxFieldSectionSize = maxFieldSectionSize;
        this.out = Objects.requireNonNull(sink, "sink");
        this.table = new QpackDynamicTable(maxTableCapacity);
        this.encoderStream = new EncoderStreamParser(table);
    }

    /**
     * Takes bytes of the peer's encoder stream (§4.3), split anywhere; instructions are applied
     * as they complete, blocked sections waiting on them are woken, and an Insert Count Increment
     * is sent for the entries inserted. Ignored once the decoder is closed.
     *
     * @throws QpackException QPACK_ENCODER_STREAM_ERROR on a malformed instruction (§4.3); blocked
     *     decodes are then failed as if {@link #close()}d
     */
    public void onEncoderStream(byte[] b, int off, int len) throws QpackException {
        Objects.checkFromIndexSize(off, len, b.length);
        lock.lock();
        try {
            if (closed) {
                return; // the connection is going away: late bytes are of no use, and no error
            }
            int inserts;
            try {
                inserts = encoderStream.feed(b, off, len);
            } catch (QpackException e) {
                closeLocked();
                throw e;
            }
            if (inserts > 0) {
                long increment = table.insertCount() - knownReceivedCount;
                if (increment > 0) {
                    send(0x00, 6, increment); // §4.4.3 Insert Count Increment: 0 0 Increment(6+)
                    knownReceivedCount = table.insertCount();
                }
                inserted.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Decodes one complete encoded field section (a HEADERS frame's payload, §4.5), handing its
     * fields to {@code sink} in order. If it needs dynamic-table entries not yet received, waits
     * for them (see the class comment).
     *
     * @param streamId the request stream, for the Section Acknowledgment (§4.4.1)
     * @param deadlineNanos a {@link System#nanoTime()} value after which a blocked section is
     *     given up; {@link Long#MAX_VALUE} to wait for as long as it takes
     * @throws QpackBlockedException if a blocked section is given up (see its reason)
     * @throws QpackException QPACK_DECOMPRESSION_FAILED if the section is malformed or would
     *     block one stream too many
     * @throws InterruptedException if interrupted while blocked; the section stays unacknowledged,
     *     so call {@link #streamCancelled} when abandoning the stream
     */
    public Outcome decode(long streamId, byte[] b, int off, int len, FieldSink sink, long deadlineNanos)
            throws QpackException, InterruptedException {
        Objects.checkFromIndexSize(off, len, b.length);
        Objects.requireNonNull(sink, "sink");
        checkStreamId(streamId);
        FieldSectionReader section = new FieldSectionReader(b, off, len, maxFieldSectionSize);
        long encodedInsertCount = section.integer(8);
        long requiredInsertCount = encodedInsertCount == 0 ? 0 : requiredInsertCount(encodedInsertCount);
        boolean negative = section.signBit();
        long deltaBase = section.integer(7);
        long base;
        if (!negative) {
            base = requiredInsertCount + deltaBase; // both below 2^62: no overflow
        } else if (requiredInsertCount > deltaBase) {
            base = requiredInsertCount - deltaBase - 1;
        } else {
            throw new QpackException(QPACK_DECOMPRESSION_FAILED, "negative Base"); // §4.5.1.2
        }
        if (requiredInsertCount == 0) {
            return section.fieldLines(0, base, sink, NO_TABLE);
        }
        Pending p = awaitInserts(streamId, requiredInsertCount, deadlineNanos);
        Outcome outcome = section.fieldLines(requiredInsertCount, base, sink, dynamicEntries);
        lock.lock();
        try {
            if (!p.cancelled && !closed) {
                pending.remove(streamId);
                send(0x80, 7, streamId); // §4.4.1 Section Acknowledgment: 1 StreamID(7+)
                knownReceivedCount = Math.max(knownReceivedCount, requiredInsertCount); // §2.1.4
            }
        } finally {
            lock.unlock();
        }
        return outcome;
    }

    /** A section with Required Insert Count 0 has no valid dynamic reference to look up. */
    private static final FieldSectionReader.EntryLookup NO_TABLE = index -> {
        throw new AssertionError("checked against the Required Insert Count");
    };

    /** §4.5.1.1: the Required Insert Count from its encoding, relative to our insert count. */
    private long requiredInsertCount(long encoded) throws QpackException {
        long fullRange = 2 * maxEntries;
        if (encoded > fullRange) {
            throw new QpackException(QPACK_DECOMPRESSION_FAILED, "bad Required Insert Count");
        }
        long totalInserts;
        lock.lock();
        try {
            totalInserts = table.insertCount();
        } finally {
            lock.unlock();
        }
        long maxValue = totalInserts + maxEntries;
        long maxWrapped = maxValue / fullRange * fullRange;
        long ric = maxWrapped + encoded - 1;
        if (ric > maxValue) {
            if (ric <= fullRange) {
                throw new QpackException(QPACK_DECOMPRESSION_FAILED, "bad Required Insert Count");
            }
            ric -= fullRange;
        }
        if (ric == 0) {
            throw new QpackException(QPACK_DECOMPRESSION_FAILED, "bad Required Insert Count");
        }
        return ric;
    }

    /** Registers the section as unacknowledged and waits until the table has its inserts. */
    private Pending awaitInserts(long streamId, long requiredInsertCount, long deadlineNanos)
            throws QpackException, InterruptedException {
        lock.lock();
        try {
            if (closed) {
                throw new QpackBlockedException(Reason.CLOSED);
            }
            boolean mustWait = table.insertCount() < requiredInsertCount;
            if (mustWait && blocked >= maxBlockedStreams) {
                throw new QpackException(QPACK_DECOMPRESSION_FAILED, "too many blocked streams");
            }
            Pending p = new Pending();
            if (pending.putIfAbsent(streamId, p) != null) {
                throw new IllegalStateException("a section of this stream is already being decoded");
            }
            if (!mustWait) {
                return p;
            }
            blocked++;
            try {
                while (table.insertCount() < requiredInsertCount) {
                    if (p.cancelled) {
                        throw new QpackBlockedException(Reason.CANCELLED);
                    }
                    if (closed) {
                        throw new QpackBlockedException(Reason.CLOSED);
                    }
                    if (deadlineNanos == Long.MAX_VALUE) {
                        inserted.await();
                    } else {
                        long remaining = deadlineNanos - System.nanoTime();
                        if (remaining <= 0) {
                            throw new QpackBlockedException(Reason.DEADLINE);
                        }
                        inserted.awaitNanos(remaining);
                    }
                }
            } finally {
                blocked--;
            }
            return p;
        } finally {
            lock.unlock();
        }
    }

    private static void checkStreamId(long streamId) {
        if (streamId < 0 || streamId > QpackReader.MAX_INTEGER) {
            throw new IllegalArgumentException("stream ID out of range");
        }
    }

    /** A dynamic entry for a section, by absolute index below its Required Insert Count. */
    private Entry entry(long absoluteIndex) throws QpackException {
        lock.lock();
        try {
            if (!table.contains(absoluteIndex)) {
                throw new QpackException(QPACK_DECOMPRESSION_FAILED, "reference to an evicted entry");
            }
            return table.get(absoluteIndex);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The request stream was reset or abandoned before all its sections were decoded (§2.2.2.2):
     * if a section of it with a non-zero Required Insert Count was seen and not acknowledged, sends
     * a Stream Cancellation, so the encoder drops its references, and fails a decode still
     * blocked on it with {@link Reason#CANCELLED}. Otherwise sends nothing: there is nothing the
     * encoder could be waiting for that we know of.
     */
    public void streamCancelled(long streamId) {
        checkStreamId(streamId);
        lock.lock();
        try {
            Pending p = pending.remove(streamId);
            if (p == null || closed) {
                return;
            }
            p.cancelled = true;
            send(0x40, 6, streamId); // §4.4.2 Stream Cancellation: 0 1 StreamID(6+)
            inserted.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Fails every blocked decode with {@link Reason#CLOSED}; later calls fail too. */
    @Override
    public void close() {
        lock.lock();
        try {
            closeLocked();
        } finally {
            lock.unlock();
        }
    }

    private void closeLocked() {
        closed = true;
        pending.clear();
        inserted.signalAll();
    }

    private void send(int flags, int prefixBits, long value) {
        int n = QpackWriter.writeInteger(instruction, 0, flags, prefixBits, value);
        out.send(instruction, 0, n);
    }

    // ---- for tests ----

    QpackDynamicTable table() {
        return table;
    }

    int blockedStreams() {
        lock.lock();
        try {
            return blocked;
        } finally {
            lock.unlock();
        }
    }
}
