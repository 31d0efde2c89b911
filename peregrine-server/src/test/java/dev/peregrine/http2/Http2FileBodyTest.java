package dev.peregrine.http2;

import static dev.peregrine.http2.H2Client.headers;
import static dev.peregrine.http2.H2Client.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.Handler;
import dev.peregrine.http2.H2Client.In;
import dev.peregrine.http2.H2Client.Response;
import dev.peregrine.http2.frame.Http2ErrorCode;
import dev.peregrine.http2.frame.Http2Settings;
import dev.peregrine.server.ServerOptions;
import dev.peregrine.testkit.H2Frames;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Response.sendFile} over HTTP/2, frame by frame: the writer reads the region itself into
 * its direct staging buffer ({@link FileStage}), within the flow-control windows (RFC 9113
 * §6.9), beside other streams, and a file that ends early or a client's reset fails the
 * handler's call and resets or ends the stream without a truncated body passing for a whole one.
 */
@Timeout(30)
class Http2FileBodyTest {

    @TempDir
    Path dir;
    private H2TestConnection h2;
    private H2Client client;
    /** What the file handler's sendFile threw, or null once it returned. */
    private final CompletableFuture<Throwable> sendFileOutcome = new CompletableFuture<>();

    @BeforeEach
    void writeFiles() throws IOException {
        Files.write(dir.resolve("big.bin"), random(300_007, 1));
        Files.write(dir.resolve("short.bin"), random(40_000, 2));
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (h2 != null) {
            h2.close();
        }
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /**
     * {@code /big.bin} and {@code /short.bin} as file bodies; {@code /short.bin?lie} declares
     * 20,000 octets more than the file holds; anything else is a small text answer.
     */
    private Handler files() {
        return (req, res) -> {
            if (req.path().equals("/mapped")) { // Response.send(ByteBuffer): copied into DATA frames
                try (FileChannel ch = FileChannel.open(dir.resolve("big.bin"))) {
                    res.send(ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()));
                }
                return;
            }
            if (!req.path().endsWith(".bin")) {
                res.send("small " + req.path());
                return;
            }
            long extra = "lie".equals(req.query()) ? 20_000 : 0;
            try (FileChannel ch = FileChannel.open(dir.resolve(req.path().substring(1)))) {
                res.sendFile(ch, 0, ch.size() + extra);
                sendFileOutcome.complete(null);
            } catch (IOException | RuntimeException e) {
                sendFileOutcome.complete(e);
                throw e;
            }
        };
    }

    private void start(long... clientSettings) throws IOException {
        h2 = new H2TestConnection(files(), ServerOptions.defaults()).start();
        client = h2.client;
        client.handshake(clientSettings);
    }

    private static int dataBytes(List<In> frames, int streamId) {
        return frames.stream().filter(f -> f.is(H2Frames.DATA, streamId)).mapToInt(f -> f.frame().payload().length).sum();
    }

    /** GET on stream 1 with stream and connection windows of 1 GiB: flow control never waits. */
    private Response getWithOpenWindows(String path) throws Exception {
        start(Http2Settings.INITIAL_WINDOW_SIZE, 1 << 30);
        client.send(H2Frames.windowUpdate(0, (1 << 30) - 65_535));
        return client.get(1, path);
    }

    @Test
    void aFileBodyArrivesWholeFromTheDirectStageInFramesThePeerAllows() throws Exception {
        Response r = getWithOpenWindows("/big.bin");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-length")).isEqualTo("300007");
        assertThat(r.body.toByteArray()).isEqualTo(Files.readAllBytes(dir.resolve("big.bin")));
        assertThat(r.frames).filteredOn(f -> f.type() == H2Frames.DATA)
                .allSatisfy(f -> assertThat(f.frame().payload().length).isLessThanOrEqualTo(16_384));
        assertThat(r.ended).isTrue();
        assertThat(sendFileOutcome.get(5, TimeUnit.SECONDS)).isNull();
        // The body left from the writer's direct stage, not copied through the heap buffers.
        assertThat(h2.transport.directBytesWritten()).isGreaterThanOrEqualTo(300_007);
    }

