package dev.peregrine.http1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.Handler;
import dev.peregrine.server.ServerOptions;
import dev.peregrine.server.internal.BufferPool;
import dev.peregrine.server.internal.DateCache;
import dev.peregrine.server.internal.Instrumentation;
import dev.peregrine.server.internal.ServerContext;
import dev.peregrine.transport.InMemoryConnection;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP/1.1 connection driven over an in-memory transport: bytes in, exact bytes out. */
class Http1ConnectionTest {

    private static final long WAIT_MS = 5_000;

    private final InMemoryConnection conn = new InMemoryConnection();
    private final Instrumentation metrics = new Instrumentation();
    private Http1Connection http;
    private Thread thread;

    private void start(Handler handler) {
        start(handler, ServerOptions.defaults());
    }

    private void start(Handler handler, ServerOptions options) {
        ServerContext ctx = new ServerContext(options, handler, new DateCache(),
                new BufferPool(options.readBufferBytes(), 4), metrics);
        http = new Http1Connection(1, conn, ctx);
        thread = Thread.ofVirtual().start(http::process);
    }

    @AfterEach
    void stop() throws InterruptedException {
        conn.close();
        if (thread != null) {
            assertThat(thread.join(java.time.Duration.ofSeconds(5))).isTrue();
        }
    }

    private static Handler hello() {
        return (req, res) -> res.send("hi " + req.path());
    }

