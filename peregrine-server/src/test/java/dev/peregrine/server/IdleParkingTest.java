package dev.peregrine.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.transport.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Keep-alive connections idle past the park delay live thread-less and come back on their next request. */
class IdleParkingTest {

    private Server server;

    private Server start(ServerOptions options) throws IOException {
        server = Server.builder()
                .listen(Endpoint.tcp("127.0.0.1", 0))
                .handler((req, res) -> res.send("ok " + req.path()))
                .options(options)
                .start();
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(Duration.ofSeconds(5));
        }
    }

    private static String exchange(Socket s, String path) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        StringBuilder sb = new StringBuilder();
        String expectedBody = "ok " + path;
        while (!sb.toString().endsWith(expectedBody)) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            sb.append((char) c);
        }
        return sb.toString();
    }

    @Test
    void aParkedConnectionServesItsNextRequest() throws Exception {
        start(ServerOptions.builder().idleParkDelay(Duration.ofMillis(20)).idleParkMinConnections(0).build());
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(5000);
            assertThat(exchange(s, "/first")).startsWith("HTTP/1.1 200 OK").endsWith("ok /first");
            awaitParks(1);
            assertThat(exchange(s, "/second")).startsWith("HTTP/1.1 200 OK").endsWith("ok /second");
            awaitParks(2);
            assertThat(exchange(s, "/third")).endsWith("ok /third");
        }
        assertThat(server.metrics().acceptedConnections()).isEqualTo(1);
        assertThat(server.metrics().parks()).isEqualTo(2);
    }

    @Test
    void aParkedConnectionIsClosedAtItsKeepAliveDeadline() throws Exception {
        start(ServerOptions.builder().idleParkDelay(Duration.ofMillis(20)).idleParkMinConnections(0).keepAliveTimeout(Duration.ofMillis(500)).build());
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            exchange(s, "/once");
            assertThat(s.getInputStream().read()).isEqualTo(-1); // closed by the heartbeat, not by the test's timeout
        }
        assertThat(server.metrics().timedOutConnections()).isEqualTo(1);
        assertThat(server.metrics().parks()).as("it was parked when its deadline came").isEqualTo(1);
    }

    @Test
    void aGracefulStopClosesParkedConnectionsAtOnce() throws Exception {
        start(ServerOptions.builder().idleParkDelay(Duration.ofMillis(20)).idleParkMinConnections(0).build());
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            exchange(s, "/once");
            awaitParks(1);
            assertThat(server.stop(Duration.ofSeconds(5))).isTrue();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(server.connectionCount()).isZero();
    }

    /** Waits (bounded) until the server has parked an idle connection {@code n} times. */
    private void awaitParks(long n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (server.metrics().parks() < n) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("the connection never parked " + n + " times");
            }
            Thread.sleep(10);
        }
        assertThat(server.metrics().parkedConnections()).isEqualTo(1);
    }
}
