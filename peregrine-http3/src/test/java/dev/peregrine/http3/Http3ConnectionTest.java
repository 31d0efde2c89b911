package dev.peregrine.http3;

import static dev.peregrine.http3.H3TestClient.concat;
import static dev.peregrine.http3.H3TestClient.dataFrame;
import static dev.peregrine.http3.H3TestClient.frame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.api.Handler;
import dev.peregrine.api.Headers;
import dev.peregrine.http3.frame.FrameInput;
import dev.peregrine.http3.frame.FrameType;
import dev.peregrine.http3.frame.Http3ErrorCode;
import dev.peregrine.http3.frame.Http3Settings;
import dev.peregrine.http3.frame.StreamType;
import dev.peregrine.http3.frame.VarInt;
import dev.peregrine.testkit.StreamPipe;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** RFC 9114 over the in-memory multiplexed transport: the server's side of each rule. */
class Http3ConnectionTest {

    private static final Handler HELLO = (req, res) -> {
        res.headers().set("content-type", "text/plain");
        res.body().write(("hello " + req.path()).getBytes(StandardCharsets.UTF_8));
    };

    private static long code(Http3ErrorCode c) {
        return c.code();
    }

    @Test
    void serverOpensControlStreamWithSettingsFirstAndBothQpackStreams_rfc9114_6_2_1() throws Exception {
        try (H3TestClient c = new H3TestClient(HELLO)) {
            var types = new java.util.HashMap<Long, InMemoryQuic.ClientStream>();
            for (int i = 0; i < 3; i++) {
                var s = c.quic.acceptServerStream();
                FrameInput in = new FrameInput(s::read);
                long type = in.streamType();
                types.put(type, s);
                if (type == StreamType.CONTROL) {
                    assertThat(in.nextFrame()).isTrue();
                    assertThat(in.type()).isEqualTo(FrameType.SETTINGS);
                    Http3Settings settings = in.settingsPayload(1024);
                    assertThat(settings.maxFieldSectionSize()).isEqualTo(Http3Options.defaults().maxFieldSectionSize());
                    assertThat(settings.qpackMaxTableCapacity()).isEqualTo(4096);
                    assertThat(settings.qpackBlockedStreams()).isEqualTo(16);
                }
            }
            assertThat(types).containsOnlyKeys(StreamType.CONTROL, StreamType.QPACK_ENCODER, StreamType.QPACK_DECODER);
        }
    }

    @Test
    void getIsAnsweredWithHeadersDataAndFin() throws Exception {
        try (H3TestClient c = new H3TestClient(HELLO).handshake()) {
            var r = c.get("/a");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo("hello /a");
            assertThat(r.headers().get("content-length")).isEqualTo("8");
            assertThat(r.headers().get("content-type")).isEqualTo("text/plain");
            assertThat(r.headers().get("date")).isNotNull();
            assertThat(c.metrics.requests()).isEqualTo(1);
        }
    }

    @Test
    void requestsWorkBeforeTheClientsSettingsArrive_rfc9114_7_2_4_2() throws Exception {
        try (H3TestClient c = new H3TestClient(HELLO)) {
            assertThat(c.get("/early").text()).isEqualTo("hello /early");
        }
    }

    @Test
    void manyConcurrentStreamsOnOneConnection() throws Exception {
        try (H3TestClient c = new H3TestClient(HELLO).handshake()) {
            var streams = new java.util.ArrayList<InMemoryQuic.ClientStream>();
            for (int i = 0; i < 50; i++) {
                streams.add(c.send("GET", "/s" + i, null, null));
            }
            for (int i = 0; i < 50; i++) {
                assertThat(c.read(streams.get(i)).text()).isEqualTo("hello /s" + i);
            }
        }
    }

    @Test
    void postBodyAndTrailersReachTheHandlerAndTrailersGoBack_rfc9114_4_1() throws Exception {
        Handler echo = (req, res) -> {
            byte[] body = req.body().readAllBytes();
            res.trailers().set("x-checksum", "c" + body.length);
            res.headers().set("x-got-trailer", String.valueOf(req.trailers().get("x-client")));
            res.body().write(body);
        };
        try (H3TestClient c = new H3TestClient(echo).handshake()) {
            var s = c.quic.openBidi();
            Headers t = new Headers();
            t.add("x-client", "done");
            s.write(concat(c.headersFrame("POST", "/echo", null), dataFrame("abc"), dataFrame("defg"),
                    c.trailersFrame(t)), true);
            var r = c.read(s);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo("abcdefg");
            assertThat(r.trailers().get("x-checksum")).isEqualTo("c7");
        }
    }

