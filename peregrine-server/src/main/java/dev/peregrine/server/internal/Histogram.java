package dev.peregrine.server.internal;

import dev.peregrine.observe.metrics.HistogramSnapshot;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A histogram of non-negative longs (nanoseconds, bytes) with fixed power-of-two buckets: bucket
 * 0 holds values up to {@code 2^minExp}, bucket {@code i} those in
 * {@code (2^(minExp+i-1), 2^(minExp+i)]}, and the last those above {@code 2^maxExp}. The bucket
 * is found from the number of leading zeros, with no search and no table.
 *
 * <p>Recording is two atomic adds (the bucket and the sum) on one of a few stripes picked by the
 * thread's id, so threads on different cores mostly touch different cache lines; no lock, no
 * allocation. Stripe rows are padded to whole cache lines. The count is the sum of the buckets.
 */
final class Histogram {

    /** Stripes: enough that the few carrier threads rarely share one, a power of two. */
    static final int STRIPES = Math.min(16, Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors()) * 2 - 1) * 2);
    private static final int LONGS_PER_LINE = 8;

    private final int minExp;
    private final int bounds;
    /** Longs per stripe: the buckets, then the sum, padded to a cache line multiple. */
    private final int row;
    private final AtomicLongArray cells;

    Histogram(int minExp, int maxExp) {
        if (minExp < 0 || maxExp <= minExp || maxExp > 62) {
            throw new IllegalArgumentException("exponents " + minExp + ".." + maxExp);
        }
        this.minExp = minExp;
        this.bounds = maxExp - minExp + 1;
        int used = bounds + 2;
        this.row = (used + LONGS_PER_LINE - 1) / LONGS_PER_LINE * LONGS_PER_LINE;
        this.cells = new AtomicLongArray(row * STRIPES);
    }

    /** Request and connection durations: 2^10 ns (about 1 µs) to 2^36 ns (about 69 s). */
    static Histogram nanos() {
        return new Histogram(10, 36);
    }

    /** Body sizes: 1 byte to 2^32 bytes (4 GiB). */
    static Histogram bytes() {
        return new Histogram(0, 32);
    }

    /** The bucket of {@code value}: ceil(log2(value)) - minExp, clamped to the buckets. */
    static int bucket(long value, int minExp, int bounds) {
        if (value <= 1L << minExp) {
            return 0;
        }
        int ceilLog2 = 64 - Long.numberOfLeadingZeros(value - 1);
        return Math.min(ceilLog2 - minExp, bounds);
    }

    void record(long value) {
        long v = Math.max(0, value);
        int base = stripe() * row;
        cells.getAndAdd(base + bucket(v, minExp, bounds), 1);
        if (v != 0) { // bodies are often empty: skip the second atomic add then
            cells.getAndAdd(base + bounds + 1, v);
        }
    }

    /** The bucket {@link #record} would count {@code value} in. */
    int bucketOf(long value) {
        return bucket(Math.max(0, value), minExp, bounds);
    }

    /** Adds values summed elsewhere: {@code count1} in bucket {@code b1}, {@code count2} in {@code b2}, totalling {@code sum}. */
    void add(int b1, long count1, int b2, long count2, long sum) {
        int base = stripe() * row;
        if (count1 != 0) {
            cells.getAndAdd(base + b1, count1);
        }
        if (count2 != 0) {
            cells.getAndAdd(base + b2, count2);
        }
        if (sum != 0) {
            cells.getAndAdd(base + bounds + 1, sum);
        }
    }

    private int stripe() {
        // Fibonacci hashing of the thread id: consecutive ids (virtual threads) spread over the stripes.
        return (int) ((Thread.currentThread().threadId() * 0x9E3779B97F4A7C15L) >>> 59) & (STRIPES - 1);
    }

    /** The buckets' upper bounds times {@code scale} (1e-9 for nanoseconds to seconds). */
    double[] bounds(double scale) {
        double[] b = new double[bounds];
        for (int i = 0; i < bounds; i++) {
            b[i] = Math.scalb(1.0, minExp + i) * scale;
        }
        return b;
    }

    /** The current counts, and the sum times {@code scale}, over the given bounds array (shared, not copied). */
    HistogramSnapshot snapshot(double[] scaledBounds, double scale) {
        long[] counts = new long[bounds + 1];
        long sum = 0;
        for (int s = 0; s < STRIPES; s++) {
            int base = s * row;
            for (int i = 0; i <= bounds; i++) {
                counts[i] += cells.get(base + i);
            }
            sum += cells.get(base + bounds + 1);
        }
        return new HistogramSnapshot(scaledBounds, counts, sum * scale);
    }

    /** Whether anything was recorded. */
    boolean isEmpty() {
        for (int s = 0; s < STRIPES; s++) {
            int base = s * row;
            for (int i = 0; i <= bounds; i++) {
                if (cells.get(base + i) != 0) {
                    return false;
                }
            }
        }
        return true;
    }
}
