package dev.peregrine.server;

import dev.peregrine.server.internal.ConnectionMetrics;
import dev.peregrine.server.internal.Instrumentation;
import dev.peregrine.server.internal.ProtocolConnection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Tracks live connections by id: the count and its limit, the heartbeat's walk, and the two
 * shutdown verbs, close all gracefully and abort all.
 */
final class ConnectionManager {

    private final ConcurrentHashMap<Long, Entry> live = new ConcurrentHashMap<>();
    private final int maxConnections;
    private final Instrumentation metrics;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition emptied = lock.newCondition();
    private volatile boolean stopping;
    /** Set before {@link #abortAll} walks: a connection swapped in during the walk aborts itself. */
    private volatile boolean aborting;

    ConnectionManager(int maxConnections, Instrumentation metrics) {
        this.maxConnections = maxConnections;
        this.metrics = metrics;
    }

    /**
     * Registers a connection before it is scheduled. Returns false when the connection limit is
     * reached or the server is stopping; the caller then closes it at once.
     */
    public boolean register(long id, ProtocolConnection connection) {
        return register(id, connection, metrics.detached(), null);
    }

    /**
     * As {@link #register(long, ProtocolConnection)}, with the connection's metrics context,
     * which counts it open from now until {@link #unregister}; {@code remote} names the peer in
     * its start event.
     */
    boolean register(long id, ProtocolConnection connection, ConnectionMetrics cm, Object remote) {
        if (stopping) {
            return false;
        }
        if (!metrics.admitConnection(maxConnections)) {
            return false;
        }
        cm.opened(remote);
        live.put(id, new Entry(connection, cm));
        if (stopping) {
            // stop() ran between the check above and put(): this one must not escape it.
            connection.stopAcceptingRequests();
        }
        return true;
    }

    /**
     * Swaps the protocol connection registered under {@code id}; false if it is gone. A
     * connection swapped in while the server stops is told to stop, and one swapped in while
     * {@link #abortAll} runs is aborted: the walk may already have passed the entry it replaced
     * (a parked connection resuming), and it must not come back to life after the abort.
     */
    public boolean replace(long id, ProtocolConnection connection) {
        if (live.computeIfPresent(id, (k, e) -> new Entry(connection, e.metrics)) == null) {
            return false;
        }
        if (aborting) {
            connection.abort();
        } else if (stopping) {
            connection.stopAcceptingRequests();
        }
        return true;
    }

    Instrumentation metrics() {
        return metrics;
    }

    /** Records a deadline that fired for a connection no protocol thread serves (parked). */
    void timedOut(long id, TimeoutKind kind) {
        Entry e = live.get(id);
        if (e != null) {
            e.metrics.timedOut(kind);
        }
    }

    public void unregister(long id) {
        Entry e = live.remove(id);
        if (e != null) {
            e.metrics.closed();
            metrics.connectionClosed();
            if (live.isEmpty()) {
                lock.lock();
                try {
                    emptied.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    public int size() {
        return live.size();
    }

    /** The heartbeat's walk over every live connection. */
    public void tick(long nowNanos) {
        for (Entry e : live.values()) {
            e.connection.tick(nowNanos);
        }
    }

    /** Every connection stops taking requests; idle ones close now, busy ones after their response. */
    public void closeAllGracefully() {
        stopping = true;
        for (Entry e : live.values()) {
            e.connection.stopAcceptingRequests();
        }
    }

    /** Waits until no connection is left; returns false if the deadline passed first. */
    public boolean awaitEmpty(long deadlineNanos) throws InterruptedException {
        lock.lock();
        try {
            while (!live.isEmpty()) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                emptied.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Closes every remaining connection at once. */
    public int abortAll() {
        aborting = true; // before the walk: see replace()
        int n = 0;
        for (Entry e : live.values()) {
            e.connection.abort();
            n++;
        }
        return n;
    }

    /** A live connection: what serves it now (swapped by {@link #replace}) and its metrics context. */
    private record Entry(ProtocolConnection connection, ConnectionMetrics metrics) {}

    /** Ids are monotonically increasing across all listeners of a server. */
    static final class Ids {
        private final AtomicLong next = new AtomicLong();

        long next() {
            return next.incrementAndGet();
        }
    }
}
