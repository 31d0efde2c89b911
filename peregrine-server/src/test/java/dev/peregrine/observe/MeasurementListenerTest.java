package dev.peregrine.observe;

import static dev.peregrine.observe.metrics.Instruments.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.Router;
import dev.peregrine.observe.metrics.MeasurementListener;
import dev.peregrine.observe.metrics.Metric;
import dev.peregrine.server.Server;
import dev.peregrine.testkit.Await;
import dev.peregrine.transport.Endpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The histogram hook a bridge uses: a registered listener sees each request and connection as it
 * is recorded, with the very attribute map the snapshot shows (so it can cache by identity), and
 * nothing more once removed.
 */
@Timeout(60)
class MeasurementListenerTest {

    record Seen(Map<String, String> attributes, long nanos, long requestBytes, long responseBytes) {}

    static final class Recording implements MeasurementListener {
        final List<Seen> requests = new CopyOnWriteArrayList<>();
        final List<Map<String, String>> connections = new CopyOnWriteArrayList<>();

        @Override
        public void requestEnded(Map<String, String> attributes, long durationNanos, long requestBodyBytes,
                long responseBodyBytes) {
            requests.add(new Seen(attributes, durationNanos, requestBodyBytes, responseBodyBytes));
        }

        @Override
        public void connectionClosed(Map<String, String> attributes, long durationNanos) {
            connections.add(attributes);
        }
    }

    @Test
    void listenerSeesEachRequestAndConnectionWithTheSnapshotsAttributeInstances() throws Exception {
        Recording listener = new Recording();
        MeasurementListener throwing = (a, d, in, out) -> {
            throw new IllegalStateException("a broken listener must not break requests (expected by the test)");
        };
        try (Server server = Server.builder().listen(Endpoint.tcp("127.0.0.1", 0))
                .handler(Router.builder().post("/items/{id}", (req, res) -> res.send(req.bodyBytes())).build())
                .start()) {
            server.metrics().addListener(throwing);
            server.metrics().addListener(listener);
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/items/7");
            try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                for (int i = 0; i < 2; i++) {
                    var response = client.send(HttpRequest.newBuilder(uri)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[10])).build(), BodyHandlers.ofString());
                    assertThat(response.statusCode()).isEqualTo(200);
                }
                // Recorded once the response is out, so possibly after the client has it.
                Await.until("two requests seen", () -> listener.requests.size() == 2);
            }
            Await.until("the connection closed", () -> listener.connections.size() == 1);

            Map<String, String> expected = Map.of(ATTR_METHOD, "POST", ATTR_STATUS, "200", ATTR_ROUTE, "/items/{id}",
                    ATTR_PROTOCOL_VERSION, "1.1", ATTR_SCHEME, "http");
            Seen first = listener.requests.get(0);
            assertThat(first.attributes()).isEqualTo(expected);
            assertThat(first.requestBytes()).isEqualTo(10);
            assertThat(first.responseBytes()).isEqualTo(10);
            assertThat(first.nanos()).isPositive();
            assertThat(listener.requests.get(1).attributes()).isSameAs(first.attributes());
            Metric duration = server.metrics().snapshot().metric(REQUEST_DURATION);
            assertThat(duration.points()).singleElement()
                    .satisfies(p -> assertThat(p.attributes()).isSameAs(first.attributes()));
            assertThat(listener.connections.get(0))
                    .isEqualTo(Map.of(ATTR_PROTOCOL_VERSION, "1.1", ATTR_TLS, "false"));

            assertThat(server.metrics().removeListener(listener)).isTrue();
            assertThat(server.metrics().removeListener(listener)).isFalse();
            try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                client.send(HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1])).build(),
                        BodyHandlers.discarding());
            }
            Await.until("the third request recorded", () -> server.metrics().snapshot().total(REQUEST_DURATION) == 3);
            assertThat(listener.requests).hasSize(2);
        }
    }
}
