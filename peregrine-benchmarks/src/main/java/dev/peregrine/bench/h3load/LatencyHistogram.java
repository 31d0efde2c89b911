package dev.peregrine.bench.h3load;

/**
 * Response times in nanoseconds, in fixed log-linear buckets: exact below 64 ns, then 64 buckets per
 * power of two (each within 1/64, about 1.6%, of the value). Fixed size (about 30 KB), no allocation
 * per sample, not thread-safe: one per event loop, {@link #add merged} at the end. Percentiles are
 * the upper bound of the bucket holding the rank (a slight overestimate, never an underestimate).
 */
final class LatencyHistogram {

    private static final int SUB_BITS = 6;
    private static final int SUB = 1 << SUB_BITS;
    private static final int BUCKETS = (64 - SUB_BITS) * SUB + SUB;

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long max;

    void record(long nanos) {
        long v = Math.max(0, nanos);
        counts[index(v)]++;
        total++;
        if (v > max) {
            max = v;
        }
    }

    long count() {
        return total;
    }

    long maxNanos() {
        return max;
    }

    void add(LatencyHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        max = Math.max(max, other.max);
    }

    void reset() {
        java.util.Arrays.fill(counts, 0);
        total = 0;
        max = 0;
    }

    /** The q-th percentile (0 < q <= 100) in nanoseconds, or -1 without samples. */
    long percentile(double q) {
        if (total == 0) {
            return -1;
        }
        long rank = Math.max(1, (long) Math.ceil(q / 100.0 * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(upperBound(i), max);
            }
        }
        return max;
    }

    static int index(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int msb = 63 - Long.numberOfLeadingZeros(v);        // >= SUB_BITS
        int shift = msb - SUB_BITS;
        int sub = (int) ((v >>> shift) & (SUB - 1));         // the SUB_BITS bits under the top one
        return (shift + 1) * SUB + sub;
    }

    /** The largest value that lands in bucket i. */
    static long upperBound(int i) {
        if (i < SUB) {
            return i;
        }
        int shift = i / SUB - 1;
        long sub = i % SUB;
        long lower = ((long) SUB + sub) << shift;
        return lower + (1L << shift) - 1;
    }
}
