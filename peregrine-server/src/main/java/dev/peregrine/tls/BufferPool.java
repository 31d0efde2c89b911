package dev.peregrine.tls;

import dev.peregrine.server.internal.SlotPool;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;

/**
 * Heap buffers of one TLS record's size, lent to a connection only while it moves bytes. Heap,
 * not direct: the JDK's SSLEngine ciphers work on arrays, and direct buffers there only add a
 * copy. At most {@code retained} buffers are kept (rounded up to a power of two); beyond that a
 * released buffer becomes garbage, so a burst does not pin memory forever (256 x 16.7 KB ≈ 4.3 MB).
 * The free list is the server's lock-free {@link SlotPool}, the same one behind its read buffers:
 * every connection borrows here on every record, so a lock would serialise them all.
 */
final class BufferPool {

    /** RFC 8446 §5.2: 2^14 plaintext + 256 expansion + 5 header; the JDK reports 16709. */
    static final int DEFAULT_SIZE = 16709;

    private final int size;
    private final SlotPool<ByteBuffer> free;
    /** Borrowed and not yet released (dropped ones of aborted connections included): a gauge for tests and metrics. */
    private final LongAdder outstanding = new LongAdder();

    BufferPool(int size, int retained) {
        this.size = size;
        this.free = new SlotPool<>(retained);
    }

    int bufferSize() {
        return size;
    }

    /** A cleared buffer of at least {@code min} bytes. */
    ByteBuffer borrow(int min) {
        outstanding.increment();
        if (min <= size) {
            ByteBuffer b = free.poll();
            return b != null ? b.clear() : ByteBuffer.allocate(size);
        }
        return ByteBuffer.allocate(min); // an engine asking for more than a record: rare, not pooled
    }

    void release(ByteBuffer b) {
        if (b == null) {
            return;
        }
        outstanding.decrement();
        if (b.capacity() == size) {
            free.offer(b.clear());
        }
    }

    long outstanding() {
        return outstanding.sum();
    }
}
