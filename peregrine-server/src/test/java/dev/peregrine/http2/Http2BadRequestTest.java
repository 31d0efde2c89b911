package dev.peregrine.http2;

import static dev.peregrine.http2.H2Client.headers;
import static dev.peregrine.http2.H2Client.literal;
import static dev.peregrine.http2.H2Client.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.http2.H2Client.In;
import dev.peregrine.http2.H2Client.Response;
import dev.peregrine.observe.metrics.Instruments;
import dev.peregrine.server.Http2Options;
import dev.peregrine.server.ServerOptions;
import dev.peregrine.testkit.H2Frames;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Which HTTP/2 failures count as bad requests (issue 11): a malformed request (RFC 9113 §8.1.1)
 * once, with HTTP/2 as its protocol, 400 (431 for a field section over the limit) and the rule as
 * its reason, whether it is answered with RST_STREAM or a status; a connection error that is not
 * about a request (SETTINGS, HPACK) is a protocol error and not a bad request. The header-block
 * cases are in {@link Http2MalformedRequestTest}; these are the ones that need a body, trailers or
 * a limit.
 */
@Timeout(30)
class Http2BadRequestTest {

    private H2TestConnection h2;
    private H2Client client;

    private void start(Http2Options options) throws Exception {
        h2 = new H2TestConnection((req, res) -> res.send("read " + req.bodyBytes().length),
                ServerOptions.builder().http2(options).build()).start();
        client = h2.client;
        client.handshake();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (h2 != null) {
            h2.close();
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private long badRequests(String status) {
        return h2.metrics.snapshot().total(Instruments.BAD_REQUESTS,
                Map.of(Instruments.ATTR_PROTOCOL_VERSION, "2", Instruments.ATTR_STATUS, status));
    }

    /** The stream was reset with PROTOCOL_ERROR, and that is the one bad request, with this status and rule. */
    private void assertOneBadRequest(Response r, List<RecordedEvent> events, int status, String rule) {
        assertThat(r.resetCode).as(r.toString()).isEqualTo(H2Client.PROTOCOL_ERROR);
        assertThat(h2.metrics.badRequests()).isEqualTo(1);
        assertThat(badRequests(Integer.toString(status))).isEqualTo(1);
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.getInt("status")).isEqualTo(status);
            assertThat(e.getString("reason")).contains(rule);
        });
        assertThat(h2.metrics.protocolErrors()).as("a stream error, not a connection error").isZero();
    }

    @Test
    void dataShortOfTheContentLengthIsOneBadRequest_rfc9113_8_1_1() throws Exception {
        start(Http2Options.defaults());
        try (BadRequestEvents recording = new BadRequestEvents()) {
            client.send(headers(1, client.block(request("POST", "/up", "content-length", "5")), false),
                    H2Frames.data(1, ascii("abc"), true));
            Response r = client.response(1);
            assertOneBadRequest(r, recording.stop(), 400, "does not match content-length 5 (RFC 9113 §8.1.1)");
        }
        assertThat(client.get(3, "/next").bodyText()).isEqualTo("read 0");
    }

    @Test
    void dataPastTheContentLengthIsCountedOnceHoweverMuchMoreComes() throws Exception {
        start(Http2Options.defaults());
        try (BadRequestEvents recording = new BadRequestEvents()) {
            client.send(headers(1, client.block(request("POST", "/up", "content-length", "5")), false),
                    H2Frames.data(1, ascii("abc"), false), H2Frames.data(1, ascii("def"), false));
            Response r = client.response(1);
            client.send(H2Frames.data(1, ascii("g"), false), H2Frames.data(1, ascii("h"), true));
            assertThat(client.pingRoundTrip()).as("later DATA on the reset stream is ignored").isEmpty();
            assertOneBadRequest(r, recording.stop(), 400, "RFC 9113 §8.1.1");
        }
    }

    @Test
    void aPseudoHeaderInTrailersIsOneBadRequest_rfc9113_8_1() throws Exception {
        start(Http2Options.defaults());
        try (BadRequestEvents recording = new BadRequestEvents()) {
            client.send(headers(1, client.block(request("POST", "/up")), false), H2Frames.data(1, ascii("abc"), false),
                    headers(1, literal(":path", "/x"), true));
            Response r = client.response(1);
            assertOneBadRequest(r, recording.stop(), 400, "pseudo-header :path in trailers (RFC 9113 §8.1)");
        }
    }

    @Test
    void trailersWithoutEndStreamAreOneBadRequest_rfc9113_8_1() throws Exception {
        start(Http2Options.defaults());
        try (BadRequestEvents recording = new BadRequestEvents()) {
            client.send(headers(1, client.block(request("POST", "/up")), false), H2Frames.data(1, ascii("abc"), false),
                    headers(1, literal("x-t", "1"), false));
            Response r = client.response(1);
            assertOneBadRequest(r, recording.stop(), 400, "trailers without END_STREAM (RFC 9113 §8.1)");
        }
    }

    @Test
    void trailersOverTheHeaderListLimitAreOneBadRequestOf431() throws Exception {
        start(Http2Options.builder().maxHeaderListSize(1024).build());
        try (BadRequestEvents recording = new BadRequestEvents()) {
            client.send(headers(1, client.block(request("POST", "/up")), false), H2Frames.data(1, ascii("abc"), false),
                    headers(1, literal("x-big", "a".repeat(2000)), true));
            Response r = client.response(1);
            assertOneBadRequest(r, recording.stop(), 431, "RFC 9113 §10.5.1");
        }
    }

    @Test
    void aHeaderListOverTheLimitIs431WithTheRuleAsItsReason_rfc9113_10_5_1() throws Exception {
        start(Http2Options.builder().maxHeaderListSize(1024).build());
        try (BadRequestEvents recording = new BadRequestEvents()) {
            byte[] block = H2Frames.concat(client.block(request("GET", "/big")), literal("x-big", "a".repeat(2000)));
            client.send(headers(1, block, true));
            assertThat(client.response(1).status()).isEqualTo(431);
            List<RecordedEvent> events = recording.stop();
            assertThat(events).singleElement().satisfies(e -> {
                assertThat(e.getInt("status")).isEqualTo(431);
                assertThat(e.getString("reason")).contains("SETTINGS_MAX_HEADER_LIST_SIZE (RFC 9113 §10.5.1)");
            });
        }
        assertThat(badRequests("431")).isEqualTo(1);
        assertThat(h2.metrics.badRequests()).isEqualTo(1);
    }

    @Test
    void badSettingsAreAProtocolErrorNotABadRequest() throws Exception {
        start(Http2Options.defaults());
        client.send(H2Frames.settings(0x2, 2)); // SETTINGS_ENABLE_PUSH must be 0 or 1 (§6.5.2)
        List<In> rest = client.readToEnd();
        assertThat(rest).last().satisfies(f -> assertThat(f.errorCode()).isEqualTo(H2Client.PROTOCOL_ERROR));
        h2.awaitEnd();
        assertThat(h2.metrics.protocolErrors()).isEqualTo(1);
        assertThat(h2.metrics.badRequests()).isZero();
    }

    @Test
    void aBrokenHpackBlockIsACompressionErrorNotABadRequest() throws Exception {
        start(Http2Options.defaults());
        client.send(headers(1, new byte[] {(byte) 0x80}, true)); // indexed field 0: no such entry (RFC 7541 §6.1)
        List<In> rest = client.readToEnd();
        assertThat(rest).last().satisfies(f -> assertThat(f.errorCode()).isEqualTo(H2Client.COMPRESSION_ERROR));
        h2.awaitEnd();
        assertThat(h2.metrics.protocolErrors()).isEqualTo(1);
        assertThat(h2.metrics.badRequests()).isZero();
    }
}
