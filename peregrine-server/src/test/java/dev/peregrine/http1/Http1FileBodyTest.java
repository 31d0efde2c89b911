package dev.peregrine.http1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.Handler;
import dev.peregrine.server.ServerOptions;
import dev.peregrine.server.internal.BufferPool;
import dev.peregrine.server.internal.DateCache;
import dev.peregrine.server.internal.Instrumentation;
import dev.peregrine.server.internal.ServerContext;
import dev.peregrine.transport.InMemoryConnection;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Response.sendFile} and {@code Response.send(ByteBuffer)} over HTTP/1.1: sendfile or the
 * buffer as it is for large bodies, the output buffer for small ones.
 */
class Http1FileBodyTest {

    private static final long WAIT_MS = 5_000;

    @TempDir
    Path dir;
    private InMemoryConnection conn = new InMemoryConnection();
    private Thread thread;

    private void start(Handler handler) {
        ServerOptions options = ServerOptions.defaults();
        ServerContext ctx = new ServerContext(options, handler, new DateCache(),
                new BufferPool(options.readBufferBytes(), 4), new Instrumentation());
        Http1Connection http = new Http1Connection(1, conn, ctx);
        thread = Thread.ofVirtual().start(http::process);
    }

    @AfterEach
    void stop() throws InterruptedException {
        conn.close();
        if (thread != null) {
            assertThat(thread.join(Duration.ofSeconds(5))).isTrue();
        }
    }

    private Path file(int size) throws IOException {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = letter(i);
        }
        return Files.write(dir.resolve("f" + size), b);
    }

    /** Serves {@code count} bytes of the file from {@code position}. */
    private static Handler region(Path file, long position, long count) {
        return (req, res) -> {
            try (FileChannel ch = FileChannel.open(file)) {
                res.sendFile(ch, position, count);
            }
        };
    }

    /** Letters without a short period, so a misplaced region cannot look right. */
    private static byte letter(long i) {
        return (byte) ('a' + ((i * 2654435761L) >>> 11) % 26);
    }

    private static String expectedBody(long position, long count) {
        StringBuilder sb = new StringBuilder();
        for (long i = position; i < position + count; i++) {
            sb.append((char) letter(i));
        }
        return sb.toString();
    }

    /** Compares bodies without printing megabytes when they differ. */
    private static void assertBody(String actual, String expected) {
        assertThat(actual.length()).as("body length").isEqualTo(expected.length());
        assertThat(actual.equals(expected)).as("body bytes equal").isTrue();
    }

    private static String bodyOf(String response) {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }

    @Test
    void aLargeRegionLeavesBySendfileAfterTheHead() throws Exception {
        conn = new InMemoryConnection().withFileTransfer();
        start(region(file(200_000), 1000, 100_000));
        conn.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        String got = conn.receiveAll(WAIT_MS);
        assertThat(got.substring(0, got.indexOf("\r\n\r\n"))).contains("content-length: 100000").doesNotContain("chunked");
        assertBody(bodyOf(got), expectedBody(1000, 100_000));
        assertThat(conn.fileTransfers()).isEqualTo(1);
    }

    @Test
    void smallRegionsJoinThePipelinedBatchInOneWrite() throws Exception {
        conn = new InMemoryConnection().withFileTransfer();
        start(region(file(1000), 0, 1000));
        conn.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        String got = conn.receiveAll(WAIT_MS);
        assertThat(got.split("content-length: 1000\r\n", -1)).hasSize(3);
        assertThat(got.split(expectedBody(0, 1000), -1)).hasSize(3);
        assertThat(conn.fileTransfers()).isZero();
        assertThat(conn.serverWrites()).isEqualTo(1);
    }

    @Test
    void withoutZeroCopyTheBytesAreCopiedThroughTheBuffer() throws Exception {
        start(region(file(300_000), 0, 300_000)); // a transport that cannot (TLS)
        conn.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertBody(bodyOf(conn.receiveAll(WAIT_MS)), expectedBody(0, 300_000));
        assertThat(conn.fileTransfers()).isZero();
    }

    @Test
    void headGetsTheLengthAndNoBytes() throws Exception {
        conn = new InMemoryConnection().withFileTransfer();
        start(region(file(100_000), 0, 100_000));
        conn.send("HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        String got = conn.receiveAll(WAIT_MS);
        assertThat(got).contains("content-length: 100000\r\n").endsWith("\r\n\r\n");
        assertThat(conn.fileTransfers()).isZero();
    }

    @Test
    void aFileShorterThanPromisedAbortsTheConnection() throws Exception {
        conn = new InMemoryConnection().withFileTransfer();
        start(region(file(50_000), 0, 80_000));
        conn.send("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /next HTTP/1.1\r\nHost: x\r\n\r\n");
        String got = conn.receiveAll(WAIT_MS);
        // The head promised 80,000 bytes: the client must see the connection end, never a second response.
        assertThat(got.substring(0, got.indexOf("\r\n\r\n"))).startsWith("HTTP/1.1 200 OK").contains("content-length: 80000");
        assertThat(got.getBytes(StandardCharsets.ISO_8859_1).length).isLessThan(80_000);
        assertThat(got.indexOf("HTTP/1.1", 1)).isEqualTo(-1);
        assertThat(conn.serverClosed()).isTrue();
    }

    private static java.nio.ByteBuffer letters(int size) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(size);
        for (int i = 0; i < size; i++) {
            b.put(letter(i));
        }
        return b.flip();
    }

    @Test
    void aLargeBufferIsWrittenAsItIsAfterTheHeadAndLeftUntouched() throws Exception {
        java.nio.ByteBuffer buffer = letters(200_000).position(1000).limit(101_000);
        start((req, res) -> res.send(buffer));
        conn.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        String got = conn.receiveAll(WAIT_MS);
        assertThat(got.substring(0, got.indexOf("\r\n\r\n"))).contains("content-length: 100000").doesNotContain("chunked");
        assertBody(bodyOf(got), expectedBody(1000, 100_000));
        assertThat(conn.serverWrites()).as("the head, then the buffer in one write").isEqualTo(2);
        assertThat(buffer.position()).isEqualTo(1000);
        assertThat(buffer.limit()).isEqualTo(101_000);
    }

    @Test
    void smallBuffersJoinThePipelinedBatchInOneWrite() throws Exception {
        start((req, res) -> res.send(letters(1000)));
        conn.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        String got = conn.receiveAll(WAIT_MS);
        assertThat(got.split("content-length: 1000\r\n", -1)).hasSize(3);
        assertThat(got.split(expectedBody(0, 1000), -1)).hasSize(3);
        assertThat(conn.serverWrites()).isEqualTo(1);
    }

    @Test
    void aBufferBodyForHeadSendsTheLengthAlone() throws Exception {
        start((req, res) -> res.send(letters(100_000)));
        conn.send("HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(conn.receiveAll(WAIT_MS)).contains("content-length: 100000\r\n").endsWith("\r\n\r\n");
    }

    @Test
    void aBufferBodyAfterBodyBytesIsRefused() throws Exception {
        start((req, res) -> {
            res.body().write('x');
            res.send(letters(10));
        });
        conn.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(conn.receiveAll(WAIT_MS)).startsWith("HTTP/1.1 500 ");
    }
}
