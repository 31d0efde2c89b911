package dev.peregrine.qpack;

import static dev.peregrine.qpack.QpackException.QPACK_ENCODER_STREAM_ERROR;

/**
 * The decoder's copy of the peer encoder's dynamic table (RFC 9204 §3.2): a FIFO of field lines
 * addressed by absolute index (§3.2.4), the first entry ever inserted being 0.
 *
 * <p>Entries live in a ring of {@link Entry} objects, oldest first, so that a lookup hands out
 * both strings with one read and no allocation, and eviction is a head move. The ring grows by
 * doubling up to {@code maxCapacity / 32} slots, the most entries the table can hold (§3.2.1:
 * an entry costs at least 32).
 *
 * <p>The peer controls everything here, so every operation is checked: the capacity is bounded
 * by what we advertised in SETTINGS_QPACK_MAX_TABLE_CAPACITY (§3.2.3), an insert larger than
 * the capacity is an error rather than an eviction of everything (§3.2.2), and a reference to
 * an entry not (or no longer) in the table is an error, never a read outside it. Whether an
 * evicted entry was still referenced by an unacknowledged section is the encoder's business
 * (§2.1.1); a decoder just fails the section that references it.
 *
 * <p>Not thread-safe: {@link QpackDecoder} guards it with its lock.
 */
final class QpackDynamicTable {

    /** The per-entry overhead of §3.2.1. */
    static final int ENTRY_OVERHEAD = 32;

    /** One field line; names and values are ISO-8859-1, one char per octet. */
    record Entry(String name, String value) {

        long size() {
            return entrySize(name.length(), value.length());
        }
    }

    private final long maxCapacity;
    private Entry[] ring = new Entry[8];
    private int head;      // slot of the oldest entry
    private int length;    // entries in the table
    private long size;     // sum of entry sizes, at most capacity
    private long capacity; // as last set by the encoder; initially 0 (§3.2.2)
    private long insertCount;

    /** @param maxCapacity the SETTINGS_QPACK_MAX_TABLE_CAPACITY we advertised */
    QpackDynamicTable(long maxCapacity) {
        if (maxCapacity < 0) {
            throw new IllegalArgumentException("maxCapacity < 0");
        }
        this.maxCapacity = maxCapacity;
    }

    static long entrySize(long nameLength, long valueLength) {
        return nameLength + valueLength + ENTRY_OVERHEAD;
    }

    long maxCapacity() {
        return maxCapacity;
    }

    long capacity() {
        return capacity;
    }

    /** The sum of the entries' sizes (§3.2.1). */
    long size() {
        return size;
    }

    /** The number of entries currently in the table. */
    int length() {
        return length;
    }

    /** The total number of inserts and duplicates ever (§2.1.4's Insert Count). */
    long insertCount() {
        return insertCount;
    }

    /** The absolute index of the oldest entry still in the table (= insertCount when empty). */
    long firstIndex() {
        return insertCount - length;
    }

    /** Whether absolute index {@code index} is in the table now. */
    boolean contains(long index) {
        return index >= firstIndex() && index < insertCount;
    }

    /** The entry at absolute index {@code index}, which must be {@linkplain #contains in} the table. */
    Entry get(long index) {
        if (!contains(index)) {
            throw new IndexOutOfBoundsException("absolute index not in the table");
        }
        return ring[(int) ((head + (index - firstIndex())) % ring.length)];
    }

    /**
     * The entry at an encoder-stream relative index (§3.2.5: 0 is the newest).
     *
     * @throws QpackException QPACK_ENCODER_STREAM_ERROR if there is no such entry (§2.2.3)
     */
    Entry getRelative(long relativeIndex) throws QpackException {
        if (relativeIndex < 0 || relativeIndex >= length) {
            throw new QpackException(QPACK_ENCODER_STREAM_ERROR, "encoder stream index not in the table");
        }
        return get(insertCount - 1 - relativeIndex);
    }

    /**
     * Set Dynamic Table Capacity (§4.3.1): evicts down to the new capacity.
     *
     * @throws QpackException QPACK_ENCODER_STREAM_ERROR if above our advertised maximum
     */
    void setCapacity(long newCapacity) throws QpackException {
        if (newCapacity > maxCapacity) {
            throw new QpackException(QPACK_ENCODER_STREAM_ERROR, "table capacity above the maximum");
        }
        capacity = newCapacity;
        evictTo(newCapacity);
    }

    /**
     * Adds an entry, first evicting the oldest ones until it fits (§3.2.2). The caller has taken
     * any referenced name out of the table already, so evicting that entry here is harmless.
     *
     * @throws QpackException QPACK_ENCODER_STREAM_ERROR if the entry is larger than the capacity
     */
    void insert(Entry entry) throws QpackException {
        long entrySize = entry.size();
        if (entrySize > capacity) {
            throw new QpackException(QPACK_ENCODER_STREAM_ERROR, "entry larger than the table capacity");
        }
        evictTo(capacity - entrySize);
        if (length == ring.length) {
            grow();
        }
        ring[(head + length) % ring.length] = entry;
        length++;
        size += entrySize;
        insertCount++;
    }

    /** Duplicate (§4.3.4): re-inserts the entry at encoder-stream relative index {@code relativeIndex}. */
    void duplicate(long relativeIndex) throws QpackException {
        insert(getRelative(relativeIndex));
    }

    private void evictTo(long targetSize) {
        while (size > targetSize) {
            Entry oldest = ring[head];
            ring[head] = null;
            head = (head + 1) % ring.length;
            length--;
            size -= oldest.size();
        }
    }

    private void grow() {
        // Never more slots than entries of 32 octets fit in the maximum capacity, but at least one
        // more than now: an insert only gets here when the entry fits.
        long cap = Math.max(length + 1L, Math.min(2L * ring.length, maxCapacity / ENTRY_OVERHEAD));
        Entry[] bigger = new Entry[(int) Math.min(cap, Integer.MAX_VALUE - 8)];
        for (int i = 0; i < length; i++) {
            bigger[i] = ring[(head + i) % ring.length];
        }
        ring = bigger;
        head = 0;
    }
}
