package dev.peregrine.bench.jmh;

import dev.peregrine.server.internal.DateCache;
import java.time.Instant;
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
 * The date cache: what every response pays (a volatile read of the pre-encoded line), what the
 * heartbeat pays once a second (re-encoding), and a same-second refresh (the early return).
 * {@code formatPerRequest} is the baseline the cache exists to avoid.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class DateCacheBenchmark {

    private DateCache cache;
    private Instant now;
    private long second;

    @Setup
    public void setup() {
        cache = new DateCache();
        now = Instant.now();
        second = now.getEpochSecond();
    }

    @Benchmark
    public byte[] readHeaderLine() {
        return cache.headerLine();
    }

    @Benchmark
    public byte[] refreshSameSecond() {
        cache.refresh(now);
        return cache.headerLine();
    }

    @Benchmark
    public byte[] refreshNewSecond() {
        cache.refresh(Instant.ofEpochSecond(++second));
        return cache.headerLine();
    }

    @Benchmark
    public String formatPerRequest() {
        return DateCache.format(Instant.ofEpochSecond(++second));
    }
}
