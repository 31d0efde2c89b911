package dev.peregrine.server;

import dev.peregrine.server.internal.ConnectionParker;
import dev.peregrine.server.internal.ProtocolConnection;
import dev.peregrine.transport.Connection;
import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Holds keep-alive connections that stayed idle past {@link ServerOptions#idleParkDelay()} with
 * no thread and no buffers: one selector for the whole server watches them, and the first byte
 * of a new request starts a fresh virtual thread for the connection.
 *
 * <p>Why: a virtual thread parked in a blocking read keeps its stack on the heap (about 5 KB
 * measured here), which alone would break the budget of 2 KB per idle connection. Busy
 * connections never come here: their next request arrives before the delay, so the fast path
 * stays a plain blocking read.
 */
final class IdleParker implements ConnectionParker, Runnable {

    private static final System.Logger LOG = System.getLogger(IdleParker.class.getName());

    private final Selector selector;
    private final ConnectionManager manager;
    private final ConnectionDispatcher.Runner runner;
    private final ConcurrentLinkedQueue<Parked> incoming = new ConcurrentLinkedQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

    IdleParker(ConnectionManager manager, ConnectionDispatcher.Runner runner) throws IOException {
        this.selector = Selector.open();
        this.manager = manager;
        this.runner = runner;
        this.thread = Thread.ofPlatform().daemon().name("peregrine-idle-parker").unstarted(this);
    }

    void start() {
        thread.start();
    }

    @Override
    public void park(long id, Connection connection, long deadlineNanos, Resumer resumer) {
        SocketChannel channel = connection.parkableChannel();
        if (channel == null) {
            throw new IllegalArgumentException("connection cannot park: " + connection);
        }
        Parked p = new Parked(id, connection, channel, deadlineNanos, resumer);
        manager.metrics().connectionParked(); // before replace: the entry may leave at once
        if (!manager.replace(id, p)) {
            p.closed.set(true);
            manager.metrics().connectionUnparked();
            connection.close(); // unregistered meanwhile (aborted): nothing to keep
            return;
        }
        incoming.add(p);
        selector.wakeup();
    }

    @Override
    public void run() {
        List<Parked> ready = new ArrayList<>();
        while (running) {
            try {
                selector.select();
                Parked p;
                while ((p = incoming.poll()) != null) {
                    register(p);
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    key.cancel();
                    ready.add((Parked) key.attachment());
                }
                selector.selectedKeys().clear();
                if (!ready.isEmpty()) {
                    selector.selectNow(); // deregisters the cancelled keys so the channels may block again
                    selector.selectedKeys().clear();
                    for (Parked r : ready) {
                        resume(r);
                    }
                    ready.clear();
                }
            } catch (ClosedSelectorException e) {
                return;
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "idle parker loop failed", e);
            }
        }
    }

    private void register(Parked p) {
        if (p.closed.get()) {
            return;
        }
        try {
            p.channel.configureBlocking(false);
            p.channel.register(selector, SelectionKey.OP_READ, p);
        } catch (IOException | RuntimeException e) {
            p.close();
        }
    }

    private void resume(Parked p) {
        if (!p.closed.compareAndSet(false, true)) {
            return; // closed by a timeout or stop meanwhile
        }
        manager.metrics().connectionUnparked();
        try {
            p.channel.configureBlocking(true);
        } catch (IOException | RuntimeException e) {
            p.connection.close();
            manager.unregister(p.id);
            return;
        }
        ProtocolConnection pc = p.resumer.resume(p.id, p.connection);
        if (!manager.replace(p.id, pc)) {
            p.connection.close();
            return;
        }
        runner.run(p.id, pc, p.connection);
    }

    void stop() {
        running = false;
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing useful to do while stopping
        }
    }

    /** A connection with no thread: closes on timeout, stop or abort, whichever comes first. */
    private final class Parked implements ProtocolConnection {
        final long id;
        final Connection connection;
        final SocketChannel channel;
        final long deadlineNanos;
        final Resumer resumer;
        final AtomicBoolean closed = new AtomicBoolean();

        Parked(long id, Connection connection, SocketChannel channel, long deadlineNanos, Resumer resumer) {
            this.resumer = resumer;
            this.id = id;
            this.connection = connection;
            this.channel = channel;
            this.deadlineNanos = deadlineNanos;
        }

        @Override
        public boolean process() {
            throw new IllegalStateException("a parked connection has no thread to run on");
        }

        @Override
        public void stopAcceptingRequests() {
            close();
        }

        @Override
        public void tick(long nowNanos) {
            if (nowNanos - deadlineNanos >= 0) {
                manager.timedOut(id, TimeoutKind.KEEP_ALIVE);
                close();
            }
        }

        @Override
        public void abort() {
            close();
        }

        void close() {
            if (closed.compareAndSet(false, true)) {
                manager.metrics().connectionUnparked();
                connection.close();
                manager.unregister(id);
            }
        }
    }
}
