package dev.peregrine.bench.jmh;

import dev.peregrine.http1.RequestHead;
import dev.peregrine.http1.RequestHeadParser;
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
 * Request-line + header parsing of one complete head, as the connection does it for every request:
 * reset the {@link RequestHead}, parse from a byte array. Three shapes: what wrk sends, what a
 * browser sends, and a large head (cookies, long user agent, tracing headers; ~4 KiB).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RequestHeadParseBenchmark {

    @Param({"small", "browser", "large"})
    public String shape;

    private byte[] bytes;
    private RequestHeadParser parser;
    private RequestHead head;

    @Setup
    public void setup() {
        bytes = heads(shape).getBytes(StandardCharsets.ISO_8859_1);
        // ServerOptions' defaults: 8 KiB request line, 32 KiB of fields, 100 fields.
        parser = new RequestHeadParser(8 * 1024, 32 * 1024, 100);
        head = new RequestHead();
    }

    @Benchmark
    public RequestHead parse() {
        head.reset();
        int n = parser.parse(bytes, 0, bytes.length, head);
        if (n != bytes.length) {
            throw new IllegalStateException("parsed " + n + " of " + bytes.length);
        }
        return head;
    }

    static String heads(String shape) {
        return switch (shape) {
            case "small" -> "GET /plaintext HTTP/1.1\r\nHost: 127.0.0.1:18080\r\n\r\n";
            case "browser" -> "GET /static/app.js?v=3 HTTP/1.1\r\n"
                    + "Host: www.example.com\r\n"
                    + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                    + "Chrome/131.0.0.0 Safari/537.36\r\n"
                    + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8\r\n"
                    + "Accept-Language: en-US,en;q=0.9,fr;q=0.8\r\n"
                    + "Accept-Encoding: gzip, deflate, br, zstd\r\n"
                    + "Referer: https://www.example.com/index.html\r\n"
                    + "Connection: keep-alive\r\n"
                    + "Cookie: session=7f3a9c1e5b2d4f60a8e1c3b5d7f9a1c3; theme=dark; consent=yes\r\n"
                    + "Sec-Fetch-Dest: script\r\n"
                    + "Sec-Fetch-Mode: no-cors\r\n"
                    + "Sec-Fetch-Site: same-origin\r\n"
                    + "If-None-Match: \"5f3c-18c2a1b4e80\"\r\n"
                    + "\r\n";
            case "large" -> {
                StringBuilder sb = new StringBuilder(heads("browser"));
                sb.setLength(sb.length() - 2);
                sb.append("Cookie: tracking=").append("a1b2c3d4e5".repeat(150)).append("\r\n");
                for (int i = 0; i < 20; i++) {
                    sb.append("X-Custom-Header-").append(i).append(": value-").append("x".repeat(60)).append("\r\n");
                }
                sb.append("traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\r\n\r\n");
                yield sb.toString();
            }
            default -> throw new IllegalArgumentException(shape);
        };
    }
}
