package dev.peregrine.bench.jmh;

import dev.peregrine.exchange.WriteBuffer;
import dev.peregrine.http1.ResponseHeadWriter;
import dev.peregrine.server.internal.DateCache;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Response-head encoding as the HTTP/1.1 connection writes it for {@code res.send("Hello, World!")}:
 * status line, content-type (validated name and value), content-length (pre-encoded name),
 * the cached date line, the empty line. {@code withServerHeader} adds a pre-encoded raw line.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ResponseHeadBenchmark {

    private static final byte[] CONTENT_LENGTH = ResponseHeadWriter.encodeName("content-length");
    private static final byte[] SERVER = ResponseHeadWriter.encodeLine("server", "peregrine");

    private final WriteBuffer out = new WriteBuffer(512);
    private DateCache dates;

    @Setup
    public void setup() {
        dates = new DateCache();
    }

    @Benchmark
    public int plaintextHead() {
        out.clear();
        ResponseHeadWriter.statusLine(out, 200, null);
        ResponseHeadWriter.header(out, "content-type", "text/plain; charset=utf-8");
        ResponseHeadWriter.header(out, CONTENT_LENGTH, 13);
        ResponseHeadWriter.rawLine(out, dates.headerLine());
        ResponseHeadWriter.end(out);
        return out.size();
    }

    @Benchmark
    public int withServerHeader() {
        out.clear();
        ResponseHeadWriter.statusLine(out, 200, null);
        ResponseHeadWriter.header(out, "content-type", "application/json");
        ResponseHeadWriter.header(out, CONTENT_LENGTH, 27);
        ResponseHeadWriter.rawLine(out, SERVER);
        ResponseHeadWriter.rawLine(out, dates.headerLine());
        ResponseHeadWriter.end(out);
        return out.size();
    }
}
