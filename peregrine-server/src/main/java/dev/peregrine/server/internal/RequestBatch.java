package dev.peregrine.server.internal;

import dev.peregrine.api.Protocol;
import dev.peregrine.api.RouteTemplate;
import dev.peregrine.observe.metrics.MeasurementListener;

/**
 * The request metrics of an HTTP/1.x connection, kept on its own thread and added to the shared
 * instruments in one go when it waits for input: a pipelined batch of 16 hello requests then
 * costs two clock reads and a handful of atomic adds instead of a clock read and seven atomic
 * adds per request, which measured about a tenth of pipelined throughput. Only for HTTP/1.x,
 * where one thread serves one request at a time; HTTP/2 and HTTP/3 streams of one connection run
 * on many threads and record directly.
 *
 * <p><b>When a request starts and ends.</b> A response is done for the client when its last
 * bytes are written to the socket, and HTTP/1.1 holds pipelined responses in its output buffer
 * until the input runs dry or the buffer fills. So a request that ends is held {@linkplain
 * #pending pending} until the next write of that buffer, whose one clock read ends every held
 * request ({@link #written}). Requests that begin while earlier responses still wait in the
 * buffer share the start of the first of them ({@link #segmentStart}): their bytes were there
 * together, and each waits for the ones before it, as its client does. With keep-alive and no
 * pipelining this is one clock read when the handler starts and one after the response's write.
 *
 * <p><b>Active requests.</b> The first request of a run counts as started at once; the others of
 * the run are counted when the batch is added, with every end. While a run lasts the connection
 * therefore adds exactly one to {@code active_requests}, which is right while a request runs and
 * one too many between two pipelined requests; it is exact whenever the connection waits.
 *
 * <p>What a snapshot misses is bounded: the batch is added when the connection waits for input
 * (before the read that may park it), when it changes protocol or closes, and after
 * {@value #MAX_REQUESTS} requests. Each histogram keeps two buckets here, as consecutive requests
 * of one series mostly fall in one or two; a third bucket, or another series, adds what was kept.
 */
final class RequestBatch {

    /** Requests held or summed at most before they are added: what a snapshot can lag by, per connection. */
    static final int MAX_REQUESTS = 64;

    // Requests that ended but whose responses have not been written yet. Consecutive ones alike
    // in series, start and sizes (a pipelined run of one route) share a slot with a count, as
    // they will get the same duration: a run of 16 is then one bucket lookup per histogram.
    private final RequestSeries[] pendingSeries = new RequestSeries[MAX_REQUESTS];
    private final long[] pendingStart = new long[MAX_REQUESTS];
    private final long[] pendingRequestBytes = new long[MAX_REQUESTS];
    private final long[] pendingResponseBytes = new long[MAX_REQUESTS];
    private final int[] pendingCount = new int[MAX_REQUESTS];
    private int pending;
    private int pendingRequests;
    // The attributes of the last slot as given, compared by identity: the next request of a
    // pipelined run of one route joins that slot without computing its series key.
    private String lastMethod;
    private Protocol lastProtocol;
    private int lastStatus;
    private RouteTemplate lastRoute;
    private RequestError lastError;

    /** {@code System.nanoTime() | 1} when the first request since the last write began; 0: none. */
    private long segmentStart;

    // Started and ended counters of the current run (index into Instrumentation.started/ended),
    // whose requests share a method (by identity) and protocol.
    private int runIndex = -1;
    private String runMethod;
    private Protocol runProtocol;
    private long runStarted;
    private long runEnded;

    // Histogram sums of one series.
    private RequestSeries series;
    private int summed;
    private final Pending duration = new Pending();
    private final Pending requestBody = new Pending();
    private final Pending responseBody = new Pending();

    /**
     * A request begins. Returns its start time, read from the clock only for the first request
     * since the last write.
     */
    long started(Instrumentation server, String method, Protocol protocol, boolean tls) {
        if (method == runMethod && protocol == runProtocol) {
            runStarted++;
        } else {
            addCounts(server); // HTTP/1.x runs one request at a time, so the run has no request in flight
            runIndex = Instrumentation.startedIndex(HttpMethods.id(method), tls, protocol.ordinal());
            runMethod = method;
            runProtocol = protocol;
            server.started[runIndex].increment();
        }
        long s = segmentStart;
        if (s == 0) {
            s = System.nanoTime() | 1; // never 0, which means "not recorded"
            segmentStart = s;
        }
        return s;
    }

