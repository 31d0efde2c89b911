package dev.peregrine.http1;

import dev.peregrine.server.ServerOptions;
import dev.peregrine.server.internal.ConnectionSelector;
import dev.peregrine.server.internal.ProtocolConnection;
import dev.peregrine.server.internal.ServerContext;
import dev.peregrine.transport.Connection;
import java.util.List;

/**
 * HTTP/1.1 (and 1.0) as a {@link ConnectionSelector}: ALPN {@code http/1.1}, and the fallback for
 * any plain connection no other protocol claims.
 */
public final class Http1Selector implements ConnectionSelector {

    private static final List<String> ALPN = List.of("http/1.1");

    @Override
    public String name() {
        return "HTTP/1.1";
    }

    @Override
    public List<String> alpnIds() {
        return ALPN;
    }

    @Override
    public boolean servesTls(ServerOptions options) {
        return true;
    }

    @Override
    public boolean sniffsPreface(ServerOptions options) {
        return false;
    }

    @Override
    public Match recognise(byte[] bytes, int off, int len) {
        return Match.YES; // the request parser judges the bytes
    }

    @Override
    public ProtocolConnection open(long id, Connection transport, ServerContext context, byte[] initial, int initialLength) {
        return new Http1Connection(id, transport, context, initial, initialLength);
    }
}