    @Test
    void contentLengthThatDisagreesWithDataIsMalformed_rfc9114_4_1_2() throws Exception {
        Handler read = (req, res) -> res.body().write(req.body().readAllBytes());
        try (H3TestClient c = new H3TestClient(read).handshake()) {
            Headers h = new Headers();
            h.add("content-length", "10");
            var s = c.send("POST", "/", h, "short");
            assertThatThrownBy(() -> c.read(s)).isInstanceOfSatisfying(StreamPipe.AbortedException.class,
                    e -> assertThat(e.code()).isEqualTo(code(Http3ErrorCode.H3_MESSAGE_ERROR)));
            assertThat(c.get("/still").status()).isEqualTo(200);
            assertThat(c.metrics.badRequests()).as("the malformed body is counted once").isEqualTo(1);
        }
    }

    @Test
    void malformedTrailersAreAMessageErrorAndABadRequest_rfc9114_4_1_2() throws Exception {
        Handler read = (req, res) -> res.body().write(req.body().readAllBytes());
        try (H3TestClient c = new H3TestClient(read).handshake()) {
            Headers t = new Headers();
            t.add("connection", "close"); // connection-specific: malformed in any field section (§4.2)
            var s = c.quic.openBidi();
            s.write(concat(c.headersFrame("POST", "/echo", null), dataFrame("abc"), c.trailersFrame(t)), true);
            assertThatThrownBy(() -> c.read(s)).isInstanceOfSatisfying(StreamPipe.AbortedException.class,
                    e -> assertThat(e.code()).isEqualTo(code(Http3ErrorCode.H3_MESSAGE_ERROR)));
            assertThat(c.get("/still").status()).isEqualTo(200);
            assertThat(c.metrics.badRequests()).as("counted once, with the trailers' rule").isEqualTo(1);
        }
    }

    @Test
    void malformedRequestsAreStreamErrorsOfTypeMessageError_rfc9114_4_1_2() throws Exception {
        try (H3TestClient c = new H3TestClient(HELLO).handshake()) {
            for (String[] bad : new String[][] {{"connection", "close"}, {"Upper", "x"}, {"te", "gzip"},
                    {"transfer-encoding", "chunked"}}) {
                Headers h = new Headers();
                h.add(bad[0], bad[1]);
                var s = c.quic.openBidi();
                // A hand-made section: the encoder would lowercase "Upper".
                s.write(c.headersFrame("GET", "/", h), true);
                if (!bad[0].equals("Upper")) {
                    assertThatThrownBy(() -> c.read(s)).as(bad[0])
                            .isInstanceOfSatisfying(StreamPipe.AbortedException.class,
                                    e -> assertThat(e.code()).isEqualTo(code(Http3ErrorCode.H3_MESSAGE_ERROR)));
                } else {
                    assertThat(c.read(s).status()).isEqualTo(200);
                }
            }
            assertThat(c.get("/ok").status()).isEqualTo(200);
        }
    }

    @Test
    void dataBeforeHeadersClosesTheConnectionWithFrameUnexpected_rfc9114_4_1() throws Exception {
        try (H3TestClient c = new H3TestClient(HELLO).handshake()) {
            c.quic.openBidi().write(dataFrame("x"), true);
            assertThat(c.quic.awaitClose()).isEqualTo(code(Http3ErrorCode.H3_FRAME_UNEXPECTED));
            assertThat(c.metrics.protocolErrors()).isEqualTo(1);
        }
    }

    @Test
    void unknownAndReservedFrameTypesOnARequestStreamAreSkipped_rfc9114_9() throws Exception {
        try (H3TestClient c = new H3TestClient(HELLO).handshake()) {
            var s = c.quic.openBidi();
            s.write(concat(frame(0x21, new byte[5]), c.headersFrame("GET", "/x", null), frame(0x1f * 7 + 0x21, new byte[40])),
                    true);
            assertThat(c.read(s).text()).isEqualTo("hello /x");
        }
    }

