package dev.peregrine.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.peregrine.transport.MultiplexedStream;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** {@link StreamLaunches}: streams of one event-loop pass reach the protocol after it, together. */
class StreamLaunchesTest {

    /** Only an id: the hand-over never touches the stream. */
    private record Stub(long id) implements MultiplexedStream {
        @Override public boolean isBidirectional() { return true; }
        @Override public int read(byte[] b, int off, int len) { return -1; }
        @Override public void write(byte[] b, int off, int len, boolean fin) { }
        @Override public void reset(long applicationErrorCode) { }
        @Override public void stopSending(long applicationErrorCode) { }
    }

    private final EmbeddedChannel channel = new EmbeddedChannel(); // its event loop runs tasks when told
    private final StreamLaunches launches = new StreamLaunches(channel.eventLoop());
    private final List<Long> handedOver = new CopyOnWriteArrayList<>();
    private final List<Thread> on = new CopyOnWriteArrayList<>();

    private Consumer<MultiplexedStream> protocol(CountDownLatch done) {
        return s -> {
            handedOver.add(s.id());
            on.add(Thread.currentThread());
            done.countDown();
        };
    }

    /** One event-loop pass in which streams {@code ids} arrive, then the tasks after it. */
    private void pass(Consumer<MultiplexedStream> protocol, long... ids) {
        for (long id : ids) {
            launches.launch(protocol, new Stub(id));
        }
        assertTrue(handedOver.isEmpty(), "nothing is handed over while the pass goes on");
        channel.runPendingTasks();
    }

    @Test
    void theStreamsOfOnePassAreHandedOverAfterItInOrderFromOneVirtualThread() throws Exception {
        CountDownLatch done = new CountDownLatch(3);
        pass(protocol(done), 0, 4, 8);
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals(List.of(0L, 4L, 8L), handedOver);
        assertTrue(on.get(0).isVirtual(), "handed over from a virtual thread, not the event loop");
        assertSame(on.get(0), on.get(1));
        assertSame(on.get(0), on.get(2));
        channel.finishAndReleaseAll();
    }

    @Test
    void aLoneStreamIsHandedOverByTheEventLoopTaskItself() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        pass(protocol(done), 0);
        assertEquals(List.of(0L), handedOver, "no extra thread for one stream: done when the task returns");
        assertFalse(on.get(0).isVirtual());
        channel.finishAndReleaseAll();
    }

    @Test
    void eachPassHasItsOwnHandOver() throws Exception {
        CountDownLatch done = new CountDownLatch(2);
        Consumer<MultiplexedStream> p = protocol(done);
        launches.launch(p, new Stub(0));
        channel.runPendingTasks();
        launches.launch(p, new Stub(4)); // a later pass: handed over though the first hand-over may still run
        channel.runPendingTasks();
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals(List.of(0L, 4L), handedOver);
        channel.finishAndReleaseAll();
    }

    @Test
    void aProtocolThatThrowsDoesNotCostTheOtherStreams() throws Exception {
        CountDownLatch done = new CountDownLatch(2);
        Consumer<MultiplexedStream> ok = protocol(done);
        Consumer<MultiplexedStream> p = s -> {
            if (s.id() == 4) {
                throw new IllegalStateException("a bug in the protocol (expected by this test)");
            }
            ok.accept(s);
        };
        pass(p, 0, 4, 8);
        assertTrue(done.await(5, TimeUnit.SECONDS));
        assertEquals(List.of(0L, 8L), handedOver);
        channel.finishAndReleaseAll();
    }

    /** A connection's read-complete hands over at once; the task scheduled for the pass then finds nothing. */
    @Test
    void aReadCompleteHandsOverBeforeTheTaskAndOnlyOnce() throws Exception {
        CountDownLatch done = new CountDownLatch(2);
        Consumer<MultiplexedStream> p = protocol(done);
        launches.launch(p, new Stub(0));
        launches.launch(p, new Stub(4));
        launches.handOver();
        assertTrue(done.await(5, TimeUnit.SECONDS), "handed over without the event-loop task");
        channel.runPendingTasks();
        assertEquals(List.of(0L, 4L), handedOver, "the task hands nothing over again");
        channel.finishAndReleaseAll();
    }
}
