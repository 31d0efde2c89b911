package dev.peregrine.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.Handler;
import dev.peregrine.server.Server;
import dev.peregrine.server.ServerOptions;
import dev.peregrine.testkit.RawClient;
import dev.peregrine.testkit.RawResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Keep-alive connections idle past {@link ServerOptions#idleParkDelay()} are parked thread-less on
 * the server's selector and resumed by their next bytes. Seen from a client nothing may change:
 * requests are served, deadlines hold, limits count them, and close or stop ends them.
 *
 * <p>Parking cannot be observed from outside, so each test idles far longer than the short park
 * delay it configures (200 ms against 10 ms); the assertions hold whether or not it parked.
 */
@Timeout(60)
class IdleParkingTest {

    private static final Duration SHORT = Duration.ofSeconds(1);
    private static final Duration PARK = Duration.ofMillis(10);
    private static final Duration IDLE = Duration.ofMillis(200);

    private Server server;

    @AfterEach
    void stop() {
        E2e.stop(server);
    }

    private Server start(Handler handler, ServerOptions options) throws Exception {
        server = E2e.start(handler, options);
        return server;
    }

    @Test
    void idleConnectionParkedWithoutAThreadIsClosedAtTheKeepAliveTimeout() throws Exception {
        // A park delay far below the keep-alive timeout: the connection waits thread-less.
        start(E2e.READ_ALL, E2e.lenient().keepAliveTimeout(SHORT).idleParkDelay(PARK).idleParkMinConnections(0).build());
        try (RawClient c = RawClient.tcp(server.port())) {
            assertThat(c.request("GET /once HTTP/1.1\r\nHost: t\r\n\r\n").status()).isEqualTo(200);
            E2e.awaitCondition(() -> server.metrics().parkedConnections() == 1, "the idle connection to park");
            assertThat(c.readUntilClosed()).isEmpty();
        }
        assertThat(server.metrics().timedOutConnections()).isEqualTo(1);
        assertThat(server.metrics().parks()).as("it timed out while parked, not on its thread").isEqualTo(1);
        assertThat(server.metrics().parkedConnections()).isZero();
        E2e.awaitCondition(() -> server.connectionCount() == 0, "the parked connection to be unregistered");
        assertThat(server.metrics().activeConnections()).isZero();
    }

    @Test
    void connectionIdlePastTheParkDelayServesItsNextRequests() throws Exception {
        start(E2e.READ_ALL, E2e.lenient().idleParkDelay(PARK).idleParkMinConnections(0).build());
        try (RawClient c = RawClient.tcp(server.port())) {
            for (int i = 0; i < 3; i++) {
                // Waiting for bytes that never come lets the connection idle past the park delay.
                assertThat(c.awaitReadable(IDLE)).isFalse();
                // Before its first request a connection waits in protocol selection, which does not
                // park; after each exchange it does.
                int parks = i;
                E2e.awaitCondition(() -> server.metrics().parks() == parks, "park " + parks);
                assertThat(server.metrics().parkedConnections()).isEqualTo(i == 0 ? 0 : 1);
                c.send("POST /p" + i + " HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"
                        + "GET /q" + i + " HTTP/1.1\r\nHost: t\r\n\r\n");
                assertThat(c.readResponse().bodyText()).isEqualTo("read 3");
                assertThat(c.readResponse().bodyText()).isEqualTo("read 0");
            }
        }
        assertThat(server.metrics().acceptedConnections()).isEqualTo(1);
        assertThat(server.metrics().requests()).isEqualTo(6);
        assertThat(server.metrics().parks()).as("each idle period after an exchange parked").isEqualTo(2);
    }

    @Test
    void parkedConnectionsStillCountAgainstTheLimit() throws Exception {
        start(E2e.READ_ALL, E2e.lenient().maxConcurrentConnections(1).idleParkDelay(PARK).idleParkMinConnections(0).build());
        try (RawClient a = RawClient.tcp(server.port())) {
            assertThat(a.request("GET /a HTTP/1.1\r\nHost: t\r\n\r\n").status()).isEqualTo(200);
            assertThat(a.awaitReadable(IDLE)).isFalse(); // idles past the park delay
            try (RawClient b = RawClient.tcp(server.port())) {
                b.trySend("GET /b HTTP/1.1\r\nHost: t\r\n\r\n");
                assertThat(b.readUntilClosed()).isEmpty();
            }
            assertThat(server.metrics().rejectedConnections()).isEqualTo(1);
            assertThat(a.request("GET /a2 HTTP/1.1\r\nHost: t\r\n\r\n").status()).isEqualTo(200);
        }
        E2e.awaitCondition(() -> server.metrics().activeConnections() == 0, "the connection count to drop to 0");
    }

    @Test
    void theJdkClientReusesAParkedConnection() throws Exception {
        start(E2e.READ_ALL, E2e.lenient().idleParkDelay(PARK).idleParkMinConnections(0).build());
        URI uri = URI.create("http://127.0.0.1:" + server.port() + "/parked");
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(E2e.WAIT)
                        .POST(HttpRequest.BodyPublishers.ofString("x".repeat(i))).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.body()).isEqualTo("read " + i);
                int parks = i + 1;
                E2e.awaitCondition(() -> server.metrics().parks() == parks, "park " + parks);
            }
        }
        assertThat(server.metrics().acceptedConnections()).isEqualTo(1);
        assertThat(server.metrics().requests()).isEqualTo(3);
        assertThat(server.metrics().parks()).isEqualTo(3);
    }

    @Test
    void partialHeadOnAParkedConnectionGets408() throws Exception {
        start(E2e.READ_ALL, E2e.lenient().requestHeadersTimeout(SHORT).idleParkDelay(PARK).idleParkMinConnections(0).build());
        try (RawClient c = RawClient.tcp(server.port())) {
            assertThat(c.request("GET /first HTTP/1.1\r\nHost: t\r\n\r\n").status()).isEqualTo(200);
            assertThat(c.awaitReadable(IDLE)).isFalse(); // parked by now
            c.send("GET /second HTTP/1.1\r\nHo"); // wakes the connection, then stalls
            RawResponse r = c.readResponse();
            assertThat(r.status()).isEqualTo(408);
            assertThat(r.connectionClose()).isTrue();
            assertThat(c.readUntilClosed()).isEmpty();
        }
        assertThat(server.metrics().requests()).isEqualTo(1);
    }

    @Test
    void parkedConnectionClosedByTheClientIsUnregistered() throws Exception {
        start(E2e.READ_ALL, E2e.lenient().idleParkDelay(PARK).idleParkMinConnections(0).build());
        RawClient c = RawClient.tcp(server.port());
        assertThat(c.request("GET /a HTTP/1.1\r\nHost: t\r\n\r\n").status()).isEqualTo(200);
        assertThat(c.awaitReadable(IDLE)).isFalse();
        c.close();
        RawClient d = RawClient.tcp(server.port());
        assertThat(d.request("GET /b HTTP/1.1\r\nHost: t\r\n\r\n").status()).isEqualTo(200);
        assertThat(d.awaitReadable(IDLE)).isFalse();
        d.abort();
        E2e.awaitCondition(() -> server.connectionCount() == 0, "both parked connections to be unregistered");
        assertThat(server.metrics().activeConnections()).isZero();
        assertThat(server.metrics().timedOutConnections()).isZero();
    }

    @Test
    void manyParkedConnectionsWakeTogether() throws Exception {
        start(E2e.READ_ALL, E2e.lenient().idleParkDelay(PARK).idleParkMinConnections(0).build());
        int n = 50;
        List<RawClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                RawClient c = RawClient.tcp(server.port());
                clients.add(c);
                assertThat(c.request("GET /first HTTP/1.1\r\nHost: t\r\n\r\n").status()).isEqualTo(200);
            }
            assertThat(clients.get(n - 1).awaitReadable(IDLE)).isFalse();
            for (int i = 0; i < n; i++) {
                clients.get(i).send("POST /again HTTP/1.1\r\nHost: t\r\nContent-Length: " + i + "\r\n\r\n" + "x".repeat(i));
            }
            for (int i = 0; i < n; i++) {
                assertThat(clients.get(i).readResponse().bodyText()).isEqualTo("read " + i);
            }
        } finally {
            clients.forEach(RawClient::close);
        }
        assertThat(server.metrics().acceptedConnections()).isEqualTo(n);
        assertThat(server.metrics().requests()).isEqualTo(2L * n);
    }

    @Test
    void gracefulStopClosesParkedConnections() throws Exception {
        start(E2e.READ_ALL, E2e.lenient().idleParkDelay(PARK).idleParkMinConnections(0).build());
        try (RawClient c = RawClient.tcp(server.port())) {
            assertThat(c.request("GET /a HTTP/1.1\r\nHost: t\r\n\r\n").status()).isEqualTo(200);
            assertThat(c.awaitReadable(IDLE)).isFalse();
            assertThat(server.stop(Duration.ofSeconds(5))).isTrue();
            assertThat(c.readUntilClosed()).isEmpty();
        }
        assertThat(server.connectionCount()).isZero();
    }
}
