package dev.peregrine.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Keeping requests on the connection's thread must end in exactly what recording each directly would have. */
class RequestBatchTest {

    private static final int GET_HTTP11 = Instrumentation.startedIndex(0, false, 1);
    private static final int POST_HTTP11 = Instrumentation.startedIndex(2, false, 1);

    private static void assertSame(Histogram batched, Histogram direct) {
        double[] bounds = direct.bounds(1);
        assertThat(batched.snapshot(bounds, 1)).isEqualTo(direct.snapshot(bounds, 1));
    }

    private static long active(Instrumentation server) {
        long started = 0;
        long ended = 0;
        for (int i = 0; i < server.started.length; i++) {
            started += server.started[i].sum();
            ended += server.ended[i].sum();
        }
        return started - ended;
    }

    @Test
    void sumsAddWhatEachRequestWouldHaveRecorded() {
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
        batch.addSums();
        assertSame(batched.duration, direct.duration);
        assertSame(batched.requestBody, direct.requestBody);
        assertSame(batched.responseBody, direct.responseBody);
    }

    @Test
    void sumsHoldAtMostTheLimitAndChangingSeriesAddsTheOld() {
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
        batch.addSums();
        assertThat(count(b.duration)).isEqualTo(1);
    }

    @Test
    void pipelinedRequestsShareTheirStartAndEndWhenTheirResponsesAreWritten() {
        Instrumentation server = new Instrumentation(true);
        RequestSeries series = new RequestSeries(1);
        RequestBatch batch = new RequestBatch();
        long first = batch.started(server, GET_HTTP11);
        batch.ended(server, GET_HTTP11, series, first, 0, 13);
        long second = batch.started(server, GET_HTTP11);
        assertThat(second).as("begun while the first response waits in the buffer").isEqualTo(first);
        batch.ended(server, GET_HTTP11, series, second, 0, 13);

        batch.written(null);
        batch.addSums();
        assertThat(count(series.duration)).isEqualTo(2);
        long third = batch.started(server, GET_HTTP11);
        assertThat(third).as("begun after the write: its own clock read").isNotEqualTo(first);
        batch.ended(server, GET_HTTP11, series, third, 0, 13);
        batch.awaitingInput(server);
        assertThat(count(series.duration)).isEqualTo(3);
        assertThat(server.requests()).isEqualTo(3);
    }

    @Test
    void aRunCountsOneActiveRequestAndNoneOnceInputIsAwaited_evenAcrossMethods() {
        Instrumentation server = new Instrumentation(true);
        RequestSeries series = new RequestSeries(1);
        RequestBatch batch = new RequestBatch();
        for (int i = 0; i < 5; i++) {
            long t = batch.started(server, GET_HTTP11);
            assertThat(active(server)).isEqualTo(1);
            batch.ended(server, GET_HTTP11, series, t, 0, 13);
        }
        long t = batch.started(server, POST_HTTP11); // another counter: the GET run is added first
        assertThat(active(server)).isEqualTo(1);
        assertThat(server.requests()).isEqualTo(6);
        batch.ended(server, POST_HTTP11, series, t, 10, 13);
        batch.awaitingInput(server);
        assertThat(active(server)).isZero();
        assertThat(server.requests()).isEqualTo(6);
        assertThat(count(series.duration)).isEqualTo(6);
    }

    @Test
    void aRequestEndingAfterItsRunWasAddedIsCountedDirectly() {
        Instrumentation server = new Instrumentation(true);
        RequestBatch batch = new RequestBatch();
        long t = batch.started(server, GET_HTTP11);
        batch.awaitingInput(server); // the connection closed while the request ran
        assertThat(active(server)).isEqualTo(1);
        batch.ended(server, GET_HTTP11, new RequestSeries(1), t, 0, 0);
        assertThat(active(server)).isZero();
    }

    @Test
    void theLimitOfHeldRequestsEndsThemWithoutAWrite() {
        Instrumentation server = new Instrumentation(true);
        RequestSeries series = new RequestSeries(1);
        RequestBatch batch = new RequestBatch();
        for (int i = 0; i < RequestBatch.MAX_REQUESTS; i++) {
            long t = batch.started(server, GET_HTTP11);
            batch.ended(server, GET_HTTP11, series, t, 0, 13);
        }
        assertThat(count(series.duration)).isEqualTo(RequestBatch.MAX_REQUESTS);
        assertThat(active(server)).isZero();
    }

    private static long count(Histogram h) {
        return h.snapshot(h.bounds(1), 1).count();
    }
}
