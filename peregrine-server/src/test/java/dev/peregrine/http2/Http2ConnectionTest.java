package dev.peregrine.http2;

import static dev.peregrine.http2.H2Client.headers;
import static dev.peregrine.http2.H2Client.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.Handler;
import dev.peregrine.http2.H2Client.In;
import dev.peregrine.http2.H2Client.Response;
import dev.peregrine.testkit.H2Frames;
import dev.peregrine.http2.frame.Http2Settings;
import dev.peregrine.server.Http2Options;
import dev.peregrine.server.ServerOptions;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP/2 connection driven frame by frame over an in-memory transport: scripted client bytes
 * in, the server's exact frames out (Kestrel's Http2ConnectionTests are the model).
 */
@Timeout(30)
class Http2ConnectionTest {

    private H2TestConnection h2;
    private H2Client client;
    /** Released by tests whose handlers wait; always released at the end. */
    private final CountDownLatch release = new CountDownLatch(1);

    private H2Client start(Handler handler, Http2Options options) {
        return start(handler, ServerOptions.builder().http2(options).build());
    }

    private H2Client start(Handler handler, ServerOptions options) {
        h2 = new H2TestConnection(handler, options).start();
        client = h2.client;
        return client;
    }

    private H2Client start(Handler handler) {
        return start(handler, ServerOptions.defaults());
    }

    @AfterEach
    void stop() throws InterruptedException {
        release.countDown();
        if (h2 != null) {
            h2.close();
        }
    }

    private void await(CountDownLatch latch) throws InterruptedException {
        assertThat(latch.await(5, TimeUnit.SECONDS)).as("latch").isTrue();
    }

