package dev.peregrine.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.testkit.Await;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Stream threads take streams from one queue, wake one more while others wait, wait untimed for
 * the next, and end by the heartbeat's sweeps or at close.
 */
class StreamWorkersTest {

    private final StreamWorkers workers = new StreamWorkers();
    private final BlockingQueue<Thread> ran = new ArrayBlockingQueue<>(16);

    /** Runs one stream and returns the thread that ran it. */
    private Thread runOne() throws InterruptedException {
        workers.start(() -> ran.add(Thread.currentThread()));
        Thread t = ran.poll(10, TimeUnit.SECONDS);
        assertThat(t).as("the stream ran").isNotNull();
        return t;
    }

    /** Waits (bounded) until {@code t} is parked waiting for a stream. */
    private static void awaitWaiting(Thread t) throws InterruptedException {
        for (int i = 0; i < 1000 && t.getState() != Thread.State.WAITING; i++) {
            Thread.sleep(5);
        }
        assertThat(t.getState()).isEqualTo(Thread.State.WAITING);
    }

    @Test
    void aWaitingThreadRunsTheNextStream() throws Exception {
        Thread first = runOne();
        awaitWaiting(first);
        assertThat(runOne()).isSameAs(first);
        workers.close();
    }

    @Test
    void aThreadIdleThroughAWholeTickEndsAtTheSecondSweep() throws Exception {
        Thread t = runOne();
        awaitWaiting(t);
        workers.retireIdle();
        assertThat(t.isAlive()).as("idle for less than a tick interval").isTrue();
        workers.retireIdle();
        assertThat(t.join(Duration.ofSeconds(10))).as("retired").isTrue();
        assertThat(runOne()).as("the next stream gets a new thread").isNotSameAs(t);
        workers.close();
    }

    @Test
    void aThreadThatTookAStreamSinceTheLastSweepIsKept() throws Exception {
        Thread t = runOne();
        awaitWaiting(t);
        workers.retireIdle();
        assertThat(runOne()).isSameAs(t);
        awaitWaiting(t);
        workers.retireIdle();
        assertThat(t.isAlive()).isTrue();
        workers.close();
        assertThat(t.join(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void closeEndsWaitingThreads() throws Exception {
        Thread t = runOne();
        awaitWaiting(t);
        workers.close();
        assertThat(t.join(Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void aBurstOfStreamsWakesOneThreadWhileNoneHasReachedTheQueue() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger made = new AtomicInteger();
        ThreadFactory gated = r -> {
            made.incrementAndGet();
            return Thread.ofVirtual().unstarted(() -> {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    return;
                }
                r.run();
            });
        };
        StreamWorkers burst = new StreamWorkers(gated);
        int n = 64;
        CountDownLatch done = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            burst.start(done::countDown);
        }
        // The first stream started a thread that has not run yet: the other 63 need no wake-up.
        assertThat(made.get()).isEqualTo(1);
        gate.countDown();
        assertThat(done.await(10, TimeUnit.SECONDS)).as("every stream ran").isTrue();
        burst.close();
    }

    @Test
    void aBlockedHandlerDoesNotHoldBackTheStreamsQueuedBehindIt() throws Exception {
        int n = 40;
        CountDownLatch othersRan = new CountDownLatch(n);
        CountDownLatch blockedRan = new CountDownLatch(n);
        // Every stream blocks until all have started: only a thread of its own for each finishes this.
        for (int i = 0; i < n; i++) {
            workers.start(() -> {
                othersRan.countDown();
                try {
                    if (othersRan.await(10, TimeUnit.SECONDS)) {
                        blockedRan.countDown();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        assertThat(blockedRan.await(15, TimeUnit.SECONDS)).as("all %d blocked streams ran at once", n).isTrue();
        workers.close();
    }

    @Test
    void streamsStartedFromManyThreadsAllRun() throws Exception {
        int perThread = 2000;
        AtomicInteger ranCount = new AtomicInteger();
        Thread[] starters = new Thread[4];
        for (int t = 0; t < starters.length; t++) {
            starters[t] = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < perThread; i++) {
                    workers.start(ranCount::incrementAndGet);
                }
            });
        }
        for (Thread t : starters) {
            t.join();
        }
        Await.until(() -> "ran " + ranCount.get(), Duration.ofSeconds(10),
                () -> ranCount.get() == starters.length * perThread);
        workers.close();
    }

    @Test
    void aHandlerThatThrowsDoesNotStrandTheQueue() throws Exception {
        CountDownLatch later = new CountDownLatch(3);
        Thread.UncaughtExceptionHandler quiet = (t, e) -> { };
        workers.start(() -> {
            Thread.currentThread().setUncaughtExceptionHandler(quiet);
            throw new IllegalStateException("handler bug");
        });
        for (int i = 0; i < 3; i++) {
            workers.start(later::countDown);
        }
        assertThat(later.await(10, TimeUnit.SECONDS)).isTrue();
        workers.close();
    }
}
