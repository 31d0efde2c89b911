package dev.peregrine.server.internal;

import dev.peregrine.server.Http2Options;
import dev.peregrine.server.Server;
import dev.peregrine.server.ServerOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.http1.Http1Selector;
import dev.peregrine.http2.Http2Selector;
import dev.peregrine.tls.CertificateSource;
import dev.peregrine.tls.SelfSignedCertificate;
import dev.peregrine.tls.TlsOptions;
import dev.peregrine.transport.Endpoint;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Protocol choice through the one selector SPI: ALPN ids, first bytes, upgrade tokens, switches. */
class ProtocolSelectionTest {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    @Test
    void installedProtocolsAreHttp2ThenTheHttp11Fallback() {
        ProtocolSelection s = ProtocolSelection.of(ServerOptions.defaults());
        assertThat(s.alpnIds()).containsExactly("h2", "http/1.1");
        assertThat(s.forAlpn("h2")).isInstanceOf(Http2Selector.class);
        assertThat(s.forAlpn("http/1.1")).isInstanceOf(Http1Selector.class);
        assertThat(s.forAlpn("spdy/3.1")).isNull();
        assertThat(s.forAlpn(null)).isNull();
        assertThat(s.fallback()).isInstanceOf(Http1Selector.class);
        assertThat(s.forUpgrade("h2c")).isInstanceOf(Http2Selector.class);
        assertThat(s.forUpgrade("websocket")).isNull();
    }

    @Test
    void rfc9113_3_3_thePrefaceSelectsHttp2_anythingElseHttp11_aPrefixWaitsForMore() {
        ProtocolSelection s = ProtocolSelection.of(ServerOptions.defaults());
        assertThat(s.sniffs()).isTrue();
        assertThat(s.byPreface(PREFACE, 0, PREFACE.length)).isInstanceOf(Http2Selector.class);
        assertThat(s.byPreface(PREFACE, 0, 10)).isNull();
        byte[] get = "GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(s.byPreface(get, 0, get.length)).isInstanceOf(Http1Selector.class);
        byte[] pri = "PRI * HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThat(s.byPreface(pri, 0, pri.length)).isInstanceOf(Http1Selector.class);
    }

    @Test
    void eachWayToHttp2HasItsSwitch() {
        ServerOptions off = ServerOptions.builder().http2(Http2Options.builder().enabled(false).build()).build();
        ProtocolSelection s = ProtocolSelection.of(off);
        assertThat(s.alpnIds()).containsExactly("http/1.1");
        assertThat(s.forAlpn("h2")).isNull();
        assertThat(s.sniffs()).isFalse();
        assertThat(s.forUpgrade("h2c")).isNull();
        // A TLS listener configured with h2 offers only what is on.
        assertThat(s.effectiveAlpn(List.of("h2", "http/1.1"))).containsExactly("http/1.1");
    }

    @Test
    void alpnIdsNoInstalledProtocolServesAreRefusedAtStart() throws Exception {
        TlsOptions spdy = TlsOptions.builder()
                .certificate(CertificateSource.of(SelfSignedCertificate.forLocalhost().keyMaterial()))
                .applicationProtocols("spdy/3.1", "http/1.1").build();
        assertThatThrownBy(() -> Server.builder().listen(Endpoint.tcp("127.0.0.1", 0), spdy)
                .handler((req, res) -> res.send("x")).start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spdy/3.1");
        ProtocolSelection onlyH1 = new ProtocolSelection(List.of(new Http1Selector()), ServerOptions.defaults());
        assertThatThrownBy(() -> onlyH1.effectiveAlpn(List.of("h2"))).hasMessageContaining("h2");
    }
}