    @Test
    void streamEndingBeforeHeadersIsRequestIncomplete_rfc9114_4_1() throws Exception {
        try (H3TestClient c = new H3TestClient(HELLO).handshake()) {
            var s = c.quic.openBidi();
            s.write(new byte[0], true);
            assertThatThrownBy(() -> c.read(s)).isInstanceOfSatisfying(StreamPipe.AbortedException.class,
                    e -> assertThat(e.code()).isEqualTo(code(Http3ErrorCode.H3_REQUEST_INCOMPLETE)));
        }
    }

    @Test
    void secondControlStreamIsStreamCreationError_rfc9114_6_2_1() throws Exception {
        try (H3TestClient c = new H3TestClient(HELLO).handshake()) {
            c.quic.openUni().write(concat(new byte[] {0}, frame(FrameType.SETTINGS, new byte[0])), false);
            assertThat(c.quic.awaitClose()).isEqualTo(code(Http3ErrorCode.H3_STREAM_CREATION_ERROR));
        }
    }

    @Test
    void pushStreamFromAClientIsStreamCreationError_rfc9114_6_2_2() throws Exception {
        try (H3TestClient c = new H3TestClient(HELLO).handshake()) {
            c.quic.openUni().write(new byte[] {1, 0}, false);
            assertThat(c.quic.awaitClose()).isEqualTo(code(Http3ErrorCode.H3_STREAM_CREATION_ERROR));
        }
    }

    @Test
    void controlStreamMustStartWithSettings_rfc9114_6_2_1() throws Exception {
        try (H3TestClient c = new H3TestClient(HELLO)) {
            c.quic.openUni().write(concat(new byte[] {0}, frame(FrameType.GOAWAY, new byte[] {0})), false);
            assertThat(c.quic.awaitClose()).isEqualTo(code(Http3ErrorCode.H3_MISSING_SETTINGS));
        }
    }

    @Test
    void closingTheControlStreamIsClosedCriticalStream_rfc9114_6_2_1() throws Exception {
        try (H3TestClient c = new H3TestClient(HELLO).handshake()) {
            c.control.write(new byte[0], true);
            assertThat(c.quic.awaitClose()).isEqualTo(code(Http3ErrorCode.H3_CLOSED_CRITICAL_STREAM));
        }
    }

    @Test
    void http2SettingIsSettingsError_rfc9114_7_2_4_1() throws Exception {
        try (H3TestClient c = new H3TestClient(HELLO)) {
            // SETTINGS_MAX_CONCURRENT_STREAMS (0x03) is HTTP/2's.
            c.quic.openUni().write(concat(new byte[] {0}, frame(FrameType.SETTINGS, new byte[] {3, 50})), false);
            assertThat(c.quic.awaitClose()).isEqualTo(code(Http3ErrorCode.H3_SETTINGS_ERROR));
        }
    }

    @Test
    void dataOnTheControlStreamIsFrameUnexpected_rfc9114_7_2_1() throws Exception {
        try (H3TestClient c = new H3TestClient(HELLO).handshake()) {
            c.control.write(dataFrame("x"), false);
            assertThat(c.quic.awaitClose()).isEqualTo(code(Http3ErrorCode.H3_FRAME_UNEXPECTED));
        }
    }

    @Test
    void unknownUnidirectionalStreamTypeIsStoppedAndTheConnectionGoesOn_rfc9114_6_2() throws Exception {
        try (H3TestClient c = new H3TestClient(HELLO).handshake()) {
            var s = c.quic.openUni();
            byte[] type = new byte[VarInt.length(0x21L)];
            VarInt.write(0x21L, type, 0);
            s.write(type, false);
            assertThatThrownBy(() -> {
                for (int i = 0; i < 1000; i++) {
                    s.write(new byte[1024], false);
                }
            }).isInstanceOfSatisfying(StreamPipe.AbortedException.class,
                    e -> assertThat(e.code()).isEqualTo(code(Http3ErrorCode.H3_STREAM_CREATION_ERROR)));
            assertThat(c.get("/after").status()).isEqualTo(200);
        }
    }

