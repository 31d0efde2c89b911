package dev.peregrine.bench.jmh;

import dev.peregrine.http1.ChunkedDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Chunked decoding of a 64 KiB body into a 16 KiB buffer (the read buffer's size), from chunks of
 * 16 bytes (framing-bound: the worst case), 1 KiB and 8 KiB (copy-bound), with a chunk extension
 * on every size line in the smallest case.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ChunkedDecodeBenchmark {

    static final int BODY = 64 * 1024;

    @Param({"16", "1024", "8192"})
    public int chunkSize;

    private byte[] encoded;
    private final byte[] dst = new byte[16 * 1024];
    private ChunkedDecoder decoder;

    @Setup
    public void setup() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] data = new byte[chunkSize];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ('a' + i % 26);
        }
        for (int sent = 0; sent < BODY; sent += chunkSize) {
            String line = Integer.toHexString(chunkSize) + (chunkSize == 16 ? ";ext=1" : "") + "\r\n";
            out.writeBytes(line.getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(data);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        encoded = out.toByteArray();
        // Limits as the server's: 4 KiB chunk-size line, 32 KiB of trailers, 100 trailer fields.
        decoder = new ChunkedDecoder(4096, 32 * 1024, 100);
    }

    @Benchmark
    public long decode() {
        decoder.reset();
        int pos = 0;
        long total = 0;
        while (!decoder.isDone()) {
            pos += decoder.decode(encoded, pos, encoded.length, dst, 0, dst.length);
            total += decoder.produced();
        }
        if (total != BODY) {
            throw new IllegalStateException("decoded " + total);
        }
        return total;
    }
}
