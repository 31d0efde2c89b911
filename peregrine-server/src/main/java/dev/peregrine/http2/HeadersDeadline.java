package dev.peregrine.http2;

import dev.peregrine.http2.frame.FrameType;
import java.nio.ByteBuffer;

/**
 * What an HTTP/2 connection's reader is waiting for that the request-headers deadline
 * ({@code requestHeadersTimeout}) holds, and since when. RFC 9113 sets no time limit on any of
 * it; the deadline is the server's, as for an HTTP/1.1 head, and like Kestrel's it runs from a
 * field block's first byte to its END_HEADERS. Held, from the first byte each:
 *
 * <ul>
 *   <li>an open field block (HEADERS without END_HEADERS, then CONTINUATION frames, §4.3) until
 *       END_HEADERS, <em>whether or not streams are open</em>: while it is open no other frame
 *       may be sent on the connection (§6.10), so a trickled block stalls every stream, and
 *       CONTINUATION frames that keep coming do not restart it (else one a second would do);
 *   <li>a frame partly received that is not DATA, or whose 9-octet header is not all in yet:
 *       HEADERS, CONTINUATION and control frames are framing, which a client writes whole, and
 *       nothing behind a partial frame can be read meanwhile. Each frame starts the clock anew;
 *   <li>with no stream open, any partial frame, DATA too: there is no request whose body it is.
 * </ul>
 *
 * Not held: the payload of a DATA frame while streams are open (request content, paced by flow
 * control and by the handler that reads it), and a connection with nothing partial, whose open
 * streams wait for their handlers or their responses.
 *
 * <p><b>At the deadline</b> the connection sends GOAWAY and closes at once, streams in flight
 * included, as Kestrel aborts it. Our direction is not mid-frame, so the GOAWAY can go out
 * whatever the client left half sent (§6.8: an endpoint SHOULD send one before it closes). Its
 * code is ENHANCE_YOUR_CALM: the client broke no rule of the protocol, which sets no time limit,
 * so PROTOCOL_ERROR would claim a violation that did not happen, and INTERNAL_ERROR (what
 * Kestrel's abort sends) would blame the server; RFC 9113 §10.5 lets an endpoint treat activity
 * it finds suspicious as a connection error ENHANCE_YOUR_CALM, and a block trickled so slowly
 * that it holds the whole connection (§6.10) is such activity. It tells a client to back off,
 * which is what it should do.
 *
 * <p>The reader thread calls {@link #beforeParse}, {@link #blockOpened} (inside the parse) and
 * {@link #afterParse}; the heartbeat calls {@link #expired}.
 */
final class HeadersDeadline {

    /** First byte of the partial frame at the front of the input; 0: nothing partial. */
    private long frameStart;
    /** First byte of the HEADERS frame whose field block is open; 0: none. */
    private long blockStart;
    private long passFrames;
    private long passFirstFrameStart;
    /** When what is held began; 0: nothing held. */
    private volatile long since;
    private boolean fired;

    /**
     * Before a parse of newly read input: the first frame it completes is the one that was partly
     * in already (its clock started then), or one that began in this read.
     */
    void beforeParse(long nowNanos, long framesRead) {
        passFrames = framesRead;
        passFirstFrameStart = frameStart != 0 ? frameStart : nowNanos;
    }

    /** A HEADERS frame without END_HEADERS was parsed, the {@code framesRead}-th frame of the connection. */
    void blockOpened(long nowNanos, long framesRead) {
        blockStart = framesRead == passFrames + 1 ? passFirstFrameStart : nowNanos;
    }

    /**
     * After the parse: {@code partial} holds what is left of a frame (position..limit),
     * {@code blockOpen} whether a field block awaits CONTINUATION.
     */
    void afterParse(long nowNanos, long framesRead, ByteBuffer partial, boolean blockOpen, boolean streamsOpen) {
        int remaining = partial.remaining();
        if (remaining == 0) {
            frameStart = 0;
        } else if (frameStart == 0 || framesRead != passFrames) {
            frameStart = nowNanos; // the frame before it ended in this pass; this one began in this read
        }
        if (!blockOpen) {
            blockStart = 0;
        } else if (blockStart == 0) {
            blockStart = passFirstFrameStart; // not reached: the connection reports each block it opens
        }
        boolean content = remaining >= FrameType.HEADER_LENGTH
                && (partial.get(partial.position() + 3) & 0xff) == FrameType.DATA;
        since = blockOpen ? blockStart : remaining > 0 && (!streamsOpen || !content) ? frameStart : 0;
    }

    /** When the wait the deadline holds began (the coarse clock's nanos), or 0 when nothing is held. */
    long since() {
        return since;
    }

    /** Whether what is held has waited longer than {@code timeoutNanos}: true once, then never again. */
    synchronized boolean expired(long nowNanos, long timeoutNanos) {
        long held = since;
        if (fired || held == 0 || nowNanos - held <= timeoutNanos) {
            return false;
        }
        fired = true;
        return true;
    }
}
