package dev.peregrine.http2;

import static dev.peregrine.http2.H2Client.headers;
import static dev.peregrine.http2.H2Client.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.http2.AttackServer.Metric;
import dev.peregrine.http2.H2Client.In;
import dev.peregrine.testkit.H2Frames;
import dev.peregrine.http2.frame.Http2Settings;
import dev.peregrine.server.Http2Options;
import dev.peregrine.server.ServerOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Clients that do not read: one that asks for acknowledgements it never takes (internal data
 * buffering, CVE-2019-9512/-9515's queue), and one that keeps its flow-control window shut
 * (zero-window slow read, CVE-2019-9511/-9517's kin). Each with a legitimate client served
 * at the same time.
 */
@Timeout(60)
class SlowReaderAttackTest {

    private AttackServer target;

    @AfterEach
    void stop() {
        if (target != null) {
            target.close();
        }
    }

    @Test
    void aClientThatNeverReadsItsPingAcksIsDisconnectedNotQueuedFor() throws Exception {
        // The PING budget is out of the way: only the queue of unsent acknowledgements can stop it.
        target = new AttackServer(Http2Options.builder()
                .maxControlFramesPerSecond(1_000_000)
                .maxQueuedControlBytes(1024)
                .build());
        Map<Metric, Long> before = target.snapshot();
        AttackServer.LegitClient legit = target.legit().connect().start(20);
        H2Client attacker = target.attacker(4096);
        attacker.handshake();

        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        for (int j = 0; j < 1000; j++) {
            batch.writeBytes(H2Frames.ping(j, false));
        }
        byte[] pings = batch.toByteArray();
        long sent = 0;
        long deadline = System.nanoTime() + AttackServer.ATTACK_WAIT.toNanos();
        try {
            // 50 MB of PINGs at most; the server must close long before (and the write then fails).
            for (int i = 0; i < 3_000 && System.nanoTime() - deadline < 0; i++) {
                attacker.send(pings);
                sent += 1000;
            }
        } catch (IOException expected) {
            // the server closed the connection
        }
        long acks = 0;
        boolean closed = false;
        for (int n = 0; n < 5_000_000 && System.nanoTime() - deadline < 0; n++) {
            In f = attacker.read();
            if (f == null) {
                closed = true;
                break;
            }
            if (f.type() == H2Frames.PING) {
                acks++;
            }
        }
        legit.finish();
        assertThat(closed).as("the server closed the connection (sent " + sent + " PINGs)").isTrue();
        assertThat(acks).as("acknowledgements were dropped, not queued").isLessThan(sent);
        assertThat(target.delta(before, Metric.ABUSIVE)).isEqualTo(1);
    }

    @ParameterizedTest(name = "grace {0} ms")
    @ValueSource(ints = {1000, 500})
    void aStreamWhoseWindowStaysShutIsCancelledAfterTheGracePeriod(int graceMillis) throws Exception {
        target = new AttackServer(ServerOptions.builder()
                .minRequestBodyRateGracePeriod(Duration.ofMillis(graceMillis))
                .build());
        Map<Metric, Long> before = target.snapshot();
        AttackServer.LegitClient legit = target.legit().connect().start(20);
        H2Client attacker = target.attacker();
        attacker.handshake(Http2Settings.INITIAL_WINDOW_SIZE, 0);
        attacker.send(headers(1, attacker.block(request("GET", "/big")), true));

        List<In> frames = attacker.readUntil(f -> f.is(H2Frames.RST_STREAM, 1), "the stream's reset");
        In head = frames.getFirst();
        assertThat(head.is(H2Frames.HEADERS, 1)).as(frames.toString()).isTrue();
        assertThat(head.status()).isEqualTo(200);
        assertThat(frames).as("no data through a zero window").noneMatch(f -> f.type() == H2Frames.DATA);
        assertThat(frames.getLast().errorCode()).isEqualTo(H2Client.CANCEL);
        legit.finish();

        // Only the stream: the connection goes on.
        assertThat(attacker.pingRoundTrip()).isEmpty();
        assertThat(target.delta(before, Metric.STREAM_RESETS)).isGreaterThanOrEqualTo(1);
        assertThat(target.delta(before, Metric.TIMED_OUT)).isEqualTo(1);
        assertThat(target.delta(before, Metric.ABUSIVE)).isZero();
    }
}
