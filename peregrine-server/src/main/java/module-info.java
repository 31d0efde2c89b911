/**
 * Peregrine's HTTP server: HTTP/1.1 and HTTP/2 (h2 and h2c), HTTPS, static files and the handler
 * API, on the JDK alone.
 *
 * <p>Exported to everyone: the handler API ({@code api}), the server and its options
 * ({@code server}), TLS configuration ({@code tls}), the file server ({@code files}), access logs
 * metrics, JFR events and the status page ({@code observe} and its subpackages) and the
 * transport contracts ({@code transport}). The protocol
 * implementations ({@code http1}, {@code http2}, {@code hpack}), the protocol-neutral exchange
 * and the connection internals stay hidden; the few that Peregrine's own HTTP/3 module builds on
 * are exported to it alone.
 */
module dev.peregrine.server {
    requires jdk.jfr;

    exports dev.peregrine.api;
    exports dev.peregrine.files;
    exports dev.peregrine.observe;
    exports dev.peregrine.observe.events;
    exports dev.peregrine.observe.metrics;
    exports dev.peregrine.observe.status;
    exports dev.peregrine.server;
    exports dev.peregrine.tls;
    exports dev.peregrine.transport;

    exports dev.peregrine.exchange to dev.peregrine.http3;
    exports dev.peregrine.hpack to dev.peregrine.http3;
    exports dev.peregrine.server.internal to dev.peregrine.http3;

    // The protocols a server installs by default (META-INF/services says the same for the class path).
    uses dev.peregrine.server.internal.ConnectionSelector;
    provides dev.peregrine.server.internal.ConnectionSelector
            with dev.peregrine.http2.Http2Selector, dev.peregrine.http1.Http1Selector;
}
