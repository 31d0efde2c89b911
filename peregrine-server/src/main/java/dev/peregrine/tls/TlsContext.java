package dev.peregrine.tls;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The live TLS configuration: one immutable {@link Generation} (options, SSLContexts, key manager)
 * published through an AtomicReference. Reloading builds a complete new generation and swaps it
 * in; a connection takes whatever generation is current when it arrives, so a reload affects new
 * handshakes only and never an established connection.
 *
 * <p>A generation has one SSLContext per certificate (the default and each SNI entry), all with
 * the same key manager: the ClientHello's SNI picks the context, so each certificate has its own
 * session cache and ticket keys. Otherwise the JDK resumes a TLS 1.3 session made for one name
 * under another (it checks names on resumption for TLS 1.2 only), which RFC 6066 §3 forbids.
 */
final class TlsContext {

    private static final System.Logger LOG = System.getLogger("dev.peregrine.tls");

    /** Identity of a file's content as cheaply as the OS tells it; fileKey catches an atomic rename/symlink swap. */
    record FileStamp(FileTime modified, long size, Object fileKey) {}

    record Generation(
            TlsOptions options,
            Map<String, SSLContext> contextByAlias,
            SniKeyManager keys,
            String[] protocols,
            String[] cipherSuites,
            Map<Path, FileStamp> stamps) {

        /** A server-mode engine for a ClientHello naming {@code sniHost} (null when absent or unparsed). */
        SSLEngine newEngine(String sniHost, HandshakeNotes notes) {
            String alias = sniHost == null ? null : keys.aliasFor(TlsOptions.normalizeHostName(sniHost));
            SSLContext ctx = contextByAlias.get(alias == null ? SniKeyManager.DEFAULT_ALIAS : alias);
            SSLEngine engine = ctx.createSSLEngine();
            engine.setUseClientMode(false);
            SSLParameters p = engine.getSSLParameters();
            p.setProtocols(protocols);
            p.setCipherSuites(cipherSuites);
            p.setUseCipherSuitesOrder(true);
            switch (options.clientAuth()) {
                case OPTIONAL -> p.setWantClientAuth(true);
                case REQUIRED -> p.setNeedClientAuth(true);
                case NONE -> {}
            }
            p.setSNIMatchers(List.of(keys.matcher(name -> notes.serverName = name, name -> notes.rejectedServerName = name)));
            engine.setSSLParameters(p);
            List<String> alpn = options.applicationProtocols();
            if (!alpn.isEmpty()) {
                engine.setHandshakeApplicationProtocolSelector((e, offered) -> {
                    if (offered.isEmpty()) {
                        return ""; // the client does not use ALPN: go on without it
                    }
                    for (String ours : alpn) { // server preference, as RFC 7301 §3.2 allows
                        if (offered.contains(ours)) {
                            return ours;
                        }
                    }
                    notes.unmatchedAlpn = List.copyOf(offered);
                    return null; // RFC 7301: fatal no_application_protocol
                });
            }
            return engine;
        }

        /** The oldest protocol version enabled, as a TLS version number. */
        int lowestVersion() {
            return List.of(protocols).contains("TLSv1.2") ? 0x0303 : 0x0304; // TLS 1.2 / 1.3 wire versions
        }
    }

    /** What the JDK's callbacks learned about one handshake, for classifying a failure. */
    static final class HandshakeNotes {
        volatile String serverName;
        volatile String rejectedServerName;
        volatile List<String> unmatchedAlpn;
    }

    private final AtomicReference<Generation> current;
    private Map<Path, FileStamp> failedStamps; // guarded by this: files a reload already failed on

    TlsContext(TlsOptions options) throws IOException, GeneralSecurityException {
        this.current = new AtomicReference<>(build(options));
    }

    Generation current() {
        return current.get();
    }

    /** Re-reads every file of the current options; on failure the current generation stays. */
    synchronized void reload() throws IOException, GeneralSecurityException {
        current.set(build(current.get().options()));
        failedStamps = null;
    }

    /** Replaces the whole configuration (e.g. an in-memory certificate swapped by API). */
    synchronized void update(TlsOptions options) throws IOException, GeneralSecurityException {
        current.set(build(options));
        failedStamps = null;
    }

