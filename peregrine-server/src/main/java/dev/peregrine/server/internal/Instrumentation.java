package dev.peregrine.server.internal;

import dev.peregrine.observe.metrics.MeasurementListener;
import dev.peregrine.observe.metrics.MetricsSnapshot;
import dev.peregrine.server.TimeoutKind;
import dev.peregrine.tls.TlsHandshakeException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The recording side of a server's instruments; users read them through
 * {@link dev.peregrine.server.ServerMetrics} ({@code server.metrics()}), a view of this: all at
 * once with {@link #snapshot()} (OpenTelemetry names, units and attributes;
 * {@code docs/observability.md}), or the totals with the accessors below.
 *
 * <p>Recording goes through a {@link ConnectionMetrics} per connection, made when the connection
 * is accepted: it caches whether metrics are on ({@link #enabled(boolean)}, default
 * {@link ServerOptions#metrics()}), so a connection records all or nothing for its whole life.
 * Counters are striped ({@link LongAdder}), histograms have fixed power-of-two buckets, and the
 * series of an attribute set is found without a lock or an allocation.
 *
 * <p>With metrics off only the counts the server needs for its own limits are kept (active,
 * accepted, rejected and parked connections); nothing is recorded per request.
 */
public final class Instrumentation {

    // Connection protocols: none chosen yet, HTTP/1.x, HTTP/2, HTTP/3.
    static final int CONN_NONE = 0;
    static final int CONN_H1 = 1;
    static final int CONN_H2 = 2;
    static final int CONN_H3 = 3;
    static final int PROTOCOLS = 4;
    /** Statuses bad requests are counted under; the last slot is any other. */
    static final int[] BAD_STATUSES = {400, 408, 413, 414, 431, 501, 505, 0};

    // ---- kept whatever the switch says: the connection limit and idle parking read them
    final AtomicLong activeConnections = new AtomicLong();
    final AtomicLong acceptedConnections = new AtomicLong();
    final AtomicLong rejectedConnections = new AtomicLong();
    final AtomicLong parkedConnections = new AtomicLong();
    final LongAdder parks = new LongAdder();

    // ---- recorded only through connections that have metrics on
    /** Requests whose handler started, by method x scheme x protocol version (see {@link #startedIndex}). */
    final LongAdder[] started = adders(HttpMethods.NAMES.length * 2 * 4);
    /** Requests that ended, indexed as {@link #started}: active requests are the difference, exact even while histograms are batched. */
    final LongAdder[] ended = adders(HttpMethods.NAMES.length * 2 * 4);
    final RequestSeriesTable series = new RequestSeriesTable();
    /** Open connections by protocol x TLS (ConnectionMetrics moves them between protocols). */
    final LongAdder[] open = adders(PROTOCOLS * 2);
    final Histogram[] connectionDuration = histograms(PROTOCOLS * 2);
    final LongAdder upgraded = new LongAdder();
    final LongAdder activeHandshakes = new LongAdder();
    /** Handshakes: completed by TLS version (1.2, 1.3, other), then failed by reason. */
    final Histogram[] handshakes = histograms(3 + TlsHandshakeException.Reason.values().length);
    /** Request streams opened: HTTP/2, HTTP/3. */
    final LongAdder[] streams = adders(2);
    /** Resets by protocol (h2, h3) x initiator (server, client) x error code slot. */
    final LongAdder[] resets = adders(2 * 2 * ErrorCodes.SLOTS);
    /** Protocol errors raised by the server, by protocol (h2, h3) x error code slot. */
    final LongAdder[] protocolErrors = adders(2 * ErrorCodes.SLOTS);
    /** Bad requests by protocol version x status slot. */
    final LongAdder[] badRequests = adders(4 * BAD_STATUSES.length);
    final LongAdder handlerErrors = new LongAdder();
    final LongAdder[] timeouts = adders(TimeoutKind.values().length);
    final LongAdder acceptErrors = new LongAdder();

    private volatile boolean enabled;
    /**
     * Who sees each histogram measurement (an OpenTelemetry bridge); {@code null}, not empty, when
     * nobody does, so recording pays one volatile read and a null check. Copied on write.
     */
    volatile MeasurementListener[] listeners;

    /** Metrics on. */
    public Instrumentation() {
        this(true);
    }

    public Instrumentation(boolean enabled) {
        this.enabled = enabled;
    }

    /** Turns recording on or off for connections accepted from now on; open ones keep their state. */
    public void enabled(boolean on) {
        this.enabled = on;
    }

    public boolean enabled() {
        return enabled;
    }

    /** A new connection's metrics context, fixed to the switch as it is now. */
    public ConnectionMetrics connection(long id, boolean tls) {
        return new ConnectionMetrics(this, id, tls, enabled);
    }

    /**
     * A context for code that runs a protocol connection without the server's dispatcher (tests,
     * custom transports): it records requests and errors but no connection life cycle.
     */
    public ConnectionMetrics detached() {
        return new ConnectionMetrics(this, 0, false, enabled);
    }

    static int startedIndex(int method, boolean https, int protocol) {
        return (method * 2 + (https ? 1 : 0)) * 4 + protocol;
    }

    static int badStatusSlot(int status) {
        for (int i = 0; i < BAD_STATUSES.length - 1; i++) {
            if (BAD_STATUSES[i] == status) {
                return i;
            }
        }
        return BAD_STATUSES.length - 1;
    }

    /**
     * Counts a connection in: false, and counted as rejected, when that would make more than
     * {@code max} open (0: no limit). Increment first, undo on overflow, so concurrent accept
     * loops cannot both take the last slot.
     */
    public boolean admitConnection(int max) {
        if (max > 0 && activeConnections.incrementAndGet() > max) {
            activeConnections.decrementAndGet();
            rejectedConnections.incrementAndGet();
            return false;
        }
        if (max <= 0) {
            activeConnections.incrementAndGet();
        }
        acceptedConnections.incrementAndGet();
        return true;
    }

    /** An admitted connection closed. */
    public void connectionClosed() {
        activeConnections.decrementAndGet();
    }

    /** An idle connection went to the parker (counted before it is handed over: it may leave at once). */
    public void connectionParked() {
        parkedConnections.incrementAndGet();
        parks.increment();
    }

    /** A parked connection resumed, closed or could not be parked after all. */
    public void connectionUnparked() {
        parkedConnections.decrementAndGet();
    }

    public void acceptFailed() {
        if (enabled) {
            acceptErrors.increment();
        }
    }

    /** From now on {@code listener} sees every histogram measurement, after the server's own histogram. */
    public synchronized void addListener(MeasurementListener listener) {
        java.util.Objects.requireNonNull(listener);
        MeasurementListener[] now = listeners;
        MeasurementListener[] next = now == null ? new MeasurementListener[1] : java.util.Arrays.copyOf(now, now.length + 1);
        next[next.length - 1] = listener;
        listeners = next;
    }

    /** Stops calling {@code listener}; false if it was not registered. */
    public synchronized boolean removeListener(MeasurementListener listener) {
        MeasurementListener[] now = listeners;
        if (now == null) {
            return false;
        }
        for (int i = 0; i < now.length; i++) {
            if (now[i] == listener) {
                MeasurementListener[] next = new MeasurementListener[now.length - 1];
                System.arraycopy(now, 0, next, 0, i);
                System.arraycopy(now, i + 1, next, i, next.length - i);
                listeners = next.length == 0 ? null : next;
                return true;
            }
        }
        return false;
    }

    /** Every instrument now, with its points by attribute set. */
    public MetricsSnapshot snapshot() {
        return MetricsSnapshots.of(this);
    }

    // ---------------------------------------------------------------- totals

    public long activeConnections() { return activeConnections.get(); }
    public long parkedConnections() { return parkedConnections.get(); }
    public long parks() { return parks.sum(); }
    public long acceptedConnections() { return acceptedConnections.get(); }
    public long rejectedConnections() { return rejectedConnections.get(); }
    /** Requests whose handler started (or whose refusal began, for a 431 on HTTP/2 and HTTP/3). */
    public long requests() { return sum(started); }
    public long badRequests() { return sum(badRequests); }
    public long handlerErrors() { return handlerErrors.sum(); }
    /** Deadlines that fired, of every kind. */
    public long timedOutConnections() { return sum(timeouts); }
    public long timeouts(TimeoutKind kind) { return timeouts[kind.ordinal()].sum(); }
    public long acceptErrors() { return acceptErrors.sum(); }
    /** HTTP/2 and HTTP/3 errors the server raised, except HTTP/2's ENHANCE_YOUR_CALM ({@link #abusiveConnections}). */
    public long protocolErrors() { return sum(protocolErrors) - abusiveConnections(); }
    /** HTTP/2 and HTTP/3 streams reset, by either side. */
    public long streamResets() { return sum(resets); }
    /** HTTP/2 connections ended because an abuse budget was spent (ENHANCE_YOUR_CALM). */
    public long abusiveConnections() { return protocolErrors[ErrorCodes.H2_ENHANCE_YOUR_CALM].sum(); }

    private static long sum(LongAdder[] adders) {
        long n = 0;
        for (LongAdder a : adders) {
            n += a.sum();
        }
        return n;
    }

    private static LongAdder[] adders(int n) {
        LongAdder[] a = new LongAdder[n];
        for (int i = 0; i < n; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    private static Histogram[] histograms(int n) {
        Histogram[] h = new Histogram[n];
        for (int i = 0; i < n; i++) {
            h[i] = Histogram.nanos();
        }
        return h;
    }

    @Override
    public String toString() {
        return "connections active=" + activeConnections() + " accepted=" + acceptedConnections()
                + " rejected=" + rejectedConnections() + " timedOut=" + timedOutConnections()
                + "; requests=" + requests() + " bad=" + badRequests() + " handlerErrors=" + handlerErrors()
                + "; protocolErrors=" + protocolErrors() + " resets=" + streamResets() + " abusive=" + abusiveConnections();
    }
}
