package dev.peregrine.server.internal;

/**
 * A bounded pool of equal-sized byte arrays that busy connections borrow and idle ones give
 * back, so 10,000 idle keep-alive connections do not pin 10,000 large buffers. Lock-free and
 * allocation-free on a hit ({@link SlotPool}); when empty a new array is allocated, when full a
 * returned one is dropped.
 */
public final class BufferPool {

    private final int bufferSize;
    private final SlotPool<byte[]> free;

    public BufferPool(int bufferSize, int maxPooled) {
        this.bufferSize = bufferSize;
        this.free = new SlotPool<>(maxPooled);
    }

    public int bufferSize() {
        return bufferSize;
    }

    public byte[] borrow() {
        byte[] b = free.poll();
        return b != null ? b : new byte[bufferSize];
    }

    public void release(byte[] buffer) {
        if (buffer != null && buffer.length == bufferSize) {
            free.offer(buffer);
        }
    }
}
