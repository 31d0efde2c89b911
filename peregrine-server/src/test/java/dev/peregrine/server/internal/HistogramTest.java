package dev.peregrine.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.peregrine.observe.metrics.HistogramSnapshot;
import org.junit.jupiter.api.Test;

/** The power-of-two buckets on their edges, the snapshot, and the percentile estimate. */
class HistogramTest {

    @Test
    void aValueOnABoundGoesToThatBucketAndOnePastItToTheNext() {
        // Bucket 0: v <= 2^10; bucket i: (2^(10+i-1), 2^(10+i)]; bucket 27: above 2^36 (le="+Inf").
        assertThat(Histogram.bucket(0, 10, 27)).isZero();
        assertThat(Histogram.bucket(1, 10, 27)).isZero();
        assertThat(Histogram.bucket(1024, 10, 27)).isZero();
        assertThat(Histogram.bucket(1025, 10, 27)).isEqualTo(1);
        assertThat(Histogram.bucket(2048, 10, 27)).isEqualTo(1);
        assertThat(Histogram.bucket(2049, 10, 27)).isEqualTo(2);
        assertThat(Histogram.bucket(1L << 36, 10, 27)).isEqualTo(26);
        assertThat(Histogram.bucket((1L << 36) + 1, 10, 27)).isEqualTo(27);
        assertThat(Histogram.bucket(Long.MAX_VALUE, 10, 27)).isEqualTo(27);
        // Bytes start at 2^0: 0 and 1 share the first bucket, 2 is the next, 3 and 4 the one after.
        assertThat(Histogram.bucket(0, 0, 33)).isZero();
        assertThat(Histogram.bucket(1, 0, 33)).isZero();
        assertThat(Histogram.bucket(2, 0, 33)).isEqualTo(1);
        assertThat(Histogram.bucket(3, 0, 33)).isEqualTo(2);
        assertThat(Histogram.bucket(4, 0, 33)).isEqualTo(2);
        assertThat(Histogram.bucket(5, 0, 33)).isEqualTo(3);
    }

    @Test
    void theSnapshotHasTheBoundsInTheUnitTheCountsAndTheSum() {
        Histogram h = Histogram.nanos();
        h.record(500);          // <= 1.024 µs
        h.record(1_500);        // (1.024, 2.048] µs
        h.record(3_000_000);    // (2.097, 4.194] ms
        h.record(100_000_000_000L); // 100 s: past 2^36 ns
        double[] bounds = h.bounds(1e-9);
        HistogramSnapshot s = h.snapshot(bounds, 1e-9);
        assertThat(bounds).hasSize(27);
        assertThat(bounds[0]).isEqualTo(1.024e-6, within(1e-18));
        assertThat(bounds[26]).isEqualTo(68.719476736, within(1e-9));
        assertThat(s.counts()).hasSize(28);
        assertThat(s.counts()[0]).isEqualTo(1);
        assertThat(s.counts()[1]).isEqualTo(1);
        assertThat(s.counts()[12]).isEqualTo(1); // 2^22 ns = 4.19 ms
        assertThat(s.counts()[27]).isEqualTo(1);
        assertThat(s.count()).isEqualTo(4);
        assertThat(s.sum()).isEqualTo((500 + 1_500 + 3_000_000 + 100_000_000_000L) * 1e-9, within(1e-12));
    }

    @Test
    void recordingsFromManyThreadsAddUpOverTheStripes() throws Exception {
        Histogram h = Histogram.bytes();
        Thread[] threads = new Thread[8];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 1000; i++) {
                    h.record(100);
                }
            });
        }
        for (Thread t : threads) {
            t.join();
        }
        HistogramSnapshot s = h.snapshot(h.bounds(1), 1);
        assertThat(s.count()).isEqualTo(8000);
        assertThat(s.counts()[7]).isEqualTo(8000); // (64, 128]
        assertThat(s.sum()).isEqualTo(800_000);
    }

    @Test
    void percentilesInterpolateInsideTheBucketThatHoldsTheRank() {
        double[] bounds = {1, 2, 4, 8};
        // 10 values in (1, 2], 10 in (2, 4], none above.
        HistogramSnapshot s = new HistogramSnapshot(bounds, new long[] {0, 10, 10, 0, 0}, 45);
        assertThat(s.percentile(0.5)).isEqualTo(2.0, within(1e-12));   // rank 10: the top of (1, 2]
        assertThat(s.percentile(0.25)).isEqualTo(1.5, within(1e-12));  // rank 5: halfway through (1, 2]
        assertThat(s.percentile(0.75)).isEqualTo(3.0, within(1e-12));  // rank 15: halfway through (2, 4]
        assertThat(s.percentile(1.0)).isEqualTo(4.0, within(1e-12));
        assertThat(s.mean()).isEqualTo(2.25, within(1e-12));
        // A rank in the overflow bucket reports the largest bound; an empty histogram 0.
        assertThat(new HistogramSnapshot(bounds, new long[] {0, 0, 0, 0, 3}, 100).percentile(0.5)).isEqualTo(8);
        assertThat(HistogramSnapshot.empty(bounds).percentile(0.99)).isZero();
    }

    @Test
    void snapshotsOfOneInstrumentMergeBucketByBucket() {
        double[] bounds = {1, 2};
        HistogramSnapshot a = new HistogramSnapshot(bounds, new long[] {1, 2, 3}, 10);
        HistogramSnapshot b = new HistogramSnapshot(bounds, new long[] {4, 5, 6}, 20);
        HistogramSnapshot m = a.merge(b);
        assertThat(m.counts()).containsExactly(5, 7, 9);
        assertThat(m.sum()).isEqualTo(30);
        assertThat(m.count()).isEqualTo(21);
    }
}
