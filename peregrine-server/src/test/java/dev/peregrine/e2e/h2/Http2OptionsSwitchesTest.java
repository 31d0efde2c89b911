package dev.peregrine.e2e.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.peregrine.testkit.H2Frames;
import dev.peregrine.server.Http2Options;
import dev.peregrine.server.Server;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpClient.Version;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each way to HTTP/2 switched off on its own by {@link Http2Options}: the client that would have
 * used it gets HTTP/1.1 (or, for prior knowledge, no HTTP/2), while the other ways still work.
 */
@Timeout(60)
class Http2OptionsSwitchesTest {

    private Server server;

    @AfterEach
    void stop() {
        H2.stop(server);
    }

    private void start(Http2Options h2) throws Exception {
        server = H2.start(H2.DESCRIBE, H2.options(h2));
    }

    private static HttpResponse<String> get(HttpClient c, URI uri) throws Exception {
        return c.send(H2.request(uri).build(), BodyHandlers.ofString());
    }

    private static String protocolSeen(HttpResponse<String> r) {
        return H2.field(r.body(), "protocol");
    }

    /** What the server answers a connection that starts with the HTTP/2 preface: its first frame's type, or -1 if not HTTP/2. */
    private int firstFrameTypeAfterPreface() throws Exception {
        try (RawH2 c = RawH2.connect(server.port())) {
            byte[] first = c.readRaw(9);
            String text = new String(first, StandardCharsets.ISO_8859_1);
            return text.startsWith("HTTP/1.") || first.length < 9 ? -1 : first[3];
        }
    }

    @Test
    void defaultsServeEveryWay() throws Exception {
        start(Http2Options.defaults());
        try (HttpClient c = H2.client(Version.HTTP_2)) {
            assertThat(get(c, H2.https(server, "/")).version()).isEqualTo(Version.HTTP_2);
            assertThat(get(c, H2.http(server, "/")).version()).isEqualTo(Version.HTTP_2);
        }
        assertThat(firstFrameTypeAfterPreface()).as("prior knowledge: the server's SETTINGS").isEqualTo(H2Frames.SETTINGS);
    }

    @Test
    void tlsOffGivesTheTlsClientHttp11WhileH2cStillWorks() throws Exception {
        start(Http2Options.builder().tls(false).build());
        try (HttpClient c = H2.client(Version.HTTP_2)) {
            HttpResponse<String> secure = get(c, H2.https(server, "/"));
            assertThat(secure.statusCode()).isEqualTo(200);
            assertThat(secure.version()).isEqualTo(Version.HTTP_1_1);
            assertThat(protocolSeen(secure)).isEqualTo("HTTP_1_1");
            assertThat(H2.field(secure.body(), "alpn")).isEqualTo("http/1.1");

            assertThat(get(c, H2.http(server, "/")).version()).isEqualTo(Version.HTTP_2);
        }
        assertThat(firstFrameTypeAfterPreface()).isEqualTo(H2Frames.SETTINGS);
    }

    @Test
    void upgradeOffKeepsThePlainClientOnHttp11WhilePriorKnowledgeStillWorks() throws Exception {
        start(Http2Options.builder().upgrade(false).build());
        try (HttpClient c = H2.client(Version.HTTP_2)) {
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> r = get(c, H2.http(server, "/"));
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.version()).isEqualTo(Version.HTTP_1_1);
                assertThat(protocolSeen(r)).isEqualTo("HTTP_1_1");
            }
            assertThat(get(c, H2.https(server, "/")).version()).isEqualTo(Version.HTTP_2);
        }
        assertThat(firstFrameTypeAfterPreface()).isEqualTo(H2Frames.SETTINGS);
    }

    @Test
    void priorKnowledgeOffIsNotHttp2WhileUpgradeStillWorks() throws Exception {
        start(Http2Options.builder().priorKnowledge(false).build());
        assertThat(firstFrameTypeAfterPreface()).as("an HTTP/1.1 answer to the preface").isEqualTo(-1);
        try (HttpClient c = H2.client(Version.HTTP_2)) {
            assertThat(get(c, H2.http(server, "/")).version()).isEqualTo(Version.HTTP_2);
        }
    }

    @Test
    void priorKnowledgeOffFailsCurlWithPriorKnowledge() throws Exception {
        assumeTrue(H2.installed("curl"), "curl is not installed");
        start(Http2Options.builder().priorKnowledge(false).build());
        H2.Run r = H2.run(H2.command("curl", "-sS", "--noproxy", "*", "--max-time", "10", "--http2-prior-knowledge",
                "-o", "/dev/null", "-w", "%{http_version}", "http://127.0.0.1:" + server.port() + "/"));
        assertThat(r.exitCode() != 0 || !r.out().trim().equals("2")).as(r.all()).isTrue();

        assertCurlGetsH2FromDefaults();
    }

    /** The same curl call against defaults does get HTTP/2: the failure above is the switch's doing. */
    private void assertCurlGetsH2FromDefaults() throws Exception {
        H2.stop(server);
        start(Http2Options.defaults());
        H2.Run r = H2.run(H2.command("curl", "-sS", "--noproxy", "*", "--max-time", "10", "--http2-prior-knowledge",
                "-o", "/dev/null", "-w", "%{http_version}", "http://127.0.0.1:" + server.port() + "/"));
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out().trim()).isEqualTo("2");
    }
}
