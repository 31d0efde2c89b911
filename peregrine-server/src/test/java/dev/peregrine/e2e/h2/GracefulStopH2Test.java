package dev.peregrine.e2e.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.api.Handler;
import dev.peregrine.testkit.H2Frames;
import dev.peregrine.server.Http2Options;
import dev.peregrine.server.Server;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpClient.Version;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Server#stop} with HTTP/2 requests in flight: the streams finish, new connections are
 * refused, and the client is told in the two steps of RFC 9113 §6.8 — GOAWAY with 2^31-1 and a
 * PING, then, once the PING is acknowledged, GOAWAY with the last stream the server took.
 */
@Timeout(60)
class GracefulStopH2Test {

    private Server server;
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger neverSeen = new AtomicInteger();
    private volatile CountDownLatch started;

    @AfterEach
    void cleanUp() {
        release.countDown(); // never leave a handler blocked
        H2.stop(server);
    }

    private final Handler handler = (req, res) -> {
        switch (req.path()) {
            case "/block" -> {
                started.countDown();
                res.send(H2.awaitQuietly(release) ? "done " + req.query() : "release timed out");
            }
            case "/never" -> {
                neverSeen.incrementAndGet();
                res.send("should not have been taken");
            }
            default -> res.send("hello");
        }
    };

    private CompletableFuture<Boolean> stopInBackground() {
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> f.complete(server.stop(Duration.ofSeconds(15))));
        return f;
    }

    /** The next frame that is not SETTINGS or WINDOW_UPDATE; PINGs are left to the test. */
    private static RawH2.Event nextControl(RawH2 c) throws IOException {
        while (true) {
            RawH2.Event e = c.next();
            if (e == null || (e.type() != H2Frames.SETTINGS && e.type() != H2Frames.WINDOW_UPDATE)) {
                return e;
            }
        }
    }

    @Test
    void rawClientSeesGoAwayPingThenTheFinalGoAwayAndInFlightStreamsFinish() throws Exception {
        started = new CountDownLatch(3);
        server = H2.start(handler, H2.options(Http2Options.defaults()));
        int port = server.port();
        try (RawH2 c = RawH2.connect(port)) {
            c.awaitServerSettings();
            c.send(c.get(1, "/block?1"), c.get(3, "/block?3"));
            H2.await("two handlers in flight", () -> started.getCount() == 1);

            CompletableFuture<Boolean> stopped = stopInBackground();

            RawH2.Event first = nextControl(c);
            assertThat(first).isNotNull();
            assertThat(first.type()).as("%s", first).isEqualTo(H2Frames.GOAWAY);
            assertThat(first.frame().intAt(0)).as("first GOAWAY: last stream id 2^31-1").isEqualTo(Integer.MAX_VALUE);
            assertThat(first.frame().errorCode()).isZero();
            RawH2.Event ping = nextControl(c);
            assertThat(ping.type()).as("%s", ping).isEqualTo(H2Frames.PING);
            assertThat(ping.frame().has(H2Frames.ACK)).isFalse();
            // The listener closed before the GOAWAY went out.
            assertThat(H2.refused(port)).as("new connections refused").isTrue();

            // A request that crossed the first GOAWAY is still taken: the client may not have seen it yet.
            c.send(c.get(5, "/block?5"));
            H2.await(started, "the stream sent after the first GOAWAY to be taken");
            c.send(H2Frames.ping(RawH2.pingPayload(ping.frame()), true));

            RawH2.Event last = nextControl(c);
            assertThat(last.type()).as("%s", last).isEqualTo(H2Frames.GOAWAY);
            assertThat(last.frame().intAt(0)).as("final GOAWAY: the last stream taken").isEqualTo(5);
            assertThat(last.frame().errorCode()).isZero();

            // After the final GOAWAY a new stream is ignored; our PING's ACK shows the server read past it.
            c.send(c.get(7, "/never"), H2Frames.ping(0x1234L, false));
            RawH2.Event ack = nextControl(c);
            assertThat(ack.type()).as("%s", ack).isEqualTo(H2Frames.PING);
            assertThat(ack.frame().has(H2Frames.ACK)).isTrue();
            assertThat(RawH2.pingPayload(ack.frame())).isEqualTo(0x1234L);

            release.countDown();
            Map<Integer, String> status = new HashMap<>();
            Map<Integer, StringBuilder> bodies = new HashMap<>();
            List<Integer> ended = new ArrayList<>();
            for (RawH2.Event e; (e = nextControl(c)) != null; ) {
                assertThat(e.stream()).as("%s", e).isIn(1, 3, 5);
                if (e.type() == H2Frames.HEADERS) {
                    status.put(e.stream(), e.fields().get(":status"));
                } else if (e.type() == H2Frames.DATA) {
                    bodies.computeIfAbsent(e.stream(), k -> new StringBuilder())
                            .append(new String(e.frame().payload(), java.nio.charset.StandardCharsets.US_ASCII));
                } else {
                    throw new AssertionError("unexpected " + e);
                }
                if (e.endStream()) {
                    ended.add(e.stream());
                }
            }
            // The server half-closed after the last response: end of stream here.
            assertThat(ended).containsExactlyInAnyOrder(1, 3, 5);
            for (int id : List.of(1, 3, 5)) {
                assertThat(status.get(id)).isEqualTo("200");
                assertThat(bodies.get(id)).hasToString("done " + id);
            }
            c.close();
            assertThat(H2.get(stopped, "stop to return")).as("drained before the deadline").isTrue();
        }
        assertThat(neverSeen.get()).as("streams above the final GOAWAY's id are not processed").isZero();
        assertThat(server.connectionCount()).isZero();
    }

    @Test
    void jdkClientRequestsInFlightCompleteAndNewConnectionsAreRefused() throws Exception {
        int inFlight = 3;
        started = new CountDownLatch(inFlight);
        server = H2.start(handler, H2.options(Http2Options.defaults()));
        int securePort = server.securePort();
        java.net.URI root = H2.https(server, "/");
        try (HttpClient c = H2.client(Version.HTTP_2)) {
            assertThat(c.send(H2.request(root).build(), BodyHandlers.ofString()).version())
                    .isEqualTo(Version.HTTP_2);
            List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
            for (int i = 0; i < inFlight; i++) {
                responses.add(c.sendAsync(H2.request(H2.https(server, "/block?" + i)).build(), BodyHandlers.ofString()));
            }
            H2.await(started, "every request in its handler");

            CompletableFuture<Boolean> stopped = stopInBackground();
            H2.await("the listener to close", () -> H2.refused(securePort));
            release.countDown();

            for (int i = 0; i < inFlight; i++) {
                HttpResponse<String> r = H2.get(responses.get(i), "an in-flight response");
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.version()).isEqualTo(Version.HTTP_2);
                assertThat(r.body()).isEqualTo("done " + i);
            }
            assertThat(H2.get(stopped, "stop to return")).as("drained before the deadline").isTrue();
            assertThat(server.connectionCount()).isZero();
            assertThatThrownBy(() -> c.send(H2.request(root).build(), BodyHandlers.ofString()))
                    .isInstanceOf(IOException.class);
        }
    }
}
