package dev.peregrine.http2;

import dev.peregrine.http2.frame.FrameReader;
import dev.peregrine.server.ServerOptions;
import dev.peregrine.server.internal.ConnectionSelector;
import dev.peregrine.server.internal.ProtocolConnection;
import dev.peregrine.server.internal.ServerContext;
import dev.peregrine.server.internal.UpgradeRequest;
import dev.peregrine.transport.Connection;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * HTTP/2 as a {@link ConnectionSelector}: ALPN {@code h2} on TLS (RFC 9113 §3.2), and on plain
 * connections the client connection preface, {@code PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n}, for h2c
 * with prior knowledge (§3.3). Each is switched by {@link dev.peregrine.server.Http2Options}.
 */
public final class Http2Selector implements ConnectionSelector {

    private static final List<String> ALPN = List.of("h2");
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    static {
        assert PREFACE.length == FrameReader.PREFACE_LENGTH;
    }

    @Override
    public String name() {
        return "HTTP/2";
    }

    @Override
    public List<String> alpnIds() {
        return ALPN;
    }

    @Override
    public boolean servesTls(ServerOptions options) {
        return options.http2().tls();
    }

    @Override
    public boolean sniffsPreface(ServerOptions options) {
        return options.http2().priorKnowledge();
    }

    @Override
    public Match recognise(byte[] bytes, int off, int len) {
        int n = Math.min(len, PREFACE.length);
        for (int i = 0; i < n; i++) {
            if (bytes[off + i] != PREFACE[i]) {
                return Match.NO;
            }
        }
        return len >= PREFACE.length ? Match.YES : Match.NEED_MORE;
    }

    @Override
    public ProtocolConnection open(long id, Connection transport, ServerContext context, byte[] initial, int initialLength) {
        return new Http2Connection(id, transport, context, initial, initialLength);
    }

    @Override
    public String upgradeToken(ServerOptions options) {
        return options.http2().upgrade() ? "h2c" : null;
    }

    @Override
    public ProtocolConnection openUpgraded(long id, Connection transport, ServerContext context, UpgradeRequest request,
            byte[] buffered, int off, int len) {
        return new Http2Connection(id, transport, context, request, buffered, off, len);
    }
}
