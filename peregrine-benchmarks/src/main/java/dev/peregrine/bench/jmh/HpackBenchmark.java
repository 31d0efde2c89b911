package dev.peregrine.bench.jmh;

import dev.peregrine.hpack.HpackDecoder;
import dev.peregrine.hpack.HpackEncoder;
import dev.peregrine.hpack.HpackException;
import dev.peregrine.hpack.HpackWriter;
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
 * HPACK on the HTTP/2 hot path. Decoding: a browser's navigation request (Chrome's 16 fields),
 * first on a connection (Huffman literals, indexed into a fresh table) and repeated (nearly all
 * dynamic-table references). Encoding: the response {@code res.send("Hello, World!")} gets
 * (:status, content-type, content-length, date, server), on a warm connection and on a new one.
 * The blocks are made by our encoder, which Huffman-codes and indexes as browsers do.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class HpackBenchmark {

    private static final String[][] BROWSER_REQUEST = {
        {":method", "GET"},
        {":authority", "www.example.com"},
        {":scheme", "https"},
        {":path", "/articles/hpack?ref=home"},
        {"sec-ch-ua", "\"Chromium\";v=\"128\", \"Not;A=Brand\";v=\"24\", \"Google Chrome\";v=\"128\""},
        {"sec-ch-ua-mobile", "?0"},
        {"sec-ch-ua-platform", "\"macOS\""},
        {"upgrade-insecure-requests", "1"},
        {"user-agent", "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko)"
                + " Chrome/128.0.0.0 Safari/537.36"},
        {"accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,"
                + "*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"},
        {"sec-fetch-site", "none"},
        {"sec-fetch-mode", "navigate"},
        {"sec-fetch-user", "?1"},
        {"sec-fetch-dest", "document"},
        {"accept-encoding", "gzip, deflate, br, zstd"},
        {"accept-language", "en-GB,en;q=0.9"},
    };

    private static final String DATE = "Mon, 21 Oct 2013 20:13:21 GMT";

    private byte[] firstRequest;
    private byte[] repeatRequest;
    private HpackDecoder warmDecoder;
    private final HpackWriter out = new HpackWriter(512);
    private HpackEncoder warmEncoder;
    private long checksum;
    private final HpackDecoder.HeaderSink sink = (name, value) -> checksum += name.length() + value.length();

    @Setup
    public void setup() throws HpackException {
        HpackEncoder peer = new HpackEncoder(HpackEncoder.DEFAULT_TABLE_SIZE);
        firstRequest = encodeRequest(peer);
        repeatRequest = encodeRequest(peer); // references what the first one indexed
        warmDecoder = new HpackDecoder(4096, 16 * 1024);
        warmDecoder.decode(firstRequest, 0, firstRequest.length, sink);
        warmEncoder = new HpackEncoder(HpackEncoder.DEFAULT_TABLE_SIZE);
        encodeResponse(warmEncoder);
    }

    private static byte[] encodeRequest(HpackEncoder encoder) {
        HpackWriter block = new HpackWriter();
        for (String[] field : BROWSER_REQUEST) {
            encoder.encode(field[0], field[1], block);
        }
        return block.toByteArray();
    }

    private int encodeResponse(HpackEncoder encoder) {
        out.reset();
        encoder.encodeStatus(200, out);
        encoder.encode("content-type", "text/plain; charset=utf-8", out);
        encoder.encode("content-length", "13", out);
        encoder.encode("date", DATE, out);
        encoder.encode("server", "peregrine", out);
        return out.length();
    }

    /** The first request of a connection: a new decoder, Huffman literals added to its table. */
    @Benchmark
    public long decodeFirstRequest() throws HpackException {
        HpackDecoder decoder = new HpackDecoder(4096, 16 * 1024);
        decoder.decode(firstRequest, 0, firstRequest.length, sink);
        return checksum;
    }

    /** A later request on the connection: dynamic-table references (the table does not change). */
    @Benchmark
    public long decodeRepeatRequest() throws HpackException {
        warmDecoder.decode(repeatRequest, 0, repeatRequest.length, sink);
        return checksum;
    }

    /** A response on a warm connection: one static index, three dynamic ones, one literal. */
    @Benchmark
    public int encodeResponse() {
        return encodeResponse(warmEncoder);
    }

    /** The first response of a connection: a new encoder, Huffman literals indexed. */
    @Benchmark
    public int encodeFirstResponse() {
        return encodeResponse(new HpackEncoder(HpackEncoder.DEFAULT_TABLE_SIZE));
    }
}