    @Test
    void aBufferBodyArrivesWholeWithItsLength() throws Exception {
        Response r = getWithOpenWindows("/mapped");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-length")).isEqualTo("300007");
        assertThat(r.body.toByteArray()).isEqualTo(Files.readAllBytes(dir.resolve("big.bin")));
        assertThat(r.ended).isTrue();
    }

    @Test
    void aFileBodyWaitsForTheStreamWindow() throws Exception {
        start(Http2Settings.INITIAL_WINDOW_SIZE, 1000);
        client.send(headers(1, client.block(request("GET", "/short.bin")), true));
        List<In> first = client.readUntil(f -> f.is(H2Frames.DATA, 1), "first DATA");
        first.addAll(client.pingRoundTrip());
        assertThat(dataBytes(first, 1)).as("exactly the 1,000-octet window").isEqualTo(1000);
        assertThat(sendFileOutcome).as("sendFile blocks while the window is shut").isNotDone();

        client.send(H2Frames.windowUpdate(1, 39_000));
        Response rest = client.response(1);
        byte[] all = Files.readAllBytes(dir.resolve("short.bin"));
        assertThat(rest.body.toByteArray()).isEqualTo(Arrays.copyOfRange(all, 1000, all.length));
        assertThat(rest.ended).isTrue();
        assertThat(sendFileOutcome.get(5, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void aSmallResponseIsNotHeldBehindAStalledFileBody() throws Exception {
        start(Http2Settings.INITIAL_WINDOW_SIZE, 16_384);
        client.send(headers(1, client.block(request("GET", "/big.bin")), true));
        client.readUntil(f -> f.is(H2Frames.DATA, 1), "the file's first DATA");

        Response small = client.get(3, "/other");
        assertThat(small.bodyText()).isEqualTo("small /other");
        assertThat(sendFileOutcome).isNotDone();

        client.send(H2Frames.windowUpdate(1, 300_007 - 16_384), H2Frames.windowUpdate(0, 1 << 20));
        Response big = client.response(1);
        assertThat(big.ended).isTrue();
        assertThat(sendFileOutcome.get(5, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void aFileThatEndsEarlyResetsTheStreamAndFailsSendFile() throws Exception {
        start(Http2Settings.INITIAL_WINDOW_SIZE, 1 << 30);
        client.send(H2Frames.windowUpdate(0, (1 << 30) - 65_535));
        Response r = client.get(1, "/short.bin?lie");

        assertThat(r.header("content-length")).isEqualTo("60000");
        assertThat(r.ended).as("no END_STREAM on a short body").isFalse();
        assertThat(r.resetCode).isEqualTo(Http2ErrorCode.INTERNAL_ERROR.code());
        byte[] all = Files.readAllBytes(dir.resolve("short.bin"));
        assertThat(r.body.toByteArray()).isEqualTo(Arrays.copyOf(all, r.body.size()));
        assertThat(sendFileOutcome.get(5, TimeUnit.SECONDS)).isInstanceOf(EOFException.class);

        assertThat(client.get(3, "/after").bodyText()).as("the connection still serves").isEqualTo("small /after");
    }

    @Test
    void aClientResetDuringAFileBodyFailsSendFile() throws Exception {
        start(Http2Settings.INITIAL_WINDOW_SIZE, 1000);
        client.send(headers(1, client.block(request("GET", "/big.bin")), true));
        client.readUntil(f -> f.is(H2Frames.DATA, 1), "first DATA");
        client.send(H2Frames.rstStream(1, Http2ErrorCode.CANCEL.code()));

        assertThat(sendFileOutcome.get(5, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
        List<In> after = client.pingRoundTrip();
        assertThat(after).as("nothing more on the reset stream").noneMatch(f -> f.streamId() == 1);
        assertThat(client.get(3, "/after").bodyText()).isEqualTo("small /after");
    }
}
