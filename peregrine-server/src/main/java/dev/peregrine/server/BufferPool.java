package dev.peregrine.server;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A bounded pool of equal-sized byte arrays that busy connections borrow and idle ones give
 * back, so 10,000 idle keep-alive connections do not pin 10,000 large buffers.
 *
 * <p>Lock-free and allocation-free: slots are claimed with {@code getAndSet(null)} and filled
 * with {@code compareAndSet(null, b)}, starting from a per-thread stripe to spread contention.
 * When the pool is empty a new array is allocated; when full, a returned one is dropped.
 */
public final class BufferPool {

    private final int bufferSize;
    private final AtomicReferenceArray<byte[]> slots;

    public BufferPool(int bufferSize, int maxPooled) {
        this.bufferSize = bufferSize;
        this.slots = new AtomicReferenceArray<>(Integer.highestOneBit(Math.max(maxPooled, 2) - 1) << 1);
    }

    public int bufferSize() {
        return bufferSize;
    }

    public byte[] borrow() {
        int n = slots.length();
        int start = stripe() & (n - 1);
        for (int i = 0; i < n; i++) {
            int slot = (start + i) & (n - 1);
            // A plain read first: an atomic exchange on every empty slot would cost more than the scan.
            byte[] b = slots.getPlain(slot);
            if (b != null && slots.compareAndSet(slot, b, null)) {
                return b;
            }
        }
        return new byte[bufferSize];
    }

    public void release(byte[] buffer) {
        if (buffer == null || buffer.length != bufferSize) {
            return;
        }
        int n = slots.length();
        int start = stripe() & (n - 1);
        for (int i = 0; i < n; i++) {
            int slot = (start + i) & (n - 1);
            if (slots.getPlain(slot) == null && slots.compareAndSet(slot, null, buffer)) {
                return;
            }
        }
    }

    private static int stripe() {
        long id = Thread.currentThread().threadId();
        return (int) (id ^ (id >>> 16)) * 0x9E3779B9;
    }
}
