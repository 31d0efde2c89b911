package dev.peregrine.http2;

import static dev.peregrine.http2.H2Client.headers;
import static dev.peregrine.http2.H2Client.literal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.http2.H2Client.Response;
import dev.peregrine.observe.metrics.Instruments;
import dev.peregrine.testkit.H2Frames;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed requests (RFC 9113 §8.2, §8.3): each is a stream error PROTOCOL_ERROR, the handler
 * never runs, the request is counted once as a bad request (400, with the rule it broke as the
 * reason), and the connection serves the next request. The blocks are literal octets, so each
 * case is exactly the bytes named.
 */
@Timeout(30)
class Http2MalformedRequestTest {

    private final AtomicInteger handled = new AtomicInteger();
    private H2TestConnection h2;

    @AfterEach
    void stop() throws InterruptedException {
        if (h2 != null) {
            h2.close();
        }
    }

    private static final String[] GET = {":method", "GET", ":scheme", "http", ":authority", "x", ":path", "/"};

    private static String[] with(String[] base, String... more) {
        String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("uppercase field name", "RFC 9113 §8.2.1", with(GET, "X-Foo", "a")),
                Arguments.of("connection-specific field", "RFC 9113 §8.2.2", with(GET, "connection", "keep-alive")),
                Arguments.of("transfer-encoding", "RFC 9113 §8.2.2", with(GET, "transfer-encoding", "chunked")),
                Arguments.of("te other than trailers", "RFC 9113 §8.2.2", with(GET, "te", "gzip")),
                Arguments.of("missing :path", "RFC 9113 §8.3.1", new String[] {":method", "GET", ":scheme", "http", ":authority", "x"}),
                Arguments.of("missing :method", "RFC 9113 §8.3.1", new String[] {":scheme", "http", ":authority", "x", ":path", "/"}),
                Arguments.of("pseudo-header after a regular field", "RFC 9113 §8.3",
                        new String[] {":method", "GET", ":scheme", "http", "accept", "*/*", ":path", "/"}),
                Arguments.of("unknown pseudo-header", "RFC 9113 §8.3", with(GET, ":foo", "bar")),
                Arguments.of("response pseudo-header", "RFC 9113 §8.3", with(new String[] {":status", "200"}, GET)),
                Arguments.of("empty :path", "RFC 9113 §8.3.1", new String[] {":method", "GET", ":scheme", "http", ":authority", "x", ":path", ""}),
                Arguments.of("repeated :path", "RFC 9113 §8.3", with(GET, ":path", "/again")),
                Arguments.of("CONNECT without :authority", "RFC 9113 §8.5", new String[] {":method", "CONNECT"}),
                Arguments.of("CONNECT with :path", "RFC 9113 §8.5", new String[] {":method", "CONNECT", ":authority", "x:443", ":path", "/"}),
                Arguments.of("value with a line feed", "RFC 9113 §8.2.1", with(GET, "x-v", "a\nb")),
                Arguments.of("value with surrounding space", "RFC 9113 §8.2.1", with(GET, "x-v", " a")),
                Arguments.of("host different from :authority", "RFC 9113 §8.3.1", with(GET, "host", "y")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void isAStreamErrorAndTheConnectionGoesOn(String name, String rule, String[] fields) throws Exception {
        h2 = new H2TestConnection((req, res) -> {
            handled.incrementAndGet();
            res.send("ok " + req.path());
        }).start();
        H2Client client = h2.client;
        client.handshake();
        List<RecordedEvent> events;
        try (BadRequestEvents recording = new BadRequestEvents()) {
            client.send(headers(1, literal(fields), true));
            Response r = client.response(1);
            assertThat(r.types()).as(name).containsExactly(H2Frames.RST_STREAM);
            assertThat(r.resetCode).isEqualTo(H2Client.PROTOCOL_ERROR);
            events = recording.stop();
        }
        assertThat(h2.metrics.streamResets()).isEqualTo(1);
        assertThat(h2.metrics.protocolErrors()).as("no connection error").isZero();
        // Counted once as a bad request (§8.1.1), as 400, with the rule it broke.
        assertThat(h2.metrics.badRequests()).isEqualTo(1);
        assertThat(h2.metrics.snapshot().total(Instruments.BAD_REQUESTS,
                Map.of(Instruments.ATTR_PROTOCOL_VERSION, "2", Instruments.ATTR_STATUS, "400"))).isEqualTo(1);
        assertThat(events).as("BadRequest events").singleElement().satisfies(e -> {
            assertThat(e.getInt("status")).isEqualTo(400);
            assertThat(e.getString("reason")).contains(rule);
        });

        Response ok = client.get(3, "/next");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.bodyText()).isEqualTo("ok /next");
        assertThat(handled.get()).as("only the well-formed request reached the handler").isEqualTo(1);
        assertThat(h2.metrics.badRequests()).as("the well-formed one is not counted").isEqualTo(1);
    }

    @Test
    void wellFormedLiteralBlocksAreAccepted() throws Exception {
        // The same builder as the malformed cases, minus the fault: the failures above are the faults'.
        h2 = new H2TestConnection((req, res) -> res.send(req.method() + " " + req.authority() + " " + req.header("te"))).start();
        h2.client.handshake();
        h2.client.send(headers(1, literal(with(GET, "te", "trailers")), true));
        assertThat(h2.client.response(1).bodyText()).isEqualTo("GET x trailers");
        h2.client.send(headers(3, literal(":method", "CONNECT", ":authority", "example.com:443"), true));
        assertThat(h2.client.response(3).status()).isEqualTo(200);
    }
}
