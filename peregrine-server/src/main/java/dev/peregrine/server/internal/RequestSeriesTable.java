package dev.peregrine.server.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Finds the {@link RequestSeries} of an attribute key without a lock and without allocating:
 * open addressing over an {@link AtomicReferenceArray}, filled lazily, a new series installed by
 * compare-and-set. The number of series is capped ({@value #MAX_SERIES}, twice OpenTelemetry's
 * default cardinality limit of 2000 would be more than a scrape wants); attribute sets past the
 * cap share one overflow series, which exporters label {@code otel.metric.overflow=true}.
 */
final class RequestSeriesTable {

    static final int MAX_SERIES = 1024;
    /** At most half full, so a probe finds its slot within a few steps. */
    private static final int CAPACITY = MAX_SERIES * 2;

    private final AtomicReferenceArray<RequestSeries> slots = new AtomicReferenceArray<>(CAPACITY);
    private final AtomicInteger size = new AtomicInteger();
    private final RequestSeries overflow = new RequestSeries(RequestSeries.OVERFLOW_KEY);

    /** The series for {@code key}, created the first time it is seen. */
    RequestSeries get(long key) {
        int i = (int) ((key * 0x9E3779B97F4A7C15L) >>> 53) & (CAPACITY - 1);
        for (int probes = 0; probes < CAPACITY; probes++) {
            RequestSeries s = slots.get(i);
            if (s == null) {
                if (size.get() >= MAX_SERIES) {
                    return overflow;
                }
                RequestSeries created = new RequestSeries(key);
                if (slots.compareAndSet(i, null, created)) {
                    size.incrementAndGet();
                    return created;
                }
                s = slots.get(i); // another thread took the slot: maybe with this very key
            }
            if (s.key == key) {
                return s;
            }
            i = (i + 1) & (CAPACITY - 1);
        }
        return overflow;
    }

    /** Every series with something recorded, the overflow one last. */
    List<RequestSeries> all() {
        List<RequestSeries> out = new ArrayList<>(size.get() + 1);
        for (int i = 0; i < CAPACITY; i++) {
            RequestSeries s = slots.get(i);
            if (s != null) {
                out.add(s);
            }
        }
        out.sort((a, b) -> Long.compare(a.key, b.key));
        if (!overflow.duration.isEmpty()) {
            out.add(overflow);
        }
        return out;
    }
}
