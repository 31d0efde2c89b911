package dev.peregrine.http2;

import static dev.peregrine.http2.H2Client.headers;
import static dev.peregrine.http2.H2Client.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.peregrine.http2.H2Client.In;
import dev.peregrine.server.Http2Options;
import dev.peregrine.server.ServerOptions;
import dev.peregrine.server.TimeoutKind;
import dev.peregrine.server.internal.CoarseClock;
import dev.peregrine.testkit.H2Frames;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The minimum request-body data rate on HTTP/2 streams (issue 7; the slow-upload kin of the
 * "data dribble", CVE-2019-9511): {@code minRequestBodyBytesPerSecond} after
 * {@code minRequestBodyRateGracePeriod}, counted per stream and only while the handler waits for
 * bytes its client could send. A stream below it is reset with RST_STREAM(CANCEL) (RFC 9113 §7,
 * §6.4) and its handler's read fails; the connection and its other streams go on.
 *
 * <p>Time is the test's: the connection's clock stands still at {@code T0} unless the test moves
 * it, and the test calls {@link Http2Connection#tick} itself, so a wait the handler begins at
 * any real moment is stamped with the test's time and nothing depends on how fast this machine is.
 */
@Timeout(30)
class Http2RequestBodyRateTest {

    private static final long RATE = 240;
    private static final Duration GRACE = Duration.ofSeconds(5);
    private static final long GRACE_NANOS = GRACE.toNanos();
    private static final long SECOND = 1_000_000_000L;
    /** Ticks and PING round trips a reset may take to show up (the handler must first start waiting). */
    private static final int MAX_TICKS = 200;

    private final long t0 = System.nanoTime();
    private final CoarseClock clock = new CoarseClock(0);
    private final CountDownLatch firstByte = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final CompletableFuture<IOException> readFailure = new CompletableFuture<>();
    private H2TestConnection h2;
    private H2Client client;

    private void start(Http2Options h2Options) throws Exception {
        clock.advance(t0);
        ServerOptions options = ServerOptions.builder().minRequestBodyBytesPerSecond(RATE)
                .minRequestBodyRateGracePeriod(GRACE).http2(h2Options).build();
        h2 = new H2TestConnection((req, res) -> {
            try (InputStream in = req.body()) {
                switch (req.path()) {
                    case "/dribble" -> {
                        assertThat(in.read()).isNotNegative();
                        firstByte.countDown();
                        try {
                            in.readAllBytes();
                        } catch (IOException e) {
                            readFailure.complete(e);
                            throw e;
                        }
                        res.send("unexpected end");
                    }
                    case "/hold" -> {
                        assertThat(release.await(20, TimeUnit.SECONDS)).isTrue();
                        res.send("read " + in.readAllBytes().length);
                    }
                    default -> res.send("read " + in.readAllBytes().length);
                }
            }
        }, options, clock).start();
        client = h2.client;
        client.handshake();
    }

    @AfterEach
    void stop() throws InterruptedException {
        release.countDown();
        if (h2 != null) {
            h2.close();
        }
    }

    private void post(int streamId, String path) throws IOException {
        client.send(headers(streamId, client.block(request("POST", path)), false));
    }

    /** Sends DATA and waits until the server's reader took it (and so stamped its arrival). */
    private void sendData(int streamId, int n, boolean end) throws Exception {
        int left = n;
        for (int i = 0; i < 100 && left > 16_384; i++) { // frames within SETTINGS_MAX_FRAME_SIZE (§4.2)
            client.send(H2Frames.data(streamId, new byte[16_384], false));
            left -= 16_384;
        }
        client.send(H2Frames.data(streamId, new byte[left], end));
        assertThat(h2.transport.awaitServerWaitingForInput(5000)).as("the server read the DATA").isTrue();
    }

    /** What the server sent in answer to what it had before a PING; asserts no stream was reset. */
    private void assertNoReset(String why) throws IOException {
        List<In> frames = client.pingRoundTrip();
        assertThat(frames).as(why).noneMatch(f -> f.type() == H2Frames.RST_STREAM);
        assertThat(h2.metrics.timeouts(TimeoutKind.REQUEST_BODY_RATE)).as(why).isZero();
    }

    /**
     * Ticks at {@code at} until stream {@code streamId} is reset: the first ticks may come before
     * its handler begins to wait (nothing is counted then), so this repeats, bounded.
     */
    private In tickUntilReset(long at, int streamId) throws IOException {
        for (int i = 0; i < MAX_TICKS; i++) {
            h2.connection.tick(at);
            for (In f : client.pingRoundTrip()) {
                if (f.type() == H2Frames.RST_STREAM) {
                    assertThat(f.streamId()).as("the reset stream").isEqualTo(streamId);
                    return f;
                }
            }
        }
        return fail("stream " + streamId + " not reset in " + MAX_TICKS + " ticks");
    }

    @Test
    void aStreamDribblingItsBodyIsResetAfterTheGracePeriodWhileAnotherStreamCompletes_rfc9113_6_4() throws Exception {
        start(Http2Options.defaults());
        post(1, "/dribble");
        sendData(1, 1, false); // one byte, then nothing
        assertThat(firstByte.await(5, TimeUnit.SECONDS)).isTrue();
        post(3, "/hold");
        sendData(3, 10, false);

        h2.connection.tick(t0 + GRACE_NANOS); // the handler waits since t0 at the earliest: within the grace
        assertNoReset("within the grace period");

        // 1 byte in grace + 1 s is far below 240 B/s.
        In reset = tickUntilReset(t0 + GRACE_NANOS + SECOND, 1);
        assertThat(reset.errorCode()).isEqualTo(H2Client.CANCEL);
        assertThat(readFailure.get(5, TimeUnit.SECONDS)).as("the handler's read failed")
                .hasMessageContaining("slower than 240 bytes/s");
        assertThat(h2.metrics.timeouts(TimeoutKind.REQUEST_BODY_RATE)).isEqualTo(1);
        assertThat(h2.metrics.protocolErrors()).as("a timeout, not a protocol error").isZero();
        assertThat(h2.metrics.abusiveConnections()).isZero();

        // Stream 3 (its handler busy, not reading: not blamed) and the connection go on.
        release.countDown();
        sendData(3, 20, true);
        assertThat(client.response(3).bodyText()).isEqualTo("read 30");
        assertThat(client.get(5, "/after").bodyText()).isEqualTo("read 0");
        h2.connection.tick(t0 + GRACE_NANOS + 2 * SECOND);
        assertThat(h2.metrics.timeouts(TimeoutKind.REQUEST_BODY_RATE)).as("counted once").isEqualTo(1);
    }

    @Test
    void aHandlerThatDoesNotReadIsNotBlamedOnItsClient() throws Exception {
        start(Http2Options.defaults());
        post(1, "/hold");
        sendData(1, 1, false);
        h2.connection.tick(t0 + 100 * GRACE_NANOS); // the handler has not read for 100 grace periods
        assertNoReset("the handler, not the client, is slow");

        release.countDown();
        sendData(1, 99, true);
        assertThat(client.response(1).bodyText()).isEqualTo("read 100");
        assertThat(h2.metrics.timeouts(TimeoutKind.REQUEST_BODY_RATE)).isZero();
    }

    @Test
    void aSteadyUploadAboveTheRateCompletes() throws Exception {
        start(Http2Options.defaults());
        post(1, "/upload");
        // 512 bytes a second for three grace periods: above 240 B/s, every tick past the grace.
        long now = t0;
        for (int second = 1; second <= 15; second++) {
            now = t0 + second * SECOND;
            clock.advance(now);
            h2.connection.tick(now);
            sendData(1, 512, false);
        }
        assertNoReset("512 B/s is above 240 B/s");
        sendData(1, 0, true);
        assertThat(client.response(1).bodyText()).isEqualTo("read " + 15 * 512);
        assertThat(h2.metrics.timeouts(TimeoutKind.REQUEST_BODY_RATE)).isZero();
    }

    @Test
    void timeWithoutConnectionWindowIsNotCounted_rfc9113_6_9() throws Exception {
        // Small windows: two streams whose handlers do not read spend the whole connection window.
        start(Http2Options.builder().initialStreamWindow(65_535).initialConnectionWindow(2 * 65_535).build());
        post(1, "/dribble");
        sendData(1, 1, false);
        assertThat(firstByte.await(5, TimeUnit.SECONDS)).isTrue();
        post(3, "/hold");
        sendData(3, 65_535, false);
        post(5, "/hold");
        sendData(5, 65_535 - 1, false); // the connection window is now 0: the client cannot send on stream 1

        long later = t0 + 100 * GRACE_NANOS;
        clock.advance(later);
        h2.connection.tick(later);
        assertNoReset("the client had no window to send in");

        release.countDown(); // the handlers of streams 3 and 5 read: the connection window reopens
        sendData(3, 0, true);
        sendData(5, 0, true);
        assertThat(client.response(3).bodyText()).isEqualTo("read 65535");
        assertThat(client.response(5).bodyText()).isEqualTo("read 65534");
        // Stream 1's wait is counted again from the closed tick on: past the grace from there, it is reset.
        In reset = tickUntilReset(later + GRACE_NANOS + SECOND, 1);
        assertThat(reset.errorCode()).isEqualTo(H2Client.CANCEL);
        assertThat(h2.metrics.timeouts(TimeoutKind.REQUEST_BODY_RATE)).isEqualTo(1);
    }
}
