package dev.peregrine.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.Handler;
import dev.peregrine.server.Server;
import dev.peregrine.server.ServerOptions;
import dev.peregrine.testkit.RawClient;
import dev.peregrine.testkit.RawResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Timeouts and connection limits with short configured values. What happened is asserted through
 * the responses and the server's metrics, never through how long it took: the heartbeat ticks
 * once a second, so each wait here is bounded generously and only its outcome is checked.
 */
@Timeout(60)
class LimitsAndTimeoutsTest {

    private static final Duration SHORT = Duration.ofSeconds(1);

    private Server server;

    @AfterEach
    void stop() {
        E2e.stop(server);
    }

    private static final Handler IGNORE_BODY = (req, res) -> res.send("ignored " + req.path());

    private Server start(Handler handler, ServerOptions options) throws Exception {
        server = E2e.start(handler, options);
        return server;
    }

    // ---------------------------------------------------------------- keep-alive timeout

    @Test
    void idleKeepAliveConnectionIsClosedByTheServer() throws Exception {
        start(E2e.READ_ALL, E2e.lenient().keepAliveTimeout(SHORT).build());
        try (RawClient c = RawClient.tcp(server.port())) {
            RawResponse r = c.request("GET /once HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.connectionClose()).isFalse();

            assertThat(c.readUntilClosed()).as("the server closes quietly, without a response").isEmpty();
        }
        assertThat(server.metrics().timedOutConnections()).isEqualTo(1);
        assertThat(server.metrics().badRequests()).isZero();
        E2e.awaitCondition(() -> server.connectionCount() == 0, "the connection to be unregistered");
    }

    @Test
    void connectionThatNeverSendsIsClosedAfterTheKeepAliveTimeout() throws Exception {
        start(E2e.READ_ALL, E2e.lenient().keepAliveTimeout(SHORT).build());
        try (RawClient c = RawClient.tcp(server.port())) {
            assertThat(c.readUntilClosed()).isEmpty();
        }
        assertThat(server.metrics().timedOutConnections()).isEqualTo(1);
    }

    @Test
    void longRunningHandlerIsNotCutByTheKeepAliveOrHeadersTimeout() throws Exception {
        // Both timeouts are about the client sending a request; a handler taking longer than either
        // must still be allowed to answer (the heartbeat ticks at least once while it sleeps).
        Handler slow = (req, res) -> {
            for (int i = 0; i < 5; i++) {
                Thread.sleep(500);
            }
            res.send("finally");
        };
        start(slow, E2e.lenient().keepAliveTimeout(SHORT).requestHeadersTimeout(SHORT).build());
        try (RawClient c = RawClient.tcp(server.port())) {
            RawResponse r = c.request("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("finally");
            assertThat(r.connectionClose()).isFalse();
        }
        assertThat(server.metrics().badRequests()).isZero();
    }

    // ---------------------------------------------------------------- request headers timeout

    @Test
    void slowlorisHeadGets408AndIsClosed() throws Exception {
        start(E2e.READ_ALL, E2e.lenient().requestHeadersTimeout(SHORT).build());
        try (RawClient c = RawClient.tcp(server.port())) {
            c.send("GET /slow HTTP/1.1\r\nHost: t\r\nX-Pad: ");
            // Keep dripping bytes: progress must not extend the deadline of the whole head.
            boolean answered = false;
            for (int i = 0; i < 200 && !answered; i++) {
                answered = c.awaitReadable(Duration.ofMillis(100));
                if (!answered && !c.trySend("a")) {
                    break;
                }
            }
            RawResponse r = c.readResponse();
            assertThat(r.status()).isEqualTo(408);
            assertThat(r.connectionClose()).isTrue();
            assertThat(c.readUntilClosed()).isEmpty();
        }
        assertThat(server.metrics().timedOutConnections()).isEqualTo(1);
        assertThat(server.metrics().badRequests()).isEqualTo(1);
        assertThat(server.metrics().requests()).as("the handler never ran").isZero();
    }

    @Test
    void partialHeadAfterAKeepAliveExchangeGets408() throws Exception {
        start(E2e.READ_ALL, E2e.lenient().requestHeadersTimeout(SHORT).build());
        try (RawClient c = RawClient.tcp(server.port())) {
            assertThat(c.request("GET /first HTTP/1.1\r\nHost: t\r\n\r\n").status()).isEqualTo(200);
            c.send("GET /second HTTP/1.1\r\nHo");
            RawResponse r = c.readResponse();
            assertThat(r.status()).isEqualTo(408);
            assertThat(r.connectionClose()).isTrue();
            assertThat(c.readUntilClosed()).isEmpty();
        }
        assertThat(server.metrics().requests()).isEqualTo(1);
    }

    // ---------------------------------------------------------------- minimum body data rate

    @Test
    void tricklingBodyBelowTheMinimumRateGets408() throws Exception {
        start(E2e.READ_ALL, E2e.lenient()
                .minRequestBodyBytesPerSecond(1000)
                .minRequestBodyRateGracePeriod(SHORT)
                .build());
        try (RawClient c = RawClient.tcp(server.port())) {
            c.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n");
            // About 100 B/s: 10 bytes, then wait up to 100 ms for an answer; at most 20 s of it.
            boolean answered = false;
            for (int i = 0; i < 200 && !answered; i++) {
                if (!c.trySend("0123456789")) {
                    break;
                }
                answered = c.awaitReadable(Duration.ofMillis(100));
            }
            RawResponse r = c.readResponse();
            assertThat(r.status()).isEqualTo(408);
            assertThat(r.connectionClose()).isTrue();
            assertThat(c.readUntilClosed()).isEmpty();
        }
        assertThat(server.metrics().timedOutConnections()).isEqualTo(1);
    }

    @Test
    void bodyAboveTheMinimumRatePasses() throws Exception {
        start(E2e.READ_ALL, E2e.lenient()
                .minRequestBodyBytesPerSecond(1000)
                .minRequestBodyRateGracePeriod(SHORT)
                .build());
        byte[] body = E2e.pattern(200_000, 9);
        try (RawClient c = RawClient.tcp(server.port())) {
            c.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: " + body.length + "\r\n\r\n");
            c.send(body);
            RawResponse r = c.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("read 200000");
        }
        assertThat(server.metrics().timedOutConnections()).isZero();
    }

    @Test
    void slowHandlerIsNotBlamedOnTheClient() throws Exception {
        // The body arrives at once; the handler reads part of it, dawdles past the grace period
        // (so a heartbeat tick sees it), then reads the rest. The data rate counts only time spent
        // waiting for the client, so this must pass.
        Handler slow = (req, res) -> {
            byte[] first = req.body().readNBytes(5);
            for (int i = 0; i < 4; i++) {
                Thread.sleep(500);
            }
            res.send("read " + (first.length + req.bodyBytes().length));
        };
        start(slow, E2e.lenient().minRequestBodyBytesPerSecond(1000).minRequestBodyRateGracePeriod(SHORT).build());
        try (RawClient c = RawClient.tcp(server.port())) {
            RawResponse r = c.request("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n0123456789");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("read 10");
        }
        assertThat(server.metrics().timedOutConnections()).isZero();
    }

    // ---------------------------------------------------------------- connection limit

    @Test
    void connectionsBeyondTheLimitAreClosedAtOnceAndCounted() throws Exception {
        start(E2e.READ_ALL, E2e.lenient().maxConcurrentConnections(2).build());
        RawClient a = RawClient.tcp(server.port());
        RawClient b = RawClient.tcp(server.port());
        try {
            // Served requests prove both connections are registered.
            assertThat(a.request("GET /a HTTP/1.1\r\nHost: t\r\n\r\n").status()).isEqualTo(200);
            assertThat(b.request("GET /b HTTP/1.1\r\nHost: t\r\n\r\n").status()).isEqualTo(200);

            try (RawClient third = RawClient.tcp(server.port())) {
                third.trySend("GET /c HTTP/1.1\r\nHost: t\r\n\r\n");
                assertThat(third.readUntilClosed()).as("the third connection gets no response").isEmpty();
            }
            assertThat(server.metrics().rejectedConnections()).isEqualTo(1);
            assertThat(server.metrics().acceptedConnections()).isEqualTo(2);

            // The two admitted connections still work.
            assertThat(a.request("GET /a2 HTTP/1.1\r\nHost: t\r\n\r\n").status()).isEqualTo(200);

            // A slot freed by a close is available again.
            b.close();
            E2e.awaitCondition(() -> server.connectionCount() == 1, "the closed connection to be unregistered");
            try (RawClient d = RawClient.tcp(server.port())) {
                assertThat(d.request("GET /d HTTP/1.1\r\nHost: t\r\n\r\n").status()).isEqualTo(200);
            }
        } finally {
            a.close();
            b.close();
        }
        assertThat(server.metrics().rejectedConnections()).isEqualTo(1);
        assertThat(server.metrics().requests()).isEqualTo(4);
    }

    // ---------------------------------------------------------------- abrupt clients

    @Test
    void clientsThatResetAtAnyStageLeaveNothingBehind() throws Exception {
        Handler handler = (req, res) -> {
            if (req.path().equals("/big")) {
                byte[] chunk = E2e.pattern(64 * 1024, 1);
                for (int i = 0; i < 200; i++) { // 12.5 MiB: far more than the socket buffers hold
                    res.body().write(chunk);
                }
                return;
            }
            res.send("read " + req.bodyBytes().length);
        };
        start(handler, E2e.lenient().build());
        int port = server.port();
        for (int round = 0; round < 5; round++) {
            RawClient.tcp(port).abort(); // before sending anything
            RawClient partialHead = RawClient.tcp(port);
            partialHead.send("GET /x HTTP/1.1\r\nHo");
            partialHead.abort();
            RawClient partialBody = RawClient.tcp(port);
            partialBody.send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n" + "b".repeat(1000));
            partialBody.abort();
            RawClient midResponse = RawClient.tcp(port);
            midResponse.send("GET /big HTTP/1.1\r\nHost: t\r\n\r\n");
            midResponse.readResponseHead();
            midResponse.abort();
        }
        E2e.awaitCondition(() -> server.connectionCount() == 0, "every aborted connection to be cleaned up");
        assertThat(server.metrics().activeConnections()).isZero();
        try (RawClient c = RawClient.tcp(port)) {
            assertThat(c.request("POST /ok HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nok").bodyText()).isEqualTo("read 2");
        }
    }

    // ---------------------------------------------------------------- unread bodies

    @Test
    void smallUnreadBodyIsDrainedAndTheConnectionReused() throws Exception {
        start(IGNORE_BODY, E2e.lenient().maxUnreadBodyDrainBytes(1024).build());
        try (RawClient c = RawClient.tcp(server.port())) {
            c.send("POST /one HTTP/1.1\r\nHost: t\r\nContent-Length: 500\r\n\r\n" + "x".repeat(500)
                    + "POST /two HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "100\r\n" + "y".repeat(256) + "\r\n0\r\n\r\n"
                    + "GET /three HTTP/1.1\r\nHost: t\r\n\r\n");
            RawResponse one = c.readResponse();
            assertThat(one.bodyText()).isEqualTo("ignored /one");
            assertThat(one.connectionClose()).isFalse();
            RawResponse two = c.readResponse();
            assertThat(two.bodyText()).isEqualTo("ignored /two");
            assertThat(two.connectionClose()).isFalse();
            assertThat(c.readResponse().bodyText()).isEqualTo("ignored /three");
        }
        assertThat(server.metrics().acceptedConnections()).isEqualTo(1);
        assertThat(server.metrics().requests()).isEqualTo(3);
    }

    @Test
    void unreadBodyThatArrivesAfterTheResponseIsDrained() throws Exception {
        start(IGNORE_BODY, E2e.lenient().maxUnreadBodyDrainBytes(1024).build());
        try (RawClient c = RawClient.tcp(server.port())) {
            c.send("POST /early HTTP/1.1\r\nHost: t\r\nContent-Length: 300\r\n\r\n");
            RawResponse r = c.readResponse(); // the handler answered before the body was sent
            assertThat(r.bodyText()).isEqualTo("ignored /early");
            assertThat(r.connectionClose()).isFalse();
            c.send("z".repeat(300) + "GET /next HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(c.readResponse().bodyText()).isEqualTo("ignored /next");
        }
        assertThat(server.metrics().acceptedConnections()).isEqualTo(1);
    }

    @Test
    void unreadBodyLargerThanTheDrainLimitClosesTheConnection() throws Exception {
        start(IGNORE_BODY, E2e.lenient().maxUnreadBodyDrainBytes(1024).build());
        try (RawClient c = RawClient.tcp(server.port())) {
            c.send("POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(2048));
            RawResponse r = c.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("ignored /big");
            assertThat(r.connectionClose()).as("the server will not read 100000 bytes nobody wants").isTrue();
            assertThat(c.readUntilClosed()).isEmpty();
        }
    }

    @Test
    void keepAliveAnnouncedForAnUnreadBodyIsKept() throws Exception {
        // A head larger than the idle buffer makes the server read the whole body and the next
        // request at once. Whatever it decides about the unread 2000 bytes, the decision must hold:
        // either the response says Connection: close, or the pipelined request is answered.
        start(IGNORE_BODY, E2e.lenient().maxUnreadBodyDrainBytes(1024).build());
        try (RawClient c = RawClient.tcp(server.port())) {
            c.send("POST /big HTTP/1.1\r\nHost: t\r\nX-Pad: " + "p".repeat(1000) + "\r\nContent-Length: 2000\r\n\r\n"
                    + "x".repeat(2000) + "GET /next HTTP/1.1\r\nHost: t\r\n\r\n");
            RawResponse r = c.readResponse();
            assertThat(r.bodyText()).isEqualTo("ignored /big");
            if (r.connectionClose()) {
                assertThat(c.readUntilClosed()).isEmpty();
            } else {
                RawResponse next = c.readResponseOrNull(false);
                assertThat(next).as("the response kept the connection open, so the pipelined request must be answered")
                        .isNotNull();
                assertThat(next.bodyText()).isEqualTo("ignored /next");
            }
        }
    }

    @Test
    void unreadChunkedBodyLargerThanTheDrainLimitEndsTheConnectionAfterACompleteResponse() throws Exception {
        start(IGNORE_BODY, E2e.lenient().maxUnreadBodyDrainBytes(1024).build());
        try (RawClient c = RawClient.tcp(server.port())) {
            // The length is unknown when the response goes out, so it may say keep-alive; the
            // server then finds the body too long to drain and must close instead of guessing.
            c.send("POST /big HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + ("400\r\n" + "x".repeat(1024) + "\r\n").repeat(3));
            RawResponse r = c.readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("ignored /big");
            c.trySend("GET /never HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(c.readUntilClosed()).isEmpty();
        }
        assertThat(server.metrics().requests()).isEqualTo(1);
    }

    @Test
    void expectContinueOverTheBodyLimitGets413InsteadOf100() throws Exception {
        start(E2e.READ_ALL, E2e.lenient().maxRequestBodyBytes(100).build());
        try (RawClient c = RawClient.tcp(server.port())) {
            c.send("POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n");
            RawResponse r = c.readResponse();
            assertThat(r.status()).as("the client is spared sending 5000 bytes").isEqualTo(413);
            assertThat(r.connectionClose()).isTrue();
            assertThat(c.readUntilClosed()).isEmpty();
        }
        assertThat(server.metrics().badRequests()).isEqualTo(1);
    }

    @Test
    void handlerMayRaiseTheBodyLimitForOneRequest() throws Exception {
        Handler raise = (req, res) -> {
            if (req.path().equals("/big")) {
                req.maxBodySize(10_000);
            }
            res.send("read " + req.bodyBytes().length);
        };
        start(raise, E2e.lenient().maxRequestBodyBytes(100).build());
        try (RawClient c = RawClient.tcp(server.port())) {
            RawResponse big = c.request("POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n" + "b".repeat(5000));
            assertThat(big.status()).isEqualTo(200);
            assertThat(big.bodyText()).isEqualTo("read 5000");
            RawResponse small = c.request("POST /small HTTP/1.1\r\nHost: t\r\nContent-Length: 101\r\n\r\n" + "s".repeat(101));
            assertThat(small.status()).isEqualTo(413);
            assertThat(small.connectionClose()).isTrue();
        }
    }
}
