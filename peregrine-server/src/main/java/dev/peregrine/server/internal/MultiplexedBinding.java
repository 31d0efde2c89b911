package dev.peregrine.server.internal;

import dev.peregrine.transport.MultiplexedConnection;
import dev.peregrine.transport.MultiplexedListener;
import java.io.IOException;

/**
 * A listener that an optional module brings with its own transport and protocol: HTTP/3 over
 * QUIC on a UDP port ({@code dev.peregrine.http3.Http3}). The server binds it, runs an accept
 * loop over it like any other listener (each connection registered before it is scheduled),
 * drains and aborts its connections on stop, and advertises it on its TLS listeners.
 */
public interface MultiplexedBinding {

    /**
     * Binds the transport; called once from {@code Server.Builder.start()}. A transport that runs
     * TLS handshakes before it hands connections out (QUIC) records them into {@code metrics}
     * ({@link ConnectionMetrics#tlsHandshakeStarted} on a {@link Instrumentation#detached()} context).
     */
    MultiplexedListener bind(Instrumentation metrics) throws IOException;

    /** The protocol connection that serves one accepted transport connection. */
    ProtocolConnection open(long id, MultiplexedConnection connection, ServerContext context);

    /**
     * The {@code Alt-Svc} field value (RFC 7838 §3) responses on the server's TLS listeners carry
     * for this bound listener, e.g. {@code h3=":8443"; ma=86400}; null to advertise nothing.
     */
    String altSvc(MultiplexedListener bound);
}
