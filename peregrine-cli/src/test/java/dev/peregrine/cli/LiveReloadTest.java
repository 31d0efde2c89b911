package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.Handler;
import dev.peregrine.server.Server;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The event stream on its own, with a short heartbeat, over a raw socket so the test sees every byte. */
class LiveReloadTest {

    private static final Duration WAIT = Duration.ofSeconds(20); // a guard against hangs, not a timing assertion

    private final LiveReload live = new LiveReload(Duration.ofMillis(50));
    private Server server;

    private void start() throws IOException {
        Handler notFound = (req, res) -> res.send(404, "no\n");
        server = Server.builder().handler(notFound.with(live)).listen("127.0.0.1", 0).start();
    }

    @AfterEach
    void stop() {
        live.close();
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    /** An open stream: the socket and a reader past the response head. */
    private record Stream(Socket socket, BufferedReader in, String head) implements AutoCloseable {
        String line() throws IOException {
            return in.readLine();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private Stream open(String method, String path) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", server.port()), (int) WAIT.toMillis());
        s.setSoTimeout((int) WAIT.toMillis());
        OutputStream out = s.getOutputStream();
        out.write((method + " " + path + " HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder head = new StringBuilder();
        for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
            head.append(line).append('\n');
        }
        return new Stream(s, in, head.toString());
    }

    /** Reads chunked lines until one equals {@code wanted}, skipping chunk-size lines; bounded by the socket timeout. */
    private static void awaitLine(Stream stream, String wanted) throws IOException {
        for (int i = 0; i < 10_000; i++) {
            String line = stream.line();
            if (line == null) {
                throw new AssertionError("stream ended before " + wanted);
            }
            if (line.equals(wanted)) {
                return;
            }
        }
        throw new AssertionError("no " + wanted);
    }

    private void awaitClients(int n) throws InterruptedException {
        assertThat(live.awaitClients(n, WAIT)).as("clients %d, wanted %d", live.clients(), n).isTrue();
    }

    @Test
    void theStreamIsAnEventStreamThatAsksForAReconnectDelay() throws Exception {
        start();
        try (Stream s = open("GET", LiveReload.EVENTS)) {
            assertThat(s.head()).startsWith("HTTP/1.1 200 ").containsIgnoringCase("content-type: text/event-stream\n")
                    .containsIgnoringCase("cache-control: no-store\n");
            awaitLine(s, "retry: " + LiveReload.RETRY_MILLIS);
        }
    }

    @Test
    void aReloadEventNamesTheChangedPaths() throws Exception {
        start();
        try (Stream s = open("GET", LiveReload.EVENTS)) {
            awaitLine(s, "retry: " + LiveReload.RETRY_MILLIS);
            awaitClients(1);
            live.publish(List.of("/a.html", "/css/b.css"));
            awaitLine(s, "event: reload");
            assertThat(s.line()).isEqualTo("data: /a.html");
            assertThat(s.line()).isEqualTo("data: /css/b.css");
            assertThat(s.line()).isEmpty(); // the blank line that dispatches the event
        }
    }

    @Test
    void aHeartbeatCommentKeepsTheIdleStreamAlive() throws Exception {
        start();
        try (Stream s = open("GET", LiveReload.EVENTS)) {
            awaitLine(s, ": heartbeat");
        }
    }

    @Test
    void aClientThatWentAwayIsDroppedAtTheNextHeartbeat() throws Exception {
        start();
        Stream s = open("GET", LiveReload.EVENTS);
        awaitLine(s, "retry: " + LiveReload.RETRY_MILLIS);
        awaitClients(1);
        s.close();
        awaitClients(0);
    }

    @Test
    void closeEndsEveryStreamAndLaterOnesGet204() throws Exception {
        start();
        try (Stream a = open("GET", LiveReload.EVENTS); Stream b = open("GET", LiveReload.EVENTS)) {
            awaitLine(a, "retry: " + LiveReload.RETRY_MILLIS);
            awaitLine(b, "retry: " + LiveReload.RETRY_MILLIS);
            awaitClients(2);
            live.close();
            awaitLine(a, "0"); // the last chunk: the response ended
            awaitLine(b, "0");
            awaitClients(0);
        }
        try (Stream late = open("GET", LiveReload.EVENTS)) {
            assertThat(late.head()).startsWith("HTTP/1.1 204 "); // an EventSource does not reconnect after a 204
        }
    }

    @Test
    void theScriptIsServedAndOtherPathsPassOn() throws Exception {
        start();
        try (Stream s = open("GET", LiveReload.SCRIPT)) {
            assertThat(s.head()).startsWith("HTTP/1.1 200 ").containsIgnoringCase("content-type: text/javascript; charset=utf-8\n");
            awaitLine(s, "  const source = new EventSource('/.peregrine/live');");
        }
        try (Stream s = open("GET", "/.peregrine/other")) {
            assertThat(s.head()).startsWith("HTTP/1.1 404 ");
        }
        try (Stream s = open("DELETE", LiveReload.EVENTS)) {
            assertThat(s.head()).startsWith("HTTP/1.1 404 "); // not ours: the next handler answers
        }
        assertThat(live.clients()).isZero();
    }
}
