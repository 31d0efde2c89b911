package dev.peregrine.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SlotPoolTest {

    @Test
    void anEmptyPoolAnswersNullAndAReturnedItemComesBack() {
        SlotPool<Object> pool = new SlotPool<>(4);
        assertNull(pool.poll());
        Object item = new Object();
        assertTrue(pool.offer(item));
        assertSame(item, pool.poll());
        assertNull(pool.poll());
    }

    @Test
    void capacityIsRoundedUpToAPowerOfTwoAndAFullPoolRefuses() {
        SlotPool<Object> pool = new SlotPool<>(5);
        assertEquals(8, pool.capacity());
        for (int i = 0; i < 8; i++) {
            assertTrue(pool.offer(new Object()), "slot " + i);
        }
        assertFalse(pool.offer(new Object()), "a ninth item must be dropped, not kept");
        int taken = 0;
        while (pool.poll() != null) {
            taken++;
        }
        assertEquals(8, taken);
    }

    /** Lock-free claims must never hand one item to two borrowers at once. */
    @Test
    void concurrentBorrowersNeverHoldTheSameItem() throws Exception {
        SlotPool<int[]> pool = new SlotPool<>(8);
        for (int i = 0; i < 8; i++) {
            pool.offer(new int[1]);
        }
        Set<int[]> held = ConcurrentHashMap.newKeySet();
        AtomicInteger doubleHolds = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 200_000; i++) {
                    int[] item = pool.poll();
                    if (item == null) {
                        continue;
                    }
                    if (!held.add(item)) {
                        doubleHolds.incrementAndGet();
                    }
                    held.remove(item);
                    pool.offer(item);
                }
            }));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(60_000);
        }
        assertEquals(0, doubleHolds.get());
        int left = 0;
        while (pool.poll() != null) {
            left++;
        }
        assertEquals(8, left, "every item is back in the pool");
    }
}
