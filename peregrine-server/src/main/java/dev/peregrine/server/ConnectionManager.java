package dev.peregrine.server;

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

    private final ConcurrentHashMap<Long, ProtocolConnection> live = new ConcurrentHashMap<>();
    private final int maxConnections;
    private final ServerMetrics metrics;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition emptied = lock.newCondition();
    private volatile boolean stopping;
    /** Set before {@link #abortAll} walks: a connection swapped in during the walk aborts itself. */
    private volatile boolean aborting;

    public ConnectionManager(int maxConnections, ServerMetrics metrics) {
        this.maxConnections = maxConnections;
        this.metrics = metrics;
    }

    /**
     * Registers a connection before it is scheduled. Returns false when the connection limit is
     * reached or the server is stopping; the caller then closes it at once.
     */
    public boolean register(long id, ProtocolConnection connection) {
        if (stopping) {
            return false;
        }
        if (maxConnections > 0) {
            // Increment first, undo on overflow: concurrent accept loops cannot both take the last slot.
            if (metrics.activeConnections.incrementAndGet() > maxConnections) {
                metrics.activeConnections.decrementAndGet();
                metrics.rejectedConnections.incrementAndGet();
                return false;
            }
        } else {
            metrics.activeConnections.incrementAndGet();
        }
        live.put(id, connection);
        metrics.acceptedConnections.incrementAndGet();
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
        if (live.replace(id, connection) == null) {
            return false;
        }
        if (aborting) {
            connection.abort();
        } else if (stopping) {
            connection.stopAcceptingRequests();
        }
        return true;
    }

    ServerMetrics metrics() {
        return metrics;
    }

    public void unregister(long id) {
        if (live.remove(id) != null) {
            metrics.activeConnections.decrementAndGet();
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
        for (ProtocolConnection c : live.values()) {
            c.tick(nowNanos);
        }
    }

    /** Every connection stops taking requests; idle ones close now, busy ones after their response. */
    public void closeAllGracefully() {
        stopping = true;
        for (ProtocolConnection c : live.values()) {
            c.stopAcceptingRequests();
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
        for (ProtocolConnection c : live.values()) {
            c.abort();
            n++;
        }
        return n;
    }

    /** Ids are monotonically increasing across all listeners of a server. */
    static final class Ids {
        private final AtomicLong next = new AtomicLong();

        long next() {
            return next.incrementAndGet();
        }
    }
}
