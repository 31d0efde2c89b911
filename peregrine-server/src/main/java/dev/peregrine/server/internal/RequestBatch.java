package dev.peregrine.server.internal;

/**
 * The request histograms of an HTTP/1.x connection, summed on its own thread between two waits
 * for input and added to the shared ones in one go: a pipelined batch of 16 hello requests then
 * costs a handful of atomic adds instead of five per request, which measured about a tenth of
 * pipelined throughput. Only for HTTP/1.x, where one thread serves one request at a time; HTTP/2
 * and HTTP/3 streams of one connection run on many threads and record directly.
 *
 * <p>What a snapshot misses is bounded: the batch is added when the connection waits for input
 * (before the read that may park it), when it changes series, protocol or closes, and after
 * {@value #MAX_REQUESTS} requests. Each histogram keeps two buckets here, as consecutive requests
 * of one series mostly fall in one or two; a third bucket adds what was kept first.
 *
 * <p>The clock is read once per request in a batch: a request that follows another without a
 * wait for input starts when the one before it ended ({@link #lastEnd}), so its duration also
 * covers parsing its head, which the first request's does not.
 */
final class RequestBatch {

    /** Requests summed at most before they are added: what a snapshot can lag by, per connection. */
    static final int MAX_REQUESTS = 64;

    private RequestSeries series;
    private int requests;
    private final Pending duration = new Pending();
    private final Pending requestBody = new Pending();
    private final Pending responseBody = new Pending();
    /** {@code System.nanoTime() | 1} at the end of the last request since input was awaited; 0: none. */
    long lastEnd;

    void add(RequestSeries s, long nanos, long requestBytes, long responseBytes) {
        if (s != series) {
            flush();
            series = s;
        }
        duration.add(s.duration, nanos);
        requestBody.add(s.requestBody, requestBytes);
        responseBody.add(s.responseBody, responseBytes);
        if (++requests >= MAX_REQUESTS) {
            flush();
        }
    }

    /** Adds what was summed to the shared histograms. */
    void flush() {
        if (series != null && requests > 0) {
            duration.flush(series.duration);
            requestBody.flush(series.requestBody);
            responseBody.flush(series.responseBody);
        }
        requests = 0;
    }

    /** Input is awaited: add the batch, and let the next request read the clock itself. */
    void awaitingInput() {
        flush();
        lastEnd = 0;
    }

    /** One histogram's share of the batch: up to two buckets and the sum. */
    private static final class Pending {
        private int bucketA = -1;
        private int bucketB = -1;
        private long countA;
        private long countB;
        private long sum;

        void add(Histogram h, long value) {
            int b = h.bucketOf(value);
            if (b == bucketA) {
                countA++;
            } else if (b == bucketB) {
                countB++;
            } else if (countB == 0 && countA != 0) {
                bucketB = b;
                countB = 1;
            } else {
                flush(h);
                bucketA = b;
                countA = 1;
            }
            sum += Math.max(0, value);
        }

        void flush(Histogram h) {
            if (countA != 0 || countB != 0) {
                h.add(bucketA, countA, bucketB, countB, sum);
            }
            bucketA = -1;
            bucketB = -1;
            countA = 0;
            countB = 0;
            sum = 0;
        }
    }
}
