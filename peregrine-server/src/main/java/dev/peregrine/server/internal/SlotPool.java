package dev.peregrine.server.internal;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A bounded, lock-free free list: the one pool behind every buffer pool of the server (read
 * buffers, TLS record buffers), so that no connection waits on a lock to borrow memory.
 *
 * <p>Slots are claimed with a compare-and-set from the held value to {@code null} and filled
 * with one from {@code null}, starting at a per-thread stripe to spread contention. Nothing is
 * allocated: {@link #poll()} answers {@code null} when empty (the caller allocates) and
 * {@link #offer} answers false when full (the caller drops the item), so a burst never pins
 * memory beyond the capacity.
 */
public final class SlotPool<T> {

    private final AtomicReferenceArray<T> slots;

    /** At least {@code capacity} slots (rounded up to a power of two, at least 2). */
    public SlotPool(int capacity) {
        this.slots = new AtomicReferenceArray<>(Integer.highestOneBit(Math.max(capacity, 2) - 1) << 1);
    }

    /** A pooled item, or {@code null} when none is free. */
    public T poll() {
        int n = slots.length();
        int start = stripe() & (n - 1);
        for (int i = 0; i < n; i++) {
            int slot = (start + i) & (n - 1);
            // A plain read first: an atomic exchange on every empty slot would cost more than the scan.
            T item = slots.getPlain(slot);
            if (item != null && slots.compareAndSet(slot, item, null)) {
                return item;
            }
        }
        return null;
    }

    /** Returns {@code item} to the pool; false when every slot is taken (drop it). */
    public boolean offer(T item) {
        int n = slots.length();
        int start = stripe() & (n - 1);
        for (int i = 0; i < n; i++) {
            int slot = (start + i) & (n - 1);
            if (slots.getPlain(slot) == null && slots.compareAndSet(slot, null, item)) {
                return true;
            }
        }
        return false;
    }

    /** Slots in the pool: the most items it keeps. */
    public int capacity() {
        return slots.length();
    }

    private static int stripe() {
        long id = Thread.currentThread().threadId();
        return (int) (id ^ (id >>> 16)) * 0x9E3779B9;
    }
}
