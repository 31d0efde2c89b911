package dev.peregrine.http3;

import dev.peregrine.quic.QuicListener;
import dev.peregrine.quic.QuicTls;
import dev.peregrine.api.TlsSession;
import dev.peregrine.server.internal.ConnectionMetrics;
import dev.peregrine.server.internal.Instrumentation;
import dev.peregrine.server.internal.MultiplexedBinding;
import dev.peregrine.server.internal.ProtocolConnection;
import dev.peregrine.server.internal.ServerContext;
import dev.peregrine.tls.TlsHandshakeException;
import dev.peregrine.tls.TlsOptions;
import dev.peregrine.transport.MultiplexedConnection;
import dev.peregrine.transport.MultiplexedListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.util.Objects;

/** HTTP/3 over a {@link QuicListener}: what {@link Http3#on} gives the server builder. */
record Http3Binding(InetSocketAddress address, TlsOptions tls, Http3Options options) implements MultiplexedBinding {

    Http3Binding {
        Objects.requireNonNull(address);
        Objects.requireNonNull(tls);
        Objects.requireNonNull(options);
    }

    @Override
    public MultiplexedListener bind(Instrumentation metrics) throws IOException {
        QuicTls quicTls;
        try {
            quicTls = QuicTls.of(tls, QuicTls.HTTP3);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS for HTTP/3: " + e.getMessage(), e);
        }
        QuicListener listener = QuicListener.bind(address, quicTls, options.quic(), handshakes(metrics));
        CertificateWatch.startIfWanted(tls, quicTls, listener);
        return listener;
    }

    @Override
    public ProtocolConnection open(long id, MultiplexedConnection connection, ServerContext context) {
        return new Http3Connection(id, connection, context, options);
    }

    /**
     * QUIC's TLS handshakes into the same instruments and JFR event as the TLS listener's
     * ({@code peregrine.tls_handshake.duration}, {@code peregrine.active_tls_handshakes},
     * {@code dev.peregrine.TlsHandshake}). They end before the server accepts the connection and
     * numbers it, so they are recorded on a detached context: connection id 0.
     */
    static QuicListener.HandshakeObserver handshakes(Instrumentation metrics) {
        return () -> {
            ConnectionMetrics m = metrics.detached(); // on or off as the switch is now, like a new connection
            long started = m.tlsHandshakeStarted();
            return new QuicListener.HandshakeObserver.Handshake() {
                @Override
                public void completed(TlsSession session) {
                    m.tlsHandshakeEnded(started, session, null);
                }

                @Override
                public void failed(TlsHandshakeException failure) {
                    m.tlsHandshakeEnded(started, null, failure);
                }
            };
        };
    }

    /** RFC 7838 §3 with RFC 9114 §3.1.1's {@code h3} token: the same host, this UDP port. */
    @Override
    public String altSvc(MultiplexedListener bound) {
        if (options.altSvcMaxAge() == 0 || !(bound.localAddress() instanceof InetSocketAddress inet)) {
            return null;
        }
        return "h3=\":" + inet.getPort() + "\"; ma=" + options.altSvcMaxAge();
    }
}
