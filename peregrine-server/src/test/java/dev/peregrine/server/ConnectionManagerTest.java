package dev.peregrine.server;

import dev.peregrine.server.internal.Instrumentation;
import dev.peregrine.server.internal.ProtocolConnection;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The connection manager's shutdown verbs against connections swapped while they run (issue 10:
 * a parked connection that resumes during {@code abortAll} must not serve on after it).
 */
class ConnectionManagerTest {

    /** Counts what the manager asks of it. */
    private static final class Probe implements ProtocolConnection {
        final AtomicInteger aborts = new AtomicInteger();
        final AtomicInteger stops = new AtomicInteger();

        @Override public boolean process() { return false; }
        @Override public void stopAcceptingRequests() { stops.incrementAndGet(); }
        @Override public void tick(long nowNanos) { }
        @Override public void abort() { aborts.incrementAndGet(); }
    }

    private final ConnectionManager manager = new ConnectionManager(-1, new Instrumentation());

    @Test
    void aConnectionSwappedInAfterTheAbortWalkPassedItIsAborted() {
        Probe parked = new Probe();
        assertThat(manager.register(1, parked)).isTrue();
        // The parked entry ignores the abort because it is already resuming (its closed flag is set)...
        assertThat(manager.abortAll()).isEqualTo(1);
        // ...then the resumed connection takes its place: it must be aborted, not run on.
        Probe resumed = new Probe();
        assertThat(manager.replace(1, resumed)).isTrue();
        assertThat(resumed.aborts).hasValue(1);
    }

    @Test
    void aConnectionSwappedInBeforeTheAbortIsAbortedByTheWalk() {
        manager.register(1, new Probe());
        Probe resumed = new Probe();
        manager.replace(1, resumed);
        assertThat(resumed.aborts).hasValue(0);
        manager.abortAll();
        assertThat(resumed.aborts).hasValue(1);
    }

    @Test
    void aConnectionSwappedInDuringAGracefulStopIsToldToStop() {
        manager.register(1, new Probe());
        manager.closeAllGracefully();
        Probe resumed = new Probe();
        manager.replace(1, resumed);
        assertThat(resumed.stops).hasValue(1);
        assertThat(resumed.aborts).hasValue(0);
    }

    @Test
    void replacingAConnectionThatIsGoneFails() {
        assertThat(manager.replace(7, new Probe())).isFalse();
    }
}
