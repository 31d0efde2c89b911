package dev.peregrine.e2e.h2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.Router;
import dev.peregrine.server.Server;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records a JFR file with Peregrine's settings file while HTTP/1.1 and HTTP/2 requests, a bad
 * request and an idle timeout happen over real sockets, then reads the events back.
 */
@Timeout(60)
class JfrEventsEndToEndTest {

    @TempDir
    Path dir;

    @Test
    void theSettingsFileTurnsTheEventsOnAndTheyCarryTheFacts() throws Exception {
        Configuration peregrine;
        try (InputStream in = Server.class.getResourceAsStream("/dev/peregrine/observe/peregrine.jfc");
                Reader reader = new StringReader(new String(in.readAllBytes(), StandardCharsets.UTF_8))) {
            peregrine = Configuration.create(reader);
        }
        Path file = dir.resolve("peregrine.jfr");
        try (Recording recording = new Recording(peregrine)) {
            recording.start();
            Server server = H2.start(Router.builder()
                    .get("/users/{id}", (req, res) -> res.send("user " + req.pathParam("id")))
                    .build(), H2.options(dev.peregrine.server.Http2Options.defaults()).toBuilder()
                    .keepAliveTimeout(Duration.ofSeconds(1)).build());
            try {
                assertThat(H2.client(HttpClient.Version.HTTP_1_1).send(H2.request(H2.http(server, "/users/7")).build(),
                        BodyHandlers.ofString()).body()).isEqualTo("user 7");
                assertThat(H2.client(HttpClient.Version.HTTP_2).send(H2.request(H2.https(server, "/users/8")).build(),
                        BodyHandlers.ofString()).version()).isEqualTo(HttpClient.Version.HTTP_2);
                try (Socket raw = new Socket()) {
                    raw.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
                    raw.setSoTimeout(10_000);
                    OutputStream out = raw.getOutputStream();
                    out.write("GET /users/1 HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    assertThat(new String(raw.getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                            .startsWith("HTTP/1.1 400");
                }
                try (Socket idle = new Socket()) {
                    idle.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
                    idle.setSoTimeout(10_000);
                    assertThat(idle.getInputStream().read()).as("closed by the keep-alive deadline").isEqualTo(-1);
                }
            } finally {
                H2.stop(server); // connections end (and HTTP/2 says GOAWAY) inside the recording
            }
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);

        RecordedEvent h1 = only(events, "dev.peregrine.RequestEnd", "HTTP/1.1");
        assertThat(h1.getString("method")).isEqualTo("GET");
        assertThat(h1.getString("target")).isEqualTo("/users/7");
        assertThat(h1.getString("route")).isEqualTo("/users/{id}");
        assertThat(h1.getInt("status")).isEqualTo(200);
        assertThat(h1.getLong("responseBytes")).isEqualTo("user 7".length());
        assertThat(h1.getLong("requestBytes")).isZero();
        assertThat(h1.getDuration("requestDuration")).isPositive();
        assertThat(h1.getString("error")).isNull();
        RecordedEvent h2 = only(events, "dev.peregrine.RequestEnd", "HTTP/2");
        assertThat(h2.getString("target")).isEqualTo("/users/8");
        assertThat(h2.getInt("status")).isEqualTo(200);
        assertThat(h2.getLong("connectionId")).isNotEqualTo(h1.getLong("connectionId"));
        assertThat(named(events, "dev.peregrine.RequestStart")).extracting(e -> e.getString("target"))
                .contains("/users/7", "/users/8");

        RecordedEvent bad = named(events, "dev.peregrine.BadRequest").getFirst();
        assertThat(bad.getInt("status")).isEqualTo(400);
        assertThat(bad.getString("reason")).isNotBlank();
        assertThat(named(events, "dev.peregrine.Timeout")).extracting(e -> e.getString("kind")).contains("keep_alive");

        RecordedEvent tls = named(events, "dev.peregrine.TlsHandshake").getFirst();
        assertThat(tls.getString("tlsVersion")).isEqualTo("TLSv1.3");
        assertThat(tls.getString("applicationProtocol")).isEqualTo("h2");
        assertThat(tls.getString("failure")).isNull();
        assertThat(named(events, "dev.peregrine.ConnectionStart")).hasSizeGreaterThanOrEqualTo(4);
        assertThat(named(events, "dev.peregrine.ConnectionEnd")).anySatisfy(e -> {
            assertThat(e.getString("protocol")).isEqualTo("HTTP/2");
            assertThat(e.getBoolean("tls")).isTrue();
            assertThat(e.getDuration("connectionDuration")).isPositive();
        });
        assertThat(named(events, "dev.peregrine.GoAway")).anySatisfy(e -> {
            assertThat(e.getString("protocol")).isEqualTo("HTTP/2");
            assertThat(e.getBoolean("sent")).isTrue();
            assertThat(e.getString("errorName")).isEqualTo("NO_ERROR");
        });
    }

    private static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
    }

    private static RecordedEvent only(List<RecordedEvent> events, String name, String protocol) {
        List<RecordedEvent> matching = named(events, name).stream()
                .filter(e -> protocol.equals(e.getString("protocol"))).toList();
        assertThat(matching).as(name + " over " + protocol).hasSize(1);
        return matching.getFirst();
    }
}
