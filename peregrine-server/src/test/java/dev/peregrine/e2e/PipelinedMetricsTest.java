package dev.peregrine.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.Handler;
import dev.peregrine.observe.metrics.HistogramSnapshot;
import dev.peregrine.observe.metrics.Instruments;
import dev.peregrine.server.Server;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP/1.1 keeps a connection's request metrics until it waits for input (RequestBatch): the
 * active-request count must stay exact meanwhile, everything must be recorded once the
 * connection waits, and a pipelined request's duration ends when its response is written.
 */
class PipelinedMetricsTest {

    private Server server;

    @AfterEach
    void stop() {
        E2e.stop(server);
    }

    @Test
    void activeRequestsStayExactWhileAPipelinedBatchIsSummedAndTheBatchLandsAtTheWait() throws Exception {
        CountDownLatch inSlow = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Handler handler = (req, res) -> {
            if (req.path().equals("/slow")) {
                inSlow.countDown();
                release.await(10, TimeUnit.SECONDS);
            }
            res.send("ok");
        };
        server = E2e.start(handler);
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < 10; i++) {
                batch.append("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
            }
            batch.append("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(batch.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            E2e.await(inSlow, "the slow request's handler");

            // Ten requests ended inside the batch, one runs: exactly one is active.
            assertThat(server.metrics().snapshot().total(Instruments.ACTIVE_REQUESTS)).isEqualTo(1);

            release.countDown();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[8192];
            int responses = 0;
            StringBuilder seen = new StringBuilder();
            while (responses < 11) {
                int n = in.read(buf);
                assertThat(n).as("responses so far: " + responses).isPositive();
                seen.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
                responses = seen.toString().split("HTTP/1.1 200 OK", -1).length - 1;
            }
            // The connection now waits for its next request, which adds the batch (bounded wait).
            E2e.awaitCondition(() -> server.metrics().snapshot().total(Instruments.REQUEST_DURATION) == 11,
                    "all eleven requests in the duration histogram");
            assertThat(server.metrics().snapshot().total(Instruments.ACTIVE_REQUESTS)).isZero();
        }
    }

    /**
     * A pipelined response waits in the output buffer until the requests after it are answered;
     * its client gets it only then, so that is where its duration ends (not when its handler
     * returned, which for these would be microseconds).
     */
    @Test
    void pipelinedResponsesHeldBehindASlowRequestRecordTheWait() throws Exception {
        long slowNanos = TimeUnit.MILLISECONDS.toNanos(100);
        Handler handler = (req, res) -> {
            if (req.path().equals("/slow")) {
                Thread.sleep(TimeUnit.NANOSECONDS.toMillis(slowNanos)); // a lower bound on the wait, not a synchronisation
            }
            res.send("ok");
        };
        server = E2e.start(handler);
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            String batch = "GET /fast HTTP/1.1\r\nHost: x\r\n\r\n".repeat(5) + "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n";
            socket.getOutputStream().write(batch.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[8192];
            StringBuilder seen = new StringBuilder();
            while (seen.toString().split("HTTP/1.1 200 OK", -1).length - 1 < 6) {
                int n = in.read(buf);
                assertThat(n).isPositive();
                seen.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
            }
            E2e.awaitCondition(() -> server.metrics().snapshot().total(Instruments.REQUEST_DURATION) == 6,
                    "all six requests in the duration histogram");
            HistogramSnapshot h = server.metrics().snapshot().histogram(Instruments.REQUEST_DURATION, Map.of());
            double slowSeconds = slowNanos / 1e9;
            long under = 0;
            for (int i = 0; i < h.bounds().length; i++) {
                if (h.bounds()[i] < slowSeconds) {
                    under += h.counts()[i];
                }
            }
            assertThat(under).as("requests recorded as shorter than the slow one they waited behind").isZero();
        }
    }
}
