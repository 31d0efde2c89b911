package dev.peregrine.server;

import dev.peregrine.api.Handler;
import dev.peregrine.server.internal.BufferPool;
import dev.peregrine.server.internal.CoarseClock;
import dev.peregrine.server.internal.ConnectionSelector;
import dev.peregrine.server.internal.DateCache;
import dev.peregrine.server.internal.Instrumentation;
import dev.peregrine.server.internal.MultiplexedBinding;
import dev.peregrine.server.internal.ProtocolSelection;
import dev.peregrine.server.internal.ServerContext;
import dev.peregrine.tls.TlsMiddleware;
import dev.peregrine.tls.TlsOptions;
import dev.peregrine.transport.Connection;
import dev.peregrine.transport.Endpoint;
import dev.peregrine.transport.Listener;
import dev.peregrine.transport.MultiplexedListener;
import dev.peregrine.transport.SocketListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * An HTTP server: listeners, their accept loops, the connection manager and the heartbeat.
 *
 * <pre>{@code
 * Server server = Server.builder()
 *     .listen(Endpoint.tcp("localhost", 8080))
 *     .handler((req, res) -> res.send("Hello, World!"))
 *     .start();
 * ...
 * server.stop(Duration.ofSeconds(10));
 * }</pre>
 */
public final class Server implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Server.class.getName());
    /** What {@link #close()} allows in-flight requests before aborting them. */
    private static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);
    /** Read buffers kept for reuse; beyond it idle connections' buffers are left to the GC. */
    private static final int POOLED_READ_BUFFERS = 256;

    private final ServerContext context;
    private final List<Listener> listeners;
    /** Per listener, its TLS middleware or {@code null} for plain text. */
    private final List<TlsMiddleware> listenerTls;
    /** Multiplexed listeners (QUIC) with the bindings that serve them, index for index. */
    private final List<MultiplexedListener> multiplexed;
    private final List<MultiplexedBinding> bindings;
    private final ConnectionManager connections;
    private final Heartbeat heartbeat;
    private final List<Thread> acceptLoops = new ArrayList<>();
    private final Object stopLock = new Object();
    private volatile boolean stopped;

    private final ConnectionDispatcher.Runner runner;
    private final IdleParker idleParker;
    private final ServerMetrics metrics;
    private final ProtocolSelection protocols;

    private Server(ServerOptions options, Instrumentation metrics, Handler handler, List<Listener> listeners,
            List<TlsMiddleware> listenerTls, ProtocolSelection protocols, List<MultiplexedListener> multiplexed,
            List<MultiplexedBinding> bindings) throws IOException {
        this.protocols = protocols;
        this.multiplexed = List.copyOf(multiplexed);
        this.bindings = List.copyOf(bindings);
        this.metrics = new ServerMetrics(metrics);
        this.listeners = List.copyOf(listeners);
        this.listenerTls = java.util.Collections.unmodifiableList(new ArrayList<>(listenerTls));
        this.connections = new ConnectionManager(options.maxConcurrentConnections(), metrics);
        this.runner = new ConnectionDispatcher.Runner(connections);
        this.idleParker = new IdleParker(connections, runner);
        this.context = new ServerContext(options, handler, new DateCache(),
                new BufferPool(options.readBufferBytes(), POOLED_READ_BUFFERS), metrics, idleParker,
                new CoarseClock(Heartbeat.INTERVAL_NANOS), protocols, altSvc(multiplexed, bindings));
        List<TlsMiddleware> distinct = listenerTls.stream().filter(java.util.Objects::nonNull).distinct().toList();
        this.heartbeat = new Heartbeat(context.dateCache(), context.clock(), connections, () -> {
            for (TlsMiddleware tls : distinct) {
                tls.onHeartbeat(); // handshake deadlines, certificate file reloads
            }
        });
    }

    /**
     * The Alt-Svc value TLS listeners advertise: every multiplexed listener's, joined, each once
     * (IPv4 and IPv6 listeners on one port advertise the same thing; RFC 7838 §3).
     */
    private static String altSvc(List<MultiplexedListener> multiplexed, List<MultiplexedBinding> bindings) {
        java.util.LinkedHashSet<String> values = new java.util.LinkedHashSet<>();
        for (int i = 0; i < multiplexed.size(); i++) {
            String v = bindings.get(i).altSvc(multiplexed.get(i));
            if (v != null) {
                values.add(v);
            }
        }
        return values.isEmpty() ? null : String.join(", ", values);
    }

    public static Builder builder() {
        return new Builder();
    }

    private void startLoops() {
        ConnectionManager.Ids ids = new ConnectionManager.Ids();
        heartbeat.start();
        idleParker.start();
        for (int i = 0; i < listeners.size(); i++) {
            Listener listener = listeners.get(i);
            TlsMiddleware tls = listenerTls.get(i);
            ConnectionSelector plain = protocols.fallback();
            ConnectionDispatcher.ConnectionFactory<Connection> factory;
            if (tls != null) {
                factory = (id, connection, ctx) -> new SecureConnection(id, connection, tls, ctx, connections, protocols);
            } else if (protocols.sniffs()) {
                factory = (id, connection, ctx) -> new SniffingConnection(id, connection, ctx, connections, protocols);
            } else {
                factory = (id, connection, ctx) -> plain.open(id, connection, ctx, null, 0);
            }
            var source = ConnectionDispatcher.Source.of(listener::accept, listener::isOpen, listener);
            startLoop(listener.localAddress(), new ConnectionDispatcher<>(source, connections, ids, factory,
                    context, tls != null, runner));
        }
        for (int i = 0; i < multiplexed.size(); i++) {
            MultiplexedListener listener = multiplexed.get(i);
            MultiplexedBinding binding = bindings.get(i);
            var source = ConnectionDispatcher.Source.of(listener::accept, listener::isOpen, listener);
            startLoop(listener.localAddress(), new ConnectionDispatcher<>(source, connections, ids,
                    (id, connection, ctx) -> binding.open(id, connection, ctx), context, true, runner));
        }
    }

    private void startLoop(SocketAddress address, Runnable dispatcher) {
        // A platform thread: accept loops are few and must not wait behind busy virtual-thread carriers.
        acceptLoops.add(Thread.ofPlatform().daemon().name("peregrine-accept-" + address).start(dispatcher));
    }

    /** The bound addresses, one per listener in the order they were added. */
    public List<SocketAddress> localAddresses() {
        return listeners.stream().map(Listener::localAddress).toList();
    }

    /** The bound addresses of the multiplexed (QUIC) listeners, in the order they were added. */
    public List<SocketAddress> multiplexedAddresses() {
        return multiplexed.stream().map(MultiplexedListener::localAddress).toList();
    }

    /** The bound port of the first TCP listener (useful with port 0). */
    public int port() {
        for (Listener l : listeners) {
            if (l.localAddress() instanceof InetSocketAddress inet) {
                return inet.getPort();
            }
        }
        throw new IllegalStateException("no TCP listener");
    }

    /** The TLS middleware of the first TLS listener (handshake counters, reload), or {@code null}. */
    public TlsMiddleware tls() {
        for (TlsMiddleware t : listenerTls) {
            if (t != null) {
                return t;
            }
        }
        return null;
    }

    /** The bound port of the first TLS listener. */
    public int securePort() {
        for (int i = 0; i < listeners.size(); i++) {
            if (listenerTls.get(i) != null && listeners.get(i).localAddress() instanceof InetSocketAddress inet) {
                return inet.getPort();
            }
        }
        throw new IllegalStateException("no TLS listener");
    }

    public ServerMetrics metrics() {
        return metrics;
    }

    public ServerOptions options() {
        return context.options();
    }

    /** Connections open right now. */
    public int connectionCount() {
        return connections.size();
    }

    /**
     * Stops gracefully: unbinds the listeners, closes idle connections at once, lets in-flight
     * requests finish (their responses carry {@code Connection: close}), and aborts whatever is
     * left at the deadline. Returns true if everything finished in time. Idempotent.
     */
    public boolean stop(Duration timeout) {
        synchronized (stopLock) {
            if (stopped) {
                return connections.size() == 0;
            }
            stopped = true;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<java.io.Closeable> all = new ArrayList<>(listeners);
        all.addAll(multiplexed);
        for (java.io.Closeable l : all) {
            try {
                l.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "closing listener " + l + ": " + e);
            }
        }
        for (Thread t : acceptLoops) {
            joinQuietly(t, deadline);
        }
        connections.closeAllGracefully();
        boolean drained;
        try {
            drained = connections.awaitEmpty(deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drained = false;
        }
        if (!drained) {
            int aborted = connections.abortAll();
            LOG.log(System.Logger.Level.WARNING, "stop deadline passed: aborted " + aborted + " connection(s)");
            try {
                connections.awaitEmpty(System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        heartbeat.stop();
        idleParker.stop();
        return drained;
    }

    private static void joinQuietly(Thread t, long deadlineNanos) {
        try {
            t.join(Duration.ofNanos(Math.max(deadlineNanos - System.nanoTime(), 1)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@link #stop(Duration)} with a 30-second deadline. */
    @Override
    public void close() {
        stop(DEFAULT_STOP_TIMEOUT);
    }

    /** Collects endpoints, the handler and options. */
    public static final class Builder {
        private final List<Endpoint> endpoints = new ArrayList<>();
        private final List<TlsOptions> tlsOptions = new ArrayList<>();
        private Handler handler;
        private ServerOptions options = ServerOptions.defaults();
        private List<ConnectionSelector> protocols;
        private final List<MultiplexedBinding> bindings = new ArrayList<>();

        private Builder() {}

        /**
         * Adds a listener with its own transport and protocol, such as HTTP/3 over QUIC
         * ({@code Http3.on(port, tls)} in peregrine-http3).
         */
        public Builder listen(MultiplexedBinding binding) {
            bindings.add(Objects.requireNonNull(binding));
            return this;
        }

        /** Adds an endpoint to listen on; at least one is required. */
        public Builder listen(Endpoint endpoint) {
            endpoints.add(Objects.requireNonNull(endpoint));
            tlsOptions.add(null);
            return this;
        }

        /**
         * Adds an HTTPS endpoint: TLS with these options wraps each connection before HTTP sees it.
         * Listeners given the same options object share one TLS context (and one reload).
         */
        public Builder listen(Endpoint endpoint, TlsOptions tls) {
            endpoints.add(Objects.requireNonNull(endpoint));
            tlsOptions.add(Objects.requireNonNull(tls));
            return this;
        }

        /** Shorthand for {@code listen(Endpoint.tcp(host, port))}. */
        public Builder listen(String host, int port) {
            return listen(Endpoint.tcp(host, port));
        }

        public Builder handler(Handler handler) {
            this.handler = Objects.requireNonNull(handler);
            return this;
        }

        public Builder options(ServerOptions options) {
            this.options = Objects.requireNonNull(options);
            return this;
        }

        /**
         * The protocols to speak, asked in this order; the last is the fallback for plain
         * connections no other claims. Default: every installed one (HTTP/2, then HTTP/1.1).
         */
        public Builder protocols(ConnectionSelector... selectors) {
            this.protocols = List.of(selectors);
            return this;
        }

        /** Binds every endpoint and starts serving. If any bind fails, none stays bound. */
        public Server start() throws IOException {
            if (handler == null) {
                throw new IllegalStateException("a handler is required");
            }
            if (endpoints.isEmpty() && bindings.isEmpty()) {
                throw new IllegalStateException("at least one endpoint is required");
            }
            ProtocolSelection selection = new ProtocolSelection(
                    protocols != null ? protocols : ProtocolSelection.installed(), options);
            List<TlsMiddleware> middleware = new ArrayList<>();
            IdentityHashMap<TlsOptions, TlsMiddleware> shared = new IdentityHashMap<>();
            for (TlsOptions t : tlsOptions) {
                TlsMiddleware m = null;
                if (t != null) {
                    m = shared.get(t);
                    if (m == null) {
                        try {
                            // ALPN offers what an enabled protocol serves; an unknown id fails here.
                            TlsOptions effective = t.toBuilder().applicationProtocols(
                                    selection.effectiveAlpn(t.applicationProtocols()).toArray(String[]::new)).build();
                            m = TlsMiddleware.create(effective); // loads certificates now: a bad file fails start()
                        } catch (GeneralSecurityException e) {
                            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
                        }
                        shared.put(t, m);
                    }
                }
                middleware.add(m);
            }
            List<Listener> bound = new ArrayList<>();
            List<MultiplexedListener> boundMultiplexed = new ArrayList<>();
            Server server;
            // Made before the listeners: a multiplexed transport (QUIC) runs its TLS handshakes itself
            // and records them into it from the start.
            Instrumentation metrics = new Instrumentation(options.metrics());
            try {
                for (Endpoint e : endpoints) {
                    bound.add(SocketListener.bind(e));
                }
                for (MultiplexedBinding b : bindings) {
                    boundMultiplexed.add(b.bind(metrics));
                }
                server = new Server(options, metrics, handler, bound, middleware, selection, boundMultiplexed, bindings);
            } catch (IOException | RuntimeException e) {
                for (Listener l : bound) {
                    l.close();
                }
                for (MultiplexedListener l : boundMultiplexed) {
                    ConnectionDispatcher.closeQuietly(l);
                }
                throw e;
            }
            server.startLoops();
            return server;
        }
    }
}
