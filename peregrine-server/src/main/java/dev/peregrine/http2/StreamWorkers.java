package dev.peregrine.http2;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The virtual threads that run one connection's stream handlers. A thread whose handler
 * returned waits briefly for the connection's next stream instead of ending: starting a virtual
 * thread costs an allocation, a continuation and an entry in the JDK's root thread container
 * (a ConcurrentHashMap add and remove, about a tenth of an h2c hello request measured here),
 * while handing a stream to a parked one costs one unpark. Still one stream per thread at a
 * time; a waiting thread ends after {@link #IDLE_NANOS} or when the connection closes, and at
 * most {@link #MAX_IDLE} wait, so an idle connection keeps no threads.
 *
 * <p>Handlers therefore share threads with earlier streams of the same connection, as with any
 * thread pool: a {@code ThreadLocal} a handler sets and does not remove is seen by a later one.
 */
final class StreamWorkers {

    /** Long enough for a client's next request on a busy connection, short enough to free idle ones. */
    private static final long IDLE_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
    /** Threads kept waiting per connection: a burst of streams beyond this starts new ones. */
    private static final int MAX_IDLE = 32;

    private final ConcurrentLinkedDeque<Worker> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    /** Runs {@code stream} on a waiting thread, or a new one. */
    void start(Runnable stream) {
        Worker w;
        while ((w = idle.pollFirst()) != null) {
            if (w.offer(stream)) {
                return;
            }
        }
        Worker fresh = new Worker(stream);
        fresh.thread = Thread.startVirtualThread(fresh);
    }

    /** No more streams: waiting threads end now. */
    void close() {
        closed = true;
        Worker w;
        while ((w = idle.pollFirst()) != null) {
            w.retire();
        }
    }

    private final class Worker implements Runnable {
        private static final Runnable RETIRED = () -> { };
        private final java.util.concurrent.atomic.AtomicReference<Runnable> next;
        volatile Thread thread;

        Worker(Runnable first) {
            this.next = new java.util.concurrent.atomic.AtomicReference<>(first);
        }

        /** Hands a stream to this waiting worker; false if it retired meanwhile. */
        boolean offer(Runnable stream) {
            if (next.compareAndSet(null, stream)) {
                LockSupport.unpark(thread);
                return true;
            }
            return false;
        }

        void retire() {
            if (next.compareAndSet(null, RETIRED)) {
                LockSupport.unpark(thread);
            }
        }

        @Override
        public void run() {
            while (true) {
                Runnable task = next.get();
                task.run();
                next.set(null);
                if (closed || idle.size() >= MAX_IDLE) {
                    return;
                }
                idle.addFirst(this);
                long deadline = System.nanoTime() + IDLE_NANOS;
                while ((task = next.get()) == null) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || closed) {
                        if (next.compareAndSet(null, RETIRED)) {
                            idle.remove(this);
                            return;
                        }
                        break; // a stream arrived as the wait ended
                    }
                    LockSupport.parkNanos(this, left);
                }
                if (next.get() == RETIRED) {
                    return;
                }
            }
        }
    }
}
