package dev.peregrine.server;

import dev.peregrine.api.Handler;

/**
 * What every connection of one server shares (Kestrel's ServiceContext): options, the
 * application, the date cache, the read-buffer pool, the counters and the idle parker
 * ({@code null} when connections never park) and the installed protocols.
 */
public record ServerContext(
        ServerOptions options,
        Handler handler,
        DateCache dateCache,
        BufferPool readBuffers,
        ServerMetrics metrics,
        IdleParker idleParker,
        CoarseClock clock,
        ProtocolSelection protocols) {

    /** A context without idle parking (tests, transports that cannot park). */
    public ServerContext(ServerOptions options, Handler handler, DateCache dateCache, BufferPool readBuffers,
            ServerMetrics metrics) {
        this(options, handler, dateCache, readBuffers, metrics, null, CoarseClock.system(),
                ProtocolSelection.of(options));
    }
}