    /**
     * Reloads if any watched file changed since the current generation was built. A failed load
     * (a certificate written before its key, a half-written file) keeps the current generation and
     * is retried when the files change again, so writers need not be atomic.
     */
    synchronized boolean checkForChanges() {
        Generation g = current.get();
        Map<Path, FileStamp> now = stamp(g.options());
        if (now.equals(g.stamps()) || now.equals(failedStamps)) {
            return false;
        }
        try {
            current.set(build(g.options()));
            failedStamps = null;
            LOG.log(System.Logger.Level.INFO, "TLS certificates reloaded from {0}", now.keySet());
            return true;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            failedStamps = now;
            LOG.log(System.Logger.Level.WARNING,
                    "TLS certificate files changed but could not be loaded; keeping the current ones: " + e.getMessage());
            return false;
        }
    }

    static Generation build(TlsOptions o) throws IOException, GeneralSecurityException {
        Map<Path, FileStamp> stamps = stamp(o); // before reading: a change during the read shows up next check
        KeyMaterial defaultMaterial = o.defaultCertificate().load();
        Map<String, KeyMaterial> byName = new HashMap<>();
        for (Map.Entry<String, CertificateSource> e : o.serverNames().entrySet()) {
            byName.put(e.getKey(), e.getValue().load());
        }
        SniKeyManager keys = new SniKeyManager(defaultMaterial, byName,
                o.unknownServerName() == TlsOptions.UnknownServerName.REJECT);
        TrustManager[] trust = null;
        if (o.clientAuth() != TlsOptions.ClientAuth.NONE) {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(o.clientTrust().load());
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) {
                    trust = new TrustManager[] {new ClientTrust(x)};
                }
            }
            if (trust == null) {
                throw new GeneralSecurityException("no X509ExtendedTrustManager available");
            }
        }
        Map<String, SSLContext> contexts = new HashMap<>();
        contexts.put(SniKeyManager.DEFAULT_ALIAS, newContext(keys, trust));
        for (String pattern : byName.keySet()) {
            String alias = SniKeyManager.SNI_PREFIX + pattern;
            contexts.put(alias, newContext(keys.boundTo(alias), trust));
        }
        SSLParameters supported = contexts.get(SniKeyManager.DEFAULT_ALIAS).getSupportedSSLParameters();
        String[] protocols = intersect(o.protocols(), supported.getProtocols());
        String[] suites = intersect(o.cipherSuites(), supported.getCipherSuites());
        if (protocols.length == 0 || suites.length == 0) {
            throw new GeneralSecurityException("this JDK supports none of the configured TLS protocols or cipher suites");
        }
        return new Generation(o, Map.copyOf(contexts), keys, protocols, suites, stamps);
    }

    private static SSLContext newContext(SniKeyManager keys, TrustManager[] trust) throws GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(new KeyManager[] {keys}, trust, null);
        return ctx;
    }

    private static String[] intersect(List<String> wanted, String[] available) {
        List<String> have = List.of(available);
        return wanted.stream().filter(have::contains).toArray(String[]::new);
    }

    static Map<Path, FileStamp> stamp(TlsOptions o) {
        List<Path> files = new ArrayList<>(o.defaultCertificate().files());
        o.serverNames().values().forEach(s -> files.addAll(s.files()));
        if (o.clientTrust() != null && o.clientAuth() != TlsOptions.ClientAuth.NONE) {
            files.addAll(o.clientTrust().files());
        }
        Map<Path, FileStamp> stamps = new LinkedHashMap<>();
        for (Path f : files) {
            try {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                stamps.put(f, new FileStamp(a.lastModifiedTime(), a.size(), a.fileKey()));
            } catch (NoSuchFileException e) {
                stamps.put(f, new FileStamp(null, -1, null)); // mid-replace; the load will tell
            } catch (IOException e) {
                stamps.put(f, new FileStamp(null, -2, null));
            }
        }
        return stamps;
    }

    /** Thrown by {@link ClientTrust} so a handshake failure can be attributed to the client's certificate. */
    static final class ClientCertificateRejected extends CertificateException {
        ClientCertificateRejected(CertificateException cause) {
            super("client certificate rejected: " + cause.getMessage(), cause);
        }
    }

    /** Delegates to the JDK's PKIX trust manager and marks its refusals. */
    static final class ClientTrust extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager delegate;

        ClientTrust(X509ExtendedTrustManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            try {
                delegate.checkClientTrusted(chain, authType, engine);
            } catch (CertificateException e) {
                throw new ClientCertificateRejected(e);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            try {
                delegate.checkClientTrusted(chain, authType, socket);
            } catch (CertificateException e) {
                throw new ClientCertificateRejected(e);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                delegate.checkClientTrusted(chain, authType);
            } catch (CertificateException e) {
                throw new ClientCertificateRejected(e);
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            delegate.checkServerTrusted(chain, authType, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            delegate.checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }
}