    private void awaitRelease() {
        try {
            assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static Handler hello() {
        return (req, res) -> res.send("hi " + req.path());
    }

    private static Handler echo() {
        return (req, res) -> res.send(req.bodyBytes());
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static boolean isWindowUpdate(In f) {
        return f.type() == H2Frames.WINDOW_UPDATE;
    }

    // ---------------------------------------------------------------- preface, SETTINGS, PING

    @Test
    void serverPrefaceAdvertisesTheDefaultsAndRaisesTheConnectionWindow() throws Exception {
        List<In> first = start(hello()).handshake();
        Map<Integer, Long> settings = first.get(0).settings();
        assertThat(settings).containsOnly(
                Map.entry(Http2Settings.MAX_CONCURRENT_STREAMS, 100L),
                Map.entry(Http2Settings.INITIAL_WINDOW_SIZE, 768L * 1024),
                Map.entry(Http2Settings.MAX_HEADER_LIST_SIZE, 32L * 1024));
        In update = first.get(1);
        assertThat(update.is(H2Frames.WINDOW_UPDATE, 0)).as(update.toString()).isTrue();
        assertThat(update.increment()).isEqualTo(1024 * 1024 - 65_535);
        assertThat(first).hasSize(3); // SETTINGS, WINDOW_UPDATE, then the ACK of ours
        assertThat(first.get(2).has(H2Frames.ACK)).isTrue();
        assertThat(first.get(2).frame().payload()).isEmpty();
    }

    @Test
    void serverPrefaceFollowsTheOptions() throws Exception {
        Http2Options options = Http2Options.builder()
                .maxConcurrentStreams(7)
                .initialStreamWindow(100_000)
                .initialConnectionWindow(65_535)
                .maxFrameSize(32_768)
                .headerTableSize(8192)
                .maxHeaderListSize(2048)
                .build();
        List<In> first = start(hello(), options).handshake();
        assertThat(first.get(0).settings()).containsOnly(
                Map.entry(Http2Settings.MAX_CONCURRENT_STREAMS, 7L),
                Map.entry(Http2Settings.INITIAL_WINDOW_SIZE, 100_000L),
                Map.entry(Http2Settings.MAX_HEADER_LIST_SIZE, 2048L),
                Map.entry(Http2Settings.MAX_FRAME_SIZE, 32_768L),
                Map.entry(Http2Settings.HEADER_TABLE_SIZE, 8192L));
        // The connection window is already what the options ask: no WINDOW_UPDATE.
        assertThat(first).hasSize(2);
        assertThat(first.get(1).has(H2Frames.ACK)).isTrue();
    }

    @Test
    void pingIsAnsweredWithTheSamePayload() throws Exception {
        start(hello()).handshake();
        client.send(H2Frames.ping(0x0102030405060708L, false));
        In ack = client.expect(H2Frames.PING, 0);
        assertThat(ack.has(H2Frames.ACK)).isTrue();
        assertThat(ack.pingPayload()).isEqualTo(0x0102030405060708L);
        // A PING ACK from the client is not answered; the next PING is.
        client.send(H2Frames.ping(42, true));
        assertThat(client.pingRoundTrip()).isEmpty();
    }

    // ---------------------------------------------------------------- requests and responses

    @Test
    void requestBodyAndTrailersBothWays() throws Exception {
        start((req, res) -> {
            String body = req.bodyString();
            res.trailers().set("x-digest", "d-" + req.trailers().get("x-checksum"));
            res.body().write(("got " + body).getBytes(StandardCharsets.UTF_8));
        }).handshake();
        client.send(
                headers(1, client.block(request("POST", "/upload", "content-type", "text/plain")), false),
                H2Frames.data(1, ascii("hello "), false),
                H2Frames.data(1, ascii("world"), false),
                headers(1, client.block("x-checksum", "abc"), true));
        Response r = client.response(1);
        assertThat(r.types()).containsExactly(H2Frames.HEADERS, H2Frames.DATA, H2Frames.HEADERS);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.frames.get(0).has(H2Frames.END_STREAM)).isFalse();
        assertThat(r.header("content-length")).as("trailers: no length").isNull();
        assertThat(r.bodyText()).isEqualTo("got hello world");
        assertThat(r.frames.get(1).has(H2Frames.END_STREAM)).isFalse();
        assertThat(r.frames.get(2).has(H2Frames.END_STREAM)).isTrue();
        assertThat(r.trailers).extracting(f -> f[0] + ": " + f[1]).containsExactly("x-digest: d-abc");
    }

    @Test
    void requestStartIsTheClockReadingTheServerTookBeforeTheHandler() throws Exception {
        start((req, res) -> {
            long handlerStart = System.nanoTime();
            long start = req.startNanos();
            res.send(start < handlerStart && start == req.startNanos() ? "server's" : "late or moving");
        }).handshake();
        assertThat(client.get(1, "/t").bodyText()).isEqualTo("server's");
    }

    @Test
    void responseHeadersAndBodyOfASimpleGet() throws Exception {
        start(hello()).handshake();
        Response r = client.get(1, "/a");
        assertThat(r.types()).containsExactly(H2Frames.HEADERS, H2Frames.DATA);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("content-length")).isEqualTo("5");
        assertThat(r.header("content-type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(r.header("date")).isNotNull();
        assertThat(r.bodyText()).isEqualTo("hi /a");
        assertThat(r.ended).isTrue();
        // The dynamic table is shared across responses: the second one decodes too.
        assertThat(client.get(3, "/b").bodyText()).isEqualTo("hi /b");
    }

    @ParameterizedTest
    @ValueSource(strings = {"short", "long"})
    void dataThatContradictsContentLengthResetsTheStream(String kind) throws Exception {
        start(echo()).handshake();
        int rounds = 20; // the handler is woken by the reset: it must never answer the stream instead
        for (int i = 0; i < rounds; i++) {
            int id = 2 * i + 1;
            byte[] data = kind.equals("short")
                    ? H2Frames.data(id, ascii("abc"), true)         // ends at 3 of 5
                    : H2Frames.data(id, ascii("abcdefgh"), false);  // 8 of 5, before the end
            client.send(headers(id, client.block(request("POST", "/e", "content-length", "5")), false), data);
            Response r = client.response(id);
            assertThat(r.types()).as(r.toString()).containsExactly(H2Frames.RST_STREAM);
            assertThat(r.resetCode).isEqualTo(H2Client.PROTOCOL_ERROR);
        }
        assertThat(h2.metrics.streamResets()).isEqualTo(rounds);
        assertThat(client.pingRoundTrip()).as("nothing more on the reset streams").isEmpty();
        assertThat(h2.metrics.handlerErrors()).isZero();
        // A stream error: the connection goes on.
        int next = 2 * rounds + 1;
        client.send(headers(next, client.block(request("POST", "/e", "content-length", "5")), false),
                H2Frames.data(next, ascii("fives"), true));
        Response ok = client.response(next);
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.bodyText()).isEqualTo("fives");
    }

    /** Clients end bodies with an empty DATA frame; an empty one may also come first. */
    @Test
    void emptyDataFramesAreAnEmptyPartOfTheBody() throws Exception {
        start(echo()).handshake();
        client.send(headers(1, client.block(request("POST", "/e")), false), H2Frames.data(1, new byte[0], true));
        Response empty = client.response(1);
        assertThat(empty.status()).isEqualTo(200);
        assertThat(empty.bodyText()).isEmpty();
        client.send(headers(3, client.block(request("POST", "/e")), false), H2Frames.data(3, new byte[0], false),
                H2Frames.data(3, ascii("abc"), false), H2Frames.data(3, new byte[0], true));
        assertThat(client.response(3).bodyText()).isEqualTo("abc");
        assertThat(h2.metrics.protocolErrors()).isZero();
    }

    @Test
    void cookieCrumbsAreJoinedForTheHandler() throws Exception {
        start((req, res) -> res.send(req.headers().count("cookie") + "|" + req.header("cookie"))).handshake();
        Response r = client.get(1, "/c", "cookie", "a=1", "accept", "*/*", "cookie", "b=2");
        assertThat(r.bodyText()).isEqualTo("1|a=1; b=2");
    }

    @Test
    void streamsBeyondMaxConcurrentStreamsAreRefused() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        start((req, res) -> {
            running.countDown();
            awaitRelease();
            res.send("done " + req.path());
        }, Http2Options.builder().maxConcurrentStreams(1).build()).handshake();
        client.send(headers(1, client.block(request("GET", "/first")), true));
        await(running);
        client.send(headers(3, client.block(request("GET", "/second")), true));
        Response refused = client.response(3);
        assertThat(refused.types()).containsExactly(H2Frames.RST_STREAM);
        assertThat(refused.resetCode).isEqualTo(H2Client.REFUSED_STREAM);
        release.countDown();
        Response first = client.response(1);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.bodyText()).isEqualTo("done /first");
    }

