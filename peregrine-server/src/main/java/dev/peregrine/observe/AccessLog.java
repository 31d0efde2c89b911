package dev.peregrine.observe;

import dev.peregrine.api.Filter;
import dev.peregrine.api.Handler;
import dev.peregrine.api.Request;
import dev.peregrine.api.Response;
import dev.peregrine.exchange.ExchangeResponse;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Writes one line per request once the handler is done:
 *
 * <pre>{@code
 * AccessLog log = AccessLog.toStandardOutput();
 * Server server = Server.builder().handler(site.with(log)).listen(Endpoint.tcp("localhost", 8080)).start();
 * // 127.0.0.1 - - [21/Nov/2025:05:03:00 +0000] "GET /index.html HTTP/1.1" 200 1534 0.8ms
 * ...
 * server.stop(Duration.ofSeconds(10));
 * log.close(); // writes out what is still queued
 * }</pre>
 *
 * The default line is the Common Log Format (so CLF tools read its first seven fields) with
 * the handler's duration appended. Bytes are those the handler wrote to the body (or sent with
 * {@link Response#sendFile}): counted by the server's own response when the log is handed that
 * (the outermost filter is), else by wrapping the response it got; {@code -} when none (CLF's
 * convention) and always for HEAD, whose body the server drops. The duration starts when the
 * server began the request ({@link Request#startNanos()}, the clock reading its metrics took,
 * so the log adds only one) and ends when the handler returns, which for a body that fit the
 * response buffer is before its last bytes reach the socket. If the handler throws before
 * committing, the line says 500 — what the server then sends.
 *
 * <p>The log does not change the response: the wrapper forwards body writes, flushes and the
 * close one for one, so framing (a computed Content-Length rather than chunked encoding) and the
 * batching of pipelined responses into one write are the same with and without it, and a file
 * body keeps its zero-copy route.
 *
 * <p><b>Where lines go.</b> {@link #to(OutputStream)} and {@link #toStandardOutput()} are
 * asynchronous: the request thread only queues the entry; one background thread formats the
 * lines and writes them in batches, flushing each time it has caught up. The queue is bounded
 * ({@value #DEFAULT_QUEUE_LINES} lines unless {@link #to(OutputStream, int)} says otherwise), so a
 * slow or blocked stream never holds up a request: when it is full, lines are dropped and
 * counted ({@link #dropped()}), and the log itself says {@code access log: N lines dropped} once
 * the writer has caught up. {@link #close()} waits until the queue is written out and flushed;
 * call it after the server stopped. {@link #to(Consumer)} instead calls its consumer on the
 * request thread, before the response leaves: for tests, or a sink that is itself asynchronous.
 */
public final class AccessLog implements Filter, AutoCloseable {

    /** Lines the asynchronous log queues before it drops. */
    public static final int DEFAULT_QUEUE_LINES = 8192;

    private static final System.Logger LOG = System.getLogger(AccessLog.class.getName());

    /** The default format, by identity: the writer then formats into its own reused builder. */
    static final Function<Entry, String> COMMON_LOG_FORMAT = Entry::commonLogFormat;

    /**
     * What is known about one finished request.
     *
     * @param time when the server began the request, to the millisecond
     * @param remoteAddress the client's IP address (IPv6 in RFC 5952 short form), or {@code -}
     * @param bytes body bytes the handler wrote
     */
    public record Entry(Instant time, String remoteAddress, String method, String target, String protocol,
                        int status, long bytes, long durationNanos) {

        /** {@code host - - [time] "METHOD target PROTOCOL" status bytes duration}. */
        public String commonLogFormat() {
            StringBuilder sb = new StringBuilder(96 + target.length());
            appendCommonLogFormat(sb);
            return sb.toString();
        }

        void appendCommonLogFormat(StringBuilder sb) {
            appendCommonLogFormat(sb, remoteAddress, time.getEpochSecond(), method, target, protocol, status, bytes,
                    durationNanos);
        }

        /** The default line from its parts, so the background writer needs no {@code Entry} for it. */
        static void appendCommonLogFormat(StringBuilder sb, String remoteAddress, long epochSecond, String method,
                String target, String protocol, int status, long bytes, long durationNanos) {
            sb.append(remoteAddress).append(" - - [").append(ClfTime.format(epochSecond)).append("] \"");
            quoted(sb, method);
            sb.append(' ');
            quoted(sb, target);
            sb.append(' ').append(protocol).append("\" ").append(status).append(' ');
            if (bytes > 0) {
                sb.append(bytes);
            } else {
                sb.append('-');
            }
            long tenths = durationNanos / 100_000; // one decimal of a millisecond
            sb.append(' ').append(tenths / 10).append('.').append(tenths % 10).append("ms");
        }

        /**
         * Escapes what would let a client forge log content: quotes, backslashes and control
         * characters. (The parser rejects CR/LF already; the log does not rely on that.)
         */
        private static void quoted(StringBuilder sb, String s) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') {
                    sb.append('\\').append(c);
                } else if (c < 0x20 || c == 0x7f) {
                    sb.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
                } else {
                    sb.append(c);
                }
            }
        }
    }

    /**
     * Wall-clock time from {@link System#nanoTime()}, which the filter reads anyway: the base is
     * re-read from {@link System#currentTimeMillis()} at most once a second, so a line's time is
     * within a millisecond or so of the wall clock, and a request costs no second clock read.
     */
    private static final class WallClock {
        private record Base(long nanos, long millis) { }

        private static final long RESYNC_NANOS = 1_000_000_000L;
        private static volatile Base base = new Base(System.nanoTime(), System.currentTimeMillis());

        static long millis(long nanoNow) {
            Base b = base;
            long since = nanoNow - b.nanos();
            if (since < 0 || since >= RESYNC_NANOS) {
                b = new Base(nanoNow, System.currentTimeMillis());
                base = b;
                since = 0;
            }
            return b.millis() + since / 1_000_000;
        }
    }

    /**
     * Where entries go: formatted on the request thread, or queued for the background writer.
     * A finished request comes as its raw parts, so the request thread neither formats the
     * client's address nor allocates an {@link Entry} (or anything else) for the default format.
     */
    sealed interface Sink extends AutoCloseable permits Direct, AsyncLineWriter {
        void log(long epochMillis, SocketAddress remote, String method, String target, String protocol, int status,
                long bytes, long durationNanos, Function<Entry, String> format);

        long dropped();

        @Override
        void close();
    }

    /** Formats and hands over the line on the request thread. */
    private record Direct(Consumer<String> consumer) implements Sink {
        @Override
        public void log(long epochMillis, SocketAddress remote, String method, String target, String protocol,
                int status, long bytes, long durationNanos, Function<Entry, String> format) {
            try {
                consumer.accept(format.apply(new Entry(Instant.ofEpochMilli(epochMillis), address(remote), method,
                        target, protocol, status, bytes, durationNanos)));
            } catch (RuntimeException e) {
                // A broken log must not turn a served request into a failed one.
                LOG.log(System.Logger.Level.WARNING, "access log sink failed", e);
            }
        }

        @Override
        public long dropped() {
            return 0;
        }

        @Override
        public void close() { }
    }

    private final Sink sink;
    private final Function<Entry, String> format;

    private AccessLog(Sink sink, Function<Entry, String> format) {
        this.sink = sink;
        this.format = Objects.requireNonNull(format, "format");
    }

    /**
     * Logs each request as {@link Entry#commonLogFormat()} to {@code consumer}, called on the
     * request thread before the response is written: a slow consumer slows every request. Use
     * it for tests or a consumer that queues itself (a logging framework's async appender); for
     * a stream, {@link #to(OutputStream)}. A consumer that throws is reported once per line
     * through {@link System.Logger} and does not fail the request.
     */
    public static AccessLog to(Consumer<String> consumer) {
        return new AccessLog(new Direct(Objects.requireNonNull(consumer, "consumer")), COMMON_LOG_FORMAT);
    }

    /**
     * Logs each request to {@code out} (UTF-8, one line each) from a background thread, queueing
     * up to {@value #DEFAULT_QUEUE_LINES} lines. {@link #close()} drains the queue; it flushes
     * {@code out} but does not close it.
     */
    public static AccessLog to(OutputStream out) {
        return to(out, DEFAULT_QUEUE_LINES);
    }

    /**
     * Like {@link #to(OutputStream)} with room for {@code queueLines} lines before lines are
     * dropped: more rides out longer stalls of the stream, at the cost of memory (the queue
     * is allocated up front, and holds the entries of lines not yet written).
     *
     * @throws IllegalArgumentException if {@code queueLines < 1}
     */
    public static AccessLog to(OutputStream out, int queueLines) {
        return new AccessLog(AsyncLineWriter.start(Objects.requireNonNull(out, "out"), queueLines), COMMON_LOG_FORMAT);
    }

    /** {@link #to(OutputStream)} for {@link System#out}, what {@code peregrine serve} uses. */
    public static AccessLog toStandardOutput() {
        return to(System.out);
    }

    /**
     * The same log (same sink, same queue; closing either closes both) with another line format.
     * On an asynchronous log the function runs on the writer thread.
     */
    public AccessLog format(Function<Entry, String> format) {
        return new AccessLog(sink, format);
    }

    /**
     * Lines not written: refused while the queue was full or after {@link #close()}, or lost to
     * a failing stream. Always 0 for {@link #to(Consumer)}.
     */
    public long dropped() {
        return sink.dropped();
    }

    /**
     * Stops taking lines, and waits until everything queued is written and the stream flushed
     * (a stream that blocks forever blocks this too). Idempotent; a no-op for {@link #to(Consumer)}.
     */
    @Override
    public void close() {
        sink.close();
    }

    @Override
    public void filter(Request request, Response response, Handler next) throws Exception {
        long start = request.startNanos(); // read by the server already: no clock call of our own
        // The server's own response counts its body bytes: then no wrapper, nothing allocated.
        ExchangeResponse own = response instanceof ExchangeResponse r ? r : null;
        CountingResponse counting = own == null ? new CountingResponse(response) : null;
        boolean failed = true;
        try {
            next.handle(request, own != null ? own : counting);
            failed = false;
        } finally {
            int status = failed && !response.isCommitted() ? 500 : response.status();
            // A HEAD handler may write the body it would send; the server drops it, so log none.
            long bytes = request.method().equals("HEAD") ? 0 : own != null ? own.bodyBytesWritten() : counting.bytes();
            sink.log(WallClock.millis(start), request.remoteAddress(), request.method(), request.target(),
                    request.protocol().text(), status, bytes, System.nanoTime() - start, format);
        }
    }

    static String address(SocketAddress address) {
        return switch (address) {
            case InetSocketAddress inet when inet.getAddress() instanceof Inet6Address v6 -> shortIpv6(v6);
            case InetSocketAddress inet when inet.getAddress() != null -> inet.getAddress().getHostAddress();
            case InetSocketAddress inet -> inet.getHostString();
            case UnixDomainSocketAddress unix when !unix.getPath().toString().isEmpty() -> unix.getPath().toString();
            case null, default -> "-";
        };
    }

    /**
     * RFC 5952 text for an IPv6 address: {@code ::1}, not Java's {@code 0:0:0:0:0:0:0:1} —
     * the longest run (two or more) of zero groups becomes {@code ::}. The scope id is dropped.
     */
    static String shortIpv6(Inet6Address address) {
        byte[] b = address.getAddress();
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = (b[2 * i] & 0xff) << 8 | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
