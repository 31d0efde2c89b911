package dev.peregrine.e2e.h3;

import static dev.peregrine.observe.metrics.Instruments.ACTIVE_TLS_HANDSHAKES;
import static dev.peregrine.observe.metrics.Instruments.ATTR_ERROR_TYPE;
import static dev.peregrine.observe.metrics.Instruments.ATTR_TLS_VERSION;
import static dev.peregrine.observe.metrics.Instruments.TLS_HANDSHAKE_DURATION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.api.Router;
import dev.peregrine.observe.metrics.MetricsSnapshot;
import dev.peregrine.server.Server;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * QUIC's TLS handshakes (RFC 9001 §4) are recorded as the TLS listener's are: the
 * {@code peregrine.tls_handshake.duration} histogram, the {@code peregrine.active_tls_handshakes}
 * gauge and the {@code dev.peregrine.TlsHandshake} JFR event. One server per class, tests in turn.
 */
@Timeout(60)
class Http3HandshakeMetricsTest {

    private static final Map<String, String> TLS13 = Map.of(ATTR_TLS_VERSION, "1.3");
    private static final Map<String, String> NO_ALPN = Map.of(ATTR_ERROR_TYPE, "no_application_protocol");
    private static Server server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        server = H3Server.start(Router.builder().get("/", (req, res) -> res.send("ok")).build());
    }

    @AfterAll
    static void stop() {
        server.stop(Duration.ofSeconds(5));
    }

    private static MetricsSnapshot snapshot() {
        return server.metrics().snapshot();
    }

    @Test
    void anHttp3ConnectionRecordsOneTls13Handshake() throws Exception {
        long before = snapshot().total(TLS_HANDSHAKE_DURATION, TLS13);
        try (NettyH3Client client = new NettyH3Client(H3Server.h3Port(server))) {
            assertThat(client.get("/").get(10, TimeUnit.SECONDS).text()).isEqualTo("ok");
        }
        // Recorded when the handshake completed, before the connection was accepted: no waiting.
        MetricsSnapshot s = snapshot();
        assertThat(s.total(TLS_HANDSHAKE_DURATION, TLS13)).isEqualTo(before + 1);
        assertThat(s.histogram(TLS_HANDSHAKE_DURATION, TLS13).sum()).isPositive();
        assertThat(s.total(ACTIVE_TLS_HANDSHAKES)).isZero();
    }

    @Test
    void aClientWithoutH3IsRecordedAsAFailedHandshake_rfc9001_8_1() throws Exception {
        MetricsSnapshot before = snapshot();
        assertThatThrownBy(() -> connect("h2")).isInstanceOf(ExecutionException.class);
        // The server records the failure before it sends the alert that fails the client's connect.
        MetricsSnapshot s = snapshot();
        assertThat(s.total(TLS_HANDSHAKE_DURATION, NO_ALPN)).isEqualTo(before.total(TLS_HANDSHAKE_DURATION, NO_ALPN) + 1);
        assertThat(s.total(TLS_HANDSHAKE_DURATION, TLS13)).isEqualTo(before.total(TLS_HANDSHAKE_DURATION, TLS13));
        assertThat(s.total(ACTIVE_TLS_HANDSHAKES)).isZero();
    }

    @Test
    void theJfrEventCarriesTheNegotiatedSession() throws Exception {
        Path file = dir.resolve("h3.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("dev.peregrine.TlsHandshake");
            recording.start();
            try (NettyH3Client client = new NettyH3Client(H3Server.h3Port(server))) {
                assertThat(client.get("/").get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            }
            assertThatThrownBy(() -> connect("h2")).isInstanceOf(ExecutionException.class);
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals("dev.peregrine.TlsHandshake")).toList();
        assertThat(events).hasSize(2);
        RecordedEvent ok = events.stream().filter(e -> e.getString("failure") == null).findFirst().orElseThrow();
        assertThat(ok.getString("tlsVersion")).isEqualTo("TLSv1.3");
        assertThat(ok.getString("applicationProtocol")).isEqualTo("h3");
        assertThat(ok.getString("cipherSuite")).startsWith("TLS_");
        assertThat(ok.getDuration("handshakeDuration")).isPositive();
        RecordedEvent failed = events.stream().filter(e -> e.getString("failure") != null).findFirst().orElseThrow();
        assertThat(failed.getString("failure")).startsWith("NO_APPLICATION_PROTOCOL");
        assertThat(failed.getString("tlsVersion")).isNull();
    }

    /** A bare QUIC handshake offering only {@code alpn}, with Netty's client. */
    private static void connect(String alpn) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            QuicSslContext ssl = QuicSslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE)
                    .applicationProtocols(alpn).build();
            ChannelHandler codec = new QuicClientCodecBuilder().sslContext(ssl)
                    .maxIdleTimeout(5, TimeUnit.SECONDS).initialMaxData(1 << 20).build();
            Channel udp = new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(codec).bind(0).sync()
                    .channel();
            try {
                QuicChannel.newBootstrap(udp).handler(new ChannelInboundHandlerAdapter())
                        .remoteAddress(new InetSocketAddress("127.0.0.1", H3Server.h3Port(server)))
                        .connect().get(10, TimeUnit.SECONDS).close().sync();
            } finally {
                udp.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
