package dev.peregrine.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SocketConnection#transferFrom} on a virtual thread to a peer that does not read. The JDK
 * keeps such a socket non-blocking, so sendfile returns 0 when the send buffer is full; the
 * transfer must then park, not spin on its carrier thread (found by the abuse tests: a few
 * stalled readers of a file starved every other connection).
 */
@Timeout(30)
class SocketConnectionTransferTest {

    private static final int SIZE = 8 * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void transferToAPeerThatDoesNotReadParksAndCompletesOnceItReads() throws Exception {
        byte[] content = new byte[SIZE];
        for (int i = 0; i < SIZE; i++) {
            content[i] = (byte) (i * 31 + (i >>> 13));
        }
        Path file = Files.write(dir.resolve("f.bin"), content);
        try (ServerSocketChannel listener = ServerSocketChannel.open()
                        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                SocketChannel peer = SocketChannel.open()) {
            peer.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
            peer.connect(listener.getLocalAddress());
            peer.write(ByteBuffer.wrap(new byte[] {1}));
            SocketChannel accepted = listener.accept();
            SocketConnection connection = new SocketConnection(accepted);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread sender = Thread.ofVirtual().start(() -> {
                try (FileChannel ch = FileChannel.open(file)) {
                    connection.read(ByteBuffer.allocate(1)); // a virtual thread's blocking read, as a server does first
                    connection.transferFrom(ch, 0, SIZE);
                } catch (Throwable t) {
                    failure.set(t);
                }
            });

            // The peer reads nothing: the sender must end up parked (WAITING), never stay RUNNABLE.
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (sender.getState() != Thread.State.WAITING) {
                assertThat(System.nanoTime() - deadline).as("the sender never parked: it spins").isNegative();
                assertThat(sender.isAlive()).as("the sender ended early: %s", failure.get()).isTrue();
                Thread.sleep(10);
            }

            byte[] received = new byte[SIZE];
            ByteBuffer into = ByteBuffer.wrap(received);
            while (into.hasRemaining()) {
                if (peer.read(into) < 0) {
                    break;
                }
            }
            sender.join();
            assertThat(failure.get()).isNull();
            assertThat(into.position()).isEqualTo(SIZE);
            assertThat(Arrays.equals(received, content)).as("every byte, in order").isTrue();
            accepted.close();
        }
    }

    @Test
    void closingTheSocketEndsAParkedTransfer() throws Exception {
        // What the response-rate deadline does to a stalled client: close from another thread.
        Path file = Files.write(dir.resolve("g.bin"), new byte[SIZE]);
        try (ServerSocketChannel listener = ServerSocketChannel.open()
                        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                SocketChannel peer = SocketChannel.open()) {
            peer.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
            peer.connect(listener.getLocalAddress());
            peer.write(ByteBuffer.wrap(new byte[] {1}));
            SocketConnection connection = new SocketConnection(listener.accept());
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread sender = Thread.ofVirtual().start(() -> {
                try (FileChannel ch = FileChannel.open(file)) {
                    connection.read(ByteBuffer.allocate(1));
                    connection.transferFrom(ch, 0, SIZE);
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (sender.getState() != Thread.State.WAITING) {
                assertThat(System.nanoTime() - deadline).as("the sender never parked").isNegative();
                Thread.sleep(10);
            }
            connection.close();
            sender.join(java.time.Duration.ofSeconds(10));
            assertThat(sender.isAlive()).isFalse();
            assertThat(failure.get()).isInstanceOf(IOException.class);
        }
    }
}
