package dev.peregrine.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The heartbeat's side of the deadlines: only the deadline it observed may expire (issue 10),
 * with each interleaving of heartbeat and connection thread forced step by step.
 */
class TimeoutControlTest {

    private static final long S = 1_000_000_000L;
    private final TimeoutControl t = new TimeoutControl();

    @Test
    void aMissedDeadlineExpiresOnceAndIsThenGone() {
        t.arm(TimeoutControl.Reason.KEEP_ALIVE, 0, 5 * S);
        assertThat(t.expire(4 * S)).isNull();
        assertThat(t.expire(5 * S)).isEqualTo(TimeoutControl.Reason.KEEP_ALIVE);
        assertThat(t.expire(6 * S)).as("expired means disarmed").isNull();
    }

    @Test
    void aDeadlineArmedAfterTheHeartbeatLookedIsNotErased() {
        t.arm(TimeoutControl.Reason.KEEP_ALIVE, 0, 5 * S);
        long observed = t.observe(5 * S); // the heartbeat sees the keep-alive deadline missed...
        assertThat(observed).isNotNegative();
        t.arm(TimeoutControl.Reason.REQUEST_HEADERS, 5 * S, 30 * S); // ...a request begins meanwhile...
        assertThat(t.claim(observed)).as("the stale deadline cannot be claimed").isFalse();
        // ...and the slowloris deadline armed after the heartbeat looked still stands.
        assertThat(t.expire(10 * S)).isNull();
        assertThat(t.expire(35 * S)).isEqualTo(TimeoutControl.Reason.REQUEST_HEADERS);
    }

    @Test
    void aDisarmAfterTheHeartbeatLookedWins() {
        t.arm(TimeoutControl.Reason.REQUEST_HEADERS, 0, S);
        long observed = t.observe(2 * S);
        t.disarm(); // the head completed just in time
        assertThat(t.claim(observed)).isFalse();
        assertThat(t.expire(3 * S)).isNull();
    }

    @Test
    void anUnarmedConnectionHasNothingToObserve() {
        assertThat(t.observe(Long.MAX_VALUE - 1)).isEqualTo(-1);
        t.arm(TimeoutControl.Reason.KEEP_ALIVE, 0, S);
        t.disarm();
        assertThat(t.observe(10 * S)).isEqualTo(-1);
    }

    @Test
    void aWriteMustFinishWithinTheGracePlusItsSizeAtTheMinimumRate() {
        t.startWriteRate(1000, S); // 1000 B/s, 1 s grace
        t.writeStarted(0, 4000); // 4000 bytes: 1 s + 4 s
        assertThat(t.expire(4 * S)).isNull();
        assertThat(t.expire(5 * S)).isEqualTo(TimeoutControl.Reason.WRITE_DATA_RATE);
        t.writeEnded();
        assertThat(t.expire(100 * S)).as("no write in progress, nobody to blame").isNull();
    }

    @Test
    void noWriteDeadlineWhenTheRateIsDisabled() {
        t.startWriteRate(0, S);
        t.writeStarted(0, 1 << 30);
        assertThat(t.expire(Long.MAX_VALUE / 2)).isNull();
    }
}
