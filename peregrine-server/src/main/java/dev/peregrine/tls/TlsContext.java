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
 * The live TLS configuration: one immutable {@link Generation} (options, SSLContext, key manager)
 * published through an AtomicReference. Reloading builds a complete new generation and swaps it
 * in; an engine is created from whatever generation is current when a connection arrives, so a
 * reload affects new handshakes only and never an established connection.
 */
final class TlsContext {

    private static final System.Logger LOG = System.getLogger("dev.peregrine.tls");

    /** Identity of a file's content as cheaply as the OS tells it; fileKey catches an atomic rename/symlink swap. */
    record FileStamp(FileTime modified, long size, Object fileKey) {}

    record Generation(
            TlsOptions options,
            SSLContext sslContext,
            SniKeyManager keys,
            String[] protocols,
            String[] cipherSuites,
            Map<Path, FileStamp> stamps) {}

    /** What the JDK's callbacks learned about one handshake, for classifying a failure. */
    static final class HandshakeNotes {
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

    /** A server-mode engine configured from the current generation. */
    SSLEngine newEngine(HandshakeNotes notes) {
        Generation g = current.get();
        TlsOptions o = g.options();
        SSLEngine engine = g.sslContext().createSSLEngine();
        engine.setUseClientMode(false);
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(g.protocols());
        p.setCipherSuites(g.cipherSuites());
        p.setUseCipherSuitesOrder(true);
        switch (o.clientAuth()) {
            case OPTIONAL -> p.setWantClientAuth(true);
            case REQUIRED -> p.setNeedClientAuth(true);
            case NONE -> {}
        }
        if (o.unknownServerName() == TlsOptions.UnknownServerName.REJECT) {
            p.setSNIMatchers(List.of(g.keys().rejectingMatcher(name -> notes.rejectedServerName = name)));
        }
        engine.setSSLParameters(p);
        List<String> alpn = o.applicationProtocols();
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
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(new KeyManager[] {keys}, trust, null);
        SSLParameters supported = ctx.getSupportedSSLParameters();
        String[] protocols = intersect(o.protocols(), supported.getProtocols());
        String[] suites = intersect(o.cipherSuites(), supported.getCipherSuites());
        if (protocols.length == 0 || suites.length == 0) {
            throw new GeneralSecurityException("this JDK supports none of the configured TLS protocols or cipher suites");
        }
        return new Generation(o, ctx, keys, protocols, suites, stamps);
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