    /** Drops the Date line, which changes every second. */
    private static String noDate(String response) {
        return response.replaceAll("date: [^\r]*\r\n", "");
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderInOneWrite() throws IOException {
        start(hello());
        conn.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\nGET /c HTTP/1.1\r\nHost: x\r\n\r\n");
        String expected = response("hi /a") + response("hi /b") + response("hi /c");
        assertThat(noDate(conn.receive(expected.length() + 3 * 37, WAIT_MS))).isEqualTo(expected);
        assertThat(conn.serverWrites()).isEqualTo(1);
    }

    private static String response(String body) {
        return "HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: " + body.length()
                + "\r\n\r\n" + body;
    }

    /** The access log times requests from this reading, so it needs one clock call, not two. */
    @Test
    void requestStartIsTheClockReadingTheServerTookBeforeTheHandler() throws IOException {
        start((req, res) -> {
            long handlerStart = System.nanoTime();
            long start = req.startNanos();
            res.send(start < handlerStart && start == req.startNanos() ? "server's" : "late or moving");
        });
        conn.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n");
        String both = conn.receive(2 * (response("server's").length() + 37), WAIT_MS);
        assertThat(noDate(both)).isEqualTo(response("server's") + response("server's"));
    }

    @Test
    void keepAliveServesSequentialRequestsAndEndsWhenTheClientCloses() throws Exception {
        start(hello());
        conn.send("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(noDate(conn.receiveUntil("hi /1", WAIT_MS))).endsWith(response("hi /1"));
        conn.send("GET /2 HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(noDate(conn.receiveUntil("hi /2", WAIT_MS))).endsWith(response("hi /2"));
        conn.sendEof();
        assertThat(conn.receiveAll(WAIT_MS)).isEmpty();
        assertThat(thread.join(java.time.Duration.ofSeconds(5))).isTrue();
    }

    @Test
    void http10WithoutKeepAliveClosesAfterTheResponse() throws IOException {
        start(hello());
        conn.send("GET /old HTTP/1.0\r\n\r\nGET /never HTTP/1.0\r\n\r\n");
        String all = noDate(conn.receiveAll(WAIT_MS));
        assertThat(all).isEqualTo("HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 7\r\n"
                + "connection: close\r\n\r\nhi /old");
    }

    @Test
    void http10KeepAliveIsAnsweredWithKeepAlive() throws IOException {
        start(hello());
        conn.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        assertThat(conn.receiveUntil("hi /a", WAIT_MS)).contains("connection: keep-alive\r\n");
    }

    @Test
    void streamedBodyWithoutFlushGetsContentLengthAndFlushedOneIsChunked() throws IOException {
        start((req, res) -> {
            OutputStream out = res.body();
            out.write("part1,".getBytes(StandardCharsets.US_ASCII));
            if (req.path().equals("/flush")) {
                out.flush();
            }
            out.write("part2".getBytes(StandardCharsets.US_ASCII));
        });
        conn.send("GET /buffered HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(noDate(conn.receiveUntil("part2", WAIT_MS)))
                .isEqualTo("HTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\npart1,part2");
        conn.send("GET /flush HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(noDate(conn.receiveUntil("0\r\n\r\n", WAIT_MS)))
                .isEqualTo("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n6\r\npart1,\r\n5\r\npart2\r\n0\r\n\r\n");
    }

    @Test
    void responseTrailersSelectChunkedEncoding() throws IOException {
        start((req, res) -> {
            res.trailers().set("x-checksum", "abc");
            res.send("data");
        });
        conn.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(noDate(conn.receiveUntil("x-checksum: abc\r\n\r\n", WAIT_MS)))
                .contains("transfer-encoding: chunked")
                .endsWith("4\r\ndata\r\n0\r\nx-checksum: abc\r\n\r\n");
    }

    @Test
    void headGetsTheHeadersOfGetWithoutTheBody() throws IOException {
        start(hello());
        conn.send("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\nGET /g HTTP/1.1\r\nHost: x\r\n\r\n");
        String out = noDate(conn.receiveUntil("hi /g", WAIT_MS));
        assertThat(out).isEqualTo("HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 5\r\n\r\n"
                + response("hi /g"));
    }

    @Test
    void noContentHasNoFraming() throws IOException {
        start((req, res) -> res.status(204));
        conn.send("DELETE /x HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(noDate(conn.receiveUntil("\r\n\r\n", WAIT_MS))).isEqualTo("HTTP/1.1 204 No Content\r\n\r\n");
    }

    @Test
    void requestBodyAndTrailersReachTheHandler() throws IOException {
        start((req, res) -> res.send(req.bodyString() + "|" + req.trailers().get("x-t")));
        conn.send("POST /e HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-T: tv\r\n\r\n");
        assertThat(conn.receiveUntil("abcde|tv", WAIT_MS)).endsWith("\r\n\r\nabcde|tv");
    }

    @Test
    void anUnreadSmallBodyIsDrainedAndTheConnectionReused() throws IOException {
        start(hello());
        conn.send("POST /1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhelloGET /2 HTTP/1.1\r\nHost: x\r\n\r\n");
        String out = noDate(conn.receiveUntil("hi /2", WAIT_MS));
        assertThat(out).isEqualTo(response("hi /1") + response("hi /2"));
    }

    @Test
    void anUnreadBodyLargerThanTheDrainLimitClosesTheConnection() throws IOException {
        start(hello(), ServerOptions.builder().maxUnreadBodyDrainBytes(10).build());
        conn.send("POST /1 HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789");
        String out = noDate(conn.receiveAll(WAIT_MS));
        assertThat(out).contains("connection: close\r\n").endsWith("hi /1");
    }

    @Test
    void expectContinueIsSentOnlyWhenTheHandlerReads() throws IOException {
        start((req, res) -> {
            if (req.path().equals("/read")) {
                res.send(req.bodyString());
            } else {
                res.send(403, "no");
            }
        });
        conn.send("PUT /read HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
        assertThat(conn.receiveUntil("\r\n\r\n", WAIT_MS)).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
        conn.send("ok");
        assertThat(conn.receiveUntil("\r\n\r\nok", WAIT_MS)).startsWith("HTTP/1.1 200 OK");
        conn.send("PUT /deny HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
        String denied = conn.receiveAll(WAIT_MS);
        assertThat(denied).startsWith("HTTP/1.1 403 Forbidden").contains("connection: close").doesNotContain("100 Continue");
    }

    @Test
    void aVirtualMachineErrorFromAHandlerIs500ThenCloseAndReachesTheThread() throws Exception {
        java.util.concurrent.atomic.AtomicReference<Throwable> uncaught = new java.util.concurrent.atomic.AtomicReference<>();
        ServerOptions options = ServerOptions.defaults();
        ServerContext ctx = new ServerContext(options, (req, res) -> {
            if (req.path().equals("/boom")) {
                throw new StackOverflowError("deep (thrown by the test)");
            }
            res.send("served after a fatal error");
        }, new DateCache(), new BufferPool(options.readBufferBytes(), 4), metrics);
        http = new Http1Connection(1, conn, ctx);
        thread = Thread.ofVirtual().uncaughtExceptionHandler((t, e) -> uncaught.set(e)).start(http::process);
        conn.send("GET /boom HTTP/1.1\r\nHost: x\r\n\r\nGET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
        String out = noDate(conn.receiveAll(WAIT_MS));
        assertThat(out).startsWith("HTTP/1.1 500 Internal Server Error\r\n").contains("connection: close\r\n")
                .doesNotContain("served after");
        assertThat(thread.join(java.time.Duration.ofSeconds(5))).isTrue();
        assertThat(uncaught.get()).isInstanceOf(StackOverflowError.class);
        assertThat(conn.serverClosed()).isTrue();
    }

    /** RFC 9110 §9.3.6: a 2xx to CONNECT has no content and must not carry content-length. */
    @Test
    void aSuccessfulConnectGetsNoContentLengthEvenWhenTheHandlerSetsOne() throws IOException {
        start((req, res) -> {
            res.header("content-length", "0");
            res.status(200);
        });
        conn.send("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
        String head = noDate(conn.receiveUntil("\r\n\r\n", WAIT_MS));
        assertThat(head).startsWith("HTTP/1.1 200 OK\r\n").doesNotContainIgnoringCase("content-length")
                .doesNotContainIgnoringCase("transfer-encoding");
    }

    @Test
    void aHandlerExceptionBeforeCommitIs500AndTheConnectionGoesOn() throws IOException {
        start((req, res) -> {
            if (req.path().equals("/boom")) {
                throw new IllegalStateException("boom");
            }
            res.send("fine");
        });
        conn.send("GET /boom HTTP/1.1\r\nHost: x\r\n\r\nGET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
        String out = noDate(conn.receiveUntil("fine", WAIT_MS));
        assertThat(out).startsWith("HTTP/1.1 500 Internal Server Error\r\n").endsWith("\r\n\r\nfine");
        assertThat(metrics.handlerErrors()).isEqualTo(1);
    }

    @Test
    void aHandlerExceptionAfterCommitAbortsTheConnection() throws IOException {
        start((req, res) -> {
            res.contentLength(100);
            res.body().write(new byte[10]);
            res.body().flush();
            throw new IllegalStateException("half way");
        });
        conn.send("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /next HTTP/1.1\r\nHost: x\r\n\r\n");
        String out = conn.receiveAll(WAIT_MS);
        assertThat(out).startsWith("HTTP/1.1 200 OK").contains("content-length: 100").doesNotContain("/next");
        assertThat(out.substring(out.indexOf("\r\n\r\n") + 4)).hasSize(10);
    }

    @Test
    void aBodyShorterThanItsContentLengthAbortsTheConnection() throws IOException {
        start((req, res) -> {
            res.contentLength(10);
            res.body().write(new byte[3]);
        });
        conn.send("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
        String out = conn.receiveAll(WAIT_MS);
        assertThat(out.split("HTTP/1.1 200").length).isEqualTo(2);
    }

    @Test
    void aMalformedHeadGetsItsStatusAndNothingAfterItIsRead() throws IOException {
        start(hello());
        conn.send("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
        String out = noDate(conn.receiveAll(WAIT_MS));
        assertThat(out).isEqualTo("HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\n"
                + "content-length: 12\r\nconnection: close\r\n\r\nBad Request\n");
        assertThat(metrics.badRequests()).isEqualTo(1);
    }

    @Test
    void aBodyOverTheLimitIs413() throws IOException {
        start((req, res) -> res.send(req.bodyString()), ServerOptions.builder().maxRequestBodyBytes(4).build());
        conn.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
        assertThat(conn.receiveAll(WAIT_MS)).startsWith("HTTP/1.1 413 Content Too Large").contains("connection: close");
    }

    @Test
    void aHandlerMayRaiseTheBodyLimitForItsRequest() throws IOException {
        start((req, res) -> {
            req.maxBodySize(100);
            res.send(req.bodyString());
        }, ServerOptions.builder().maxRequestBodyBytes(4).build());
        conn.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
        assertThat(conn.receiveUntil("hello", WAIT_MS)).startsWith("HTTP/1.1 200 OK");
    }

    @Test
    void upgradeHandsOverTheRawStreamIncludingBufferedBytes() throws IOException {
        start((req, res) -> {
            res.header("upgrade", "echo").header("connection", "Upgrade");
            res.upgrade((in, out) -> {
                byte[] b = new byte[5];
                int n = in.readNBytes(b, 0, 5);
                out.write(b, 0, n);
                out.flush();
            });
        });
        conn.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: upgrade\r\nUpgrade: echo\r\n\r\nab");
        conn.send("cde");
        String out = noDate(conn.receiveAll(WAIT_MS));
        assertThat(out).isEqualTo("HTTP/1.1 101 Switching Protocols\r\nupgrade: echo\r\nconnection: Upgrade\r\n\r\nabcde");
    }

    @Test
    void gracefulStopClosesAnIdleConnectionAtOnce() throws Exception {
        start(hello());
        conn.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        conn.receiveUntil("hi /", WAIT_MS);
        awaitIdle();
        http.stopAcceptingRequests();
        assertThat(conn.receiveAll(WAIT_MS)).isEmpty();
        assertThat(thread.join(java.time.Duration.ofSeconds(5))).isTrue();
    }

    @Test
    void gracefulStopLetsTheRequestInFlightFinishWithConnectionClose() throws Exception {
        CountDownLatch inHandler = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        start((req, res) -> {
            inHandler.countDown();
            release.await(5, TimeUnit.SECONDS);
            res.send("done");
        });
        conn.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(inHandler.await(5, TimeUnit.SECONDS)).isTrue();
        http.stopAcceptingRequests();
        release.countDown();
        String out = noDate(conn.receiveAll(WAIT_MS));
        assertThat(out).isEqualTo("HTTP/1.1 200 OK\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: 4\r\n"
                + "connection: close\r\n\r\ndone");
    }

    @Test
    void largeBodiesStreamBothWays() throws IOException {
        start((req, res) -> {
            try (InputStream in = req.body(); OutputStream out = res.body()) {
                in.transferTo(out);
            }
        });
        byte[] big = new byte[300_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) ('a' + i % 26);
        }
        conn.send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + big.length + "\r\n\r\n");
        conn.send(big);
        String out = conn.receiveUntil("0\r\n\r\n", WAIT_MS);
        String bodyPart = out.substring(out.indexOf("\r\n\r\n") + 4);
        StringBuilder decoded = new StringBuilder();
        int i = 0;
        while (true) {
            int eol = bodyPart.indexOf("\r\n", i);
            int size = Integer.parseInt(bodyPart.substring(i, eol), 16);
            if (size == 0) {
                break;
            }
            decoded.append(bodyPart, eol + 2, eol + 2 + size);
            i = eol + 2 + size + 2;
        }
        assertThat(decoded.toString()).isEqualTo(new String(big, StandardCharsets.ISO_8859_1));
    }

    /** Returns once the connection blocks in its keep-alive read, waiting for the next request. */
    private void awaitIdle() throws InterruptedException {
        assertThat(conn.awaitServerWaitingForInput(WAIT_MS)).as("connection waits for its next request").isTrue();
    }
}
