package dev.peregrine.quic;

import dev.peregrine.transport.MultiplexedStream;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.function.Consumer;

/**
 * Hands the streams that arrived in one pass of an event loop to their protocols together, from
 * one virtual thread: at the read-complete event of a connection that got streams (still inside
 * Netty's read loop, see {@link #handOver}), or else by an event-loop task after the pass.
 *
 * <p>Why: a protocol starts a virtual thread per stream. Started from the event loop's platform
 * thread, each start is an outside submission to the virtual-thread scheduler, which wakes an
 * idle carrier; on a busy single CPU the woken carrier preempts the event loop at once, runs
 * that one stream and sleeps again, so every request cost two context switches (measured: 300k
 * per 10 s of h3 hello, 0.9 per request, against 3.5k for Netty's own HTTP/3 server, which
 * answers on the event loop; docs/http3.md). Started from a virtual thread, the streams' threads
 * go to its carrier's own queue without a wake-up: one wake-up per connection and pass, not per
 * stream.
 *
 * <p>Order: streams are handed over in the order they arrived, each connection's in stream order.
 */
final class StreamLaunches {

    private static final System.Logger LOG = System.getLogger(StreamLaunches.class.getName());

    private record Launch(Consumer<MultiplexedStream> protocol, MultiplexedStream stream) {
        void run() {
            try {
                protocol.accept(stream);
            } catch (RuntimeException e) {
                // A protocol bug, not the peer's doing; on the event loop it would have reached Netty's log.
                LOG.log(System.Logger.Level.ERROR, "stream hand-over failed: " + stream, e);
            }
        }
    }

    private final EventLoop eventLoop;
    private final ArrayList<Launch> pending = new ArrayList<>(); // event loop only
    private final Runnable handOver = this::handOver;

    StreamLaunches(EventLoop eventLoop) {
        this.eventLoop = eventLoop;
    }

    /** A stream arrived on {@code protocol}'s connection. Event loop. */
    void launch(Consumer<MultiplexedStream> protocol, MultiplexedStream stream) {
        if (pending.isEmpty()) {
            eventLoop.execute(handOver); // runs after this pass's I/O: from the event loop, no wake-up
        }
        pending.add(new Launch(protocol, stream));
    }

    /**
     * Hands over what is pending now: from a connection's read-complete event, inside Netty's read loop, so
     * that responses written at once (on one busy CPU the woken carrier runs them before the event loop
     * goes on) are drained there and share packets. The task {@link #launch} scheduled then finds nothing.
     */
    void handOver() {
        if (pending.isEmpty()) {
            return;
        }
        if (pending.size() == 1) {
            pending.removeLast().run(); // one stream: one wake-up either way, and no extra thread
            return;
        }
        Launch[] batch = pending.toArray(Launch[]::new);
        pending.clear();
        Thread.ofVirtual().name("peregrine-quic-launch").start(() -> {
            for (Launch l : batch) {
                l.run();
            }
        });
    }
}
