package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The built-in demo page, and binding "localhost" to both loopbacks on one port. */
class DemoAndBindingEndToEndTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final PrintStream NOWHERE = new PrintStream(OutputStream.nullOutputStream());

    @Test
    void demoPageWithoutADirectory() throws Exception {
        try (FileServer server = FileServer.start(new Command.Serve(null, "127.0.0.1", 0, true, true), NOWHERE);
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            assertThat(server.banner()).containsExactly("Serving the built-in demo page on " + server.url());
            URI base = URI.create(server.url());

            HttpResponse<String> page = client.send(HttpRequest.newBuilder(base).timeout(WAIT).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
            assertThat(page.body()).contains("Peregrine").contains("peregrine serve");

            HttpResponse<String> css = client.send(HttpRequest.newBuilder(base.resolve("/style.css")).timeout(WAIT).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(css.statusCode()).isEqualTo(200);
            assertThat(css.headers().firstValue("content-type")).hasValue("text/css; charset=utf-8");

            String etag = page.headers().firstValue("etag").orElseThrow();
            HttpResponse<String> again = client.send(HttpRequest.newBuilder(base).header("If-None-Match", etag)
                    .timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(again.statusCode()).isEqualTo(304);

            HttpResponse<String> missing = client.send(HttpRequest.newBuilder(base.resolve("/dev/peregrine/cli/Main.class"))
                    .timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(missing.statusCode()).isEqualTo(404);
        }
    }

    @Test
    void localhostBindsBothLoopbacksOnOnePort() throws Exception {
        try (FileServer server = FileServer.start(new Command.Serve(null, "localhost", 0, true, true), NOWHERE)) {
            int port = server.port();
            assertThat(server.url()).isEqualTo("http://localhost:" + port + "/");
            assertThat(server.localAddresses()).allSatisfy(a -> {
                InetSocketAddress inet = (InetSocketAddress) a;
                assertThat(inet.getPort()).isEqualTo(port);
                assertThat(inet.getAddress().isLoopbackAddress()).isTrue();
            });
            assertThat(statusLine(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port)))
                    .startsWith("HTTP/1.1 200");
            boolean hasV6 = server.localAddresses().stream()
                    .anyMatch(a -> ((InetSocketAddress) a).getAddress() instanceof Inet6Address);
            if (hasV6) {
                assertThat(statusLine(new InetSocketAddress(InetAddress.getByName("::1"), port)))
                        .startsWith("HTTP/1.1 200");
            }
        }
    }

    private static String statusLine(SocketAddress address) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(address, (int) WAIT.toMillis());
            s.setSoTimeout((int) WAIT.toMillis());
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String all = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            return all.lines().findFirst().orElse("");
        }
    }
}