    @Test
    void headRequestGetsLengthButNoBody() throws Exception {
        try (H3TestClient c = new H3TestClient(HELLO).handshake()) {
            var r = c.read(c.send("HEAD", "/h", null, null));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.headers().get("content-length")).isEqualTo("8");
            assertThat(r.body()).isEmpty();
        }
    }

    @Test
    void noContentHasNoBodyAndNoLength() throws Exception {
        try (H3TestClient c = new H3TestClient((req, res) -> res.status(204)).handshake()) {
            var r = c.get("/");
            assertThat(r.status()).isEqualTo(204);
            assertThat(r.headers().get("content-length")).isNull();
            assertThat(r.body()).isEmpty();
        }
    }

    @Test
    void connectionSpecificResponseFieldsAreDropped_rfc9114_4_2() throws Exception {
        Handler h = (req, res) -> {
            res.headers().set("Connection", "close");
            res.headers().set("Keep-Alive", "5");
            res.headers().set("Transfer-Encoding", "chunked");
            res.headers().set("X-Kept", "yes");
        };
        try (H3TestClient c = new H3TestClient(h).handshake()) {
            var r = c.get("/");
            assertThat(r.headers().get("connection")).isNull();
            assertThat(r.headers().get("keep-alive")).isNull();
            assertThat(r.headers().get("transfer-encoding")).isNull();
            assertThat(r.headers().get("x-kept")).isEqualTo("yes");
        }
    }

    @Test
    void expectContinueSendsAnInterimHeadBeforeTheBodyIsRead_rfc9110_10_1_1() throws Exception {
        Handler read = (req, res) -> res.body().write(req.body().readAllBytes());
        try (H3TestClient c = new H3TestClient(read).handshake()) {
            var s = c.quic.openBidi();
            Headers h = new Headers();
            h.add("expect", "100-continue");
            s.write(c.headersFrame("PUT", "/up", h), false);
            FrameInput in = new FrameInput(s::read);
            assertThat(in.nextFrame()).isTrue();
            assertThat(c.decode(in.payload(1024)).get(":status")).isEqualTo("100");
            s.write(dataFrame("payload"), true);
            assertThat(c.read(s).text()).isEqualTo("payload");
        }
    }

    @Test
    void handlerFailureBeforeTheHeadIs500() throws Exception {
        Handler boom = (req, res) -> {
            throw new IllegalStateException("boom");
        };
        try (H3TestClient c = new H3TestClient(boom).handshake()) {
            assertThat(c.get("/").status()).isEqualTo(500);
            assertThat(c.metrics.handlerErrors()).isEqualTo(1);
        }
    }

    @Test
    void handlerFailureAfterTheHeadResetsWithInternalError_rfc9114_4_1_1() throws Exception {
        Handler half = (req, res) -> {
            res.body().write("part".getBytes(StandardCharsets.UTF_8));
            res.body().flush();
            throw new IllegalStateException("late");
        };
        try (H3TestClient c = new H3TestClient(half).handshake()) {
            var s = c.send("GET", "/", null, null);
            assertThatThrownBy(() -> c.read(s)).isInstanceOfSatisfying(StreamPipe.AbortedException.class,
                    e -> assertThat(e.code()).isEqualTo(code(Http3ErrorCode.H3_INTERNAL_ERROR)));
        }
    }

    @Test
    void clientResetMakesTheHandlersBodyReadFail() throws Exception {
        CompletableFuture<Throwable> seen = new CompletableFuture<>();
        CountDownLatch reading = new CountDownLatch(1);
        Handler h = (req, res) -> {
            InputStream in = req.body();
            try {
                in.read();
                reading.countDown();
                in.readAllBytes();
                seen.complete(null);
            } catch (IOException e) {
                seen.complete(e);
            }
        };
        try (H3TestClient c = new H3TestClient(h).handshake()) {
            var s = c.quic.openBidi();
            s.write(concat(c.headersFrame("POST", "/", null), dataFrame("x")), false);
            assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
            s.reset(code(Http3ErrorCode.H3_REQUEST_CANCELLED));
            assertThat(seen.get(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
        }
    }

    @Test
    void clientStopSendingMakesTheHandlersWriteFail() throws Exception {
        CompletableFuture<Throwable> seen = new CompletableFuture<>();
        Handler h = (req, res) -> {
            try {
                byte[] chunk = new byte[16 * 1024];
                for (int i = 0; i < 10_000; i++) {
                    res.body().write(chunk);
                }
                seen.complete(null);
            } catch (IOException e) {
                seen.complete(e);
                throw e;
            }
        };
        try (H3TestClient c = new H3TestClient(h, dev.peregrine.server.ServerOptions.defaults(),
                Http3Options.defaults(), 64 * 1024).handshake()) {
            var s = c.send("GET", "/big", null, null);
            byte[] some = new byte[1000];
            assertThat(s.read(some, 0, some.length)).isPositive();
            s.stopSending(code(Http3ErrorCode.H3_REQUEST_CANCELLED));
            assertThat(seen.get(10, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
            assertThat(c.get("/after").status()).isEqualTo(200);
        }
    }

    @Test
    void largeResponseToASlowReaderArrivesWholeThroughBoundedPipes() throws Exception {
        byte[] big = new byte[3 * 1024 * 1024 + 17];
        new java.util.Random(7).nextBytes(big);
        Handler h = (req, res) -> {
            for (int off = 0; off < big.length; off += 10_000) {
                res.body().write(big, off, Math.min(10_000, big.length - off));
            }
        };
        try (H3TestClient c = new H3TestClient(h, dev.peregrine.server.ServerOptions.defaults(),
                Http3Options.defaults(), 32 * 1024).handshake()) {
            var r = c.get("/big");
            assertThat(r.body()).isEqualTo(big);
        }
    }

    @Test
    void oversizedFieldSectionIs431() throws Exception {
        Http3Options small = Http3Options.builder().maxFieldSectionSize(2048).build();
        try (H3TestClient c = new H3TestClient(HELLO, dev.peregrine.server.ServerOptions.defaults(), small,
                InMemoryQuic.PIPE_BYTES).handshake()) {
            Headers h = new Headers();
            h.add("x-big", "v".repeat(4000));
            assertThat(c.read(c.send("GET", "/", h, null)).status()).isEqualTo(431);
            assertThat(c.get("/ok").status()).isEqualTo(200);
        }
    }

    @Test
    void gracefulStopSendsGoAwayFinishesInFlightRejectsNewerAndClosesWithNoError_rfc9114_5_2() throws Exception {
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Handler slow = (req, res) -> {
            if (req.path().equals("/slow")) {
                inHandler.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            res.body().write("done".getBytes(StandardCharsets.UTF_8));
        };
        try (H3TestClient c = new H3TestClient(slow).handshake()) {
            InMemoryQuic.ClientStream control = null;
            for (int i = 0; i < 3 && control == null; i++) {
                var s = c.quic.acceptServerStream();
                FrameInput probe = new FrameInput(s::read);
                if (probe.streamType() == StreamType.CONTROL) {
                    control = s;
                    assertThat(probe.nextFrame()).isTrue();
                    probe.skipPayload();
                    var inflight = c.send("GET", "/slow", null, null);
                    assertThat(inHandler.await(10, TimeUnit.SECONDS)).isTrue();
                    Thread stopper = Thread.ofVirtual().start(c.connection::stopAcceptingRequests);
                    assertThat(probe.nextFrame()).isTrue();
                    assertThat(probe.type()).isEqualTo(FrameType.GOAWAY);
                    long goAway = probe.idPayload();
                    assertThat(goAway).isEqualTo(inflight.id + 4);
                    var late = c.quic.openBidi();
                    assertThat(late.id).isGreaterThanOrEqualTo(goAway);
                    try {
                        late.write(c.headersFrame("GET", "/late", null), true);
                    } catch (StreamPipe.AbortedException e) {
                        assertThat(e.code()).isEqualTo(code(Http3ErrorCode.H3_REQUEST_REJECTED)); // refused already
                    }
                    assertThatThrownBy(() -> c.read(late)).isInstanceOfSatisfying(StreamPipe.AbortedException.class,
                            e -> assertThat(e.code()).isEqualTo(code(Http3ErrorCode.H3_REQUEST_REJECTED)));
                    assertThat(c.quic.isClosedByServer()).isFalse();
                    release.countDown();
                    assertThat(c.read(inflight).text()).isEqualTo("done");
                    assertThat(c.quic.awaitClose()).isEqualTo(code(Http3ErrorCode.H3_NO_ERROR));
                    stopper.join(5000);
                }
            }
            assertThat(control).isNotNull();
        }
    }

    @Test
    void idleConnectionClosesAtOnceOnGracefulStop() throws Exception {
        try (H3TestClient c = new H3TestClient(HELLO).handshake()) {
            assertThat(c.get("/").status()).isEqualTo(200);
            c.connection.stopAcceptingRequests();
            assertThat(c.quic.awaitClose()).isEqualTo(code(Http3ErrorCode.H3_NO_ERROR));
        }
    }

    private static byte[] hex(String h) {
        return java.util.HexFormat.of().parseHex(h.replace(" ", ""));
    }

    /** RFC 9204 Appendix B.2's encoder stream: capacity 220, then :authority and :path inserted. */
    private static final String B2_ENCODER_STREAM = "3fbd01 c00f7777772e6578616d706c652e636f6d c10c2f73616d706c652f70617468";
    /** Required Insert Count 2, Base 0, :method GET, :scheme https (static), both inserts post-base. */
    private static final String DYNAMIC_SECTION = "0381 d1 d7 10 11";

    private static InMemoryQuic.ClientStream serverStream(H3TestClient c, long type) throws Exception {
        for (int i = 0; i < 3; i++) {
            var s = c.quic.acceptServerStream();
            byte[] t = new byte[1];
            assertThat(s.read(t, 0, 1)).isEqualTo(1);
            if (t[0] == type) {
                return s;
            }
        }
        throw new AssertionError("no server stream of type " + type);
    }

    @Test
    void requestUsingTheDynamicTableIsDecodedAndAcknowledged_rfc9204_4_4_1() throws Exception {
        Handler authority = (req, res) -> res.body().write((req.authority() + " " + req.path()).getBytes(StandardCharsets.UTF_8));
        try (H3TestClient c = new H3TestClient(authority)) {
            c.control = c.quic.openUni();
            c.control.write(concat(new byte[] {0}, frame(FrameType.SETTINGS, new byte[0])), false);
            var encoder = c.quic.openUni();
            encoder.write(concat(new byte[] {(byte) StreamType.QPACK_ENCODER}, hex(B2_ENCODER_STREAM)), false);
            var s = c.quic.openBidi();
            s.write(frame(FrameType.HEADERS, hex(DYNAMIC_SECTION)), true);
            assertThat(c.read(s).text()).isEqualTo("www.example.com /sample/path");
            var decoderStream = serverStream(c, StreamType.QPACK_DECODER);
            byte[] got = new byte[2];
            int n = 0;
            while (n < 2) {
                n += decoderStream.read(got, n, 2 - n);
            }
            // Insert Count Increment 2 (00 + 2), then Section Acknowledgment for stream 0 (1 + 0).
            assertThat(got).containsExactly(0x02, 0x80);
        }
    }

    @Test
    void blockedRequestWaitsForItsInsertsThenIsServed_rfc9204_2_1_2() throws Exception {
        try (H3TestClient c = new H3TestClient(HELLO)) {
            var s = c.quic.openBidi();
            s.write(frame(FrameType.HEADERS, hex(DYNAMIC_SECTION)), true);
            CompletableFuture<H3TestClient.Response> response = CompletableFuture.supplyAsync(() -> {
                try {
                    return c.read(s);
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            assertThat(response).isNotDone();
            var encoder = c.quic.openUni();
            encoder.write(concat(new byte[] {(byte) StreamType.QPACK_ENCODER}, hex(B2_ENCODER_STREAM)), false);
            assertThat(response.get(10, TimeUnit.SECONDS).text()).isEqualTo("hello /sample/path");
        }
    }

    @Test
    void referenceBeyondTheTableIsDecompressionFailed_rfc9204_2_2_3() throws Exception {
        try (H3TestClient c = new H3TestClient(HELLO).handshake()) {
            // Required Insert Count 0 but a dynamic reference: nothing to refer to.
            c.quic.openBidi().write(frame(FrameType.HEADERS, hex("0000 d1 d7 80")), true);
            assertThat(c.quic.awaitClose()).isEqualTo(0x200);
        }
    }
}
