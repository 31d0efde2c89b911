package dev.peregrine.quic;

import static dev.peregrine.quic.QuicTestClient.TIMEOUT_SECONDS;
import static dev.peregrine.quic.QuicTestClient.async;
import static dev.peregrine.quic.QuicTestClient.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.api.TlsSession;
import dev.peregrine.tls.CertificateSource;
import dev.peregrine.tls.SelfSignedCertificate;
import dev.peregrine.tls.TlsHandshakeException;
import dev.peregrine.tls.TlsOptions;
import dev.peregrine.transport.MultiplexedConnection;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The listener tells its observer how each QUIC connection's TLS handshake (RFC 9001 §4) ended. */
class QuicHandshakeObserverTest {

    /** One handshake's end: a session or a failure. */
    record Ended(TlsSession session, TlsHandshakeException failure) {}

    /** Records every handshake's end, and how many began. */
    static final class Recorder implements QuicListener.HandshakeObserver {
        final AtomicInteger started = new AtomicInteger();
        final BlockingQueue<Ended> ended = new LinkedBlockingQueue<>();

        @Override
        public Handshake started() {
            started.incrementAndGet();
            return new Handshake() {
                @Override
                public void completed(TlsSession session) {
                    ended.add(new Ended(session, null));
                }

                @Override
                public void failed(TlsHandshakeException failure) {
                    ended.add(new Ended(null, failure));
                }
            };
        }

        Ended next() throws InterruptedException {
            Ended e = ended.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertThat(e).as("a handshake's end").isNotNull();
            return e;
        }
    }

    @Test
    void aCompletedHandshakeIsReportedWithItsSessionBeforeTheConnectionIsAccepted() throws Exception {
        Recorder recorder = new Recorder();
        QuicListener listener = QuicListener.bind(new InetSocketAddress("127.0.0.1", 0), QuicTestClient.serverTls(),
                QuicOptions.DEFAULTS, recorder);
        try (QuicTestClient client = new QuicTestClient((InetSocketAddress) listener.localAddress(), "quic.example.test", 8)) {
            client.connect();
            MultiplexedConnection conn = await(async(listener::accept));
            try {
                Ended e = recorder.ended.poll(); // reported on the event loop before the connection was offered
                assertThat(e).isNotNull();
                assertThat(e.failure()).isNull();
                assertThat(e.session().protocol()).isEqualTo("TLSv1.3"); // QUIC has no other (RFC 9001 §4.2)
                assertThat(e.session().applicationProtocol()).isEqualTo("h3");
                assertThat(e.session().cipherSuite()).startsWith("TLS_");
                assertThat(e.session().serverName()).isEqualTo("quic.example.test");
                assertThat(e.session()).isEqualTo(conn.tlsSession());
                assertThat(recorder.started).hasValue(1);
                assertThat(recorder.ended).isEmpty();
            } finally {
                conn.close();
            }
        } finally {
            close(listener);
        }
    }

    @Test
    void aClientWithoutH3FailsWithNoApplicationProtocol_rfc9001_8_1() throws Exception {
        Recorder recorder = new Recorder();
        QuicListener listener = QuicListener.bind(new InetSocketAddress("127.0.0.1", 0), QuicTestClient.serverTls(),
                QuicOptions.DEFAULTS, recorder);
        try (QuicTestClient client = new QuicTestClient((InetSocketAddress) listener.localAddress(), null, 8, "h2")) {
            assertThatThrownBy(client::connect).isInstanceOf(ExecutionException.class);
            Ended e = recorder.next();
            assertThat(e.session()).isNull();
            assertThat(e.failure().reason()).isEqualTo(TlsHandshakeException.Reason.NO_APPLICATION_PROTOCOL);
            assertThat(recorder.started).hasValue(1);
        } finally {
            close(listener);
        }
    }

    @Test
    void anUnknownNameRefusedByPolicyFailsWithUnrecognizedName() throws Exception {
        QuicTls tls = QuicTls.of(TlsOptions.builder()
                .certificate(CertificateSource.of(SelfSignedCertificate.forLocalhost().keyMaterial()))
                .unknownServerName(TlsOptions.UnknownServerName.REJECT)
                .build(), QuicTls.HTTP3);
        Recorder recorder = new Recorder();
        QuicListener listener = QuicListener.bind(new InetSocketAddress("127.0.0.1", 0), tls, QuicOptions.DEFAULTS,
                recorder);
        try (QuicTestClient client = new QuicTestClient((InetSocketAddress) listener.localAddress(), "unknown.test", 8)) {
            assertThatThrownBy(client::connect).isInstanceOf(ExecutionException.class);
            Ended e = recorder.next();
            assertThat(e.failure().reason()).isEqualTo(TlsHandshakeException.Reason.UNRECOGNIZED_NAME);
        } finally {
            close(listener);
        }
    }

    @Test
    void aClientThatRefusesOurCertificateFailsWithTlsError_rfc9001_4_8() throws Exception {
        Recorder recorder = new Recorder();
        QuicListener listener = QuicListener.bind(new InetSocketAddress("127.0.0.1", 0), QuicTestClient.serverTls(),
                QuicOptions.DEFAULTS, recorder);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            // The JDK's default trust: our self-signed certificate is refused, with a TLS alert in CONNECTION_CLOSE.
            QuicSslContext strict = QuicSslContextBuilder.forClient().applicationProtocols("h3").build();
            Channel udp = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                    .handler(new QuicClientCodecBuilder().sslContext(strict).maxIdleTimeout(5, TimeUnit.SECONDS)
                            .initialMaxData(1 << 20).build())
                    .bind(0).sync().channel();
            try {
                assertThatThrownBy(() -> QuicChannel.newBootstrap(udp).handler(new ChannelInboundHandlerAdapter())
                        .remoteAddress(listener.localAddress()).connect().get(TIMEOUT_SECONDS, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class);
                Ended e = recorder.next();
                assertThat(e.failure().reason()).isEqualTo(TlsHandshakeException.Reason.TLS_ERROR);
                assertThat(e.failure().getMessage()).contains("alert");
            } finally {
                udp.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            close(listener);
        }
    }

    @Test
    void aFailingObserverCostsItsMeasurementOnly() throws Exception {
        QuicListener listener = QuicListener.bind(new InetSocketAddress("127.0.0.1", 0), QuicTestClient.serverTls(),
                QuicOptions.DEFAULTS, () -> {
                    throw new IllegalStateException("observer broken");
                });
        try (QuicTestClient client = new QuicTestClient((InetSocketAddress) listener.localAddress())) {
            client.connect();
            MultiplexedConnection conn = await(async(listener::accept));
            assertThat(conn.tlsSession().protocol()).isEqualTo("TLSv1.3");
            conn.close();
        } finally {
            close(listener);
        }
    }

    private static void close(QuicListener listener) throws InterruptedException {
        listener.close();
        listener.awaitTermination(Duration.ofSeconds(TIMEOUT_SECONDS));
    }

}
