package dev.peregrine.http2;

import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The virtual threads that run one connection's stream handlers, from one queue of streams.
 *
 * <p><b>Wake one, then the next.</b> The reader queues a stream and wakes a waiting thread only
 * if none is already on its way to the queue ({@link #waking}); a thread that takes a stream
 * while more wait wakes one more before it runs its own. A burst of quick handlers (16 HEADERS
 * in one read) is then served by one or two threads in turn, each taking the next stream as its
 * last returns, instead of 16 parks, unparks and mounts: those hand-offs were the largest item
 * of an h2c hello request's CPU after the handler itself. A handler that blocks costs the
 * others one scheduling hop, no more: the thread woken before it ran takes the next stream and
 * wakes another in turn, so every queued stream still gets a thread of its own as soon as the
 * ones before it block.
 *
 * <p><b>Reuse.</b> A thread whose handler returned waits for more instead of ending: starting a
 * virtual thread costs an allocation, a continuation and an entry in the JDK's root thread
 * container (a ConcurrentHashMap add and remove, about a tenth of an h2c hello request).
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

    /** Threads kept waiting per connection: beyond this a thread ends when the queue is empty. */
    private static final int MAX_IDLE = 32;

    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedDeque<Worker> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();
    /**
     * Threads woken or started that have not looked at the queue yet. While one is on its way a
     * new stream needs no wake-up: it polls the queue after it counts itself off, so it sees the
     * stream (both are sequentially consistent atomics).
     */
    private final AtomicInteger waking = new AtomicInteger();
    private final ThreadFactory threads;
    private volatile boolean closed;
    /** Heartbeat ticks seen; a worker that went idle two sweeps ago has waited a whole interval. */
    private volatile int sweeps;

    StreamWorkers() {
        this(Thread.ofVirtual().factory());
    }

    /** With the threads {@code threads} makes (tests gate them to see who is started when). */
    StreamWorkers(ThreadFactory threads) {
        this.threads = threads;
    }

    /** Runs {@code stream} on one of this connection's threads. */
    void start(Runnable stream) {
        queue.add(stream);
        wakeOne();
    }

    /** Makes sure a thread will look at the queue: wakes a waiting one, or starts one. */
    private void wakeOne() {
        if (waking.get() > 0) {
            return;
        }
        waking.incrementAndGet(); // two racing callers may both wake one: harmless
        Worker w;
        while ((w = idle.pollFirst()) != null) {
            idleCount.decrementAndGet();
            if (w.wake()) {
                return;
            }
        }
        Worker fresh = new Worker();
        Thread t = threads.newThread(fresh);
        fresh.thread = t;
        t.start();
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

    /** No more streams: waiting threads end now (a stream queued after this still runs). */
    void close() {
        closed = true;
        Worker w;
        while ((w = idle.pollFirst()) != null) {
            idleCount.decrementAndGet();
            w.retire();
        }
    }

    private final class Worker implements Runnable {
        private static final Object WAKE = new Object();
        private static final Object RETIRED = new Object();
        /** null while waiting; then {@link #WAKE} or {@link #RETIRED}, whichever came first. */
        private final AtomicReference<Object> signal = new AtomicReference<>();
        volatile Thread thread;
        /** {@link #sweeps} when this worker last began to wait (read racily by the heartbeat: a hint). */
        int idleSince;

        boolean wake() {
            return send(WAKE);
        }

        /** Ends this worker if it is waiting; false if it was woken first. */
        boolean retire() {
            return send(RETIRED);
        }

        private boolean send(Object s) {
            if (signal.compareAndSet(null, s)) {
                LockSupport.unpark(thread);
                return true;
            }
            return false;
        }

        @Override
        public void run() {
            waking.decrementAndGet(); // started by wakeOne, which counted it
            while (true) {
                Runnable stream;
                while ((stream = queue.poll()) != null) {
                    if (!queue.isEmpty()) {
                        wakeOne(); // the rest must not wait behind this handler if it blocks
                    }
                    try {
                        stream.run();
                    } catch (RuntimeException | Error e) {
                        if (!queue.isEmpty()) {
                            wakeOne(); // this thread ends with the throwable: the queue must not strand
                        }
                        throw e;
                    }
                }
                // A stream queued after that poll finds waking at 0 and wakes or starts a thread.
                if (closed || idleCount.get() >= MAX_IDLE) {
                    return;
                }
                idleSince = sweeps;
                signal.set(null);
                idle.addFirst(this);
                idleCount.incrementAndGet();
                if (closed && retire()) { // close() drained the deque before this worker joined it
                    if (idle.remove(this)) {
                        idleCount.decrementAndGet();
                    }
                    return;
                }
                Object s;
                while ((s = signal.get()) == null) {
                    LockSupport.park(this);
                }
                if (s == RETIRED) {
                    return;
                }
                waking.decrementAndGet();
            }
        }
    }
}
