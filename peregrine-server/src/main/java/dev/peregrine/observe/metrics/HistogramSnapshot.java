package dev.peregrine.observe.metrics;

import java.util.Arrays;

/**
 * A histogram's state at one moment, in the instrument's unit (seconds or bytes): bucket
 * {@code i} counts the values {@code v} with {@code bounds[i-1] < v <= bounds[i]} (the first
 * from 0, the last, at index {@code bounds.length}, above the largest bound: Prometheus's
 * {@code le="+Inf"}). Peregrine's buckets are powers of two of nanoseconds or bytes, fixed for
 * every histogram of an instrument, so snapshots of one instrument merge bucket by bucket.
 *
 * @param bounds the inclusive upper bounds, ascending
 * @param counts {@code bounds.length + 1} bucket counts, not cumulative
 * @param sum the sum of every recorded value
 */
public record HistogramSnapshot(double[] bounds, long[] counts, double sum) {

    public HistogramSnapshot {
        if (counts.length != bounds.length + 1) {
            throw new IllegalArgumentException("need one count per bound plus the overflow bucket");
        }
    }

    /** An empty histogram with these bounds. */
    public static HistogramSnapshot empty(double[] bounds) {
        return new HistogramSnapshot(bounds, new long[bounds.length + 1], 0);
    }

    /** How many values were recorded. */
    public long count() {
        long n = 0;
        for (long c : counts) {
            n += c;
        }
        return n;
    }

    /** The mean of the recorded values, 0 when there are none. */
    public double mean() {
        long n = count();
        return n == 0 ? 0 : sum / n;
    }

    /**
     * An estimate of the {@code q}-quantile ({@code 0.99} for p99): the bucket holding that rank,
     * interpolated linearly inside it, as Prometheus's {@code histogram_quantile} does. With
     * power-of-two buckets the estimate is within a factor of two of the true value; a rank in
     * the overflow bucket reports the largest bound. 0 when nothing was recorded.
     */
    public double percentile(double q) {
        if (!(q >= 0 && q <= 1)) {
            throw new IllegalArgumentException("q must be within [0, 1]: " + q);
        }
        long n = count();
        if (n == 0) {
            return 0;
        }
        double rank = q * n;
        long below = 0;
        for (int i = 0; i < counts.length; i++) {
            long c = counts[i];
            if (c > 0 && below + c >= rank) {
                if (i == bounds.length) {
                    return bounds[bounds.length - 1];
                }
                double lower = i == 0 ? 0 : bounds[i - 1];
                double upper = bounds[i];
                return lower + (upper - lower) * Math.max(0, rank - below) / c;
            }
            below += c;
        }
        return bounds[bounds.length - 1];
    }

    /** The bucket-by-bucket sum of two snapshots of the same instrument. */
    public HistogramSnapshot merge(HistogramSnapshot other) {
        if (!Arrays.equals(bounds, other.bounds)) {
            throw new IllegalArgumentException("histograms with different buckets do not merge");
        }
        long[] merged = counts.clone();
        for (int i = 0; i < merged.length; i++) {
            merged[i] += other.counts[i];
        }
        return new HistogramSnapshot(bounds, merged, sum + other.sum);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HistogramSnapshot h && Arrays.equals(bounds, h.bounds) && Arrays.equals(counts, h.counts)
                && Double.compare(sum, h.sum) == 0;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts) * 31 + Double.hashCode(sum);
    }

    @Override
    public String toString() {
        return "HistogramSnapshot[count=" + count() + ", sum=" + sum + ", p50=" + percentile(0.5)
                + ", p99=" + percentile(0.99) + "]";
    }
}
