package dev.peregrine.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Summing on the connection's thread must end in exactly what recording each request would have. */
class RequestBatchTest {

    private static void assertSame(Histogram batched, Histogram direct) {
        double[] bounds = direct.bounds(1);
        assertThat(batched.snapshot(bounds, 1)).isEqualTo(direct.snapshot(bounds, 1));
    }

    @Test
    void aBatchAddsWhatEachRequestWouldHaveRecorded() {
        RequestSeries batched = new RequestSeries(1);
        RequestSeries direct = new RequestSeries(1);
        RequestBatch batch = new RequestBatch();
        // Durations over three and more buckets, so the two kept buckets spill; bodies empty and not.
        long[] nanos = {1_500, 1_600, 3_000, 1_700, 9_000, 70_000, 3_100, 1_000_000, 1_200};
        for (int i = 0; i < nanos.length; i++) {
            batch.add(batched, nanos[i], i % 3 == 0 ? 0 : 100 * i, 13);
            direct.duration.record(nanos[i]);
            direct.requestBody.record(i % 3 == 0 ? 0 : 100 * i);
            direct.responseBody.record(13);
        }
        assertThat(batched.duration.isEmpty()).as("a third bucket adds the two kept before it").isFalse();
        batch.awaitingInput();
        assertSame(batched.duration, direct.duration);
        assertSame(batched.requestBody, direct.requestBody);
        assertSame(batched.responseBody, direct.responseBody);
    }

    @Test
    void aBatchHoldsAtMostItsLimitAndChangingSeriesAddsTheOld() {
        RequestSeries a = new RequestSeries(1);
        RequestSeries b = new RequestSeries(2);
        RequestBatch batch = new RequestBatch();
        for (int i = 0; i < RequestBatch.MAX_REQUESTS - 1; i++) {
            batch.add(a, 2_000, 0, 13);
        }
        assertThat(a.duration.isEmpty()).isTrue(); // one bucket, under the limit: still summed here
        batch.add(a, 2_000, 0, 13);
        assertThat(count(a.duration)).isEqualTo(RequestBatch.MAX_REQUESTS);
        batch.add(a, 2_000, 0, 13);
        batch.add(b, 2_000, 0, 13);
        assertThat(count(a.duration)).isEqualTo(RequestBatch.MAX_REQUESTS + 1);
        assertThat(b.duration.isEmpty()).isTrue();
        batch.awaitingInput();
        assertThat(count(b.duration)).isEqualTo(1);
    }

    @Test
    void waitingForInputForgetsTheLastEnd() {
        RequestBatch batch = new RequestBatch();
        batch.lastEnd = 12345;
        batch.awaitingInput();
        assertThat(batch.lastEnd).isZero();
    }

    private static long count(Histogram h) {
        return h.snapshot(h.bounds(1), 1).count();
    }
}
