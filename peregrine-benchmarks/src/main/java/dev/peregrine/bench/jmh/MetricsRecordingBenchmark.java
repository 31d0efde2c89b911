package dev.peregrine.bench.jmh;

import dev.peregrine.api.Headers;
import dev.peregrine.api.Protocol;
import dev.peregrine.api.Request;
import dev.peregrine.api.RouteTemplate;
import dev.peregrine.server.internal.ConnectionMetrics;
import dev.peregrine.server.internal.Instrumentation;
import dev.peregrine.server.internal.RequestError;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a request pays for its metrics: {@code requestStarted} + {@code requestEnded} on a
 * connection's metrics context, on and off, alone and from two threads at once into the same
 * series (the striped histograms' case), and {@code System.nanoTime()} alone, the two calls of
 * which are part of the cost. Run with {@code -prof gc} to see that recording allocates nothing.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class MetricsRecordingBenchmark {

    /** One server's metrics, shared by every benchmark thread. */
    @State(Scope.Benchmark)
    public static class Server {
        final Instrumentation on = new Instrumentation(true);
        final Instrumentation off = new Instrumentation(false);
    }

    /** A connection per thread, as each HTTP/1.1 connection has its own context. */
    @State(Scope.Thread)
    public static class Connection {
        ConnectionMetrics on;
        ConnectionMetrics off;
        /** A registered HTTP/1.1 connection: its requests are batched between waits for input. */
        ConnectionMetrics http1;
        int inBatch;
        final Request request = new FixedRequest(RouteTemplate.of("/plaintext"));

        @Setup
        public void setup(Server server) {
            on = server.on.detached();
            off = server.off.detached();
            http1 = server.on.connection(1, false);
            http1.protocol(dev.peregrine.api.Protocol.HTTP_1_1);
            http1.opened(null);
        }
    }

    @Benchmark
    public long recordMetricsOn(Connection c) {
        long t = c.on.requestStarted(c.request);
        c.on.requestEnded(t, c.request, 200, 0, 13, RequestError.NONE);
        return t;
    }

    /** As HTTP/1.1 records a 16-deep pipelined batch: one write and the wait for input after every 16th request. */
    @Benchmark
    public long recordMetricsOnPipelinedHttp1(Connection c) {
        long t = c.http1.requestStarted(c.request);
        c.http1.requestEnded(t, c.request, 200, 0, 13, RequestError.NONE);
        if (++c.inBatch == 16) {
            c.inBatch = 0;
            c.http1.responsesWritten();
            c.http1.awaitingInput();
        }
        return t;
    }

    /** As HTTP/1.1 records keep-alive requests: a write and a wait for input after each. */
    @Benchmark
    public long recordMetricsOnKeepAliveHttp1(Connection c) {
        long t = c.http1.requestStarted(c.request);
        c.http1.requestEnded(t, c.request, 200, 0, 13, RequestError.NONE);
        c.http1.responsesWritten();
        c.http1.awaitingInput();
        return t;
    }

    @Benchmark
    @Threads(2)
    public long recordMetricsOnTwoThreads(Connection c) {
        long t = c.on.requestStarted(c.request);
        c.on.requestEnded(t, c.request, 200, 0, 13, RequestError.NONE);
        return t;
    }

    @Benchmark
    public long recordMetricsOff(Connection c) {
        long t = c.off.requestStarted(c.request);
        c.off.requestEnded(t, c.request, 200, 0, 13, RequestError.NONE);
        return t;
    }

    @Benchmark
    public long nanoTime() {
        return System.nanoTime();
    }

    /** A GET /plaintext over HTTP/1.1 that a router matched. */
    static final class FixedRequest implements Request {
        private final Headers headers = new Headers();
        private final SocketAddress address = new InetSocketAddress("127.0.0.1", 8080);
        private final RouteTemplate route;

        FixedRequest(RouteTemplate route) {
            this.route = route;
        }

        @Override public String method() { return "GET"; }
        @Override public String target() { return "/plaintext"; }
        @Override public String path() { return "/plaintext"; }
        @Override public String query() { return null; }
        @Override public String authority() { return "localhost"; }
        @Override public Headers headers() { return headers; }
        @Override public long contentLength() { return 0; }
        @Override public InputStream body() { return InputStream.nullInputStream(); }
        @Override public Headers trailers() { return headers; }
        @Override public void maxBodySize(long bytes) {}
        @Override public Protocol protocol() { return Protocol.HTTP_1_1; }
        @Override public String scheme() { return "http"; }
        @Override public SocketAddress localAddress() { return address; }
        @Override public SocketAddress remoteAddress() { return address; }
        @Override public RouteTemplate route() { return route; }
    }
}
