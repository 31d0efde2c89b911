package dev.peregrine.http2;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Stream threads wait untimed for the next stream and end by the heartbeat's sweeps or at close. */
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
        assertThat(t.join(java.time.Duration.ofSeconds(10))).as("retired").isTrue();
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
        assertThat(t.join(java.time.Duration.ofSeconds(10))).isTrue();
    }

    @Test
    void closeEndsWaitingThreads() throws Exception {
        Thread t = runOne();
        awaitWaiting(t);
        workers.close();
        assertThat(t.join(java.time.Duration.ofSeconds(10))).isTrue();
    }
}
