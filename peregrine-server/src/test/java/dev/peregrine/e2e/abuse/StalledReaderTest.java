package dev.peregrine.e2e.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.Router;
import dev.peregrine.server.Server;
import dev.peregrine.testkit.RawResponse;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Readers that never read (issue 10 §6): 50 connections ask for a 16 MiB response, half streamed
 * by the handler and half sent with sendfile, and then read nothing through a tiny receive
 * window. The minimum response data rate must cut every one of them, while a client downloading
 * the same bodies at full speed gets each of them whole. {@code e2e.ResponseRateTest} covers one
 * stalled reader per body kind; this is the many-at-once version.
 */
@Timeout(60)
class StalledReaderTest {

    private static final int READERS = 50;
    private static final int SIZE = 16 * 1024 * 1024;
    private static final int CHUNK = 64 * 1024;

    @TempDir
    Path dir;
    private Server server;

    @AfterEach
    void stop() {
        Abuse.stop(server);
    }

    @Test
    void readersThatStopReadingAreCutAtTheResponseRateWhileAFullSpeedReaderIsServed() throws Exception {
        Abuse.assumeFileDescriptors(2L * READERS + 200);
        byte[] chunk = Abuse.pattern(CHUNK, 1);
        byte[] streamed = new byte[SIZE];
        for (int off = 0; off < SIZE; off += CHUNK) {
            System.arraycopy(chunk, 0, streamed, off, CHUNK);
        }
        byte[] file = Abuse.pattern(SIZE, 2);
        Path path = Files.write(dir.resolve("big.bin"), file);
        Router router = Router.builder()
                .get("/streamed", (req, res) -> {
                    try (OutputStream out = res.body()) {
                        for (int i = 0; i < SIZE / CHUNK; i++) {
                            out.write(chunk);
                        }
                    }
                })
                .get("/file", (req, res) -> {
                    try (FileChannel ch = FileChannel.open(path)) {
                        res.sendFile(ch, 0, ch.size());
                    }
                })
                .build();
        // 1 MiB/s with 1 s of grace: a write (at most 1 MiB) may take 2 s. Loopback is far faster.
        server = Abuse.start(router, Abuse.lenient()
                .minResponseBytesPerSecond(1024 * 1024)
                .minResponseRateGracePeriod(Duration.ofSeconds(1))
                .build());

        LegitClient legit = new LegitClient("full-speed reader", server.port(), Duration.ZERO, (c, n) -> {
            boolean sendfile = n % 2 == 1;
            RawResponse r = c.request("GET /" + (sendfile ? "file" : "streamed") + " HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body().length).isEqualTo(SIZE);
            assertThat(Arrays.equals(r.body(), sendfile ? file : streamed)).as("body %d intact", n).isTrue();
            assertThat(r.connectionClose()).isFalse();
        });
        try (legit; Herd herd = Herd.connect(server.port(), READERS, 4096, false, i ->
                ("GET /" + (i % 2 == 0 ? "streamed" : "file") + " HTTP/1.1\r\nHost: t\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1))) {
            legit.awaitProgress(4, Abuse.FIRE); // whole bodies, both kinds, while all readers stall
            Abuse.awaitCondition(() -> server.metrics().timedOutConnections() == READERS, Abuse.FIRE,
                    () -> "every stalled reader to be cut: " + server.metrics());
            legit.awaitProgress(2, Abuse.FIRE);

            // Now read: what the kernel still held arrives, then the end of a response that was cut.
            herd.readAll(Abuse.FIRE.toMillis());
            assertThat(herd.open()).as("readers the server did not close: %s", herd.openOnes()).isZero();
            for (Herd.Member m : herd.members()) {
                assertThat(m.firstBytes()).as("%s", m).startsWith("HTTP/1.1 200 ");
                assertThat(m.received).as("%s: cut, so short of the whole response", m).isLessThan(SIZE);
            }
        }
        assertThat(server.metrics().timedOutConnections()).isEqualTo(READERS);
        assertThat(server.metrics().handlerErrors()).as("a cut client is not a handler failure").isZero();
        Abuse.awaitCondition(() -> server.metrics().activeConnections() == 0, Abuse.FIRE,
                () -> "every connection to be unregistered: " + server.metrics());
    }
}