    // ---------------------------------------------------------------- flow control

    @Test
    void initialWindowSizeChangesApplyToAnOpenStream() throws Exception {
        byte[] body = new byte[100];
        Arrays.fill(body, (byte) 'x');
        CountDownLatch queued = new CountDownLatch(1);
        start((req, res) -> {
            res.send(body);
            queued.countDown();
        }).handshake(Http2Settings.INITIAL_WINDOW_SIZE, 10);
        client.send(headers(1, client.block(request("GET", "/big")), true));
        await(queued);
        List<In> first = client.readUntil(f -> f.is(H2Frames.DATA, 1), "first DATA");
        assertThat(first.getLast().frame().payload()).hasSize(10);
        assertThat(first.getLast().has(H2Frames.END_STREAM)).isFalse();
        assertThat(client.pingRoundTrip()).as("nothing past the 10-byte window").noneMatch(f -> f.type() == H2Frames.DATA);

        client.send(H2Frames.settings(Http2Settings.INITIAL_WINDOW_SIZE, 40)); // +30 for the open stream
        List<In> more = new java.util.ArrayList<>(client.readUntil(f -> f.is(H2Frames.DATA, 1), "DATA after the SETTINGS"));
        assertThat(more.getLast().frame().payload()).hasSize(30);
        List<In> after = client.pingRoundTrip();
        assertThat(after).as("nothing past the raised window").noneMatch(f -> f.type() == H2Frames.DATA);
        more.addAll(after); // the SETTINGS ACK may leave before or after the data it released
        assertThat(more).filteredOn(f -> f.type() == H2Frames.SETTINGS && f.has(H2Frames.ACK)).hasSize(1);

        client.send(H2Frames.windowUpdate(1, 60));
        In last = client.readUntil(f -> f.is(H2Frames.DATA, 1), "the rest").getLast();
        assertThat(last.frame().payload()).hasSize(60);
        assertThat(last.has(H2Frames.END_STREAM)).isTrue();
    }

