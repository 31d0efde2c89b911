package dev.peregrine.tls;

import static dev.peregrine.tls.TlsTesting.await;
import static dev.peregrine.tls.TlsTesting.connect;
import static dev.peregrine.tls.TlsTesting.none;
import static dev.peregrine.tls.TlsTesting.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.tls.TlsHandshakeException.Reason;
import dev.peregrine.api.TlsSession;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Client certificates: optional, required, untrusted. */
class ClientAuthTest {

    static SelfSignedCertificate server;
    static SelfSignedCertificate trustedClient;
    static SelfSignedCertificate strangerClient;

    @BeforeAll
    static void certificates() throws Exception {
        server = TlsTesting.serverCert("localhost", "localhost");
        trustedClient = SelfSignedCertificate.generate(SelfSignedCertificate.Spec.client("alice"));
        strangerClient = SelfSignedCertificate.generate(SelfSignedCertificate.Spec.client("mallory"));
    }

    static TlsOptions options(TlsOptions.ClientAuth mode) {
        return TlsOptions.builder()
                .certificate(CertificateSource.of(server.keyMaterial()))
                .clientAuth(mode, TrustSource.of(trustedClient.certificate()))
                .build();
    }

    static SSLContext client(SelfSignedCertificate identity) throws Exception {
        return TlsTesting.clientContext(List.of(server.certificate()), identity == null ? null : identity.keyMaterial());
    }

    /** TLS 1.3 clients learn of a refused certificate only when they next read; TLS 1.2 ones during the handshake. */
    static void expectRefused(SSLContext ctx, int port, String protocol) {
        assertThatThrownBy(() -> {
            try (SSLSocket s = connect(ctx, port, p -> p.setProtocols(new String[] {protocol}))) {
                s.getOutputStream().write('x');
                if (s.getInputStream().read() < 0) {
                    throw new java.io.EOFException("closed by the server");
                }
            }
        }).isInstanceOf(IOException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void optionalAcceptsNoCertificateAndShowsAVerifiedOne(String protocol) throws Exception {
        try (TestServer s = TestServer.start(options(TlsOptions.ClientAuth.OPTIONAL), TestServer.ECHO)) {
            try (SSLSocket anonymous = connect(client(null), s.port(), p -> p.setProtocols(new String[] {protocol}))) {
                assertThat(roundTrip(anonymous, "hi")).isEqualTo("hi");
                assertThat(s.sessions.poll(30, TimeUnit.SECONDS).peerCertificates()).isEmpty();
            }
            try (SSLSocket alice = connect(client(trustedClient), s.port(), p -> p.setProtocols(new String[] {protocol}))) {
                assertThat(roundTrip(alice, "hi")).isEqualTo("hi");
                TlsSession session = s.sessions.poll(30, TimeUnit.SECONDS);
                assertThat(session.peerCertificates()).containsExactly(trustedClient.certificate());
                assertThat(session.peerCertificates().getFirst().getSubjectX500Principal().getName()).isEqualTo("CN=alice");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void requiredRefusesMissingAndUntrustedCertificates(String protocol) throws Exception {
        try (TestServer s = TestServer.start(options(TlsOptions.ClientAuth.REQUIRED), TestServer.ECHO)) {
            expectRefused(client(null), s.port(), protocol);
            await("missing counted", () -> s.middleware.stats().failures(Reason.CLIENT_CERTIFICATE) == 1);
            expectRefused(client(strangerClient), s.port(), protocol);
            await("untrusted counted", () -> s.middleware.stats().failures(Reason.CLIENT_CERTIFICATE) == 2);
            try (SSLSocket alice = connect(client(trustedClient), s.port(), p -> p.setProtocols(new String[] {protocol}))) {
                assertThat(roundTrip(alice, "hi")).isEqualTo("hi");
                assertThat(s.sessions.poll(30, TimeUnit.SECONDS).peerCertificates()).hasSize(1);
            }
        }
    }

    @Test
    void optionalTreatsAnUntrustedCertificateAsNone() throws Exception {
        // The JDK drops a certificate it cannot verify when it only "wants" one: the handler sees no identity.
        try (TestServer s = TestServer.start(options(TlsOptions.ClientAuth.OPTIONAL), TestServer.ECHO);
                SSLSocket mallory = connect(client(strangerClient), s.port(), none())) {
            assertThat(roundTrip(mallory, "hi")).isEqualTo("hi");
            assertThat(s.sessions.poll(30, TimeUnit.SECONDS).peerCertificates()).isEmpty();
        }
    }

    @Test
    void noClientAuthIgnoresClientCertificates() throws Exception {
        TlsOptions none = TlsOptions.builder().certificate(CertificateSource.of(server.keyMaterial())).build();
        try (TestServer s = TestServer.start(none, TestServer.ECHO); SSLSocket c = connect(client(strangerClient), s.port(), none())) {
            assertThat(roundTrip(c, "hi")).isEqualTo("hi");
            assertThat(s.sessions.poll(30, TimeUnit.SECONDS).peerCertificates()).isEmpty();
        }
    }
}
