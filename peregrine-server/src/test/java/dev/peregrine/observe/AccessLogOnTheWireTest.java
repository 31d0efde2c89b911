package dev.peregrine.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.Handler;
import dev.peregrine.api.Response;
import dev.peregrine.http1.Http1Connection;
import dev.peregrine.server.ServerOptions;
import dev.peregrine.server.internal.BufferPool;
import dev.peregrine.server.internal.DateCache;
import dev.peregrine.server.internal.Instrumentation;
import dev.peregrine.server.internal.ServerContext;
import dev.peregrine.transport.InMemoryConnection;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The access log in front of the real HTTP/1.1 connection: what goes on the wire, byte for byte
 * and write for write, must be the same with the log as without it.
 */
class AccessLogOnTheWireTest {

    private static final long WAIT_MS = 5_000;

    private final InMemoryConnection conn = new InMemoryConnection();
    /** Filled on the connection thread, before the connection writes the response out. */
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private Thread thread;

    private void start(Handler app, boolean logged) {
        serve(logged ? app.with(AccessLog.to(lines::add)) : app);
    }

    private void serve(Handler handler) {
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

    private static String noDate(String response) {
        return response.replaceAll("date: [^\r]*\r\n", "");
    }

    /** RFC 9112 §6.3: a length the server can compute is sent as Content-Length, log or not. */
    @ParameterizedTest(name = "logged={0}")
    @ValueSource(booleans = {false, true})
    void aSmallStreamedBodyThatIsClosedGetsContentLengthNotChunked(boolean logged) throws IOException {
        start((req, res) -> {
            OutputStream out = res.body();
            out.write("hello".getBytes(StandardCharsets.US_ASCII));
            out.close();
        }, logged);
        conn.send("GET /s HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(noDate(conn.receiveUntil("hello", WAIT_MS)))
                .isEqualTo("HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello");
        if (logged) {
            assertThat(lines.getFirst()).contains("\"GET /s HTTP/1.1\" 200 5 ");
        }
    }

    @ParameterizedTest(name = "logged={0}")
    @ValueSource(booleans = {false, true})
    void aPipelinedBatchIsAnsweredInOneWrite(boolean logged) throws IOException {
        start((req, res) -> res.send("hi " + req.path()), logged);
        conn.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /c HTTP/1.1\r\nHost: x\r\n\r\nGET /d HTTP/1.1\r\nHost: x\r\n\r\n");
        String expected = response("hi /a") + response("hi /b") + response("hi /c") + response("hi /d");
        assertThat(noDate(conn.receiveUntil("hi /d", WAIT_MS))).isEqualTo(expected);
        assertThat(conn.serverWrites()).isEqualTo(1);
        assertThat(lines).hasSize(logged ? 4 : 0);
    }

    /** An explicit flush from the handler still goes through: it is what asks for chunked streaming. */
    @ParameterizedTest(name = "logged={0}")
    @ValueSource(booleans = {false, true})
    void aHandlerFlushStillCommitsTheHead(boolean logged) throws IOException {
        start((req, res) -> {
            try (OutputStream out = res.body()) {
                out.write("part1,".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                out.write("part2".getBytes(StandardCharsets.US_ASCII));
            }
        }, logged);
        conn.send("GET /f HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(noDate(conn.receiveUntil("0\r\n\r\n", WAIT_MS)))
                .isEqualTo("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n6\r\npart1,\r\n5\r\npart2\r\n0\r\n\r\n");
    }

    @ParameterizedTest(name = "logged={0}")
    @ValueSource(booleans = {false, true})
    void aFileBodyIsSentWithItsLengthAndCounted(boolean logged, @TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("f.txt"), "0123456789");
        start((req, res) -> {
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                res.sendFile(ch, 2, 6);
            }
        }, logged);
        conn.send("GET /f.txt HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(noDate(conn.receiveUntil("234567", WAIT_MS)))
                .isEqualTo("HTTP/1.1 200 OK\r\ncontent-length: 6\r\n\r\n234567");
        if (logged) {
            assertThat(lines.getFirst()).contains("\"GET /f.txt HTTP/1.1\" 200 6 ");
        }
    }

    /**
     * Handed the server's own response, the log counts with it: the handler gets that very
     * object (no wrapper to allocate and call through), and the line has the body's bytes.
     */
    @Test
    void theLogPassesTheServersOwnResponseOnAndCountsItsBody() throws IOException {
        AtomicReference<Response> given = new AtomicReference<>();
        AtomicReference<Response> seen = new AtomicReference<>();
        Handler logged = ((Handler) (req, res) -> {
            seen.set(res);
            OutputStream out = res.body();
            out.write("abc".getBytes(StandardCharsets.US_ASCII));
            out.write('d');
        }).with(AccessLog.to(lines::add));
        serve((req, res) -> {
            given.set(res);
            logged.handle(req, res);
        });
        conn.send("GET /own HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(noDate(conn.receiveUntil("abcd", WAIT_MS))).isEqualTo("HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nabcd");
        assertThat(seen.get()).isSameAs(given.get());
        assertThat(lines.getFirst()).contains("\"GET /own HTTP/1.1\" 200 4 ");
    }

    private static String response(String body) {
        return "HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: " + body.length()
                + "\r\n\r\n" + body;
    }
}
