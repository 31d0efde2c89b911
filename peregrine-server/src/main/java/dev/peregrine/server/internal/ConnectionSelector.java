package dev.peregrine.server.internal;

import dev.peregrine.server.ServerOptions;
import dev.peregrine.transport.Connection;
import java.util.List;

/**
 * One protocol the server can speak on a stream connection (Helidon 4's
 * {@code ServerConnectionSelector} is the model). A protocol identifies itself by its ALPN ids
 * (RFC 7301) on TLS listeners and by its first bytes on plain ones, so TLS, h2c prior knowledge
 * and every other path pick a protocol the same way and the server imports no protocol package.
 *
 * <p>Installed protocols come from {@link java.util.ServiceLoader} (HTTP/1.1 and HTTP/2 ship in
 * this module) unless {@link Server.Builder#protocols} names them.
 */
public interface ConnectionSelector {

    /** What {@link #recognise} makes of the first bytes of a connection. */
    enum Match {
        /** The bytes are this protocol's. */
        YES,
        /** They are not. */
        NO,
        /** Too few bytes to tell: read more. */
        NEED_MORE
    }

    /** The protocol's name for logs, e.g. {@code HTTP/2}. */
    String name();

    /** The ALPN ids this protocol serves, in preference order (may be empty). */
    List<String> alpnIds();

    /** Whether TLS listeners offer this protocol's ALPN ids with these options. */
    boolean servesTls(ServerOptions options);

    /**
     * Whether this protocol, with these options, claims plain connections by their first bytes
     * (HTTP/2's connection preface, RFC 9113 §3.3). Only then is {@link #recognise} asked.
     */
    boolean sniffsPreface(ServerOptions options);

    /**
     * Whether the first bytes of a connection are this protocol's. A fallback protocol (HTTP/1.1)
     * answers {@link Match#YES} to anything.
     */
    Match recognise(byte[] bytes, int off, int len);

    /**
     * Opens the protocol connection on {@code transport}. {@code initial[0..initialLength)} holds
     * bytes already read from it (the sniffed preface); the protocol takes over the array.
     */
    ProtocolConnection open(long id, Connection transport, ServerContext context, byte[] initial, int initialLength);

    /**
     * The HTTP/1.1 {@code Upgrade} token this protocol accepts with these options ({@code h2c},
     * RFC 7540 §3.2), or {@code null}. HTTP/1.1 asks before it runs a handler.
     */
    default String upgradeToken(ServerOptions options) {
        return null;
    }

    /**
     * Takes over a connection after HTTP/1.1 answered {@code 101 Switching Protocols} to
     * {@code request}, which becomes the new protocol's first request. {@code buffered[off..off+len)}
     * are bytes the client sent after that request.
     */
    default ProtocolConnection openUpgraded(long id, Connection transport, ServerContext context, UpgradeRequest request,
            byte[] buffered, int off, int len) {
        throw new UnsupportedOperationException(name() + " has no HTTP/1.1 upgrade");
    }
}
