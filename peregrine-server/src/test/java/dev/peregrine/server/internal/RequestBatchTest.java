package dev.peregrine.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.Protocol;
import org.junit.jupiter.api.Test;

/** Keeping requests on the connection's thread must end in exactly what recording each directly would have. */
class RequestBatchTest {

    private static final int GET_HTTP11 = Instrumentation.startedIndex(0, false, 1);
    private static final int POST_HTTP11 = Instrumentation.startedIndex(2, false, 1);

    /** Starts a GET (or POST) over HTTP/1.1 as ConnectionMetrics does. */
    private static long start(RequestBatch batch, Instrumentation server, int index) {
        return batch.started(server, index == GET_HTTP11 ? "GET" : "POST", Protocol.HTTP_1_1, false);
    }

    /** Ends it as ConnectionMetrics does: like the last one held, or with its series. */
    private static void end(RequestBatch batch, Instrumentation server, int index, RequestSeries series, long start,
            long requestBytes) {
        String method = index == GET_HTTP11 ? "GET" : "POST";
        if (!batch.endedLikeLast(server, method, Protocol.HTTP_1_1, 200, null, RequestError.NONE, start, requestBytes, 13)) {
            batch.ended(server, series, index, method, Protocol.HTTP_1_1, 200, null, RequestError.NONE, start,
                    requestBytes, 13);
        }
    }

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
            batch.add(batched, nanos[i], i % 3 == 0 ? 0 : 100 * i, 13, 1);
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
            batch.add(a, 2_000, 0, 13, 1);
        }
        assertThat(a.duration.isEmpty()).isTrue(); // one bucket, under the limit: still summed here
        batch.add(a, 2_000, 0, 13, 1);
        assertThat(count(a.duration)).isEqualTo(RequestBatch.MAX_REQUESTS);
        batch.add(a, 2_000, 0, 13, 1);
        batch.add(b, 2_000, 0, 13, 1);
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
        long first = start(batch, server, GET_HTTP11);
        end(batch, server, GET_HTTP11, series, first, 0);
        long second = start(batch, server, GET_HTTP11);
        assertThat(second).as("begun while the first response waits in the buffer").isEqualTo(first);
        end(batch, server, GET_HTTP11, series, second, 0);

        batch.written(null);
        batch.addSums();
        assertThat(count(series.duration)).isEqualTo(2);
        long third = start(batch, server, GET_HTTP11);
        assertThat(third).as("begun after the write: its own clock read").isNotEqualTo(first);
        end(batch, server, GET_HTTP11, series, third, 0);
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
            long t = start(batch, server, GET_HTTP11);
            assertThat(active(server)).isEqualTo(1);
            end(batch, server, GET_HTTP11, series, t, 0);
        }
        long t = start(batch, server, POST_HTTP11); // another counter: the GET run is added first
        assertThat(active(server)).isEqualTo(1);
        assertThat(server.requests()).isEqualTo(6);
        end(batch, server, POST_HTTP11, series, t, 10);
        batch.awaitingInput(server);
        assertThat(active(server)).isZero();
        assertThat(server.requests()).isEqualTo(6);
        assertThat(count(series.duration)).isEqualTo(6);
    }

    @Test
    void aRequestEndingAfterItsRunWasAddedIsCountedDirectly() {
        Instrumentation server = new Instrumentation(true);
        RequestBatch batch = new RequestBatch();
        long t = start(batch, server, GET_HTTP11);
        batch.awaitingInput(server); // the connection closed while the request ran
        assertThat(active(server)).isEqualTo(1);
        end(batch, server, GET_HTTP11, new RequestSeries(1), t, 0);
        assertThat(active(server)).isZero();
    }

    @Test
    void theLimitOfHeldRequestsEndsThemWithoutAWrite() {
        Instrumentation server = new Instrumentation(true);
        RequestSeries series = new RequestSeries(1);
        RequestBatch batch = new RequestBatch();
        for (int i = 0; i < RequestBatch.MAX_REQUESTS; i++) {
            long t = start(batch, server, GET_HTTP11);
            end(batch, server, GET_HTTP11, series, t, 0);
        }
        assertThat(count(series.duration)).isEqualTo(RequestBatch.MAX_REQUESTS);
        assertThat(active(server)).isZero();
    }

    private static long count(Histogram h) {
        return h.snapshot(h.bounds(1), 1).count();
    }

    @Test
    void onlyARequestLikeTheLastJoinsIt_otherwiseItIsRecordedUnderItsOwnSeries() {
        Instrumentation server = new Instrumentation(true);
        RequestSeries ok = new RequestSeries(1);
        RequestSeries notFound = new RequestSeries(2);
        RequestBatch batch = new RequestBatch();
        long t = start(batch, server, GET_HTTP11);
        end(batch, server, GET_HTTP11, ok, t, 0);
        t = start(batch, server, GET_HTTP11);
        assertThat(batch.endedLikeLast(server, "GET", Protocol.HTTP_1_1, 200, null, RequestError.NONE, t, 0, 13)).isTrue();
        t = start(batch, server, GET_HTTP11);
        assertThat(batch.endedLikeLast(server, "GET", Protocol.HTTP_1_1, 404, null, RequestError.NONE, t, 0, 13))
                .as("another status").isFalse();
        batch.ended(server, notFound, GET_HTTP11, "GET", Protocol.HTTP_1_1, 404, null, RequestError.NONE, t, 0, 13);
        t = start(batch, server, GET_HTTP11);
        assertThat(batch.endedLikeLast(server, "GET", Protocol.HTTP_1_1, 404, null, RequestError.NONE, t, 0, 99))
                .as("another size").isFalse();
        batch.ended(server, notFound, GET_HTTP11, "GET", Protocol.HTTP_1_1, 404, null, RequestError.NONE, t, 0, 99);
        batch.awaitingInput(server);
        assertThat(count(ok.duration)).isEqualTo(2);
        assertThat(count(notFound.duration)).isEqualTo(2);
        assertThat(notFound.responseBody.snapshot(notFound.responseBody.bounds(1), 1).sum()).isEqualTo(13 + 99);
        assertThat(active(server)).isZero();
        assertThat(server.requests()).isEqualTo(4);
    }
}
