package dev.peregrine.quic;

import static dev.peregrine.quic.QuicTestClient.TIMEOUT_SECONDS;
import static dev.peregrine.quic.QuicTestClient.async;
import static dev.peregrine.quic.QuicTestClient.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.transport.MultiplexedConnection;
import dev.peregrine.transport.MultiplexedStream;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** Binding, the accept queue, and closing a listener whose socket its connections share. */
class QuicListenerTest {

    @Test
    void acceptFailsWithClosedChannelOnceTheListenerIsClosed() throws Exception {
        QuicListener listener = QuicTestClient.listen(QuicOptions.DEFAULTS);
        CompletableFuture<MultiplexedConnection> blocked = async(listener::accept);

        listener.close();

        assertThatThrownBy(() -> await(blocked)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(ClosedChannelException.class);
        assertThat(listener.isOpen()).isFalse();
        assertThatThrownBy(listener::accept).isInstanceOf(ClosedChannelException.class);
        assertThat(listener.awaitTermination(Duration.ofSeconds(TIMEOUT_SECONDS))).isTrue(); // no connection kept it
    }

    @Test
    void acceptedConnectionsOutliveTheListenerWhichRefusesNewOnes() throws Exception {
        QuicListener listener = QuicTestClient.listen(QuicOptions.DEFAULTS);
        InetSocketAddress address = (InetSocketAddress) listener.localAddress();
        try (QuicTestClient client = new QuicTestClient(address); QuicTestClient late = new QuicTestClient(address)) {
            QuicChannel quic = client.connect();
            MultiplexedConnection conn = await(async(listener::accept));

            listener.close();

            QuicTestClient.Opened s = QuicTestClient.open(quic);
            byte[] ping = "still here".getBytes(StandardCharsets.US_ASCII);
            await(s.write(ping, true));
            await(async(() -> {
                MultiplexedStream st = conn.accept();
                byte[] in = QuicStreamTest.readAll(st);
                st.write(in, 0, in.length, true);
                return null;
            }));
            await(s.received().fin);
            assertThat(s.received().bytes()).isEqualTo(ping);

            late.connect();
            QuicConnectionCloseEvent refused = await(late.closeEvent);
            assertThat(refused.isApplicationClose()).isFalse();
            assertThat(refused.error()).isEqualTo(QuicListener.CONNECTION_REFUSED);

            conn.close(0x100, "done");
            assertThat(listener.awaitTermination(Duration.ofSeconds(TIMEOUT_SECONDS))).isTrue();
        }
    }

    @Test
    void aConnectionBeyondTheAcceptQueueIsRefused() throws Exception {
        QuicListener listener = QuicTestClient.listen(QuicOptions.builder().acceptQueue(1).build());
        InetSocketAddress address = (InetSocketAddress) listener.localAddress();
        try (QuicTestClient first = new QuicTestClient(address); QuicTestClient second = new QuicTestClient(address)) {
            QuicChannel queued = first.connect();
            second.connect();

            QuicConnectionCloseEvent refused = await(second.closeEvent);
            assertThat(refused.error()).isEqualTo(QuicListener.CONNECTION_REFUSED);
            MultiplexedConnection conn = await(async(listener::accept));
            assertThat(conn.remoteAddress()).isEqualTo(queued.localSocketAddress());
            assertThat(conn.isOpen()).isTrue();
            conn.close();
        } finally {
            listener.close();
        }
    }

    @Test
    void bindingAPortInUseFails() throws Exception {
        QuicListener listener = QuicTestClient.listen(QuicOptions.DEFAULTS);
        try {
            assertThatThrownBy(() -> QuicListener.bind((InetSocketAddress) listener.localAddress(),
                    QuicTestClient.serverTls(), QuicOptions.DEFAULTS))
                    .isInstanceOf(IOException.class).hasMessageContaining("cannot bind");
        } finally {
            listener.close();
        }
    }

    @Test
    void optionsRefuseValuesThatCannotWork() {
        assertThatThrownBy(() -> QuicOptions.builder().streamReadBufferBytes(1024).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QuicOptions.builder().maxUdpPayload(1000).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QuicOptions.builder().idleTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(QuicOptions.DEFAULTS.toBuilder().build()).isEqualTo(QuicOptions.DEFAULTS);
    }
}
