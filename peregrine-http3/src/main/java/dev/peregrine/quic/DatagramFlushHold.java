package dev.peregrine.quic;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;

/**
 * Sits between the UDP channel and Netty's QUIC codec and holds the codec's flushes back while
 * {@link StreamWrites} makes a batch of stream writes outside Netty's read loop; then the packets
 * of the whole batch leave in one flush.
 *
 * <p>Why: outside its read loop Netty QUIC has quiche build and send packets after every stream
 * write, and a flush of one packet is one {@code sendto}. A batch of writes (several responses
 * that finished while the event loop was busy) thus cost a system call each: measured 0.75
 * {@code sendto} per h3 hello request, against none for Netty's own HTTP/3 server, whose
 * handlers answer inside the read loop, where the codec flushes once at its end. Held here, the
 * batch's packets go out together ({@code sendmmsg}). Inside the read loop nothing is held: the
 * codec batches there already.
 *
 * <p>The UDP channel's event loop only; one per UDP channel.
 */
final class DatagramFlushHold extends ChannelOutboundHandlerAdapter {

    private ChannelHandlerContext ctx;
    private int depth;
    private boolean held;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Flushes wait from now until the matching {@link #release}. False, and nothing held, when the
     * caller is not on the UDP channel's event loop (a connection on another loop of the group).
     */
    boolean hold() {
        if (ctx == null || !ctx.executor().inEventLoop()) {
            return false;
        }
        depth++;
        return true;
    }

    /** Ends a {@link #hold}; the last one makes the flush that waited, if any. */
    void release() {
        if (--depth == 0 && held) {
            held = false;
            ctx.flush();
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (depth > 0) {
            held = true;
        } else {
            ctx.flush();
        }
    }
}
