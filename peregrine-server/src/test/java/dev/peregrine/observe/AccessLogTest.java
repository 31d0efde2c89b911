package dev.peregrine.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.api.ForwardingRequest;
import dev.peregrine.api.ForwardingResponse;
import dev.peregrine.api.Handler;
import dev.peregrine.api.Protocol;
import dev.peregrine.api.Request;
import dev.peregrine.api.Response;
import dev.peregrine.files.FakeRequest;
import dev.peregrine.files.FakeResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLogTest {

    private final List<String> lines = new ArrayList<>();

    private void run(Handler handler, FakeRequest request) throws Exception {
        handler.with(AccessLog.to(lines::add)).handle(request, new FakeResponse());
    }

    @Test
    void logsOneCommonLogFormatLinePerRequest() throws Exception {
        run((req, res) -> res.send("hello"), FakeRequest.get("/a/b?x=1"));
        assertThat(lines).hasSize(1);
        assertThat(lines.getFirst()).matches(
                "127\\.0\\.0\\.1 - - \\[\\d\\d/[A-Z][a-z]{2}/\\d{4}:\\d\\d:\\d\\d:\\d\\d \\+0000] "
                        + "\"GET /a/b\\?x=1 HTTP/1\\.1\" 200 5 \\d+\\.\\dms");
    }

    @Test
    void countsStreamedBytesAndStatus() throws Exception {
        run((req, res) -> {
            res.status(201);
            try (OutputStream out = res.body()) {
                out.write('a');
                out.write("bcdef".getBytes(StandardCharsets.US_ASCII), 1, 3);
                out.write(new byte[1000]);
            }
        }, FakeRequest.of("POST", "/upload").protocol(Protocol.HTTP_2));
        assertThat(lines.getFirst()).contains("\"POST /upload HTTP/2\" 201 1004 ");
    }

    @Test
    void noBodyIsADash() throws Exception {
        run((req, res) -> res.status(304), FakeRequest.head("/"));
        assertThat(lines.getFirst()).contains("\"HEAD / HTTP/1.1\" 304 - ");
    }

    @Test
    void headBodyIsNotCounted() throws Exception {
        run((req, res) -> res.send("the body the server drops"), FakeRequest.head("/"));
        assertThat(lines.getFirst()).contains("\"HEAD / HTTP/1.1\" 200 - ");
    }

    @Test
    void failureBeforeCommitIsLoggedAs500AndRethrown() {
        assertThatThrownBy(() -> run((req, res) -> {
            throw new IllegalStateException("boom");
        }, FakeRequest.get("/x"))).hasMessage("boom");
        assertThat(lines.getFirst()).contains("\"GET /x HTTP/1.1\" 500 - ");
    }

    @Test
    void failureAfterCommitKeepsTheSentStatus() {
        assertThatThrownBy(() -> run((req, res) -> {
            res.status(200).body().write(new byte[10]);
            throw new IOException("client went away");
        }, FakeRequest.get("/x"))).isInstanceOf(IOException.class);
        assertThat(lines.getFirst()).contains("\" 200 10 ");
    }

    @Test
    void clientControlledTextIsEscaped() throws Exception {
        run((req, res) -> { }, FakeRequest.get("/a\"b\\c\u0001d"));
        assertThat(lines.getFirst()).contains("\"GET /a\\\"b\\\\c\\x01d HTTP/1.1\"");
    }

    @Test
    void brokenSinkDoesNotFailTheRequest() throws Exception {
        Handler h = ((Handler) (req, res) -> res.send("ok")).with(AccessLog.to(line -> {
            throw new IllegalStateException("disk full");
        }));
        FakeResponse res = new FakeResponse();
        h.handle(FakeRequest.get("/"), res);
        assertThat(res.bodyString()).isEqualTo("ok");
    }

    /** A file body reaches the server's own sendFile (zero-copy on plain HTTP/1.1), and is counted. */
    @Test
    void fileBodyKeepsItsRouteAndIsCounted(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "0123456789");
        FakeResponse fake = new FakeResponse();
        long[] sent = {-1};
        Response server = new ForwardingResponse(fake) {
            @Override
            public void sendFile(FileChannel channel, long position, long count) throws IOException {
                sent[0] = count;
                super.sendFile(channel, position, count);
            }
        };
        Handler h = ((Handler) (req, res) -> {
            try (FileChannel ch = FileChannel.open(file)) {
                res.sendFile(ch, 1, 8);
            }
        }).with(AccessLog.to(lines::add));
        h.handle(FakeRequest.get("/f"), server);
        assertThat(sent[0]).isEqualTo(8);
        assertThat(fake.bodyString()).isEqualTo("12345678");
        assertThat(lines.getFirst()).contains("\"GET /f HTTP/1.1\" 200 8 ");
    }

    @Test
    void durationRunsFromTheRequestsStartNotFromTheFilter() throws Exception {
        long twoSecondsAgo = System.nanoTime() - 2_000_000_000L;
        Request started = new ForwardingRequest(FakeRequest.get("/slow-queue")) {
            @Override
            public long startNanos() {
                return twoSecondsAgo;
            }
        };
        List<Long> durations = new ArrayList<>();
        Handler h = ((Handler) (req, res) -> res.send("x"))
                .with(AccessLog.to(lines::add).format(e -> { durations.add(e.durationNanos()); return ""; }));
        h.handle(new ForwardingRequest(started), new FakeResponse()); // a filter's wrapper forwards the start
        assertThat(durations).singleElement().satisfies(d -> assertThat(d).isGreaterThanOrEqualTo(2_000_000_000L));
    }

    @Test
    void customFormat() throws Exception {
        Handler h = ((Handler) (req, res) -> res.send(404, "nope"))
                .with(AccessLog.to(lines::add).format(e -> e.method() + " " + e.target() + " " + e.status() + " " + e.bytes()));
        h.handle(FakeRequest.get("/missing"), new FakeResponse());
        assertThat(lines).containsExactly("GET /missing 404 4");
    }

    @Test
    void entryFormatsDurationWithOneDecimal() {
        var e = new AccessLog.Entry(Instant.parse("2025-11-21T05:03:00Z"), "10.0.0.1", "GET", "/", "HTTP/1.1",
                200, 1534, 12_345_678);
        assertThat(e.commonLogFormat())
                .isEqualTo("10.0.0.1 - - [21/Nov/2025:05:03:00 +0000] \"GET / HTTP/1.1\" 200 1534 12.3ms");
    }

    @Test
    void theCachedTimeFollowsTheSecond() {
        Instant t = Instant.parse("2025-11-21T05:03:00.250Z");
        assertThat(ClfTime.format(t)).isEqualTo("21/Nov/2025:05:03:00 +0000");
        assertThat(ClfTime.format(t.plusMillis(700))).isEqualTo("21/Nov/2025:05:03:00 +0000");
        assertThat(ClfTime.format(t.plusMillis(750))).isEqualTo("21/Nov/2025:05:03:01 +0000");
        assertThat(ClfTime.format(t)).isEqualTo("21/Nov/2025:05:03:00 +0000"); // back again (entries queued out of order)
    }

    @Test
    void addresses() throws Exception {
        assertThat(AccessLog.address(new InetSocketAddress(InetAddress.getByName("::1"), 1))).isEqualTo("::1");
        assertThat(AccessLog.address(new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 1))).isEqualTo("10.1.2.3");
        assertThat(AccessLog.address(UnixDomainSocketAddress.of(""))).isEqualTo("-");
        assertThat(AccessLog.address(null)).isEqualTo("-");
    }

    @Test
    void ipv6ShortForm() throws Exception {
        assertThat(v6("2001:db8:0:0:0:0:2:1")).isEqualTo("2001:db8::2:1");
        assertThat(v6("2001:db8:0:1:1:1:1:1")).isEqualTo("2001:db8:0:1:1:1:1:1"); // one zero group stays
        assertThat(v6("2001:0:0:1:0:0:0:1")).isEqualTo("2001:0:0:1::1");          // longest run
        assertThat(v6("0:0:0:0:0:0:0:0")).isEqualTo("::");
        assertThat(v6("fe80:0:0:0:0:0:0:0")).isEqualTo("fe80::");
    }

    private static String v6(String text) throws Exception {
        return AccessLog.shortIpv6((Inet6Address) InetAddress.getByName(text));
    }
}
