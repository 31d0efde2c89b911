package dev.peregrine.quic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The batched stream writes of {@link StreamWrites}, on Netty's embedded channel and event loop. */
class StreamWritesTest {

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    private static String readOutbound(EmbeddedChannel ch) {
        ByteBuf b = ch.readOutbound();
        if (b == null) {
            return null;
        }
        try {
            return b.toString(StandardCharsets.US_ASCII);
        } finally {
            b.release();
        }
    }

    /** Writes wait for the one drain task, then leave in the order they were queued, across streams. */
    @Test
    void queuedWritesLeaveInOrderWhenTheDrainTaskRuns() throws Exception {
        EmbeddedChannel a = new EmbeddedChannel();
        EmbeddedChannel b = new EmbeddedChannel(); // same embedded event loop type; ours is a's
        StreamWrites writes = new StreamWrites(a.eventLoop(), null);
        ChannelPromise p1 = a.newPromise();
        ChannelPromise p2 = b.newPromise();
        ChannelPromise p3 = a.newPromise();
        Thread t = Thread.ofVirtual().start(() -> {
            writes.write(a, text("one"), p1);
            writes.write(b, text("two"), p2);
            writes.write(a, text("three"), p3);
        });
        t.join(TimeUnit.SECONDS.toMillis(5));
        assertNull(a.readOutbound(), "nothing is written before the event loop runs the drain");
        assertFalse(p1.isDone());
        a.runPendingTasks();
        assertEquals("one", readOutbound(a));
        assertEquals("three", readOutbound(a));
        assertEquals("two", readOutbound(b));
        assertTrue(p1.isSuccess() && p2.isSuccess() && p3.isSuccess());
        a.finishAndReleaseAll();
        b.finishAndReleaseAll();
    }

    /** A read event of the connection empties the queue at once: in Netty's read loop, sends wait for its end. */
    @Test
    void aReadEventDrainsWithoutWaitingForTheTask() {
        EmbeddedChannel ch = new EmbeddedChannel();
        StreamWrites writes = new StreamWrites(ch.eventLoop(), null);
        ChannelPromise p = ch.newPromise();
        writes.write(ch, text("hello"), p);
        writes.drainInReadLoop();
        assertEquals("hello", readOutbound(ch));
        assertTrue(p.isSuccess());
        ch.runPendingTasks(); // the task scheduled for it finds nothing left
        assertNull(ch.readOutbound());
        ch.finishAndReleaseAll();
    }

    /** A write queued after a drain has emptied the queue schedules a drain of its own: none is stranded. */
    @Test
    void aWriteAfterADrainIsDrainedToo() {
        EmbeddedChannel ch = new EmbeddedChannel();
        StreamWrites writes = new StreamWrites(ch.eventLoop(), null);
        writes.write(ch, text("first"), ch.newPromise());
        writes.drainInReadLoop(); // the first task is still pending
        ch.runPendingTasks();
        ChannelPromise second = ch.newPromise();
        writes.write(ch, text("second"), second);
        ch.runPendingTasks();
        assertEquals("first", readOutbound(ch));
        assertEquals("second", readOutbound(ch));
        assertTrue(second.isSuccess());
        ch.finishAndReleaseAll();
    }

    /** With the event loop gone, a write fails as Netty's own writeAndFlush would, each time. */
    @Test
    void writesFailOnceTheEventLoopIsGone() throws Exception {
        DefaultEventLoop loop = new DefaultEventLoop();
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
        EmbeddedChannel ch = new EmbeddedChannel();
        StreamWrites writes = new StreamWrites(loop, null);
        for (int i = 0; i < 2; i++) {
            ByteBuf msg = text("late");
            ChannelPromise p = ch.newPromise();
            writes.write(ch, msg, p);
            assertInstanceOf(ClosedChannelException.class, p.cause());
            assertEquals(0, msg.refCnt(), "the message is released");
        }
        ch.finishAndReleaseAll();
    }

    /** Counts the flushes that reach the socket side of the pipeline. */
    private static final class FlushCounter extends io.netty.channel.ChannelOutboundHandlerAdapter {
        int flushes;

        @Override
        public void flush(io.netty.channel.ChannelHandlerContext ctx) {
            flushes++;
            ctx.flush();
        }
    }

    private final FlushCounter counter = new FlushCounter();
    private final DatagramFlushHold hold = new DatagramFlushHold();

    /** A channel whose outbound path is: the hold, then the counter, then the socket. */
    private EmbeddedChannel heldChannel() {
        return new EmbeddedChannel(counter, hold);
    }

    /** The drain task runs outside Netty's read loop: its writes' flushes leave as one. */
    @Test
    void theDrainTaskSendsItsBatchInOneFlush() throws Exception {
        EmbeddedChannel ch = heldChannel();
        StreamWrites writes = new StreamWrites(ch.eventLoop(), hold);
        Thread t = Thread.ofVirtual().start(() -> {
            writes.write(ch, text("one"), ch.newPromise());
            writes.write(ch, text("two"), ch.newPromise());
            writes.write(ch, text("three"), ch.newPromise());
        });
        t.join(TimeUnit.SECONDS.toMillis(5));
        ch.runPendingTasks();
        assertEquals(1, counter.flushes, "three writes, one flush");
        assertEquals("one", readOutbound(ch));
        assertEquals("two", readOutbound(ch));
        assertEquals("three", readOutbound(ch));
        ch.finishAndReleaseAll();
    }

    /** In the read loop Netty's codec batches already: nothing is held there. */
    @Test
    void aDrainInTheReadLoopHoldsNothing() {
        EmbeddedChannel ch = heldChannel();
        StreamWrites writes = new StreamWrites(ch.eventLoop(), hold);
        writes.write(ch, text("one"), ch.newPromise());
        writes.write(ch, text("two"), ch.newPromise());
        writes.drainInReadLoop();
        assertEquals(2, counter.flushes);
        ch.finishAndReleaseAll();
    }

    /** Holds nest; the flush that waited goes out with the last release, and only then. */
    @Test
    void aHeldFlushLeavesWithTheLastRelease() {
        EmbeddedChannel ch = heldChannel();
        assertTrue(hold.hold());
        assertTrue(hold.hold());
        ch.writeAndFlush(text("one"));
        hold.release();
        assertEquals(0, counter.flushes);
        assertNull(ch.readOutbound());
        hold.release();
        assertEquals(1, counter.flushes);
        assertEquals("one", readOutbound(ch));
        assertTrue(hold.hold());
        hold.release();
        assertEquals(1, counter.flushes, "no flush when none waited");
        ch.finishAndReleaseAll();
    }
}