    /**
     * A request ended exactly like the last one held (same attributes by identity, start and
     * sizes, in the same run): it joins that one and true is returned. False: call
     * {@link #ended} with its series.
     */
    boolean endedLikeLast(Instrumentation server, String method, Protocol protocol, int status, RouteTemplate route,
            RequestError error, long start, long requestBytes, long responseBytes) {
        int last = pending - 1;
        if (last < 0 || method != lastMethod || protocol != lastProtocol || status != lastStatus || route != lastRoute
                || error != lastError || method != runMethod || protocol != runProtocol
                || pendingStart[last] != start || pendingRequestBytes[last] != requestBytes
                || pendingResponseBytes[last] != responseBytes) {
            return false;
        }
        runEnded++;
        pendingCount[last]++;
        heldOneMore(server);
        return true;
    }

    /** A request ended (its response is complete in the buffer); it is recorded once that is written. */
    void ended(Instrumentation server, RequestSeries s, int index, String method, Protocol protocol, int status,
            RouteTemplate route, RequestError error, long start, long requestBytes, long responseBytes) {
        if (method == runMethod && protocol == runProtocol) {
            runEnded++;
        } else {
            server.ended[index].increment(); // its run was added already (the connection closed meanwhile)
        }
        int last = pending - 1;
        if (last >= 0 && pendingSeries[last] == s && pendingStart[last] == start
                && pendingRequestBytes[last] == requestBytes && pendingResponseBytes[last] == responseBytes) {
            pendingCount[last]++;
        } else {
            int i = last + 1;
            pendingSeries[i] = s;
            pendingStart[i] = start;
            pendingRequestBytes[i] = requestBytes;
            pendingResponseBytes[i] = responseBytes;
            pendingCount[i] = 1;
            pending = i + 1;
        }
        lastMethod = method;
        lastProtocol = protocol;
        lastStatus = status;
        lastRoute = route;
        lastError = error;
        heldOneMore(server);
    }

    private void heldOneMore(Instrumentation server) {
        if (++pendingRequests == MAX_REQUESTS) {
            written(server.listeners); // a buffer that never fills in 64 requests: end them now
            flush(server);
        }
    }

    /** The connection wrote its output buffer: every request held so far has been answered. */
    void written(MeasurementListener[] listeners) {
        int n = pending;
        if (n == 0) {
            return;
        }
        long now = System.nanoTime();
        for (int i = 0; i < n; i++) {
            RequestSeries s = pendingSeries[i];
            long nanos = now - pendingStart[i];
            int count = pendingCount[i];
            add(s, nanos, pendingRequestBytes[i], pendingResponseBytes[i], count);
            if (listeners != null) {
                for (int k = 0; k < count; k++) {
                    ConnectionMetrics.requestEnded(listeners, s.attributes, nanos, pendingRequestBytes[i],
                            pendingResponseBytes[i]);
                }
            }
            pendingSeries[i] = null;
        }
        pending = 0;
        pendingRequests = 0;
        lastMethod = null;
        segmentStart = 0; // the next request begins after this write
    }

    /** Input is awaited (the output was written just before): add everything to the shared instruments. */
    void awaitingInput(Instrumentation server) {
        written(server.listeners);
        flush(server);
        segmentStart = 0;
    }

    private void flush(Instrumentation server) {
        addCounts(server);
        addSums();
    }

    private void addCounts(Instrumentation server) {
        int index = runIndex;
        if (index >= 0) {
            if (runStarted != 0) {
                server.started[index].add(runStarted);
            }
            if (runEnded != 0) {
                server.ended[index].add(runEnded);
            }
            runIndex = -1;
            runMethod = null;
            runProtocol = null;
            runStarted = 0;
            runEnded = 0;
        }
    }

    /** Sums {@code count} answered requests alike into the histograms of their series. */
    void add(RequestSeries s, long nanos, long requestBytes, long responseBytes, int count) {
        if (s != series) {
            addSums();
            series = s;
        }
        duration.add(s.duration, nanos, count);
        requestBody.add(s.requestBody, requestBytes, count);
        responseBody.add(s.responseBody, responseBytes, count);
        summed += count;
        if (summed >= MAX_REQUESTS) {
            addSums();
        }
    }

    /** Adds what was summed to the shared histograms. */
    void addSums() {
        if (series != null && summed > 0) {
            duration.flush(series.duration);
            requestBody.flush(series.requestBody);
            responseBody.flush(series.responseBody);
        }
        summed = 0;
    }

    /** One histogram's share of the batch: up to two buckets and the sum. */
    private static final class Pending {
        private int bucketA = -1;
        private int bucketB = -1;
        private long countA;
        private long countB;
        private long sum;

        void add(Histogram h, long value, int count) {
            int b = h.bucketOf(value);
            if (b == bucketA) {
                countA += count;
            } else if (b == bucketB) {
                countB += count;
            } else if (countB == 0 && countA != 0) {
                bucketB = b;
                countB = count;
            } else {
                flush(h);
                bucketA = b;
                countA = count;
            }
            sum += Math.max(0, value) * count;
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
