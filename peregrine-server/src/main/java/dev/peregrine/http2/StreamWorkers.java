package dev.peregrine.http2;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The virtual threads that run one connection's stream handlers. A thread whose handler
 * returned waits for the connection's next stream instead of ending: starting a virtual thread
 * costs an allocation, a continuation and an entry in the JDK's root thread container (a
 * ConcurrentHashMap add and remove, about a tenth of an h2c hello request measured here), while
 * handing a stream to a parked one costs one unpark. Still one stream per thread at a time.
 *
 * <p><b>Untimed waits.</b> A waiting thread parks without a timeout: a timed park of a virtual
 * thread schedules, and on wake-up cancels, a task on the JDK's delay scheduler, whose platform
 * thread is woken for both — two futex wake-ups per stream, which profiled at about a quarter of
 * an h2c hello request's CPU. Idle threads are retired instead by the connection's heartbeat
 * tick ({@link #retireIdle}): one idle through a whole tick interval ends. At most
 * {@link #MAX_IDLE} wait, and all end when the connection closes, so an idle connection keeps no
 * threads beyond two ticks.
 *
 * <p>Handlers therefore share threads with earlier streams of the same connection, as with any
 * thread pool: a {@code ThreadLocal} a handler sets and does not remove is seen by a later one.
 */
final class StreamWorkers {

    /** Threads kept waiting per connection: a burst of streams beyond this starts new ones. */
    private static final int MAX_IDLE = 32;

    private final ConcurrentLinkedDeque<Worker> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    private volatile boolean closed;
    /** Heartbeat ticks seen; a worker that went idle two sweeps ago has waited a whole interval. */
    private volatile int sweeps;

    /** Runs {@code stream} on a waiting thread, or a new one. */
    void start(Runnable stream) {
        Worker w;
        while ((w = idle.pollFirst()) != null) {
            idleCount.decrementAndGet();
            if (w.offer(stream)) {
                return;
            }
        }
        Worker fresh = new Worker(stream);
        fresh.thread = Thread.startVirtualThread(fresh);
    }

    /** Heartbeat: ends the threads that have waited since before the previous tick. */
    void retireIdle() {
        int now = sweeps + 1;
        sweeps = now; // only the heartbeat writes this
        for (Worker w : idle) {
            if (now - w.idleSince >= 2 && w.retire()) {
                if (idle.remove(w)) {
                    idleCount.decrementAndGet();
                }
            }
        }
    }

    /** No more streams: waiting threads end now. */
    void close() {
        closed = true;
        Worker w;
        while ((w = idle.pollFirst()) != null) {
            idleCount.decrementAndGet();
            w.retire();
        }
    }

    private final class Worker implements Runnable {
        private static final Runnable RETIRED = () -> { };
        private final AtomicReference<Runnable> next;
        volatile Thread thread;
        /** {@link #sweeps} when this worker last began to wait (read racily by the heartbeat: a hint). */
        int idleSince;

        Worker(Runnable first) {
            this.next = new AtomicReference<>(first);
        }

        /** Hands a stream to this waiting worker; false if it retired meanwhile. */
        boolean offer(Runnable stream) {
            if (next.compareAndSet(null, stream)) {
                LockSupport.unpark(thread);
                return true;
            }
            return false;
        }

        /** Ends this worker if it is waiting; false if a stream was handed to it first. */
        boolean retire() {
            if (next.compareAndSet(null, RETIRED)) {
                LockSupport.unpark(thread);
                return true;
            }
            return false;
        }

        @Override
        public void run() {
            while (true) {
                Runnable task = next.get();
                task.run();
                next.set(null);
                if (closed || idleCount.get() >= MAX_IDLE) {
                    return;
                }
                idleSince = sweeps;
                idle.addFirst(this);
                idleCount.incrementAndGet();
                if (closed && retire()) { // close() drained the deque before this worker joined it
                    if (idle.remove(this)) {
                        idleCount.decrementAndGet();
                    }
                    return;
                }
                while ((task = next.get()) == null) {
                    LockSupport.park(this);
                }
                if (task == RETIRED) {
                    return;
                }
            }
        }
    }
}
