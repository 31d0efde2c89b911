package dev.peregrine.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** Certificates, JDK clients and waiting, shared by the TLS tests. */
final class TlsTesting {

    /** A socket read timeout so a bug fails a test instead of hanging it; never asserted on. */
    static final int SAFETY_TIMEOUT_MS = 30_000;

    private TlsTesting() {}

    static SelfSignedCertificate serverCert(String commonName, String... dnsNames) throws Exception {
        return SelfSignedCertificate.generate(SelfSignedCertificate.Spec.server(commonName, List.of(dnsNames),
                List.of(InetAddress.getByName("127.0.0.1"))));
    }

    static SSLContext clientContext(List<X509Certificate> trusted, KeyMaterial clientKey) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        for (int i = 0; i < trusted.size(); i++) {
            trust.setCertificateEntry("t" + i, trusted.get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (clientKey != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", clientKey.privateKey(), "x".toCharArray(), clientKey.chain().toArray(Certificate[]::new));
            kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(keys, "x".toCharArray());
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    static SSLContext clientTrusting(X509Certificate... trusted) throws Exception {
        return clientContext(List.of(trusted), null);
    }

    /** Connects and completes the client handshake; {@code tweak} sets protocols, ALPN, SNI. */
    static SSLSocket connect(SSLContext ctx, int port, Consumer<SSLParameters> tweak) throws IOException {
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        s.setSoTimeout(SAFETY_TIMEOUT_MS);
        SSLParameters p = s.getSSLParameters();
        tweak.accept(p);
        s.setSSLParameters(p);
        s.startHandshake();
        return s;
    }

    static Consumer<SSLParameters> sni(String host) {
        return p -> p.setServerNames(List.of(new SNIHostName(host)));
    }

    static Consumer<SSLParameters> none() {
        return p -> {};
    }

    /** Writes {@code message} and reads back as many bytes. */
    static String roundTrip(Socket s, String message) throws IOException {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        s.getOutputStream().write(bytes);
        s.getOutputStream().flush();
        return new String(s.getInputStream().readNBytes(bytes.length), StandardCharsets.UTF_8);
    }

    static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /** Returns once {@code condition} holds; fails after a generous bound. Not a timing assertion. */
    static void await(String what, BooleanSupplier condition) {
        dev.peregrine.testkit.Await.until(what, java.time.Duration.ofSeconds(30), condition);
    }

    static X509Certificate peerLeaf(SSLSocket s) throws IOException {
        return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }
}