    @Test
    void windowUpdatesFollowWhatTheHandlerConsumesNotWhatArrives() throws Exception {
        CountDownLatch consumed = new CountDownLatch(1);
        start((req, res) -> {
            awaitRelease();
            InputStream in = req.body();
            byte[] first = in.readNBytes(16_384);
            consumed.countDown();
            byte[] rest = in.readAllBytes();
            res.send("read " + (first.length + rest.length));
        }, Http2Options.builder().initialStreamWindow(65_535).initialConnectionWindow(65_535).build()).handshake();
        client.send(headers(1, client.block(request("POST", "/upload")), false),
                H2Frames.data(1, new byte[16_384], false));
        // Arrived, buffered, not read: no window comes back.
        assertThat(client.pingRoundTrip()).noneMatch(Http2ConnectionTest::isWindowUpdate);

        release.countDown();
        await(consumed);
        List<In> updates = new java.util.ArrayList<>(client.readUntil(f -> f.is(H2Frames.WINDOW_UPDATE, 1), "stream WINDOW_UPDATE"));
        assertThat(updates.getLast().increment()).isEqualTo(16_384);
        updates.addAll(client.pingRoundTrip());
        assertThat(updates).as("the connection window comes back too")
                .filteredOn(f -> f.is(H2Frames.WINDOW_UPDATE, 0)).singleElement()
                .extracting(In::increment).isEqualTo(16_384);

        client.send(H2Frames.data(1, ascii("x"), true));
        assertThat(client.response(1).bodyText()).isEqualTo("read 16385");
    }

    // ---------------------------------------------------------------- limits, 100-continue, HEAD, failures

    @Test
    void aHeaderListOverTheLimitGets431AndTheConnectionGoesOn() throws Exception {
        start(hello(), Http2Options.builder().maxHeaderListSize(1024).build()).handshake();
        byte[] block = H2Frames.concat(client.block(request("GET", "/big")), H2Client.literal("x-big", "a".repeat(2000)));
        client.send(headers(1, block, true));
        Response r = client.response(1);
        assertThat(r.status()).isEqualTo(431);
        assertThat(r.bodyText()).isEqualTo("Request Header Fields Too Large\n");
        assertThat(h2.metrics.badRequests()).isEqualTo(1);
        assertThat(h2.metrics.requests()).as("the handler did not run").isEqualTo(1);
        assertThat(client.get(3, "/small").bodyText()).isEqualTo("hi /small");
    }

    @Test
    void expectContinueIsAnsweredOnlyWhenTheHandlerReads() throws Exception {
        start((req, res) -> {
            if (req.path().equals("/deny")) {
                res.send(403, "no");
                return;
            }
            awaitRelease();
            res.send("got " + req.bodyString());
        }).handshake();
        client.send(headers(1, client.block(request("POST", "/read", "expect", "100-continue", "content-length", "2")), false));
        assertThat(client.pingRoundTrip()).as("no 100 before the handler reads").isEmpty();
        release.countDown();
        In cont = client.expect(H2Frames.HEADERS, 1);
        assertThat(cont.status()).isEqualTo(100);
        assertThat(cont.has(H2Frames.END_STREAM)).isFalse();
        client.send(H2Frames.data(1, ascii("ok"), true));
        Response r = client.response(1);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyText()).isEqualTo("got ok");

        client.send(headers(3, client.block(request("POST", "/deny", "expect", "100-continue", "content-length", "2")), false));
        Response denied = client.response(3);
        assertThat(denied.informational).isEmpty();
        assertThat(denied.status()).isEqualTo(403);
    }

    @Test
    void headGetsHeadersWithEndStreamAndTheLengthButNoData() throws Exception {
        start(hello()).handshake();
        client.send(headers(1, client.block(request("HEAD", "/h")), true));
        In head = client.expect(H2Frames.HEADERS, 1);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.has(H2Frames.END_STREAM)).isTrue();
        assertThat(head.field("content-length")).isEqualTo("5");
        assertThat(client.pingRoundTrip()).isEmpty();
    }

    @Test
    void aHandlerExceptionBeforeTheHeadIs500() throws Exception {
        start((req, res) -> {
            throw new IllegalStateException("boom (expected by the test)");
        }).handshake();
        Response r = client.get(1, "/boom");
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.bodyText()).isEqualTo("Internal Server Error\n");
        assertThat(r.ended).isTrue();
        assertThat(h2.metrics.handlerErrors()).isEqualTo(1);
    }

    @Test
    void aHandlerExceptionAfterTheHeadResetsTheStream() throws Exception {
        start((req, res) -> {
            if (req.path().equals("/ok")) {
                res.send("fine");
                return;
            }
            res.body().write(ascii("partial"));
            res.body().flush();
            throw new IllegalStateException("boom after the head (expected by the test)");
        }).handshake();
        Response r = client.get(1, "/boom");
        assertThat(r.frames.getLast().type()).isEqualTo(H2Frames.RST_STREAM);
        assertThat(r.resetCode).isEqualTo(H2Client.INTERNAL_ERROR);
        assertThat(r.frames).noneMatch(In::endStream);
        assertThat(client.get(3, "/ok").bodyText()).isEqualTo("fine");
    }
}
