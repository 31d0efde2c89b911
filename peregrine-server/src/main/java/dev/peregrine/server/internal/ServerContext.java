package dev.peregrine.server.internal;

import dev.peregrine.api.Handler;
import dev.peregrine.server.ServerOptions;

/**
 * What every connection of one server shares (Kestrel's ServiceContext): options, the
 * application, the date cache, the read-buffer pool, the counters and the idle parker
 * ({@code null} when connections never park), the installed protocols, and the Alt-Svc value TLS
 * listeners advertise ({@code null} for none: no HTTP/3 listener, or turned off). Each accepted
 * connection gets a copy with its own {@link #connection()} metrics context
 * ({@link #withConnection}); the server-wide context carries a detached one.
 */
public record ServerContext(
        ServerOptions options,
        Handler handler,
        DateCache dateCache,
        BufferPool readBuffers,
        Instrumentation metrics,
        ConnectionParker idleParker,
        CoarseClock clock,
        ProtocolSelection protocols,
        String altSvc,
        ConnectionMetrics connection) {

    /** The server-wide context: its connection context is detached (see {@link Instrumentation#detached()}). */
    public ServerContext(ServerOptions options, Handler handler, DateCache dateCache, BufferPool readBuffers,
            Instrumentation metrics, ConnectionParker idleParker, CoarseClock clock, ProtocolSelection protocols,
            String altSvc) {
        this(options, handler, dateCache, readBuffers, metrics, idleParker, clock, protocols, altSvc,
                metrics.detached());
    }

    /** This context for one connection, which records through {@code connection}. */
    public ServerContext withConnection(ConnectionMetrics connection) {
        return new ServerContext(options, handler, dateCache, readBuffers, metrics, idleParker, clock, protocols,
                altSvc, connection);
    }

    /** A context without idle parking (tests, transports that cannot park). */
    public ServerContext(ServerOptions options, Handler handler, DateCache dateCache, BufferPool readBuffers,
            Instrumentation metrics) {
        this(options, handler, dateCache, readBuffers, metrics, null, CoarseClock.system(),
                ProtocolSelection.of(options), null);
    }
}
