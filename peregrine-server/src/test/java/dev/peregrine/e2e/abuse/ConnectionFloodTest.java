package dev.peregrine.e2e.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.server.Server;
import dev.peregrine.testkit.RawClient;
import dev.peregrine.testkit.RawResponse;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A connection flood (issue 10 §6): with {@code maxConcurrentConnections} of 16 all taken (one by
 * a keep-alive client, fifteen by idle hogs), 20,000 further connections each send a request.
 * Every one must be closed without a byte of response and counted as rejected, the keep-alive
 * client must be served throughout, nothing may pile up in the server (its connection table
 * returns to empty, the heap after GC stays near where it was), and once the hogs leave, new
 * connections are served again.
 */
@Timeout(90)
class ConnectionFloodTest {

    private static final int LIMIT = 16;
    private static final int ATTEMPTS = 20_000;
    /** Attempts in flight at once; each is a virtual thread with a blocking socket. */
    private static final int PARALLEL = 8;
    private static final byte[] REQUEST = "GET /flood HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private Server server;

    @AfterEach
    void stop() {
        Abuse.stop(server);
    }

    @Test
    void connectionsBeyondTheLimitAreRefusedAtOnceWithoutGrowthAndTheServerRecovers() throws Exception {
        Abuse.assumeFileDescriptors(2L * (LIMIT + PARALLEL) + 200);
        server = Abuse.start((req, res) -> res.send("ok " + req.path()),
                Abuse.lenient().maxConcurrentConnections(LIMIT).build());
        int port = server.port();
        long heapBefore = usedHeapAfterGc();

        AtomicLong highest = new AtomicLong();
        LegitClient legit = new LegitClient("keep-alive client", port, Duration.ofMillis(5), (c, n) -> {
            // The connection table, not activeConnections: that counter briefly counts a refused one.
            highest.accumulateAndGet(server.connectionCount(), Math::max);
            RawResponse r = c.request("GET /legit/" + n + " HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("ok /legit/" + n);
            assertThat(r.connectionClose()).isFalse();
        });
        List<RawClient> hogs = new ArrayList<>();
        try (legit) {
            legit.awaitProgress(1, Abuse.FIRE); // registered and served before the flood
            for (int i = 1; i < LIMIT; i++) {
                hogs.add(RawClient.tcp(port));
            }
            Abuse.awaitCondition(() -> server.metrics().activeConnections() == LIMIT, Abuse.FIRE,
                    () -> "the hogs to be registered: " + server.metrics());

            Queue<String> served = new ConcurrentLinkedQueue<>();
            AtomicInteger refused = new AtomicInteger();
            AtomicInteger next = new AtomicInteger();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> workers = new ArrayList<>();
                for (int w = 0; w < PARALLEL; w++) {
                    workers.add(pool.submit(() -> {
                        for (int i = next.getAndIncrement(); i < ATTEMPTS; i = next.getAndIncrement()) {
                            String outcome = attempt(port);
                            if (outcome == null) {
                                refused.incrementAndGet();
                            } else if (served.size() < 5) {
                                served.add("attempt " + i + ": " + outcome);
                            }
                        }
                        return null;
                    }));
                }
                legit.awaitProgress(10, Abuse.FIRE); // served during the flood
                for (Future<?> f : workers) {
                    f.get(60, TimeUnit.SECONDS);
                }
            }
            assertThat(served).as("connections over the limit that were not simply closed").isEmpty();
            assertThat(refused.get()).isEqualTo(ATTEMPTS);
            assertThat(server.metrics().rejectedConnections()).isEqualTo(ATTEMPTS);
            assertThat(server.metrics().activeConnections()).isEqualTo(LIMIT);
            assertThat(server.connectionCount()).isEqualTo(LIMIT);
            legit.awaitProgress(5, Abuse.FIRE); // and after it

            // Slots freed by the hogs are taken again: the server recovered.
            hogs.forEach(RawClient::close);
            Abuse.awaitCondition(() -> server.metrics().activeConnections() == 1, Abuse.FIRE,
                    () -> "the hogs to be unregistered: " + server.metrics());
            for (int i = 0; i < LIMIT - 1; i++) {
                try (RawClient c = RawClient.tcp(port)) {
                    assertThat(c.request("GET /after/" + i + " HTTP/1.1\r\nHost: t\r\n\r\n").bodyText())
                            .isEqualTo("ok /after/" + i);
                }
            }
        } finally {
            hogs.forEach(RawClient::close);
        }
        assertThat(highest.get()).as("connections open at once, seen by the legitimate client").isLessThanOrEqualTo(LIMIT);
        Abuse.awaitCondition(() -> server.metrics().activeConnections() == 0 && server.connectionCount() == 0,
                Abuse.FIRE, () -> "every connection to be unregistered: " + server.metrics());
        assertThat(server.metrics().acceptedConnections()).as("1 legitimate + 15 hogs + 15 after").isEqualTo(2L * LIMIT - 1);
        long grown = usedHeapAfterGc() - heapBefore;
        assertThat(grown).as("heap growth after 20,000 refused connections (bytes)").isLessThan(32L * 1024 * 1024);
    }

    /** One connection attempt over the limit: null if the server closed it unanswered, else what happened. */
    private static String attempt(int port) {
        try (Socket s = new Socket()) {
            try {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
            } catch (IOException e) {
                return "could not connect: " + e; // not the server refusing: the test could not attack
            }
            // Close with a reset: the server's side leaves no TIME_WAIT behind, so 20,000 attempts fit the port range.
            s.setSoLinger(true, 0);
            s.setSoTimeout(10_000);
            try {
                s.getOutputStream().write(REQUEST);
            } catch (SocketException closedAlready) {
                return null; // refused before the request was even written
            }
            InputStream in = s.getInputStream();
            int b = in.read();
            return b < 0 ? null : "served: got byte " + b;
        } catch (SocketTimeoutException e) {
            return "still open after 10 s";
        } catch (SocketException reset) {
            return null; // reset: closed with the request unread, also refused
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
