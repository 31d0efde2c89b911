package dev.peregrine.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.Handler;
import dev.peregrine.server.Http2Options;
import dev.peregrine.server.ServerOptions;
import dev.peregrine.server.internal.BufferPool;
import dev.peregrine.server.internal.CoarseClock;
import dev.peregrine.server.internal.ProtocolSelection;
import dev.peregrine.server.internal.DateCache;
import dev.peregrine.server.internal.Instrumentation;
import dev.peregrine.server.internal.ServerContext;
import dev.peregrine.transport.InMemoryConnection;
import java.time.Duration;

/**
 * One {@link Http2Connection} over an {@link InMemoryConnection}, no sockets and no heartbeat:
 * the test is the client ({@link #client}) and calls {@link Http2Connection#tick} itself with the
 * time it wants. Built unstarted, so a test can act before {@link #start}.
 */
final class H2TestConnection implements AutoCloseable {

    final InMemoryConnection transport = new InMemoryConnection();
    final Instrumentation metrics = new Instrumentation();
    final ServerOptions options;
    final Http2Connection connection;
    final H2Client client = H2Client.over(transport);
    private Thread thread;

    H2TestConnection(Handler handler, ServerOptions options) {
        this(handler, options, CoarseClock.system());
    }

    /** With the test's {@code clock}: what the connection and its streams stamp is the test's time. */
    H2TestConnection(Handler handler, ServerOptions options, CoarseClock clock) {
        this.options = options;
        ServerContext context = new ServerContext(options, handler, new DateCache(),
                new BufferPool(options.readBufferBytes(), 4), metrics, null, clock, ProtocolSelection.of(options), null);
        this.connection = new Http2Connection(1, transport, context, null, 0);
    }

    H2TestConnection(Handler handler, Http2Options h2) {
        this(handler, ServerOptions.builder().http2(h2).build());
    }

    H2TestConnection(Handler handler) {
        this(handler, ServerOptions.defaults());
    }

    /** Runs the connection's reader loop on a virtual thread, as the server does. */
    H2TestConnection start() {
        thread = Thread.ofVirtual().name("h2-test-connection").start(connection::process);
        return this;
    }

    /** Waits (bounded) until the connection's reader loop has returned. */
    void awaitEnd() throws InterruptedException {
        assertThat(thread.join(Duration.ofSeconds(5))).as("the connection ended").isTrue();
    }

    @Override
    public void close() throws InterruptedException {
        transport.close();
        if (thread != null) {
            awaitEnd();
        }
    }
}
