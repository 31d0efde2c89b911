package dev.peregrine.observe;

import dev.peregrine.api.Filter;
import dev.peregrine.api.Handler;
import dev.peregrine.api.Headers;
import dev.peregrine.api.Request;
import dev.peregrine.api.Response;
import dev.peregrine.api.Upgraded;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Writes one line per request once the handler is done:
 *
 * <pre>{@code
 * Handler app = site.with(AccessLog.to(System.out::println));
 * // 127.0.0.1 - - [21/Nov/2025:05:03:00 +0000] "GET /index.html HTTP/1.1" 200 1534 0.8ms
 * }</pre>
 *
 * The default line is the Common Log Format (so CLF tools read its first seven fields) with
 * the handler's duration appended. Bytes are those the handler wrote to the body, counted by
 * wrapping the response; {@code -} when none (CLF's convention) and always for HEAD, whose
 * body the server drops. The duration ends when the handler returns, which for a body that
 * fit the response buffer is before its last bytes reach the socket.
 *
 * <p>If the handler throws before committing, the line says 500 — what the server then sends.
 */
public final class AccessLog implements Filter {

    private static final System.Logger LOG = System.getLogger(AccessLog.class.getName());

    /**
     * What is known about one finished request.
     *
     * @param time when the request reached this filter
     * @param remoteAddress the client's IP address (IPv6 in RFC 5952 short form), or {@code -}
     * @param bytes body bytes the handler wrote
     */
    public record Entry(Instant time, String remoteAddress, String method, String target, String protocol,
                        int status, long bytes, long durationNanos) {

        private static final DateTimeFormatter CLF_TIME =
                DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.US).withZone(ZoneOffset.UTC);

        /** {@code host - - [time] "METHOD target PROTOCOL" status bytes duration}. */
        public String commonLogFormat() {
            StringBuilder sb = new StringBuilder(96 + target.length());
            sb.append(remoteAddress).append(" - - [").append(CLF_TIME.format(time)).append("] \"");
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
            return sb.toString();
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

    private final Consumer<String> sink;
    private final Function<Entry, String> format;

    private AccessLog(Consumer<String> sink, Function<Entry, String> format) {
        this.sink = Objects.requireNonNull(sink, "sink");
        this.format = Objects.requireNonNull(format, "format");
    }

    /** Logs each request as {@link Entry#commonLogFormat()} to {@code sink}, e.g. {@code System.out::println}. */
    public static AccessLog to(Consumer<String> sink) {
        return new AccessLog(sink, Entry::commonLogFormat);
    }

    /** The same log with another line format. */
    public AccessLog format(Function<Entry, String> format) {
        return new AccessLog(sink, format);
    }

    @Override
    public void filter(Request request, Response response, Handler next) throws Exception {
        Instant time = Instant.now();
        long start = System.nanoTime();
        CountingResponse counting = new CountingResponse(response);
        boolean failed = true;
        try {
            next.handle(request, counting);
            failed = false;
        } finally {
            int status = failed && !response.isCommitted() ? 500 : response.status();
            // A HEAD handler may write the body it would send; the server drops it, so log none.
            long bytes = request.method().equals("HEAD") ? 0 : counting.bytes();
            Entry entry = new Entry(time, address(request.remoteAddress()), request.method(), request.target(),
                    request.protocol().text(), status, bytes, System.nanoTime() - start);
            try {
                sink.accept(format.apply(entry));
            } catch (RuntimeException e) {
                // A broken log must not turn a served request into a failed one.
                LOG.log(System.Logger.Level.WARNING, "access log sink failed", e);
            }
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

    /** Forwards everything and counts the bytes written to the body. */
    private static final class CountingResponse implements Response {
        private final Response delegate;
        private OutputStream delegateBody;
        private OutputStream countingBody;
        private long bytes;

        CountingResponse(Response delegate) {
            this.delegate = delegate;
        }

        long bytes() {
            return bytes;
        }

        @Override public int status() { return delegate.status(); }
        @Override public Response status(int status) { delegate.status(status); return this; }
        @Override public Headers headers() { return delegate.headers(); }
        @Override public Response contentLength(long length) { delegate.contentLength(length); return this; }
        @Override public Headers trailers() { return delegate.trailers(); }
        @Override public boolean isCommitted() { return delegate.isCommitted(); }
        @Override public void upgrade(Upgraded upgraded) { delegate.upgrade(upgraded); }

        @Override
        public OutputStream body() {
            OutputStream body = delegate.body();
            if (body != delegateBody) {
                delegateBody = body;
                countingBody = new FilterOutputStream(body) {
                    @Override
                    public void write(int b) throws IOException {
                        out.write(b);
                        bytes++;
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len); // not FilterOutputStream's byte-at-a-time loop
                        bytes += len;
                    }
                };
            }
            return countingBody;
        }
    }
}
