package dev.peregrine.observe.status;

import dev.peregrine.api.Filter;
import dev.peregrine.api.Handler;
import dev.peregrine.api.Request;
import dev.peregrine.api.Response;
import dev.peregrine.observe.metrics.MetricsSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A live page of what the server is doing, at {@value #PATH}: connections by protocol and state,
 * requests per second, latency percentiles, bytes in and out, errors by kind, TLS handshakes and
 * the slowest routes, updated every second over Server-Sent Events from the server itself. No
 * external script, style or font: the page, its script and its style are served from here.
 *
 * <p>Mount it in front of any handler: {@code handler.with(statusPage)}; requests under
 * {@value #PATH} are answered here, everything else passes on. Only loopback clients are served
 * unless a token is configured, which other clients then give as {@code ?token=} (the page
 * passes it on to its event stream). Behind a reverse proxy on the same machine every client is
 * loopback: configure a token and block the path at the proxy.
 *
 * <p>Each open page holds one request thread (virtual) that samples the metrics once a second.
 * A stream ends after {@link Builder#maxStreamLength} (the browser reconnects a second later) or when
 * {@link #close()} is called, so a graceful stop that waits for running requests does not wait
 * for these: close the page before stopping the server.
 */
public final class StatusPage implements Filter, AutoCloseable {

    /** Where the page lives; {@code /events}, {@code /sample.json}, {@code /status.js} and {@code /status.css} below it. */
    public static final String PATH = "/.peregrine/status";

    private static final byte[] HTML = resource("status.html");
    private static final byte[] SCRIPT = resource("status.js");
    private static final byte[] STYLE = resource("status.css");
    /** Resources only from here; the event stream and the sample are same-origin fetches. */
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final Supplier<MetricsSnapshot> metrics;
    private final byte[] token;
    private final Duration interval;
    private final Duration maxStreamLength;
    /** Counted down by {@link #close()}: streams wait on it between samples, so closing wakes them. */
    private final CountDownLatch closed = new CountDownLatch(1);
    private final AtomicInteger openStreams = new AtomicInteger();

    private StatusPage(Builder b) {
        this.metrics = b.metrics;
        this.token = b.token == null ? null : b.token.getBytes(StandardCharsets.UTF_8);
        this.interval = b.interval;
        this.maxStreamLength = b.maxStreamLength;
    }

    /**
     * A page over {@code metrics}, e.g. {@code () -> server.metrics().snapshot()} (the supplier is
     * first called when a page is opened, so it may read a server built after this page).
     */
    public static Builder builder(Supplier<MetricsSnapshot> metrics) {
        return new Builder(metrics);
    }

    /** Configures a {@link StatusPage}. */
    public static final class Builder {
        private final Supplier<MetricsSnapshot> metrics;
        private String token;
        private Duration interval = Duration.ofSeconds(1);
        private Duration maxStreamLength = Duration.ofMinutes(5);

        private Builder(Supplier<MetricsSnapshot> metrics) {
            this.metrics = Objects.requireNonNull(metrics);
        }

        /** Serves clients that are not on loopback too, when they give this token ({@code ?token=}). */
        public Builder token(String token) {
            if (token != null && token.isBlank()) {
                throw new IllegalArgumentException("a status page token must not be blank");
            }
            this.token = token;
            return this;
        }

        /** How often the event stream sends a sample (default 1 s). */
        public Builder interval(Duration interval) {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("the interval must be positive: " + interval);
            }
            this.interval = interval;
            return this;
        }

        /** How long one event stream lasts before the browser is asked to reconnect (default 5 min). */
        public Builder maxStreamLength(Duration length) {
            this.maxStreamLength = Objects.requireNonNull(length);
            return this;
        }

        public StatusPage build() {
            return new StatusPage(this);
        }
    }

    @Override
    public void filter(Request request, Response response, Handler next) throws Exception {
        String path = request.path();
        if (!path.equals(PATH) && !path.startsWith(PATH + "/")) {
            next.handle(request, response);
            return;
        }
        String sub = path.substring(PATH.length());
        // The script and style hold no data and are what ships in the jar: served to all, so a page
        // opened with ?token= (which its subresource URLs do not carry) still loads them.
        boolean asset = sub.equals("/status.js") || sub.equals("/status.css");
        if (!asset && !allowed(request)) {
            response.header("content-type", "text/plain; charset=utf-8");
            response.status(403).send("The status page is served to loopback clients, or with its token.\n");
            return;
        }
        boolean get = request.method().equals("GET");
        if (!get && !request.method().equals("HEAD")) {
            response.header("allow", "GET, HEAD");
            response.status(405).send(new byte[0]);
            return;
        }
        response.header("cache-control", "no-store");
        response.header("x-content-type-options", "nosniff");
        switch (sub) {
            case "", "/" -> {
                response.header("content-security-policy", CSP);
                response.header("referrer-policy", "no-referrer");
                send(response, "text/html; charset=utf-8", HTML);
            }
            case "/status.js" -> send(response, "text/javascript; charset=utf-8", SCRIPT);
            case "/status.css" -> send(response, "text/css; charset=utf-8", STYLE);
            case "/sample.json" -> send(response, "application/json",
                    new StatusSample(null, metrics.get()).toJson().getBytes(StandardCharsets.UTF_8));
            case "/events" -> stream(request, response, get);
            default -> {
                response.header("content-type", "text/plain; charset=utf-8");
                response.status(404).send("Not found\n");
            }
        }
    }

    /** Ends every open event stream now; later requests for one get 204 (an EventSource stops reconnecting). */
    @Override
    public void close() {
        closed.countDown();
    }

    /** Event streams open right now: one per page being watched. */
    public int openStreams() {
        return openStreams.get();
    }

    private boolean allowed(Request request) {
        if (request.remoteAddress() instanceof InetSocketAddress inet && inet.getAddress() != null
                && inet.getAddress().isLoopbackAddress()) {
            return true;
        }
        String given = request.queryParam("token");
        return token != null && given != null
                && MessageDigest.isEqual(token, given.getBytes(StandardCharsets.UTF_8)); // constant time
    }

    private static void send(Response response, String type, byte[] body) throws IOException {
        response.header("content-type", type);
        response.send(body);
    }

    private void stream(Request request, Response response, boolean get) throws IOException {
        if (closed.getCount() == 0) {
            response.status(204).send(new byte[0]);
            return;
        }
        response.header("content-type", "text/event-stream");
        if (!get) {
            response.send(new byte[0]);
            return;
        }
        openStreams.incrementAndGet();
        try {
            OutputStream out = response.body();
            out.write("retry: 1000\n\n".getBytes(StandardCharsets.UTF_8));
            long end = System.nanoTime() + maxStreamLength.toNanos();
            MetricsSnapshot before = null;
            do {
                MetricsSnapshot now = metrics.get();
                out.write(("data: " + new StatusSample(before, now).toJson() + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush(); // fails once the page is gone: then the stream ends
                before = now;
            } while (!closed.await(interval.toNanos(), TimeUnit.NANOSECONDS) && System.nanoTime() - end < 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the page went away: nothing to answer
        } finally {
            openStreams.decrementAndGet();
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = StatusPage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
