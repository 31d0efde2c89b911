package dev.peregrine.e2e.h2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.Router;
import dev.peregrine.testkit.H2Frames;
import dev.peregrine.http2.frame.Http2Settings;
import dev.peregrine.server.Http2Options;
import dev.peregrine.server.Server;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpClient.Version;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Streams of one connection do not wait for each other (fairness), and a client that does not
 * read holds its handler back rather than the server's memory (backpressure through flow control
 * and the per-stream output buffer).
 */
@Timeout(60)
class FairnessAndBackpressureTest {

    static final int MIB = 1024 * 1024;
    /** The JDK-client fairness download; its handler writes the first piece, then waits. */
    static final int LARGE = 16 * MIB;
    static final int FIRST_PIECE = MIB;
    /** The raw fairness download: far more than socket buffers and one writer batch hold. */
    static final long HUGE = 64L * MIB;
    static final int FLOOD_CHUNK = 8 * 1024;

    static Server server;
    static Router router;
    static final AtomicReference<CountDownLatch> largeStarted = new AtomicReference<>();
    static final AtomicReference<CountDownLatch> smallReceived = new AtomicReference<>();
    static final AtomicReference<CountDownLatch> largeDone = new AtomicReference<>();
    static final AtomicReference<CountDownLatch> smallHandled = new AtomicReference<>();
    static final AtomicLong hugeWritten = new AtomicLong();
    // The flooding handler's progress, its thread, and how it ended.
    static final AtomicLong flooded = new AtomicLong();
    static final AtomicReference<Thread> floodThread = new AtomicReference<>();
    static final AtomicReference<Throwable> floodFailure = new AtomicReference<>();
    static final AtomicReference<CountDownLatch> floodEnded = new AtomicReference<>();

    @BeforeAll
    static void start() throws Exception {
        router = Router.builder()
                .get("/large", (req, res) -> {
                    OutputStream out = res.body();
                    byte[] piece = new byte[FIRST_PIECE];
                    H2.fill(piece, 0, piece.length, 0, 5);
                    out.write(piece);
                    out.flush();
                    largeStarted.get().countDown();
                    boolean ordered = H2.awaitQuietly(smallReceived.get()); // the small response got through meanwhile
                    byte[] rest = new byte[64 * 1024];
                    for (long p = FIRST_PIECE; p < LARGE && ordered; p += rest.length) {
                        H2.fill(rest, 0, rest.length, p, 5);
                        out.write(rest);
                    }
                    largeDone.get().countDown();
                })
                .get("/huge", (req, res) -> {
                    res.contentLength(HUGE);
                    OutputStream out = res.body();
                    byte[] chunk = new byte[16 * 1024];
                    for (long p = 0; p < HUGE; p += chunk.length) {
                        out.write(chunk);
                        hugeWritten.addAndGet(chunk.length);
                    }
                })
                .get("/small", (req, res) -> {
                    res.send("small");
                    CountDownLatch l = smallHandled.get();
                    if (l != null) {
                        l.countDown();
                    }
                })
                .get("/flood", (req, res) -> {
                    floodThread.set(Thread.currentThread());
                    OutputStream out = res.body();
                    byte[] chunk = new byte[FLOOD_CHUNK];
                    try {
                        for (long p = 0; p < 64L * MIB; p += chunk.length) {
                            out.write(chunk);
                            flooded.addAndGet(chunk.length);
                        }
                    } catch (Throwable t) {
                        floodFailure.set(t);
                        throw t;
                    } finally {
                        floodEnded.get().countDown();
                    }
                })
                .build();
        // No minimum response rate: a client that does not read must block its handler, not lose the stream.
        server = H2.start(router, H2.options(Http2Options.builder().minResponseBytesPerSecond(0).build()));
    }

    @AfterAll
    static void stop() {
        H2.stop(server);
    }

    @AfterEach
    void releaseHandlers() {
        CountDownLatch latch = smallReceived.get();
        if (latch != null) {
            latch.countDown(); // never leave the large handler waiting
        }
    }

    // ---------------------------------------------------------------- fairness

    @Test
    void aSmallRequestCompletesWhileALargeDownloadOnTheSameConnectionIsInProgress() throws Exception {
        largeStarted.set(new CountDownLatch(1));
        smallReceived.set(new CountDownLatch(1));
        largeDone.set(new CountDownLatch(1));
        try (HttpClient c = H2.client(Version.HTTP_2)) {
            CompletableFuture<HttpResponse<InputStream>> large = c.sendAsync(
                    H2.request(H2.https(server, "/large")).build(), BodyHandlers.ofInputStream());
            H2.await(largeStarted.get(), "the large download to be under way");
            HttpResponse<InputStream> largeResponse = H2.get(large, "the large response's head");

            HttpResponse<String> small = c.send(H2.request(H2.https(server, "/small")).build(), BodyHandlers.ofString());
            assertThat(small.statusCode()).isEqualTo(200);
            assertThat(small.body()).isEqualTo("small");
            assertThat(small.version()).isEqualTo(Version.HTTP_2);
            assertThat(largeDone.get().getCount()).as("the large response is still in progress").isEqualTo(1);
            smallReceived.get().countDown();

            assertThat(largeResponse.version()).isEqualTo(Version.HTTP_2);
            try (InputStream in = largeResponse.body()) {
                assertThat(H2.sha256(in)).isEqualTo(H2.patternSha256(LARGE, 5));
            }
            H2.await(largeDone.get(), "the large handler to finish");
        }
    }

