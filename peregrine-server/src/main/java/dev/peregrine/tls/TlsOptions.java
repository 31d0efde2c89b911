package dev.peregrine.tls;

import java.net.IDN;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a TLS listener is configured with, defaults beside each. Build with
 * {@code TlsOptions.builder().certificate(CertificateSource.pem(chain, key)).build()}.
 *
 * @param defaultCertificate presented when the client names no host (or, by policy, an unknown one)
 * @param serverNames certificate per SNI host name; keys are lower-case ASCII (IDNs converted), a key
 *     {@code *.example.com} covers exactly one label left of {@code example.com}; default empty
 * @param unknownServerName what a name matching no key gets (default {@link UnknownServerName#DEFAULT_CERTIFICATE},
 *     what browsers expect of a server reached by an alias; {@code REJECT} sends {@code unrecognized_name})
 * @param clientAuth whether a client certificate is asked for (default {@link ClientAuth#NONE})
 * @param clientTrust the CAs that client certificates must chain to; required unless clientAuth is NONE
 * @param applicationProtocols ALPN names in server preference order (default {@code ["h2", "http/1.1"]});
 *     the server offers only those an installed, enabled protocol serves, and refuses unknown ones
 *     when it starts; empty disables ALPN
 * @param protocols TLS versions (default TLSv1.3, TLSv1.2; nothing older is accepted: RFC 8996)
 * @param cipherSuites in preference order (default {@link #DEFAULT_CIPHER_SUITES}: AEAD with forward secrecy only)
 * @param handshakeTimeout how long a client may take from connect to a finished handshake (default 10 s:
 *     a real handshake needs a few round trips, a slowloris-style idle socket does not get to hold a slot)
 * @param watchFiles whether {@link TlsMiddleware#onHeartbeat()} polls the certificate files' modification
 *     times and reloads on change (default false)
 */
public record TlsOptions(
        CertificateSource defaultCertificate,
        Map<String, CertificateSource> serverNames,
        UnknownServerName unknownServerName,
        ClientAuth clientAuth,
        TrustSource clientTrust,
        List<String> applicationProtocols,
        List<String> protocols,
        List<String> cipherSuites,
        Duration handshakeTimeout,
        boolean watchFiles) {

    /** What to do with an SNI name that no configured certificate covers. */
    public enum UnknownServerName {
        /** Present the default certificate (the client will likely reject it as a name mismatch). */
        DEFAULT_CERTIFICATE,
        /** Fail the handshake with an {@code unrecognized_name} alert. */
        REJECT
    }

    /** Whether the server asks for a client certificate. */
    public enum ClientAuth {
        NONE,
        /** Asked for; a client may send none, but one it sends must verify. */
        OPTIONAL,
        /** The handshake fails without a verified client certificate. */
        REQUIRED
    }

    /**
     * TLS 1.3's three suites, then TLS 1.2 ECDHE with AES-GCM or ChaCha20-Poly1305 — Mozilla's
     * "intermediate" list: forward secrecy and AEAD only, no CBC, no static RSA, no SHA-1 MACs.
     */
    public static final List<String> DEFAULT_CIPHER_SUITES = List.of(
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private static final Set<String> ALLOWED_PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");

    public TlsOptions {
        Objects.requireNonNull(defaultCertificate, "a default certificate is required");
        Objects.requireNonNull(unknownServerName, "unknownServerName");
        Objects.requireNonNull(clientAuth, "clientAuth");
        if (clientAuth != ClientAuth.NONE && clientTrust == null) {
            throw new IllegalArgumentException("client certificates need a clientTrust source");
        }
        Map<String, CertificateSource> names = new LinkedHashMap<>();
        serverNames.forEach((name, source) -> names.put(normalizeHostPattern(name), Objects.requireNonNull(source)));
        serverNames = Map.copyOf(names);
        applicationProtocols = List.copyOf(applicationProtocols);
        for (String p : applicationProtocols) {
            if (p.isEmpty() || p.length() > 255) {
                throw new IllegalArgumentException("ALPN protocol names are 1..255 bytes: '" + p + "'");
            }
        }
        protocols = List.copyOf(protocols);
        if (protocols.isEmpty() || !ALLOWED_PROTOCOLS.containsAll(protocols)) {
            throw new IllegalArgumentException("protocols must be TLSv1.3 and/or TLSv1.2, got " + protocols);
        }
        cipherSuites = List.copyOf(cipherSuites);
        for (String suite : cipherSuites) {
            if (!isStrong(suite)) {
                throw new IllegalArgumentException("weak cipher suite refused: " + suite);
            }
        }
        if (cipherSuites.isEmpty()) {
            throw new IllegalArgumentException("at least one cipher suite is required");
        }
        if (handshakeTimeout == null || handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("handshakeTimeout must be positive");
        }
    }

    /** TLS 1.3 suites, or TLS 1.2 suites with ephemeral key exchange and an AEAD cipher. */
    static boolean isStrong(String suite) {
        if (suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_")) {
            return true;
        }
        boolean forwardSecret = suite.startsWith("TLS_ECDHE_") || suite.startsWith("TLS_DHE_RSA_");
        boolean aead = suite.contains("_GCM_") || suite.contains("_CHACHA20_POLY1305_");
        return forwardSecret && aead;
    }

    /** Lower-case ASCII, no trailing dot; a wildcard only as the whole left-most label. */
    static String normalizeHostPattern(String name) {
        String n = name.strip();
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        boolean wildcard = n.startsWith("*.");
        String rest = wildcard ? n.substring(2) : n;
        if (rest.isEmpty() || rest.contains("*")) {
            throw new IllegalArgumentException("bad server name pattern: '" + name + "'");
        }
        rest = IDN.toASCII(rest, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        return wildcard ? "*." + rest : rest;
    }

    /** A host name as SNI carries it, in the form of {@link #serverNames()} keys. */
    static String normalizeHostName(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these options, e.g. to swap one certificate at run time. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.defaultCertificate = defaultCertificate;
        b.serverNames.putAll(serverNames);
        b.unknownServerName = unknownServerName;
        b.clientAuth = clientAuth;
        b.clientTrust = clientTrust;
        b.applicationProtocols = applicationProtocols;
        b.protocols = protocols;
        b.cipherSuites = cipherSuites;
        b.handshakeTimeout = handshakeTimeout;
        b.watchFiles = watchFiles;
        return b;
    }

    public static final class Builder {
        private CertificateSource defaultCertificate;
        private final Map<String, CertificateSource> serverNames = new LinkedHashMap<>();
        private UnknownServerName unknownServerName = UnknownServerName.DEFAULT_CERTIFICATE;
        private ClientAuth clientAuth = ClientAuth.NONE;
        private TrustSource clientTrust;
        private List<String> applicationProtocols = List.of("h2", "http/1.1");
        private List<String> protocols = DEFAULT_PROTOCOLS;
        private List<String> cipherSuites = DEFAULT_CIPHER_SUITES;
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private boolean watchFiles;

        private Builder() {}

        /** The default certificate (required). */
        public Builder certificate(CertificateSource source) {
            this.defaultCertificate = source;
            return this;
        }

        /** A certificate for one SNI host name or {@code *.domain} wildcard. */
        public Builder serverName(String hostPattern, CertificateSource source) {
            serverNames.put(hostPattern, source);
            return this;
        }

        public Builder unknownServerName(UnknownServerName policy) {
            this.unknownServerName = policy;
            return this;
        }

        public Builder clientAuth(ClientAuth mode, TrustSource trust) {
            this.clientAuth = mode;
            this.clientTrust = trust;
            return this;
        }

        public Builder applicationProtocols(String... names) {
            this.applicationProtocols = List.of(names);
            return this;
        }

        public Builder protocols(String... versions) {
            this.protocols = List.of(versions);
            return this;
        }

        public Builder cipherSuites(List<String> suites) {
            this.cipherSuites = new ArrayList<>(suites);
            return this;
        }

        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = timeout;
            return this;
        }

        public Builder watchFiles(boolean watch) {
            this.watchFiles = watch;
            return this;
        }

        public TlsOptions build() {
            return new TlsOptions(defaultCertificate, serverNames, unknownServerName, clientAuth, clientTrust,
                    applicationProtocols, protocols, cipherSuites, handshakeTimeout, watchFiles);
        }
    }
}
