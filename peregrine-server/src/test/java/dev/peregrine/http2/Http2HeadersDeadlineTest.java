package dev.peregrine.http2;

import static dev.peregrine.http2.H2Client.headers;
import static dev.peregrine.http2.H2Client.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.http2.H2Client.In;
import dev.peregrine.server.ServerOptions;
import dev.peregrine.server.TimeoutKind;
import dev.peregrine.testkit.H2Frames;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The request-headers deadline on a connection that already has a stream open (issue 7): stream
 * 1's handler is busy, and what the client sends next is trickled. A field block (RFC 9113 §4.3,
 * §6.10) or a frame other than DATA left incomplete is held to {@code requestHeadersTimeout};
 * DATA and streams merely waiting for their handlers are not. Time is the test's: it calls
 * {@link Http2Connection#tick} with instants before and after the deadline, bracketed by clock
 * reads taken before the bytes were sent and after the server had read them, so nothing depends
 * on how fast this machine is.
 */
@Timeout(30)
class Http2HeadersDeadlineTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final long TIMEOUT_NANOS = TIMEOUT.toNanos();

    private final CountDownLatch running = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private H2TestConnection h2;
    private H2Client client;

    @BeforeEach
    void start() throws Exception {
        h2 = new H2TestConnection((req, res) -> {
            switch (req.path()) {
                case "/busy" -> {
                    running.countDown();
                    assertThat(release.await(20, TimeUnit.SECONDS)).isTrue();
                    res.send("done");
                }
                case "/upload" -> {
                    running.countDown();
                    try (InputStream in = req.body()) {
                        res.send("read " + in.readAllBytes().length);
                    }
                }
                default -> res.send("ok " + req.path());
            }
        }, ServerOptions.builder().requestHeadersTimeout(TIMEOUT)
                // Off: a DATA frame trickled while /upload's handler waits is the body rate's to cut
                // (Http2RequestBodyRateTest); here only the headers deadline is watched.
                .minRequestBodyBytesPerSecond(0).build()).start();
        client = h2.client;
        client.handshake();
    }

    @AfterEach
    void stop() throws InterruptedException {
        release.countDown();
        h2.close();
    }

    /** Stream 1 open, its handler running (so the connection is not idle). */
    private void openBusyStream() throws Exception {
        client.send(headers(1, client.block(request("GET", "/busy")), true));
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
    }

    /** Sends bytes and waits until the server has read them all and waits for more; returns a clock read from before the send. */
    private long trickle(byte[] bytes) throws Exception {
        long before = System.nanoTime();
        client.send(bytes);
        assertThat(h2.transport.awaitServerWaitingForInput(5000)).as("the server read the bytes").isTrue();
        return before;
    }

    /** Past the deadline: GOAWAY(ENHANCE_YOUR_CALM) naming stream 1 as the last processed, then the end. */
    private void assertCutAfterTheDeadline(long before) throws Exception {
        assertCutAt(before, System.nanoTime() + TIMEOUT_NANOS + 1);
    }

    /** Not cut at {@code before} + the timeout (what is held began after it); cut at {@code cutAt}. */
    private void assertCutAt(long before, long cutAt) throws Exception {
        h2.connection.tick(before + TIMEOUT_NANOS);
        assertThat(h2.metrics.timeouts(TimeoutKind.REQUEST_HEADERS)).as("before the deadline").isZero();

        long after = System.nanoTime();
        h2.connection.tick(cutAt);
        List<In> rest = client.readToEnd();
        assertThat(rest).as("frames before the server closed").hasSize(1);
        In goAway = rest.getFirst();
        assertThat(goAway.is(H2Frames.GOAWAY, 0)).as(goAway.toString()).isTrue();
        assertThat(goAway.errorCode()).isEqualTo(H2Client.ENHANCE_YOUR_CALM);
        assertThat(goAway.lastStreamId()).as("stream 3 was never processed").isEqualTo(1);
        h2.awaitEnd(); // closed at once, stream 1 still in its handler
        assertThat(h2.metrics.timeouts(TimeoutKind.REQUEST_HEADERS)).isEqualTo(1);
        assertThat(h2.metrics.timedOutConnections()).isEqualTo(1);
        assertThat(h2.metrics.protocolErrors()).as("a timeout, not a protocol error").isZero();
        assertThat(h2.metrics.abusiveConnections()).as("nor an abuse budget spent").isZero();
        h2.connection.tick(after + 2 * TIMEOUT_NANOS);
        assertThat(h2.metrics.timeouts(TimeoutKind.REQUEST_HEADERS)).as("counted once").isEqualTo(1);
    }

    @Test
    void aFieldBlockAwaitingContinuationIsCutAtTheDeadlineWhileAnotherStreamIsOpen_rfc9113_6_10() throws Exception {
        openBusyStream();
        byte[] block = client.block(request("GET", "/late"));
        long before = trickle(H2Frames.headers(3, Arrays.copyOf(block, 2))); // no END_HEADERS
        long blockBegun = System.nanoTime();
        // CONTINUATION frames that keep coming, each begun after `blockBegun`, do not restart the block's clock.
        trickle(H2Frames.continuation(3, Arrays.copyOfRange(block, 2, 3), false));
        trickle(Arrays.copyOf(H2Frames.continuation(3, Arrays.copyOfRange(block, 3, block.length), true), 11));
        assertCutAt(before, blockBegun + TIMEOUT_NANOS + 1);
    }

    @Test
    void aHeadersFrameLeftIncompleteIsCutAtTheDeadlineWhileAnotherStreamIsOpen() throws Exception {
        openBusyStream();
        byte[] frame = headers(3, client.block(request("GET", "/late")), true);
        long before = trickle(Arrays.copyOf(frame, 12)); // the 9-octet header and 3 octets of the block
        trickle(Arrays.copyOfRange(frame, 12, 13));
        assertCutAfterTheDeadline(before);
    }

    @Test
    void aFrameHeaderLeftIncompleteIsHeldTooWhateverFrameItBegins() throws Exception {
        openBusyStream();
        long before = trickle(Arrays.copyOf(headers(3, client.block(request("GET", "/late")), true), 5));
        assertCutAfterTheDeadline(before);
    }

    @Test
    void aSlowDataFrameOnAnOpenStreamIsNotHeldToTheHeadersDeadline() throws Exception {
        client.send(headers(1, client.block(request("POST", "/upload")), false));
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        byte[] data = H2Frames.data(1, new byte[100], true);
        trickle(Arrays.copyOf(data, 9 + 40)); // request content, 40 of its 100 octets
        long after = System.nanoTime();
        h2.connection.tick(after + 10 * TIMEOUT_NANOS);
        assertThat(h2.metrics.timeouts(TimeoutKind.REQUEST_HEADERS)).isZero();

        client.send(Arrays.copyOfRange(data, 9 + 40, data.length));
        assertThat(client.response(1).bodyText()).isEqualTo("read 100");
        assertThat(client.get(3, "/next").bodyText()).isEqualTo("ok /next");
    }

    @Test
    void aConnectionWhoseStreamsWaitForTheirHandlersIsNotCut() throws Exception {
        openBusyStream();
        assertThat(h2.transport.awaitServerWaitingForInput(5000)).isTrue();
        h2.connection.tick(System.nanoTime() + 10 * TIMEOUT_NANOS);
        assertThat(h2.metrics.timedOutConnections()).isZero();
        release.countDown();
        assertThat(client.response(1).bodyText()).isEqualTo("done");
    }

    @Test
    void aFieldBlockFinishedInTimeReleasesTheDeadline() throws Exception {
        openBusyStream();
        byte[] block = client.block(request("GET", "/late"));
        trickle(H2Frames.headers(3, Arrays.copyOf(block, 2)));
        trickle(H2Frames.continuation(3, Arrays.copyOfRange(block, 2, block.length), true));
        assertThat(client.response(3).bodyText()).isEqualTo("ok /late");
        h2.connection.tick(System.nanoTime() + 10 * TIMEOUT_NANOS);
        assertThat(h2.metrics.timedOutConnections()).isZero();
    }
}
