package dev.peregrine.server.internal;

import dev.peregrine.server.ServerOptions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The installed protocols of one server, asked in order: by ALPN id after a TLS handshake, by
 * first bytes on a plain connection. The last protocol is the fallback (HTTP/1.1 unless the
 * builder says otherwise), used when ALPN chose nothing and no protocol sniffs.
 */
public final class ProtocolSelection {

    private final List<ConnectionSelector> selectors;
    private final List<ConnectionSelector> sniffing;
    private final ConnectionSelector fallback;
    private final List<String> alpnIds;
    private final ServerOptions options;

    public ProtocolSelection(List<ConnectionSelector> selectors, ServerOptions options) {
        if (selectors.isEmpty()) {
            throw new IllegalArgumentException("at least one protocol must be installed");
        }
        this.selectors = List.copyOf(selectors);
        this.options = options;
        this.fallback = this.selectors.getLast();
        List<ConnectionSelector> s = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        for (ConnectionSelector c : this.selectors) {
            if (c.sniffsPreface(options)) {
                s.add(c);
            }
            if (c.servesTls(options)) {
                ids.addAll(c.alpnIds());
            }
        }
        this.sniffing = List.copyOf(s);
        this.alpnIds = List.copyOf(ids);
    }

    /** The installed protocols with these options. */
    public static ProtocolSelection of(ServerOptions options) {
        return new ProtocolSelection(installed(), options);
    }

    /** The protocol that accepts this HTTP/1.1 Upgrade token, or {@code null}. */
    public ConnectionSelector forUpgrade(String token) {
        for (ConnectionSelector c : selectors) {
            String t = c.upgradeToken(options);
            if (t != null && t.equalsIgnoreCase(token)) {
                return c;
            }
        }
        return null;
    }

    /** HTTP/2 first, then HTTP/1.1 as the fallback: the protocols this module ships, found by ServiceLoader. */
    public static List<ConnectionSelector> installed() {
        List<ConnectionSelector> found = new ArrayList<>();
        for (ConnectionSelector c : ServiceLoader.load(ConnectionSelector.class, ConnectionSelector.class.getClassLoader())) {
            found.add(c);
        }
        // The protocol that recognises anything must be asked last.
        found.sort((a, b) -> Boolean.compare(isFallback(a), isFallback(b)));
        return found;
    }

    private static boolean isFallback(ConnectionSelector c) {
        return c.recognise(new byte[0], 0, 0) == ConnectionSelector.Match.YES;
    }

    /** Every ALPN id some installed, enabled protocol serves. */
    public List<String> alpnIds() {
        return alpnIds;
    }

    /**
     * The ALPN list a TLS listener offers: {@code configured} minus ids of protocols switched
     * off by the options. An id that no installed protocol knows is a configuration error.
     */
    public List<String> effectiveAlpn(List<String> configured) {
        List<String> known = new ArrayList<>();
        for (ConnectionSelector c : selectors) {
            known.addAll(c.alpnIds());
        }
        List<String> out = new ArrayList<>();
        for (String id : configured) {
            if (!known.contains(id)) {
                throw new IllegalArgumentException("ALPN id '" + id + "' is served by no installed protocol " + known);
            }
            if (alpnIds.contains(id)) {
                out.add(id);
            }
        }
        return out;
    }

    /** The protocol for a negotiated ALPN id, or {@code null} (none negotiated, or unknown). */
    public ConnectionSelector forAlpn(String id) {
        if (id == null) {
            return null;
        }
        for (ConnectionSelector c : selectors) {
            if (c.servesTls(options) && c.alpnIds().contains(id)) {
                return c;
            }
        }
        return null;
    }

    /** Whether any protocol must see the first bytes before one can be chosen. */
    public boolean sniffs() {
        return !sniffing.isEmpty();
    }

    /** The protocol the first bytes belong to, the fallback if no sniffer claims them, or null to read more. */
    public ConnectionSelector byPreface(byte[] b, int off, int len) {
        boolean needMore = false;
        for (ConnectionSelector c : sniffing) {
            switch (c.recognise(b, off, len)) {
                case YES -> {
                    return c;
                }
                case NEED_MORE -> needMore = true;
                case NO -> { }
            }
        }
        return needMore ? null : fallback;
    }

    /** The protocol used when nothing else decides. */
    public ConnectionSelector fallback() {
        return fallback;
    }
}
