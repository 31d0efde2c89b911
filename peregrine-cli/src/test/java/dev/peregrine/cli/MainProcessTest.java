package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** The command as a separate JVM: the banner line, serving, and a graceful stop on SIGTERM. */
class MainProcessTest {

    private static final long WAIT_SECONDS = 30; // a guard against hangs, not a timing assertion
    private static final Pattern BANNER = Pattern.compile("Serving (.+) on (http://127\\.0\\.0\\.1:(\\d+)/)");
    private static final Pattern SECURE_BANNER = Pattern.compile("Serving (.+) on (https://127\\.0\\.0\\.1:(\\d+)/)");

    @Test
    @DisabledOnOs(OS.WINDOWS) // destroy() is no SIGTERM there, and no shutdown hook runs
    void servesHttpAndHttpsThenStopsGracefullyOnSigterm(@TempDir Path dir, @TempDir Path certs) throws Exception {
        Files.writeString(dir.resolve("index.html"), "<p>hi</p>");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), "dev.peregrine.cli.Main", "serve", dir.toString(), "--port", "0", "--host", "127.0.0.1",
                "--https-port", "0", "--cert-dir", certs.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        OutputLines output = new OutputLines(p.getInputStream());
        LinkedBlockingQueue<String> lines = output.lines;
        Thread reader = output.reader;
        try {
            // Four lines, printed together once every listener is bound: HTTP, HTTPS, HTTP/3, which certificate.
            String banner = lines.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            String secureBanner = lines.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            String http3 = lines.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            String note = lines.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(banner).isNotNull();
            Matcher m = BANNER.matcher(banner);
            assertThat(m.matches()).as(banner).isTrue();
            assertThat(Path.of(m.group(1))).isEqualTo(dir.toRealPath());
            Matcher s = SECURE_BANNER.matcher(String.valueOf(secureBanner));
            assertThat(s.matches()).as(secureBanner).isTrue();
            assertThat(s.group(1)).isEqualTo(m.group(1));
            assertThat(http3).startsWith("HTTP/3 on UDP port ");
            assertThat(note).isEqualTo("Created the development certificate " + certs.resolve("localhost.pem")
                    + " (`peregrine dev-cert --dir " + certs + "` shows how to trust it)");

            try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                HttpResponse<String> res = client.send(HttpRequest.newBuilder(URI.create(m.group(2)))
                        .timeout(Duration.ofSeconds(WAIT_SECONDS)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(res.statusCode()).isEqualTo(200);
                assertThat(res.body()).isEqualTo("<p>hi</p>");
            }
            // HTTPS with the development certificate the command created, trusted from its PEM file.
            try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .sslContext(DevCertTesting.trusting(certs.resolve("localhost.pem"))).build()) {
                HttpResponse<String> res = client.send(HttpRequest.newBuilder(URI.create(s.group(2)))
                        .timeout(Duration.ofSeconds(WAIT_SECONDS)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(res.statusCode()).isEqualTo(200);
                assertThat(res.body()).isEqualTo("<p>hi</p>");
            }

            // SIGTERM through the handle: Process.destroy() would also close our end of stdout
            assertThat(p.toHandle().destroy()).isTrue();
            assertThat(p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(reader.join(Duration.ofSeconds(WAIT_SECONDS))).isTrue();
            List<String> rest = new ArrayList<>(lines);
            assertThat(rest).filteredOn(l -> l.contains("\"GET / HTTP/1.1\" 200 9 ")).hasSize(2); // http and https
            assertThat(rest).last().isEqualTo("Stopped.");
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void unknownOptionExits2WithUsageOnStderr() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "dev.peregrine.cli.Main", "serve", "--nope").start();
        try {
            assertThat(p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(2);
            assertThat(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).contains("Usage:");
            assertThat(p.getInputStream().readAllBytes()).isEmpty();
        } finally {
            p.destroyForcibly();
        }
    }
}
