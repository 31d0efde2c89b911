package dev.peregrine.e2e.abuse;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Many attacking connections driven from the calling thread with one selector, so thousands of
 * them cost the test a few file descriptors' worth of memory and no threads. The herd never
 * closes a connection itself until {@link #close()}: any end of stream or reset it sees is the
 * server's doing.
 */
final class Herd implements AutoCloseable {

    /** Bytes of each response kept for assertions (the status line); the rest are only counted. */
    private static final int KEEP = 64;

    /** One attacking connection and what the server did to it. */
    static final class Member {
        final int index;
        final SocketChannel channel;
        final byte[] head = new byte[KEEP];
        long received;
        boolean closed;
        boolean reset;

        Member(int index, SocketChannel channel) {
            this.index = index;
            this.channel = channel;
        }

        String firstBytes() {
            return new String(head, 0, (int) Math.min(received, KEEP), StandardCharsets.ISO_8859_1);
        }

        @Override
        public String toString() {
            return "attacker " + index + (closed ? (reset ? " reset" : " closed") : " open") + " after "
                    + received + " bytes: " + firstBytes().replace("\r\n", "\\r\\n");
        }
    }

    private final Selector selector;
    private final List<Member> members = new ArrayList<>();
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(256 * 1024);

    private Herd() throws IOException {
        selector = Selector.open();
    }

    /**
     * Connects {@code n} connections to loopback {@code port}; each sends {@code first(i)} as soon
     * as it is connected (so its server-side deadline starts then). {@code receiveBuffer} &gt; 0
     * shrinks each one's receive buffer (before connecting, so the window is small from the start).
     * {@code read}: the herd reads what arrives; otherwise it leaves it unread until {@link #readAll}.
     */
    static Herd connect(int port, int n, int receiveBuffer, boolean read, IntFunction<byte[]> first)
            throws IOException {
        Herd herd = new Herd();
        InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        try {
            for (int i = 0; i < n; i++) {
                SocketChannel ch = SocketChannel.open();
                if (receiveBuffer > 0) {
                    ch.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
                }
                ch.connect(to); // blocking: loopback connects complete in the kernel's backlog
                ch.configureBlocking(false);
                Member m = new Member(i, ch);
                herd.members.add(m);
                ch.register(herd.selector, read ? SelectionKey.OP_READ : 0, m);
                herd.send(m, first.apply(i));
            }
        } catch (IOException | RuntimeException e) {
            herd.close();
            throw e;
        }
        return herd;
    }

    List<Member> members() {
        return members;
    }

    int open() {
        int open = 0;
        for (Member m : members) {
            if (!m.closed) {
                open++;
            }
        }
        return open;
    }

    /** Sends {@code bytes(i)} to every connection still open (a write that fails means it was cut). */
    void sendToOpen(IntFunction<byte[]> bytes) {
        for (Member m : members) {
            if (!m.closed) {
                send(m, bytes.apply(m.index));
            }
        }
    }

    /** Non-blocking: whatever the socket buffer does not take is dropped (trickles are tiny). */
    private void send(Member m, byte[] bytes) {
        try {
            m.channel.write(ByteBuffer.wrap(bytes));
        } catch (IOException e) {
            // Broken pipe or reset: the server closed it. Read what it sent first, then mark it.
            drain(m);
            markClosed(m, true);
        }
    }

    /** Reads whatever arrives for {@code millis}, recording each server close; returns early when all are closed. */
    void pump(long millis) throws IOException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (open() > 0) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return;
            }
            selector.select(left);
            for (SelectionKey k : selector.selectedKeys()) {
                drain((Member) k.attachment());
            }
            selector.selectedKeys().clear();
        }
    }

    /** Starts reading every connection (for a herd that did not read) and pumps until all are closed or the time is up. */
    void readAll(long millis) throws IOException {
        for (Member m : members) {
            SelectionKey k = m.channel.keyFor(selector);
            if (!m.closed && k != null && k.isValid()) {
                k.interestOps(SelectionKey.OP_READ);
            }
        }
        pump(millis);
    }

    private void drain(Member m) {
        if (m.closed) {
            return;
        }
        try {
            while (true) {
                scratch.clear();
                int n = m.channel.read(scratch);
                if (n < 0) {
                    markClosed(m, false);
                    return;
                }
                if (n == 0) {
                    return;
                }
                if (m.received < KEEP) {
                    scratch.flip();
                    int keep = (int) Math.min(n, KEEP - m.received);
                    scratch.get(m.head, (int) m.received, keep);
                }
                m.received += n;
            }
        } catch (IOException e) {
            markClosed(m, true);
        }
    }

    private void markClosed(Member m, boolean reset) {
        if (!m.closed) {
            m.closed = true;
            m.reset = reset;
            SelectionKey k = m.channel.keyFor(selector);
            if (k != null) {
                k.cancel();
            }
        }
    }

    /** The members still open, for a failure message (at most a few). */
    String openOnes() {
        return Arrays.toString(members.stream().filter(m -> !m.closed).limit(5).toArray());
    }

    @Override
    public void close() {
        for (Member m : members) {
            try {
                m.channel.close();
            } catch (IOException ignored) {
                // closing a socket the server already ended
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
