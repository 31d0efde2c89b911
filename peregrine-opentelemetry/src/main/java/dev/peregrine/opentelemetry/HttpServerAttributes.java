package dev.peregrine.opentelemetry;

import dev.peregrine.api.Protocol;
import dev.peregrine.api.Request;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanBuilder;
import java.net.InetSocketAddress;

/**
 * The request attributes of an HTTP server span, as OpenTelemetry's semantic conventions name
 * them (the stable HTTP conventions); set when the span starts, so a sampler sees them.
 */
final class HttpServerAttributes {

    static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> METHOD_ORIGINAL = AttributeKey.stringKey("http.request.method_original");
    static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
    static final AttributeKey<Long> STATUS_CODE = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    static final AttributeKey<String> URL_QUERY = AttributeKey.stringKey("url.query");
    static final AttributeKey<String> URL_SCHEME = AttributeKey.stringKey("url.scheme");
    static final AttributeKey<String> PROTOCOL_VERSION = AttributeKey.stringKey("network.protocol.version");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> CLIENT_ADDRESS = AttributeKey.stringKey("client.address");
    static final AttributeKey<String> PEER_ADDRESS = AttributeKey.stringKey("network.peer.address");
    static final AttributeKey<Long> PEER_PORT = AttributeKey.longKey("network.peer.port");
    static final AttributeKey<String> USER_AGENT = AttributeKey.stringKey("user_agent.original");

    private HttpServerAttributes() {}

    /**
     * The method as the conventions record it: one of the RFC 9110 §9 methods or PATCH
     * (RFC 5789), else {@code null}, recorded as {@code _OTHER} (so a client cannot make span
     * names at will).
     */
    static String knownMethod(String method) {
        return switch (method) {
            case "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH" -> method;
            default -> null;
        };
    }

    static String protocolVersion(Protocol p) {
        return switch (p) {
            case HTTP_1_0 -> "1.0";
            case HTTP_1_1 -> "1.1";
            case HTTP_2 -> "2";
            case HTTP_3 -> "3";
        };
    }

    /** Everything known before the handler runs. */
    static void request(SpanBuilder span, Request request, String knownMethod) {
        span.setAttribute(METHOD, knownMethod == null ? "_OTHER" : knownMethod);
        if (knownMethod == null) {
            span.setAttribute(METHOD_ORIGINAL, request.method());
        }
        span.setAttribute(URL_PATH, request.path());
        String query = request.query();
        if (query != null && !query.isEmpty()) {
            span.setAttribute(URL_QUERY, query);
        }
        span.setAttribute(URL_SCHEME, request.scheme());
        span.setAttribute(PROTOCOL_VERSION, protocolVersion(request.protocol()));
        authority(span, request.authority());
        if (request.remoteAddress() instanceof InetSocketAddress peer) {
            // Without Forwarded / X-Forwarded-For handling the client is the peer (a proxy, if any).
            String address = peer.getAddress() != null ? peer.getAddress().getHostAddress() : peer.getHostString();
            span.setAttribute(CLIENT_ADDRESS, address);
            span.setAttribute(PEER_ADDRESS, address);
            span.setAttribute(PEER_PORT, (long) peer.getPort());
        }
        String agent = request.header("user-agent");
        if (agent != null) {
            span.setAttribute(USER_AGENT, agent);
        }
    }

    /**
     * {@code server.address} and {@code server.port} from the request's authority (RFC 9110 §7.2:
     * {@code Host} or {@code :authority}, {@code host[:port]}, an IPv6 literal in brackets,
     * RFC 3986 §3.2.2). No port written, none recorded; a malformed one is left out.
     */
    static void authority(SpanBuilder span, String authority) {
        if (authority == null || authority.isEmpty()) {
            return;
        }
        String host;
        String port = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                return;
            }
            host = authority.substring(1, close);
            if (close + 1 < authority.length() && authority.charAt(close + 1) == ':') {
                port = authority.substring(close + 2);
            }
        } else {
            int colon = authority.lastIndexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            port = colon < 0 ? null : authority.substring(colon + 1);
        }
        if (host.isEmpty()) {
            return;
        }
        span.setAttribute(SERVER_ADDRESS, host);
        long p = port(port);
        if (p >= 0) {
            span.setAttribute(SERVER_PORT, p);
        }
    }

    private static long port(String s) {
        if (s == null || s.isEmpty() || s.length() > 5) {
            return -1;
        }
        long p = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            p = p * 10 + (c - '0');
        }
        return p <= 65535 ? p : -1;
    }
}
