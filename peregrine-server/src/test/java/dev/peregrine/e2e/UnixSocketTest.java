package dev.peregrine.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.api.Handler;
import dev.peregrine.server.Server;
import dev.peregrine.server.ServerOptions;
import dev.peregrine.testkit.RawClient;
import dev.peregrine.testkit.RawResponse;
import dev.peregrine.transport.Endpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** HTTP/1.1 over a Unix domain socket, alone and next to a TCP listener. */
@Timeout(60)
class UnixSocketTest {

    @TempDir
    Path dir;

    private static final Handler HANDLER = (req, res) -> {
        String local = req.localAddress() instanceof UnixDomainSocketAddress u ? "unix" : "tcp";
        if (req.method().equals("POST")) {
            res.send(local + " " + req.path() + " " + req.bodyString());
        } else {
            res.send(local + " " + req.path());
        }
    };

    private static Server startUnix(Path socket) throws IOException {
        return Server.builder().listen(Endpoint.unix(socket)).handler(HANDLER).start();
    }

    @Test
    void servesOverAUnixSocketAndRemovesItOnStop() throws Exception {
        Path socket = dir.resolve("s.sock");
        Server server = startUnix(socket);
        try {
            assertThat(Files.exists(socket)).isTrue();
            assertThat(server.localAddresses()).containsExactly(UnixDomainSocketAddress.of(socket));

            try (RawClient c = RawClient.unix(socket)) {
                RawResponse r = c.request("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.bodyText()).isEqualTo("unix /hello");

                // keep-alive, a body and pipelining work as over TCP
                c.send("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello"
                        + "POST /chunks HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n"
                        + "GET /last HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
                assertThat(c.readResponse().bodyText()).isEqualTo("unix /echo hello");
                assertThat(c.readResponse().bodyText()).isEqualTo("unix /chunks ab");
                RawResponse last = c.readResponse();
                assertThat(last.bodyText()).isEqualTo("unix /last");
                assertThat(last.connectionClose()).isTrue();
                assertThat(c.readUntilClosed()).isEmpty();
            }
            assertThat(server.metrics().requests()).isEqualTo(4);
        } finally {
            assertThat(server.stop(Duration.ofSeconds(5))).isTrue();
        }
        assertThat(Files.exists(socket)).as("the socket file is removed on stop").isFalse();
        assertThatThrownBy(() -> RawClient.unix(socket)).isInstanceOf(IOException.class);
    }

    @Test
    void largeBodiesOverAUnixSocket() throws Exception {
        Path socket = dir.resolve("big.sock");
        Server server = startUnix(socket);
        try (RawClient c = RawClient.unix(socket)) {
            String body = new String(E2e.pattern(1_000_000, 5), java.nio.charset.StandardCharsets.ISO_8859_1);
            c.send("POST /big HTTP/1.1\r\nHost: localhost\r\nContent-Length: " + body.length() + "\r\n\r\n");
            c.send(body);
            RawResponse r = c.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("unix /big " + body);
        } finally {
            server.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void idleUnixConnectionIsClosedByAGracefulStop() throws Exception {
        Path socket = dir.resolve("idle.sock");
        Server server = startUnix(socket);
        try (RawClient c = RawClient.unix(socket)) {
            assertThat(c.request("GET /x HTTP/1.1\r\nHost: localhost\r\n\r\n").status()).isEqualTo(200);
            assertThat(server.stop(Duration.ofSeconds(5))).isTrue();
            assertThat(c.readUntilClosed()).isEmpty();
        } finally {
            server.stop(Duration.ofSeconds(5));
        }
        assertThat(server.connectionCount()).isZero();
    }

    @Test
    void idleUnixConnectionIsClosedAtTheKeepAliveTimeout() throws Exception {
        Path socket = dir.resolve("ka.sock");
        Server server = Server.builder()
                .listen(Endpoint.unix(socket))
                .handler(HANDLER)
                .options(ServerOptions.builder().keepAliveTimeout(Duration.ofSeconds(1)).build())
                .start();
        try (RawClient c = RawClient.unix(socket)) {
            assertThat(c.request("GET /x HTTP/1.1\r\nHost: localhost\r\n\r\n").status()).isEqualTo(200);
            assertThat(c.readUntilClosed()).isEmpty();
            assertThat(server.metrics().timedOutConnections()).isEqualTo(1);
        } finally {
            server.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void tcpAndUnixListenersOnOneServer() throws Exception {
        Path socket = dir.resolve("both.sock");
        Server server = Server.builder()
                .listen(Endpoint.tcp("127.0.0.1", 0))
                .listen(Endpoint.unix(socket))
                .handler(HANDLER)
                .start();
        try {
            assertThat(server.localAddresses()).hasSize(2);
            assertThat(server.localAddresses().get(0)).isInstanceOf(InetSocketAddress.class);
            try (RawClient tcp = RawClient.tcp(server.port()); RawClient unix = RawClient.unix(socket)) {
                assertThat(tcp.request("GET /t HTTP/1.1\r\nHost: x\r\n\r\n").bodyText()).isEqualTo("tcp /t");
                assertThat(unix.request("GET /u HTTP/1.1\r\nHost: x\r\n\r\n").bodyText()).isEqualTo("unix /u");
            }
        } finally {
            assertThat(server.stop(Duration.ofSeconds(5))).isTrue();
        }
        assertThat(Files.exists(socket)).isFalse();
    }

    @Test
    void bindingAPathInUseFailsAndLeavesTheFirstServerAlone() throws Exception {
        Path socket = dir.resolve("busy.sock");
        Server first = startUnix(socket);
        try {
            assertThatThrownBy(() -> startUnix(socket)).isInstanceOf(IOException.class);
            assertThat(Files.exists(socket)).as("the failed bind must not delete the first server's socket").isTrue();
            try (RawClient c = RawClient.unix(socket)) {
                assertThat(c.request("GET /still HTTP/1.1\r\nHost: x\r\n\r\n").bodyText()).isEqualTo("unix /still");
            }
        } finally {
            first.stop(Duration.ofSeconds(5));
        }
    }
}
