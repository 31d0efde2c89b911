package dev.peregrine.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/** The certificate authorities a server trusts to sign client certificates. */
public sealed interface TrustSource {

    /** Reads the trust anchors now, as a keystore of trusted-certificate entries. */
    KeyStore load() throws IOException, GeneralSecurityException;

    /** The files read, watched for changes with the certificates. */
    List<Path> files();

    /** A PEM file of one or more CA certificates. */
    static TrustSource pem(Path caCertificates) {
        return new PemFile(caCertificates);
    }

    /** A PKCS#12 or JKS keystore whose certificate entries are trusted. */
    static TrustSource keyStore(Path file, char[] password) {
        return new KeyStoreFile(file, password);
    }

    static TrustSource of(X509Certificate... anchors) {
        return new Certificates(List.of(anchors));
    }

    static TrustSource of(List<X509Certificate> anchors) {
        return new Certificates(anchors);
    }

    record PemFile(Path file) implements TrustSource {
        public PemFile {
            Objects.requireNonNull(file, "file");
        }

        @Override
        public KeyStore load() throws IOException, GeneralSecurityException {
            List<X509Certificate> certs = Pem.certificates(Files.readString(file, StandardCharsets.US_ASCII));
            if (certs.isEmpty()) {
                throw new GeneralSecurityException("no CERTIFICATE block in " + file);
            }
            return Certificates.store(certs);
        }

        @Override
        public List<Path> files() {
            return List.of(file);
        }
    }

    record KeyStoreFile(Path file, char[] password) implements TrustSource {
        public KeyStoreFile {
            Objects.requireNonNull(file, "file");
        }

        @Override
        public KeyStore load() throws IOException, GeneralSecurityException {
            return KeyStore.getInstance(file.toFile(), password);
        }

        @Override
        public List<Path> files() {
            return List.of(file);
        }
    }

    record Certificates(List<X509Certificate> anchors) implements TrustSource {
        public Certificates {
            anchors = List.copyOf(anchors);
            if (anchors.isEmpty()) {
                throw new IllegalArgumentException("at least one trust anchor is required");
            }
        }

        @Override
        public KeyStore load() throws GeneralSecurityException {
            return store(anchors);
        }

        @Override
        public List<Path> files() {
            return List.of();
        }

        static KeyStore store(List<X509Certificate> certs) throws GeneralSecurityException {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try {
                ks.load(null, null);
            } catch (IOException e) {
                throw new GeneralSecurityException(e);
            }
            for (int i = 0; i < certs.size(); i++) {
                ks.setCertificateEntry("ca-" + i, certs.get(i));
            }
            return ks;
        }
    }
}
