package dev.peregrine.quic;

import dev.peregrine.tls.CertificateSource;
import dev.peregrine.tls.KeyMaterial;
import dev.peregrine.tls.TlsOptions;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicSslEngine;
import io.netty.handler.ssl.ClientAuth;
import io.netty.util.Mapping;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The TLS side of a QUIC listener: a BoringSSL context (Netty's {@link QuicSslContext}) built from the same
 * material a {@link TlsOptions} describes, so HTTP/3 presents the TLS listener's certificates, SNI choices and
 * client-certificate policy. QUIC is TLS 1.3 only and BoringSSL picks its suites, so the options' protocol and
 * cipher lists do not apply.
 *
 * <p>The context can be swapped ({@link #reload()}, {@link #update(TlsOptions)}): each new connection takes the
 * one current at its first packet, established connections keep theirs. A replaced context's native state is
 * freed once its last connection is gone and the GC finalizes it (Netty's own lifetime rule).
 *
 * <p>SNI works through Netty's SNI mapping, one context per certificate, not through an SNI-aware key manager:
 * Netty's QUIC engine hands key managers a handshake session that is not an {@code ExtendedSSLSession}, so
 * such a manager never sees the requested name. {@link #keyManager} therefore always serves one identity.
 */
public final class QuicTls {

    /** The ALPN list of an HTTP/3 server. */
    public static final List<String> HTTP3 = List.of("h3");

    /** Builds a complete context from its source; run again on reload, so files are read again. */
    @FunctionalInterface
    private interface Factory {
        QuicSslContext build(String[] alpn) throws IOException, GeneralSecurityException;
    }

    private final String[] alpn;
    private final AtomicReference<Factory> factory;
    private final AtomicReference<QuicSslContext> current;
    /** Whether the current options refuse a server name they have no certificate for (for handshake metrics). */
    private volatile boolean rejectsUnknownNames;

    private QuicTls(List<String> applicationProtocols, Factory factory) throws IOException, GeneralSecurityException {
        if (applicationProtocols.isEmpty()) {
            throw new IllegalArgumentException("QUIC requires ALPN: name at least one application protocol");
        }
        this.alpn = applicationProtocols.toArray(String[]::new);
        this.factory = new AtomicReference<>(factory);
        this.current = new AtomicReference<>(factory.build(alpn));
    }

    /** A PEM certificate chain (leaf first) and private key (PKCS#8, PKCS#1 or SEC1), read by Peregrine's parser. */
    public static QuicTls pem(Path certificateChain, Path privateKey, List<String> applicationProtocols)
            throws IOException, GeneralSecurityException {
        return of(CertificateSource.pem(certificateChain, privateKey), applicationProtocols);
    }

    /** One certificate from any {@link CertificateSource} (PEM files, a keystore file, key material in memory). */
    public static QuicTls of(CertificateSource source, List<String> applicationProtocols)
            throws IOException, GeneralSecurityException {
        Objects.requireNonNull(source, "source");
        return new QuicTls(applicationProtocols, alpn -> single(source.load(), alpn));
    }

    /** The key entries of a loaded keystore; the key password is the store password. */
    public static QuicTls keyStore(KeyStore store, char[] password, List<String> applicationProtocols)
            throws IOException, GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, password);
        return keyManager(kmf, applicationProtocols);
    }

    /** Whatever certificate the factory's key manager chooses (without SNI: see the class comment). */
    public static QuicTls keyManager(KeyManagerFactory keyManagers, List<String> applicationProtocols)
            throws IOException, GeneralSecurityException {
        Objects.requireNonNull(keyManagers, "keyManagers");
        return new QuicTls(applicationProtocols, alpn -> withSniEvents(QuicSslContextBuilder.forServer(keyManagers, null), alpn));
    }

    /** As {@link #keyManager(KeyManagerFactory, List)} for one key manager. */
    public static QuicTls keyManager(X509ExtendedKeyManager keyManager, List<String> applicationProtocols)
            throws IOException, GeneralSecurityException {
        Objects.requireNonNull(keyManager, "keyManager");
        return new QuicTls(applicationProtocols, alpn -> withSniEvents(QuicSslContextBuilder.forServer(keyManager, null), alpn));
    }

    /**
     * The certificates, SNI names, unknown-name policy and client authentication of a TLS listener's
     * options; its ALPN list is not used (that one names h2 and http/1.1), {@code applicationProtocols} is.
     */
    public static QuicTls of(TlsOptions options, List<String> applicationProtocols) throws IOException, GeneralSecurityException {
        Objects.requireNonNull(options, "options");
        QuicTls tls = new QuicTls(applicationProtocols, alpn -> fromOptions(options, alpn));
        tls.rejectsUnknownNames = rejects(options);
        return tls;
    }

    private static boolean rejects(TlsOptions options) {
        return options.unknownServerName() == TlsOptions.UnknownServerName.REJECT;
    }

    /** Builds the context again from the same source (re-reading files); on failure the current one stays. */
    public void reload() throws IOException, GeneralSecurityException {
        current.set(factory.get().build(alpn));
    }

    /** Switches to other TLS options for new connections; on failure nothing changes. */
    public void update(TlsOptions options) throws IOException, GeneralSecurityException {
        Factory next = alpn -> fromOptions(options, alpn);
        QuicSslContext built = next.build(alpn);
        factory.set(next);
        current.set(built);
        rejectsUnknownNames = rejects(options);
    }

    public List<String> applicationProtocols() {
        return List.of(alpn);
    }

    /**
     * Whether a handshake that failed in a ClientHello extension was refused for its server name: the
     * current options reject unknown names (Netty reports nothing more precise).
     */
    boolean rejectsUnknownNames() {
        return rejectsUnknownNames;
    }

    /** A server engine from the current context, for one new connection (called on the event loop). */
    QuicSslEngine newEngine(QuicChannel channel) {
        return current.get().newEngine(channel.alloc());
    }

    private static QuicSslContext single(KeyMaterial material, String[] alpn) {
        return withSniEvents(QuicSslContextBuilder.forServer(material.privateKey(), null, chain(material)), alpn);
    }

    private static X509Certificate[] chain(KeyMaterial material) {
        return material.chain().toArray(X509Certificate[]::new);
    }

    /**
     * A context whose SNI mapping answers itself. Netty reports the client's server name (as an
     * {@code SniCompletionEvent}) only through a mapping, and the connection's {@code TlsSession} wants it.
     */
    private static QuicSslContext withSniEvents(QuicSslContextBuilder builder, String[] alpn) {
        AtomicReference<QuicSslContext> self = new AtomicReference<>();
        QuicSslContext built = builder.applicationProtocols(alpn).sni(host -> self.get()).build();
        self.set(built);
        return built;
    }

    private static QuicSslContext fromOptions(TlsOptions o, String[] alpn) throws IOException, GeneralSecurityException {
        TrustManagerFactory trust = null;
        ClientAuth auth = switch (o.clientAuth()) {
            case NONE -> ClientAuth.NONE;
            case OPTIONAL -> ClientAuth.OPTIONAL;
            case REQUIRED -> ClientAuth.REQUIRE;
        };
        if (auth != ClientAuth.NONE) {
            trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(o.clientTrust().load());
        }
        Map<String, QuicSslContext> exact = new HashMap<>();
        Map<String, QuicSslContext> wildcard = new HashMap<>(); // parent domain -> context
        for (Map.Entry<String, CertificateSource> e : o.serverNames().entrySet()) {
            QuicSslContext ctx = server(e.getValue().load(), alpn, auth, trust).build();
            if (e.getKey().startsWith("*.")) {
                wildcard.put(e.getKey().substring(2), ctx);
            } else {
                exact.put(e.getKey(), ctx);
            }
        }
        boolean reject = o.unknownServerName() == TlsOptions.UnknownServerName.REJECT;
        AtomicReference<QuicSslContext> fallback = new AtomicReference<>();
        Mapping<String, QuicSslContext> bySni = host -> {
            QuicSslContext ctx = lookup(exact, wildcard, host);
            return ctx != null ? ctx : reject ? null : fallback.get();
        };
        QuicSslContext defaultContext = server(o.defaultCertificate().load(), alpn, auth, trust).sni(bySni).build();
        fallback.set(defaultContext);
        return defaultContext;
    }

    /** Exact name first, then a {@code *.parent} wildcard covering exactly one more label (as the TLS listener). */
    private static QuicSslContext lookup(Map<String, QuicSslContext> exact, Map<String, QuicSslContext> wildcard, String sni) {
        if (sni == null) {
            return null;
        }
        String host = sni.toLowerCase(java.util.Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        QuicSslContext ctx = exact.get(host);
        int dot = host.indexOf('.');
        if (ctx == null && dot > 0) {
            ctx = wildcard.get(host.substring(dot + 1));
        }
        return ctx;
    }

    private static QuicSslContextBuilder server(KeyMaterial material, String[] alpn, ClientAuth auth, TrustManagerFactory trust) {
        QuicSslContextBuilder b = QuicSslContextBuilder.forServer(material.privateKey(), null, chain(material))
                .applicationProtocols(alpn)
                .clientAuth(auth);
        return trust == null ? b : b.trustManager(trust);
    }
}
