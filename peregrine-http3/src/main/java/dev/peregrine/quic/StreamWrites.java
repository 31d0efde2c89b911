package dev.peregrine.quic;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The writes of one QUIC connection's streams, handed over by the streams' threads and made on the event loop,
 * as many as are waiting at a time.
 *
 * <p>Why not each stream's {@code writeAndFlush} on its own: Netty QUIC gives a stream's bytes to quiche at once
 * and then, outside its read loop, has quiche build packets and sends them, one {@code sendmsg} for each write.
 * Inside the read loop it holds the packets back until the loop ends and sends them all in one go (GSO). So the
 * queue is emptied at {@link #drainInReadLoop the connection's and its streams' read events} first, where that
 * costs nothing, and otherwise by one task per batch ({@link #drain}), whose packets {@link DatagramFlushHold}
 * holds back for one flush. Many responses then share packets and system calls, as they do with handlers
 * that answer on the event loop.
 *
 * <p>Order: a stream's writes leave in the order they were queued. A task the stream schedules after queueing
 * (a reset, say) runs after them: whenever the queue holds a write, a drain task scheduled no later than that
 * write is pending, or a drain on the event loop is taking it.
 */
final class StreamWrites {

    private record Write(Channel channel, Object message, ChannelPromise promise) {}

    private final EventLoop eventLoop;
    private final ConcurrentLinkedQueue<Write> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drainTask = this::drainOutsideReadLoop;
    private final DatagramFlushHold flushHold; // null (tests): flushes go out as Netty makes them
    private boolean draining; // event loop only: a write's own events (writability) must not drain again

    StreamWrites(EventLoop eventLoop, DatagramFlushHold flushHold) {
        this.eventLoop = eventLoop;
        this.flushHold = flushHold;
    }

    /** Queues a write; any thread. The promise completes as {@code writeAndFlush}'s would. */
    void write(Channel channel, Object message, ChannelPromise promise) {
        queue.add(new Write(channel, message, promise));
        if (!drainScheduled.get() && drainScheduled.compareAndSet(false, true)) {
            try {
                eventLoop.execute(drainTask);
            } catch (RejectedExecutionException e) {
                // The event loop is gone, and the connection with it: fail what waits, as Netty would.
                drainScheduled.set(false);
                failAll();
            }
        }
    }

    /** From a read event of the connection or one of its streams: Netty sends what this writes when its read loop ends. */
    void drainInReadLoop() {
        if (!queue.isEmpty()) {
            drain();
        }
    }

    /** The drain task: Netty would send after each write, so the batch's packets are held for one flush. */
    private void drainOutsideReadLoop() {
        if (flushHold == null || !flushHold.hold()) {
            drain();
            return;
        }
        try {
            drain();
        } finally {
            flushHold.release();
        }
    }

    /** Makes every queued write. Event loop. */
    void drain() {
        if (draining) {
            return; // the drain below goes on until the queue is empty
        }
        draining = true;
        try {
            drainScheduled.set(false); // before polling: a write queued after the last poll schedules a new drain
            Write w;
            while ((w = queue.poll()) != null) {
                w.channel.writeAndFlush(w.message, w.promise);
            }
        } finally {
            draining = false;
        }
    }

    private void failAll() {
        Write w;
        while ((w = queue.poll()) != null) {
            io.netty.util.ReferenceCountUtil.release(w.message);
            w.promise.tryFailure(new ClosedChannelException());
        }
    }
}
