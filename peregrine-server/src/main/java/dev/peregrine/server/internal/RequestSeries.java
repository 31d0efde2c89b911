package dev.peregrine.server.internal;

import java.util.Map;

/**
 * The request instruments of one attribute set: method, status, route, protocol version, scheme
 * and error type, packed into {@link #key}. Created once per combination, then only recorded into.
 */
final class RequestSeries {

    private static final int METHOD_BITS = 4;
    private static final int STATUS_BITS = 10;
    private static final int PROTOCOL_BITS = 2;
    private static final int SCHEME_BITS = 1;
    private static final int ERROR_BITS = 2;
    static final int MAX_ROUTE_ID = (1 << 16) - 1;
    /** The key of the series that takes every attribute set past the table's limit. */
    static final long OVERFLOW_KEY = -1;

    final long key;
    /** The attributes snapshots and listeners see: made once, so listeners can cache by identity. */
    final Map<String, String> attributes;
    final Histogram duration = Histogram.nanos();
    final Histogram requestBody = Histogram.bytes();
    final Histogram responseBody = Histogram.bytes();

    RequestSeries(long key) {
        this.key = key;
        this.attributes = MetricsSnapshots.requestAttributes(key);
    }

    /**
     * Packs the attributes. {@code status} 0 means none was sent; a route id past
     * {@link #MAX_ROUTE_ID} is recorded as no route.
     */
    static long key(int method, int status, int protocol, boolean https, int routeId, int error) {
        int route = routeId > MAX_ROUTE_ID ? 0 : routeId;
        long k = method;
        k |= (long) status << METHOD_BITS;
        k |= (long) protocol << (METHOD_BITS + STATUS_BITS);
        k |= (https ? 1L : 0L) << (METHOD_BITS + STATUS_BITS + PROTOCOL_BITS);
        k |= (long) error << (METHOD_BITS + STATUS_BITS + PROTOCOL_BITS + SCHEME_BITS);
        k |= (long) route << (METHOD_BITS + STATUS_BITS + PROTOCOL_BITS + SCHEME_BITS + ERROR_BITS);
        return k;
    }

    static int method(long key) {
        return (int) (key & ((1 << METHOD_BITS) - 1));
    }

    static int status(long key) {
        return (int) (key >>> METHOD_BITS) & ((1 << STATUS_BITS) - 1);
    }

    static int protocol(long key) {
        return (int) (key >>> (METHOD_BITS + STATUS_BITS)) & ((1 << PROTOCOL_BITS) - 1);
    }

    static boolean https(long key) {
        return ((key >>> (METHOD_BITS + STATUS_BITS + PROTOCOL_BITS)) & 1) != 0;
    }

    static int error(long key) {
        return (int) (key >>> (METHOD_BITS + STATUS_BITS + PROTOCOL_BITS + SCHEME_BITS)) & ((1 << ERROR_BITS) - 1);
    }

    static int route(long key) {
        return (int) (key >>> (METHOD_BITS + STATUS_BITS + PROTOCOL_BITS + SCHEME_BITS + ERROR_BITS));
    }
}
