package dev.peregrine.observe;

import dev.peregrine.api.Handler;
import dev.peregrine.api.Request;
import dev.peregrine.api.Response;
import dev.peregrine.observe.metrics.MetricsSnapshot;
import dev.peregrine.server.ServerMetrics;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Serves a server's metrics for Prometheus to scrape, mounted wherever the application wants:
 *
 * <pre>{@code
 * PrometheusHandler metrics = new PrometheusHandler();
 * Server server = Server.builder()
 *     .handler(Router.builder().get("/metrics", metrics).get("/", app).build())
 *     .listen(Endpoint.tcp("localhost", 8080))
 *     .start();
 * metrics.bind(server.metrics()); // until bound, the handler answers 503
 * }</pre>
 *
 * The body is a fresh {@link ServerMetrics#snapshot()} in the Prometheus text format 0.0.4, or in
 * OpenMetrics 1.0 when the client's {@code Accept} prefers {@code application/openmetrics-text}
 * (as Prometheus's scraper does). Names follow OpenTelemetry's Prometheus exporter: see
 * {@code docs/observability.md}. {@code GET} and {@code HEAD} only. The endpoint shows what the
 * server does, so mount it where only the scraper can reach it.
 */
public final class PrometheusHandler implements Handler {

    private volatile Supplier<MetricsSnapshot> source;

    /** An unbound handler: 503 until {@link #bind} gives it a server's metrics. */
    public PrometheusHandler() {}

    /** A handler serving what {@code source} returns on each scrape. */
    public static PrometheusHandler of(Supplier<MetricsSnapshot> source) {
        PrometheusHandler h = new PrometheusHandler();
        h.source = Objects.requireNonNull(source);
        return h;
    }

    /** Serves these metrics from now on. Returns this handler. */
    public PrometheusHandler bind(ServerMetrics metrics) {
        Objects.requireNonNull(metrics);
        this.source = metrics::snapshot;
        return this;
    }

    @Override
    public void handle(Request request, Response response) throws Exception {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            response.header("allow", "GET, HEAD");
            response.send(405, "Method Not Allowed\n");
            return;
        }
        Supplier<MetricsSnapshot> s = source;
        if (s == null) {
            response.send(503, "metrics not bound to a server yet\n");
            return;
        }
        boolean openMetrics = prefersOpenMetrics(request.header("accept"));
        byte[] body = PrometheusFormat.render(s.get(), openMetrics);
        response.header("content-type", openMetrics ? PrometheusFormat.OPENMETRICS_TYPE : PrometheusFormat.TEXT_TYPE);
        response.header("vary", "accept"); // the body depends on Accept (RFC 9110 §12.5.5)
        response.header("cache-control", "no-store");
        response.send(body);
    }

    /**
     * Whether {@code accept} ranks OpenMetrics at least as high as plain text: each type gets the
     * q-value of its most specific range (RFC 9110 §12.5.1: {@code text/plain} over {@code text/*}
     * over {@code *}{@code /*}). No header, or a tie with text unranked: plain text.
     */
    static boolean prefersOpenMetrics(String accept) {
        if (accept == null) {
            return false;
        }
        double[] q = {-1, -1, -1, -1, -1}; // openmetrics, text/plain, application/*, text/*, */*
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            int slot = switch (parts[0].trim().toLowerCase(Locale.ROOT)) {
                case "application/openmetrics-text" -> 0;
                case "text/plain" -> 1;
                case "application/*" -> 2;
                case "text/*" -> 3;
                case "*/*" -> 4;
                default -> -1;
            };
            if (slot >= 0) {
                q[slot] = Math.max(q[slot], weight(parts));
            }
        }
        double openMetrics = q[0] >= 0 ? q[0] : q[2] >= 0 ? q[2] : q[4];
        double text = q[1] >= 0 ? q[1] : q[3] >= 0 ? q[3] : q[4];
        return openMetrics > 0 && openMetrics > text || openMetrics > 0 && q[0] >= 0 && openMetrics == text;
    }

    private static double weight(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.length() > 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
                try {
                    return Double.parseDouble(p.substring(2).trim());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }
}
