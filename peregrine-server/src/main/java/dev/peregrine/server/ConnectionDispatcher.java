package dev.peregrine.server;

import dev.peregrine.server.internal.ConnectionMetrics;
import dev.peregrine.server.internal.ProtocolConnection;
import dev.peregrine.server.internal.ServerContext;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.ThreadFactory;

/**
 * One accept loop per listener (Kestrel's ConnectionDispatcher): each accepted connection gets
 * the next id and is registered with the connection manager <em>before</em> it is scheduled on
 * its own virtual thread, so a shutdown never misses a connection that was just accepted. The
 * same loop serves stream listeners (TCP, Unix sockets) and multiplexed ones (QUIC).
 */
final class ConnectionDispatcher<C extends Closeable> implements Runnable {

    private static final System.Logger LOG = System.getLogger(ConnectionDispatcher.class.getName());
    /** Pause after a failed accept (e.g. EMFILE) so the loop does not spin while the cause persists. */
    private static final long ACCEPT_ERROR_BACKOFF_MS = 20;

    /** Turns an accepted transport connection into a protocol connection (TLS, ALPN, HTTP/1.1...). */
    interface ConnectionFactory<C> {
        /** {@code context} is the server's, with this connection's metrics context. */
        ProtocolConnection create(long id, C connection, ServerContext context);
    }

    /** What the loop accepts from: a bound listener of either kind. */
    interface Source<C> {
        C accept() throws IOException;

        boolean isOpen();

        /** A listener's accept and isOpen, named as the listener in log lines. */
        static <C> Source<C> of(Accept<C> accept, java.util.function.BooleanSupplier open, Object name) {
            return new Source<>() {
                @Override
                public C accept() throws IOException {
                    return accept.accept();
                }

                @Override
                public boolean isOpen() {
                    return open.getAsBoolean();
                }

                @Override
                public String toString() {
                    return String.valueOf(name);
                }
            };
        }
    }

    /** A blocking accept. */
    @FunctionalInterface
    interface Accept<C> {
        C accept() throws IOException;
    }

    /**
     * Runs a registered connection on its own virtual thread; when it ends, closes and unregisters
     * it, unless it was handed off still open (parked).
     */
    static final class Runner {
        private final ConnectionManager manager;
        private final ThreadFactory threads = Thread.ofVirtual().name("peregrine-conn-", 0).factory();

        Runner(ConnectionManager manager) {
            this.manager = manager;
        }

        void run(long id, ProtocolConnection pc, Closeable connection) {
            try {
                threads.newThread(() -> {
                    boolean handedOff = false;
                    try {
                        handedOff = pc.process();
                    } catch (Throwable t) {
                        LOG.log(System.Logger.Level.ERROR, "connection " + id + " failed", t);
                        if (t instanceof VirtualMachineError fatal) {
                            throw fatal; // after cleanup, to the thread's uncaught-exception handler
                        }
                    } finally {
                        if (!handedOff) {
                            closeQuietly(connection);
                            manager.unregister(id);
                        }
                    }
                }).start();
            } catch (RuntimeException | OutOfMemoryError e) {
                manager.unregister(id);
                closeQuietly(connection);
                LOG.log(System.Logger.Level.ERROR, "cannot schedule connection " + id, e);
            }
        }
    }

    private final Source<C> listener;
    private final ConnectionManager manager;
    private final ConnectionManager.Ids ids;
    private final ConnectionFactory<C> factory;
    private final ServerContext context;
    private final boolean tls;
    private final Runner runner;

    /** {@code tls}: whether the listener's connections are encrypted (a TLS listener, or QUIC). */
    ConnectionDispatcher(Source<C> listener, ConnectionManager manager, ConnectionManager.Ids ids,
            ConnectionFactory<C> factory, ServerContext context, boolean tls, Runner runner) {
        this.runner = runner;
        this.listener = listener;
        this.manager = manager;
        this.ids = ids;
        this.factory = factory;
        this.context = context;
        this.tls = tls;
    }

    @Override
    public void run() {
        while (listener.isOpen()) {
            C connection;
            try {
                connection = listener.accept();
            } catch (ClosedChannelException closed) {
                break; // unbound: the only way this loop ends
            } catch (IOException | RuntimeException e) {
                if (!listener.isOpen()) {
                    break;
                }
                context.metrics().acceptFailed();
                LOG.log(System.Logger.Level.WARNING, "accept failed on " + listener + ": " + e);
                sleepQuietly();
                continue;
            }
            dispatch(connection);
        }
    }

    private void dispatch(C connection) {
        long id = ids.next();
        // The connection's metrics context, made now (Kestrel's ConnectionDispatcher does the
        // same): it fixes whether metrics are on for this connection's whole life.
        ConnectionMetrics cm = context.metrics().connection(id, tls);
        ProtocolConnection pc = factory.create(id, connection, context.withConnection(cm));
        if (!manager.register(id, pc, cm, connection)) {
            closeQuietly(connection);
            return;
        }
        runner.run(id, pc, connection);
    }

    static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "closing " + c + ": " + e);
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(ACCEPT_ERROR_BACKOFF_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
