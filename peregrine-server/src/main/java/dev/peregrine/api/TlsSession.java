package dev.peregrine.api;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What a handler may want to know about a TLS connection.
 *
 * @param protocol e.g. {@code TLSv1.3}
 * @param cipherSuite e.g. {@code TLS_AES_128_GCM_SHA256}
 * @param applicationProtocol the ALPN result ({@code h2}, {@code http/1.1}), or {@code null}
 * @param serverName the SNI host name the client asked for, or {@code null}
 * @param peerCertificates the client's verified chain, empty when it sent none
 */
public record TlsSession(
        String protocol,
        String cipherSuite,
        String applicationProtocol,
        String serverName,
        List<X509Certificate> peerCertificates) {}
