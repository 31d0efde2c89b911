package dev.peregrine.server.internal;

import dev.peregrine.api.Handler;
import dev.peregrine.server.ServerMetrics;
import dev.peregrine.server.ServerOptions;

/**
 * What every connection of one server shares (Kestrel's ServiceContext): options, the
 * application, the date cache, the read-buffer pool, the counters and the idle parker
 * ({@code null} when connections never park), the installed protocols, and the Alt-Svc value TLS
 * listeners advertise ({@code null} for none: no HTTP/3 listener, or turned off).
 */
public record ServerContext(
        ServerOptions options,
        Handler handler,
        DateCache dateCache,
        BufferPool readBuffers,
        ServerMetrics metrics,
        ConnectionParker idleParker,
        CoarseClock clock,
        ProtocolSelection protocols,
        String altSvc) {

    /** A context without idle parking (tests, transports that cannot park). */
    public ServerContext(ServerOptions options, Handler handler, DateCache dateCache, BufferPool readBuffers,
            ServerMetrics metrics) {
        this(options, handler, dateCache, readBuffers, metrics, null, CoarseClock.system(),
                ProtocolSelection.of(options), null);
    }
}
