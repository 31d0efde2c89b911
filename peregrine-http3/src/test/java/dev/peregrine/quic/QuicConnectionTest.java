package dev.peregrine.quic;

import static dev.peregrine.quic.QuicTestClient.async;
import static dev.peregrine.quic.QuicTestClient.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.api.TlsSession;
import dev.peregrine.transport.MultiplexedConnection;
import dev.peregrine.transport.MultiplexedStream;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Connection-wide behaviour: accept ending, closing with a code, idle timeout, TLS facts. */
class QuicConnectionTest {

    private QuicListener listener;
    private QuicTestClient client;
    private QuicChannel quic;

    private MultiplexedConnection connect(QuicOptions options) throws Exception {
        listener = QuicTestClient.listen(options);
        client = new QuicTestClient((InetSocketAddress) listener.localAddress());
        quic = client.connect();
        return await(async(listener::accept));
    }

    @AfterEach
    void close() {
        client.close();
        listener.close();
    }

    @Test
    void acceptReturnsNullOnceTheClientClosedTheConnection() throws Exception {
        MultiplexedConnection conn = connect(QuicOptions.DEFAULTS);
        CompletableFuture<MultiplexedStream> next = async(conn::accept);

        quic.close(true, 0, Unpooled.EMPTY_BUFFER).sync();

        assertThat(await(next)).isNull();
        assertThat(conn.isOpen()).isFalse();
        assertThat(conn.accept()).isNull(); // and stays so
    }

    @Test
    void closeWithAnApplicationCodeReachesTheClientAndEndsBlockedCalls() throws Exception {
        MultiplexedConnection conn = connect(QuicOptions.DEFAULTS);
        QuicTestClient.Opened s = QuicTestClient.open(quic);
        await(s.write("one byte at a time".getBytes(StandardCharsets.US_ASCII), false));
        MultiplexedStream st = await(async(conn::accept));
        CompletableFuture<IOException> blockedRead = async(() -> {
            byte[] buf = new byte[100];
            try {
                while (st.read(buf, 0, buf.length) >= 0) {
                    // the request so far; the next read blocks until the close
                }
                return null;
            } catch (IOException e) {
                return e;
            }
        });
        CompletableFuture<MultiplexedStream> blockedAccept = async(conn::accept);

        conn.close(0x100, "bye");

        QuicConnectionCloseEvent event = await(client.closeEvent);
        assertThat(event.isApplicationClose()).isTrue();
        assertThat(event.error()).isEqualTo(0x100);
        assertThat(new String(event.reason(), StandardCharsets.UTF_8)).isEqualTo("bye");
        assertThat(await(blockedRead)).isNotNull().hasMessageContaining("closed");
        assertThat(await(blockedAccept)).isNull();
        assertThat(conn.isOpen()).isFalse();
        conn.close(0x100, "again"); // idempotent
        assertThatThrownBy(conn::openUnidirectional).isInstanceOf(IOException.class);
    }

    @Test
    void closeAfterDeliveryLetsTheLastResponseArriveFirst() throws Exception {
        MultiplexedConnection conn = connect(QuicOptions.DEFAULTS);
        QuicTestClient.Opened s = QuicTestClient.open(quic);
        s.received().hashOnly();
        await(s.write("GET".getBytes(StandardCharsets.US_ASCII), true));
        MultiplexedStream st = await(async(conn::accept));
        byte[] body = QuicStreamTest.random(4 * 1024 * 1024, 7); // several windows: not all sent when write returns

        await(async(() -> {
            QuicStreamTest.readAll(st);
            st.write(body, 0, body.length, true);
            conn.closeAfterDelivery(0x100, Duration.ofSeconds(QuicTestClient.TIMEOUT_SECONDS));
            return null;
        }));

        QuicConnectionCloseEvent event = await(client.closeEvent);
        assertThat(event.isApplicationClose()).isTrue();
        assertThat(event.error()).isEqualTo(0x100);
        assertThat(s.received().fin).isCompleted();
        assertThat(s.received().count()).isEqualTo(body.length);
        assertThat(s.received().digest()).isEqualTo(QuicTestClient.sha256(body));
        assertThat(conn.isOpen()).isFalse();
    }

