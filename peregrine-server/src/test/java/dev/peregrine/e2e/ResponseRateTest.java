package dev.peregrine.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.Router;
import dev.peregrine.server.Server;
import dev.peregrine.server.ServerOptions;
import dev.peregrine.testkit.RawClient;
import java.io.OutputStream;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The minimum response data rate (issue 10): a client that stops reading a large response is cut
 * once a write misses its deadline, whether the body is streamed or sent with sendfile, while a
 * client reading normally on the same server is served in full. Outcomes are asserted through
 * metrics, never through how long anything took.
 */
@Timeout(60)
class ResponseRateTest {

    private static final int STREAMED = 64 * 1024 * 1024;
    private static final int FILE = 48 * 1024 * 1024;

    @TempDir
    static Path dir;
    private Server server;

    @AfterEach
    void stop() {
        E2e.stop(server);
    }

    private void start() throws Exception {
        Path file = dir.resolve("big.bin");
        if (!Files.exists(file)) {
            Files.write(file, E2e.pattern(FILE, 3));
        }
        Router router = Router.builder()
                .get("/streamed", (req, res) -> {
                    byte[] chunk = E2e.pattern(64 * 1024, 1);
                    try (OutputStream out = res.body()) {
                        for (int i = 0; i < STREAMED / chunk.length; i++) {
                            out.write(chunk);
                        }
                    }
                })
                .get("/file", (req, res) -> {
                    try (FileChannel ch = FileChannel.open(file)) {
                        res.sendFile(ch, 0, ch.size());
                    }
                })
                .get("/small", (req, res) -> res.send("small"))
                .build();
        // 1 MiB/s with 1 s of grace: a 1 MiB write may take 2 s. Loopback readers are far faster.
        server = E2e.start(router, E2e.lenient().minResponseBytesPerSecond(1024 * 1024)
                .minResponseRateGracePeriod(Duration.ofSeconds(1)).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/streamed", "/file"})
    void aReaderThatStopsReadingIsCutWhileOthersAreServed(String path) throws Exception {
        start();
        try (RawClient stalled = RawClient.tcp(server.port());
                HttpClient legit = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            stalled.channel().setOption(StandardSocketOptions.SO_RCVBUF, 4096);
            stalled.send("GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n"); // and never read a byte
            URI base = URI.create("http://127.0.0.1:" + server.port());
            for (int i = 0; i < 3; i++) {
                byte[] body = legit.send(HttpRequest.newBuilder(base.resolve(path)).build(),
                        BodyHandlers.ofByteArray()).body();
                assertThat(body.length).isEqualTo(path.equals("/file") ? FILE : STREAMED);
            }
            E2e.awaitCondition(() -> server.metrics().timedOutConnections() == 1,
                    "the stalled reader to be cut at the response rate");
            assertThat(legit.send(HttpRequest.newBuilder(base.resolve("/small")).build(), BodyHandlers.ofString())
                    .body()).isEqualTo("small");
            E2e.awaitCondition(() -> server.connectionCount() <= 1, "the stalled connection to be unregistered");
        }
        assertThat(server.metrics().timedOutConnections()).isEqualTo(1);
        assertThat(server.metrics().handlerErrors()).as("a cut client is not a handler failure").isZero();
    }
}
