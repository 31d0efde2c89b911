package dev.peregrine.server;

import dev.peregrine.server.internal.CoarseClock;
import dev.peregrine.server.internal.DateCache;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The server's one clock: once a second it refreshes the cached {@code Date} header and asks
 * every connection whether a deadline was missed. One thread for the whole server instead of a
 * timer per connection keeps 10,000 idle connections free of scheduler entries.
 */
final class Heartbeat implements Runnable {

    private static final System.Logger LOG = System.getLogger(Heartbeat.class.getName());
    static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final DateCache dateCache;
    private final CoarseClock clock;
    private final ConnectionManager connections;
    private final Runnable extra;
    private final Thread thread;
    private volatile boolean running = true;

    Heartbeat(DateCache dateCache, CoarseClock clock, ConnectionManager connections, Runnable extra) {
        this.dateCache = dateCache;
        this.clock = clock;
        this.connections = connections;
        this.extra = extra;
        this.thread = Thread.ofPlatform().daemon().name("peregrine-heartbeat").unstarted(this);
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        long next = System.nanoTime() + INTERVAL_NANOS;
        while (running) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    if (!running) {
                        return;
                    }
                }
            }
            next += INTERVAL_NANOS;
            tickOnce(System.nanoTime());
        }
    }

    void tickOnce(long now) {
        try {
            clock.advance(now);
            dateCache.refresh(Instant.now());
            connections.tick(now);
            extra.run();
        } catch (RuntimeException e) {
            // A bug in one connection's tick must not stop the clock for all of them.
            LOG.log(System.Logger.Level.ERROR, "heartbeat tick failed", e);
        }
    }

    void stop() {
        running = false;
        thread.interrupt();
    }
}