    @Test
    void closeAfterDeliveryGivesUpAtItsTimeout() throws Exception {
        MultiplexedConnection conn = connect(QuicOptions.DEFAULTS);
        QuicTestClient.Opened s = QuicTestClient.open(quic);
        s.channel().config().setAutoRead(false); // never reads: the response cannot be delivered
        await(s.write("GET".getBytes(StandardCharsets.US_ASCII), true));
        MultiplexedStream st = await(async(conn::accept));
        CompletableFuture<IOException> write = async(() -> {
            byte[] body = new byte[4 * 1024 * 1024];
            try {
                st.write(body, 0, body.length, true);
                return null;
            } catch (IOException e) {
                return e;
            }
        });

        conn.closeAfterDelivery(0x100, Duration.ofMillis(200));

        // The server's side: at the deadline the connection closes and the blocked write ends. (The client may
        // miss the lone CONNECTION_CLOSE packet among the data flooding its socket, and learn by its idle timeout.)
        assertThat(await(write)).isNotNull().hasMessageContaining("closed");
        assertThat(conn.isOpen()).isFalse();
    }

    @Test
    void idleTimeoutEndsABlockedRead() throws Exception {
        MultiplexedConnection conn = connect(QuicOptions.builder().idleTimeout(Duration.ofMillis(300)).build());
        QuicTestClient.Opened s = QuicTestClient.open(quic);
        await(s.write("x".getBytes(StandardCharsets.US_ASCII), false));
        MultiplexedStream st = await(async(conn::accept));

        CompletableFuture<IOException> read = async(() -> {
            byte[] buf = new byte[10];
            try {
                assertThat(st.read(buf, 0, buf.length)).isEqualTo(1);
                st.read(buf, 0, buf.length); // nothing more comes: only the idle timeout ends this
                return null;
            } catch (IOException e) {
                return e;
            }
        });

        assertThat(await(read)).isNotNull().hasMessageContaining("idle timeout");
        assertThat(await(async(conn::accept))).isNull();
        assertThat(conn.isOpen()).isFalse();
    }

    @Test
    void idleTimeoutEndsAWriteBlockedByFlowControl() throws Exception {
        MultiplexedConnection conn = connect(QuicOptions.builder().idleTimeout(Duration.ofMillis(300)).build());
        QuicTestClient.Opened s = QuicTestClient.open(quic);
        s.channel().config().setAutoRead(false); // the client never reads: its 1 MiB window fills and stays full
        await(s.write("download".getBytes(StandardCharsets.US_ASCII), false));
        MultiplexedStream st = await(async(conn::accept));

        CompletableFuture<IOException> write = async(() -> {
            byte[] big = new byte[8 * 1024 * 1024];
            try {
                st.write(big, 0, big.length, true);
                return null;
            } catch (IOException e) {
                return e;
            }
        });

        assertThat(await(write)).isNotNull();
        assertThat(conn.isOpen()).isFalse();
    }

    @Test
    void tlsSessionTellsTheNegotiatedFacts() throws Exception {
        MultiplexedConnection conn = connect(QuicOptions.DEFAULTS);

        TlsSession tls = conn.tlsSession();

        assertThat(tls.protocol()).isEqualTo("TLSv1.3");
        assertThat(tls.cipherSuite()).startsWith("TLS_");
        assertThat(tls.applicationProtocol()).isEqualTo("h3");
        assertThat(tls.serverName()).isNull(); // Netty's client sends no SNI for an IP address
        assertThat(tls.peerCertificates()).isEmpty();
        assertThat(conn.remoteAddress()).isInstanceOf(InetSocketAddress.class);
        assertThat(conn.localAddress()).isEqualTo(listener.localAddress());
    }

    @Test
    void errorCodesNettyCannotCarryAreRefused() throws Exception {
        MultiplexedConnection conn = connect(QuicOptions.DEFAULTS);

        assertThatThrownBy(() -> conn.close(1L << 40, "too big")).isInstanceOf(IllegalArgumentException.class);
        assertThat(conn.isOpen()).isTrue();
    }
}