    /**
     * A busy download (its handler always has data queued, the socket is the bottleneck) does
     * not starve a small response that comes later: the writer takes turns between streams.
     * The stream output buffer is made large here so the download always has data ready: a
     * writer that served the lowest stream with data first would send all 64 MiB of stream 1
     * before the small response.
     */
    @Test
    void theWriterTakesTurnsSoASmallResponseOvertakesABusyDownload() throws Exception {
        Server busy = H2.start(router, H2.options(Http2Options.builder().minResponseBytesPerSecond(0)
                .streamOutputBufferBytes(8 * MIB).build()));
        try {
            takeTurns(busy);
        } finally {
            H2.stop(busy);
        }
    }

    private static void takeTurns(Server server) throws Exception {
        smallHandled.set(new CountDownLatch(1));
        hugeWritten.set(0);
        // Huge windows: only the socket (a client that reads slowly) limits the download.
        try (RawH2 c = RawH2.connect(server.port(), 64 * 1024, Http2Settings.INITIAL_WINDOW_SIZE, Integer.MAX_VALUE)) {
            c.send(H2Frames.windowUpdate(0, Integer.MAX_VALUE - 65_535));
            c.awaitServerSettings();
            c.send(c.get(1, "/huge"));
            H2.await("the download to fill the socket and the stream's buffer", () -> hugeWritten.get() >= 8L * MIB);
            c.send(c.get(3, "/small"));
            H2.await(smallHandled.get(), "the small handler to run beside the download");

            long hugeBytesBeforeSmallEnded = 0;
            boolean smallEnded = false;
            boolean hugeEnded = false;
            long hugeBytes = 0;
            String smallBody = "";
            while (!hugeEnded || !smallEnded) {
                RawH2.Event e = c.nextSignificant();
                assertThat(e).as("frames until both streams end").isNotNull();
                assertThat(e.type()).as("%s", e).isIn(H2Frames.HEADERS, H2Frames.DATA);
                if (e.type() == H2Frames.DATA && e.stream() == 1) {
                    hugeBytes += e.frame().payload().length;
                } else if (e.type() == H2Frames.DATA && e.stream() == 3) {
                    smallBody += new String(e.frame().payload(), java.nio.charset.StandardCharsets.US_ASCII);
                }
                if (e.endStream() && e.stream() == 3) {
                    smallEnded = true;
                    hugeBytesBeforeSmallEnded = hugeBytes;
                    assertThat(hugeEnded).as("the small response ended before the download").isFalse();
                }
                if (e.endStream() && e.stream() == 1) {
                    hugeEnded = true;
                }
            }
            assertThat(smallBody).isEqualTo("small");
            assertThat(hugeBytes).isEqualTo(HUGE);
            assertThat(hugeBytesBeforeSmallEnded).isLessThan(HUGE);
        }
    }

    // ---------------------------------------------------------------- backpressure

    /**
     * A client that opens a stream and never reads: the handler blocks in its write once the
     * stream's send window and its output buffer are full, and resumes when the window opens.
     */
    @Test
    void aClientThatNeverReadsBlocksTheHandlerWithinTheWindowAndBuffers() throws Exception {
        flooded.set(0);
        floodThread.set(null);
        floodFailure.set(null);
        floodEnded.set(new CountDownLatch(1));
        Http2Options h2 = server.options().http2();
        int window = Http2Settings.DEFAULT_INITIAL_WINDOW_SIZE; // the client sends no SETTINGS_INITIAL_WINDOW_SIZE
        long bound = window + h2.streamOutputBufferBytes() + server.options().maxResponseBufferBytes() + FLOOD_CHUNK;

        try (RawH2 c = RawH2.connect(server.port())) {
            c.awaitServerSettings();
            c.send(c.get(1, "/flood"));

            long blockedAt = awaitBlocked();
            assertThat(blockedAt).as("bytes the handler wrote before it blocked").isBetween((long) window, bound);

            // Open both windows by 1 MiB and read: the handler goes on, and the server sends exactly what the windows allow.
            AtomicLong received = new AtomicLong();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    for (RawH2.Event e; (e = c.next()) != null; ) {
                        if (e.type() == H2Frames.DATA && e.stream() == 1) {
                            received.addAndGet(e.frame().payload().length);
                        }
                    }
                } catch (IOException ignored) {
                    // the socket closes at the end of the test
                }
            });
            c.send(H2Frames.windowUpdate(0, MIB), H2Frames.windowUpdate(1, MIB));
            H2.await("the handler to go on once the window opened", () -> flooded.get() >= blockedAt + MIB / 2);
            long blockedAgain = awaitBlocked();
            assertThat(blockedAgain).isBetween(blockedAt + MIB / 2, bound + MIB);
            H2.await("the data the windows allow", () -> received.get() == window + MIB);
            assertThat(received.get()).as("DATA never exceeds the windows").isEqualTo(window + MIB);

            // The client gives up: the blocked write fails and the handler ends.
            c.send(H2Frames.rstStream(1, 0x8)); // CANCEL
            H2.await(floodEnded.get(), "the blocked handler to end");
            assertThat(floodFailure.get()).isInstanceOf(IOException.class);
            c.close();
            reader.join(H2.WAIT);
        }
    }

    /**
     * Waits until the flooding handler is parked with its count unchanged over several looks
     * (each look a bounded poll, not a timing assertion); returns the count.
     */
    private static long awaitBlocked() {
        long last = -1;
        int stable = 0;
        long end = System.nanoTime() + H2.WAIT.toNanos();
        while (stable < 10) {
            Thread t = floodThread.get();
            long now = flooded.get();
            boolean parked = t != null && t.getState() == Thread.State.WAITING;
            stable = parked && now == last ? stable + 1 : 0;
            last = now;
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("the handler never blocked in its write: wrote " + now + " bytes, "
                        + (t == null ? "not started" : t.getState() + " " + java.util.Arrays.toString(t.getStackTrace())));
            }
            H2.pause(10);
        }
        return last;
    }
}
