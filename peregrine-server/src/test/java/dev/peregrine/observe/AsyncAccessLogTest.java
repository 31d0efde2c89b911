package dev.peregrine.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.Handler;
import dev.peregrine.files.FakeRequest;
import dev.peregrine.files.FakeResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The background writer: order, batching, a stream that blocks or fails, draining on close. */
@Timeout(value = 20, unit = TimeUnit.SECONDS) // a log that blocked a request would hang the test: fail it instead
class AsyncAccessLogTest {

    private AccessLog log;

    @AfterEach
    void close() {
        if (log != null) {
            log.close();
        }
    }

    private void request(String target) throws Exception {
        ((Handler) (req, res) -> res.send("ok")).with(log).handle(FakeRequest.get(target), new FakeResponse());
    }

    /** Records every write the writer makes, so tests can see lines and batch boundaries. */
    private static class Recording extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<String> writes = new ArrayList<>();
        int flushes;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            bytes.write(b, off, len);
            writes.add(new String(b, off, len, StandardCharsets.UTF_8));
        }

        @Override
        public synchronized void flush() {
            flushes++;
        }

        synchronized List<String> lines() {
            String all = bytes.toString(StandardCharsets.UTF_8);
            assertThat(all).satisfiesAnyOf(a -> assertThat(a).isEmpty(), a -> assertThat(a).endsWith("\n"));
            return all.lines().toList();
        }

        synchronized List<String> writes() {
            return List.copyOf(writes);
        }
    }

    /** The first write blocks until {@link #release} is counted down, as a stdout nobody reads would. */
    private static final class Gated extends Recording {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new InterruptedIOException();
            }
            super.write(b, off, len);
        }
    }

    private static String path(String line) {
        int start = line.indexOf("\"GET ") + 5;
        return line.substring(start, line.indexOf(' ', start));
    }

    @Test
    void writesEveryLineInOrderInWholeLineWritesAndFlushes() throws Exception {
        Recording out = new Recording();
        log = AccessLog.to(out);
        for (int i = 0; i < 1000; i++) {
            request("/" + i);
        }
        log.close();
        List<String> lines = out.lines();
        assertThat(lines).hasSize(1000);
        for (int i = 0; i < 1000; i++) {
            assertThat(path(lines.get(i))).isEqualTo("/" + i);
            assertThat(lines.get(i)).matches("127\\.0\\.0\\.1 - - \\[[^]]+] \"GET /\\d+ HTTP/1\\.1\" 200 2 \\d+\\.\\dms");
        }
        // Other output on the same stream (serve's banner) must never land inside a line.
        assertThat(out.writes()).allMatch(w -> w.endsWith("\n"));
        assertThat(out.flushes).isPositive();
        assertThat(log.dropped()).isZero();
    }

    /** The writer formats each address object once: a cached text must never go to another client's line. */
    @Test
    void eachLineHasItsOwnClientAddressAndTheTimeOfItsRequest() throws Exception {
        Recording out = new Recording();
        log = AccessLog.to(out);
        Handler ok = (req, res) -> res.send("ok");
        java.net.InetSocketAddress[] clients = new java.net.InetSocketAddress[600]; // past the cache's slots
        for (int i = 0; i < clients.length; i++) {
            clients[i] = new java.net.InetSocketAddress("10.0." + (i / 250) + "." + (i % 250), 40000 + i);
        }
        for (int round = 0; round < 3; round++) {
            for (java.net.InetSocketAddress c : clients) {
                ok.with(log).handle(FakeRequest.get("/").remote(c), new FakeResponse());
            }
        }
        log.close();
        List<String> lines = out.lines();
        assertThat(lines).hasSize(3 * clients.length);
        java.time.format.DateTimeFormatter clf = java.time.format.DateTimeFormatter
                .ofPattern("dd/MMM/yyyy:HH:mm:ss Z", java.util.Locale.US);
        java.time.Instant now = java.time.Instant.now();
        for (int i = 0; i < lines.size(); i++) {
            String client = clients[i % clients.length].getAddress().getHostAddress();
            assertThat(lines.get(i)).startsWith(client + " - - [");
            String time = lines.get(i).substring(lines.get(i).indexOf('[') + 1, lines.get(i).indexOf(']'));
            java.time.Instant logged = java.time.ZonedDateTime.parse(time, clf).toInstant();
            assertThat(java.time.Duration.between(logged, now).abs()).as("the wall-clock time of the request")
                    .isLessThan(java.time.Duration.ofMinutes(1));
        }
    }

    /**
     * The writer copies the last line's prefix (client, time, request line) when the next one
     * shares it: each line must still have its own status and size, and a new second, another
     * target or another client must not reuse it.
     */
    @Test
    void linesThatShareTheLastLinesPrefixKeepTheirOwnStatusSizeTimeAndTarget() throws Exception {
        Recording out = new Recording();
        log = AccessLog.to(out);
        java.net.InetSocketAddress client = new java.net.InetSocketAddress("10.1.2.3", 4000);
        java.net.InetSocketAddress other = new java.net.InetSocketAddress("10.9.9.9", 4001);
        String a = "/a";
        record Sent(java.net.SocketAddress remote, String target, int status, int size) { }
        List<Sent> sent = new ArrayList<>();
        java.util.function.Consumer<Sent> send = r -> {
            try {
                ((Handler) (req, res) -> {
                    res.status(r.status());
                    res.send(new byte[r.size()]);
                }).with(log).handle(FakeRequest.get(r.target()).remote(r.remote()), new FakeResponse());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            sent.add(r);
        };
        send.accept(new Sent(client, a, 200, 2));
        send.accept(new Sent(client, a, 404, 5));
        send.accept(new Sent(client, a, 201, 0));
        long second = System.currentTimeMillis() / 1000;
        while (System.currentTimeMillis() / 1000 == second) {
            Thread.sleep(5); // at most a second: the next line falls in a new one
        }
        send.accept(new Sent(client, a, 200, 7));
        send.accept(new Sent(client, new String(a.toCharArray()), 200, 3)); // equal, not the same String
        send.accept(new Sent(client, "/b", 200, 3));
        send.accept(new Sent(other, "/b", 500, 1));
        log.close();

        List<String> lines = out.lines();
        assertThat(lines).hasSize(sent.size());
        java.util.regex.Pattern clf = java.util.regex.Pattern.compile(
                "(\\S+) - - \\[([^]]+)] \"GET (\\S+) HTTP/1\\.1\" (\\d+) (\\S+) \\d+\\.\\dms");
        List<String> times = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            java.util.regex.Matcher m = clf.matcher(lines.get(i));
            assertThat(m.matches()).as(lines.get(i)).isTrue();
            Sent r = sent.get(i);
            assertThat(m.group(1)).isEqualTo(((java.net.InetSocketAddress) r.remote()).getAddress().getHostAddress());
            assertThat(m.group(3)).isEqualTo(r.target());
            assertThat(m.group(4)).isEqualTo(Integer.toString(r.status()));
            assertThat(m.group(5)).isEqualTo(r.size() > 0 ? Integer.toString(r.size()) : "-");
            times.add(m.group(2));
        }
        assertThat(times.get(3)).as("a line in a new second gets its own time").isNotEqualTo(times.get(2));
    }

    @Test
    void aBlockedStreamDoesNotBlockRequestsAndOverflowIsCountedThenReported() throws Exception {
        Gated out = new Gated();
        log = AccessLog.to(out, 2);
        request("/1");
        assertThat(out.entered.await(10, TimeUnit.SECONDS)).isTrue(); // the writer is stuck writing /1; queue empty
        request("/2");
        request("/3"); // the queue (2 lines) is full now
        request("/4");
        request("/5");
        request("/6");
        assertThat(log.dropped()).isEqualTo(3);
        assertThat(out.lines()).isEmpty();

        out.release.countDown();
        log.close();
        List<String> lines = out.lines();
        assertThat(lines).hasSize(4);
        assertThat(lines.subList(0, 3)).extracting(AsyncAccessLogTest::path).containsExactly("/1", "/2", "/3");
        assertThat(lines.get(3)).isEqualTo("access log: 3 lines dropped");
        assertThat(log.dropped()).isEqualTo(3);
    }

    @Test
    void closeWritesOutWhatIsQueuedAndLaterLinesAreDropped() throws Exception {
        Gated out = new Gated();
        log = AccessLog.to(out, 100);
        request("/1");
        assertThat(out.entered.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 2; i <= 5; i++) {
            request("/" + i); // queued behind the blocked write
        }
        Thread closer = Thread.ofPlatform().start(log::close);
        Thread.State state;
        while ((state = closer.getState()) != Thread.State.WAITING && state != Thread.State.TERMINATED) {
            Thread.yield(); // bounded by the class timeout
        }
        assertThat(state).as("close() waits while the stream is blocked").isEqualTo(Thread.State.WAITING);
        out.release.countDown();
        closer.join();
        assertThat(out.lines()).extracting(AsyncAccessLogTest::path).containsExactly("/1", "/2", "/3", "/4", "/5");
        assertThat(log.dropped()).isZero();

        request("/late");
        assertThat(log.dropped()).isEqualTo(1);
        log.close(); // idempotent
        assertThat(out.lines()).hasSize(5);
    }

    @Test
    void aCustomFormatRunsOnTheWriterAndNonAsciiIsUtf8() throws Exception {
        Recording out = new Recording();
        log = AccessLog.to(out).format(e -> Thread.currentThread().getName() + " " + e.target());
        request("/caf\u00e9");
        log.close();
        assertThat(out.lines()).containsExactly("peregrine-access-log /caf\u00e9");
        assertThat(out.bytes.toByteArray()).endsWith("caf\u00e9\n".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aFailingStreamCountsItsLinesAsDroppedAndRequestsGoOn() throws Exception {
        Recording out = new Recording() {
            @Override
            public synchronized void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("broken pipe");
            }
        };
        log = AccessLog.to(out);
        request("/1");
        request("/2");
        log.close();
        assertThat(log.dropped()).isEqualTo(2);
    }

    @Test
    void theSynchronousSinkNeverDrops() throws Exception {
        List<String> lines = new ArrayList<>();
        log = AccessLog.to(lines::add);
        request("/a");
        log.close();
        assertThat(lines).hasSize(1);
        assertThat(log.dropped()).isZero();
    }
}
