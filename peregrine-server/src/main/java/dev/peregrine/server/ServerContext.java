package dev.peregrine.server;

import dev.peregrine.api.Handler;

/**
 * What every connection of one server shares (Kestrel's ServiceContext): options, the
 * application, the date cache, the read-buffer pool and the counters.
 */
public record ServerContext(
        ServerOptions options,
        Handler handler,
        DateCache dateCache,
        BufferPool readBuffers,
        ServerMetrics metrics) {}
