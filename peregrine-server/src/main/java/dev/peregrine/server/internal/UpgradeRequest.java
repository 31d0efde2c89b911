package dev.peregrine.server.internal;

import dev.peregrine.api.Headers;

/**
 * An HTTP/1.1 request that asked to switch protocols ({@code Upgrade: h2c}) and is to be
 * answered by the new protocol: its method, target, authority and fields, with the
 * connection-specific ones (Connection, Upgrade, HTTP2-Settings, Keep-Alive...) already removed,
 * and the value of {@code HTTP2-Settings}.
 */
public record UpgradeRequest(String method, String target, String authority, String scheme, Headers headers,
        String settings) {}
