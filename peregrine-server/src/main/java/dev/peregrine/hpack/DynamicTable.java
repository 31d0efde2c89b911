package dev.peregrine.hpack;

import java.util.Arrays;

/**
 * The HPACK dynamic table (RFC 7541 §2.3.2, §4): a FIFO of fields, newest first, whose size is
 * the sum of {@code name.length() + value.length() + 32} over its entries (§4.1; strings are
 * ISO-8859-1, one char per octet) and never exceeds {@link #maxSize()} (§4.4).
 *
 * <p>Kept as a ring of parallel arrays that grows by doubling; since every entry takes at least
 * 32 octets it never holds more than {@code maxSize / 32} entries (128 at the default 4096).
 * Positions are 1-based from the newest entry: HPACK index {@code 61 + position} (§2.3.3).
 *
 * <p>The encoder's copy also keeps each entry's hashes so that {@link #find} is a scan of int
 * arrays with no allocation; the decoder's copy skips them.
 */
final class DynamicTable {

    /** The per-entry overhead of §4.1 (an estimate of an implementation's bookkeeping). */
    static final int ENTRY_OVERHEAD = 32;

    private final boolean lookups;
    private String[] names;
    private String[] values;
    private int[] nameHashes;  // only with lookups
    private int[] fieldHashes; // only with lookups
    private int mask;          // ring capacity - 1; the capacity is a power of two
    private int next;          // the slot the next entry goes into; the newest is next - 1
    private int length;
    private int size;
    private int maxSize;

    /**
     * @param maxSize the initial maximum size in octets
     * @param lookups whether {@link #find} will be used (the encoder's table)
     */
    DynamicTable(int maxSize, boolean lookups) {
        if (maxSize < 0) {
            throw new IllegalArgumentException("maxSize < 0");
        }
        this.maxSize = maxSize;
        this.lookups = lookups;
        allocate(16);
    }

    private void allocate(int capacity) {
        names = new String[capacity];
        values = new String[capacity];
        if (lookups) {
            nameHashes = new int[capacity];
            fieldHashes = new int[capacity];
        }
        mask = capacity - 1;
    }

    /** The size in octets of an entry for this field (§4.1). */
    static long entrySize(int nameLength, int valueLength) {
        return (long) nameLength + valueLength + ENTRY_OVERHEAD;
    }

    /** The number of entries. */
    int length() {
        return length;
    }

    /** The current size in octets (§4.1). */
    int size() {
        return size;
    }

    /** The maximum size in octets, as last set by a dynamic table size update (§4.2). */
    int maxSize() {
        return maxSize;
    }

    /** The name at {@code position}, 1 (newest) to {@link #length()}. */
    String name(int position) {
        return names[slot(position)];
    }

    /** The value at {@code position}, 1 (newest) to {@link #length()}. */
    String value(int position) {
        return values[slot(position)];
    }

    private int slot(int position) {
        if (position < 1 || position > length) {
            throw new IndexOutOfBoundsException(position);
        }
        return (next - position) & mask;
    }

    /** Applies a new maximum size, evicting the oldest entries until the table fits (§4.3). */
    void setMaxSize(int newMaxSize) {
        if (newMaxSize < 0) {
            throw new IllegalArgumentException("maxSize < 0");
        }
        maxSize = newMaxSize;
        while (size > maxSize) {
            evictOldest();
        }
    }

    /** Empties the table. */
    void clear() {
        Arrays.fill(names, null);
        Arrays.fill(values, null);
        length = 0;
        size = 0;
    }

    /**
     * Adds a field as the newest entry, first evicting the oldest entries until it fits. An entry
     * larger than the maximum size empties the table and is not added (§4.4).
     */
    void add(String name, String value) {
        long entrySize = entrySize(name.length(), value.length());
        if (entrySize > maxSize) {
            clear();
            return;
        }
        while (size + entrySize > maxSize) {
            evictOldest();
        }
        if (length == names.length) {
            growRing();
        }
        int slot = next;
        names[slot] = name;
        values[slot] = value;
        if (lookups) {
            int nameHash = name.hashCode();
            nameHashes[slot] = nameHash;
            fieldHashes[slot] = fieldHash(nameHash, value);
        }
        next = (next + 1) & mask;
        length++;
        size += (int) entrySize;
    }

    private void evictOldest() {
        int slot = (next - length) & mask;
        size -= (int) entrySize(names[slot].length(), values[slot].length());
        names[slot] = null; // let the strings go
        values[slot] = null;
        length--;
    }

    private void growRing() {
        String[] oldNames = names;
        String[] oldValues = values;
        int[] oldNameHashes = nameHashes;
        int[] oldFieldHashes = fieldHashes;
        int oldMask = mask;
        int oldest = (next - length) & oldMask;
        allocate(oldNames.length * 2);
        for (int i = 0; i < length; i++) {
            int from = (oldest + i) & oldMask;
            names[i] = oldNames[from];
            values[i] = oldValues[from];
            if (lookups) {
                nameHashes[i] = oldNameHashes[from];
                fieldHashes[i] = oldFieldHashes[from];
            }
        }
        next = length;
    }

    /** The hash {@link #find} matches whole fields on; {@code nameHash} is the name's hashCode. */
    static int fieldHash(int nameHash, String value) {
        return nameHash * 31 + value.hashCode();
    }

    /**
     * Looks a field up (encoder tables only), newest first: the position of an entry with this
     * name and value if there is one, else minus the position of the newest entry with this
     * name, else 0.
     */
    int find(String name, String value) {
        int nameHash = name.hashCode();
        int fieldHash = fieldHash(nameHash, value);
        int namePosition = 0;
        for (int p = 1; p <= length; p++) {
            int slot = (next - p) & mask;
            if (nameHashes[slot] == nameHash && names[slot].equals(name)) {
                if (fieldHashes[slot] == fieldHash && values[slot].equals(value)) {
                    return p;
                }
                if (namePosition == 0) {
                    namePosition = p;
                }
            }
        }
        return -namePosition;
    }
}
