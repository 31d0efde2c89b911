package dev.peregrine.http2;

import static dev.peregrine.http2.H2Client.headers;
import static dev.peregrine.http2.H2Client.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.http2.H2Client.In;
import dev.peregrine.http2.H2Client.Response;
import dev.peregrine.testkit.H2Frames;
import dev.peregrine.server.Http2Options;
import dev.peregrine.server.ServerOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How an HTTP/2 connection ends: graceful stop (GOAWAY 2^31-1 + PING, then the last stream id),
 * keep-alive timeout, unacknowledged SETTINGS. Deadlines are driven by calling
 * {@link Http2Connection#tick} with a chosen time, as the heartbeat would, instead of waiting.
 */
@Timeout(30)
class Http2LifecycleTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch running = new CountDownLatch(1);
    private H2TestConnection h2;

    private H2TestConnection connect(ServerOptions options) {
        h2 = new H2TestConnection((req, res) -> {
            if (req.path().equals("/slow")) {
                running.countDown();
                assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
            }
            res.send("done " + req.path());
        }, options);
        return h2;
    }

    @AfterEach
    void stop() throws InterruptedException {
        release.countDown();
        if (h2 != null) {
            h2.close();
        }
    }

    @Test
    void gracefulStopSendsGoAwayAndPingThenTheLastStreamAndLetsItFinish() throws Exception {
        H2Client client = connect(ServerOptions.defaults()).start().client;
        client.handshake();
        client.send(headers(1, client.block(request("GET", "/slow")), true));
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();

        h2.connection.stopAcceptingRequests();
        In first = client.expect(H2Frames.GOAWAY, 0);
        assertThat(first.lastStreamId()).isEqualTo(Integer.MAX_VALUE);
        assertThat(first.errorCode()).isEqualTo(H2Client.NO_ERROR);
        In ping = client.expect(H2Frames.PING, 0);
        assertThat(ping.has(H2Frames.ACK)).isFalse();
        assertThat(client.pingRoundTrip()).as("no final GOAWAY before the PING is acknowledged").isEmpty();

        client.send(H2Frames.ping(ping.pingPayload(), true));
        In last = client.expect(H2Frames.GOAWAY, 0);
        assertThat(last.lastStreamId()).isEqualTo(1);
        assertThat(last.errorCode()).isEqualTo(H2Client.NO_ERROR);

        // A stream after the final GOAWAY is not processed...
        client.send(headers(3, client.block(request("GET", "/late")), true));
        assertThat(client.pingRoundTrip()).isEmpty();
        // ...while the one in flight finishes, and then the server closes its side.
        release.countDown();
        Response r = client.response(1);
        assertThat(r.bodyText()).isEqualTo("done /slow");
        assertThat(client.readToEnd()).isEmpty();
        client.shutdownOutput();
        h2.awaitEnd();
        assertThat(h2.metrics.requests()).isEqualTo(1);
    }

    @Test
    void gracefulStopOfAnIdleConnectionSendsTheFinalGoAwayAtOnce() throws Exception {
        H2Client client = connect(ServerOptions.defaults()).start().client;
        client.handshake();
        assertThat(client.get(1, "/a").bodyText()).isEqualTo("done /a");
        h2.connection.stopAcceptingRequests();
        List<In> rest = client.readToEnd();
        assertThat(rest).hasSize(1);
        assertThat(rest.getFirst().is(H2Frames.GOAWAY, 0)).isTrue();
        assertThat(rest.getFirst().lastStreamId()).isEqualTo(1);
        assertThat(rest.getFirst().errorCode()).isEqualTo(H2Client.NO_ERROR);
    }

    @Test
    void anIdleConnectionEndsWithGoAwayNoErrorAtTheKeepAliveTimeout() throws Exception {
        H2Client client = connect(ServerOptions.builder().keepAliveTimeout(Duration.ofSeconds(30)).build()).start().client;
        client.handshake();
        assertThat(client.get(1, "/a").bodyText()).isEqualTo("done /a");
        assertThat(client.pingRoundTrip()).isEmpty(); // our SETTINGS ACK was read too

        long now = System.nanoTime();
        h2.connection.tick(now + 5 * SECOND);
        assertThat(client.pingRoundTrip()).as("not idle long enough").isEmpty();

        h2.connection.tick(now + 31 * SECOND);
        List<In> rest = client.readToEnd();
        assertThat(rest).hasSize(1);
        In goAway = rest.getFirst();
        assertThat(goAway.is(H2Frames.GOAWAY, 0)).isTrue();
        assertThat(goAway.errorCode()).isEqualTo(H2Client.NO_ERROR);
        assertThat(goAway.lastStreamId()).isEqualTo(1);
        assertThat(h2.metrics.timedOutConnections()).isEqualTo(1);
    }

    @Test
    void aStreamInFlightIsNotIdle() throws Exception {
        H2Client client = connect(ServerOptions.builder().keepAliveTimeout(Duration.ofSeconds(30)).build()).start().client;
        client.handshake();
        client.send(headers(1, client.block(request("GET", "/slow")), true));
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        h2.connection.tick(System.nanoTime() + 60 * SECOND);
        assertThat(client.pingRoundTrip()).isEmpty();
        release.countDown();
        assertThat(client.response(1).bodyText()).isEqualTo("done /slow");
    }

    @Test
    void settingsNotAcknowledgedInTimeEndWithSettingsTimeout() throws Exception {
        Http2Options options = Http2Options.builder().settingsTimeout(Duration.ofSeconds(5)).build();
        H2Client client = connect(ServerOptions.builder().http2(options).build()).start().client;
        client.send(H2Frames.preface(), H2Frames.settings());
        client.expect(H2Frames.SETTINGS, 0);
        client.readUntil(f -> f.type() == H2Frames.SETTINGS && f.has(H2Frames.ACK), "SETTINGS ACK");
        long now = System.nanoTime();
        h2.connection.tick(now);
        assertThat(client.pingRoundTrip()).isEmpty();

        h2.connection.tick(now + 6 * SECOND);
        List<In> rest = client.readToEnd();
        assertThat(rest).hasSize(1);
        assertThat(rest.getFirst().is(H2Frames.GOAWAY, 0)).isTrue();
        assertThat(rest.getFirst().errorCode()).isEqualTo(H2Client.SETTINGS_TIMEOUT);
        assertThat(h2.metrics.timedOutConnections()).isEqualTo(1);
    }

    /** The heartbeat ticks every second, within the 2 s the client is given to close: one timeout, one GOAWAY. */
    @Test
    void theSettingsTimeoutFiresOnceWhileTheClientIsGivenTimeToClose() throws Exception {
        Http2Options options = Http2Options.builder().settingsTimeout(Duration.ofSeconds(1)).build();
        H2Client client = connect(ServerOptions.builder().http2(options).build()).start().client;
        client.send(H2Frames.preface(), H2Frames.settings());
        client.readUntil(f -> f.type() == H2Frames.SETTINGS && f.has(H2Frames.ACK), "SETTINGS ACK");
        long now = System.nanoTime();
        h2.connection.tick(now + 1100 * 1_000_000L);
        h2.connection.tick(now + 1200 * 1_000_000L);
        List<In> rest = client.readToEnd();
        assertThat(rest).hasSize(1);
        assertThat(rest.getFirst().errorCode()).isEqualTo(H2Client.SETTINGS_TIMEOUT);
        assertThat(h2.metrics.timedOutConnections()).isEqualTo(1);
    }

    @Test
    void acknowledgedSettingsDoNotTimeOut() throws Exception {
        Http2Options options = Http2Options.builder().settingsTimeout(Duration.ofSeconds(5)).build();
        H2Client client = connect(ServerOptions.builder().http2(options).build()).start().client;
        client.handshake();
        assertThat(client.pingRoundTrip()).isEmpty();
        h2.connection.tick(System.nanoTime() + 6 * SECOND);
        assertThat(client.pingRoundTrip()).isEmpty();
        assertThat(client.get(1, "/a").bodyText()).isEqualTo("done /a");
    }

    /**
     * The heartbeat may tick a connection the server has installed but whose thread has not sent
     * the preface yet: that is not a SETTINGS sent long ago.
     */
    @Test
    void aTickBeforeThePrefaceIsSentDoesNotTimeOutTheSettings() throws Exception {
        connect(ServerOptions.defaults());
        h2.connection.tick(System.nanoTime());
        H2Client client = h2.start().client;
        client.handshake();
        assertThat(client.pingRoundTrip()).isEmpty();
        assertThat(client.get(1, "/a").bodyText()).isEqualTo("done /a");
    }
}
