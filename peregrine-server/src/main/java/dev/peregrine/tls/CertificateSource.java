package dev.peregrine.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Objects;

/**
 * Where a certificate and its key come from. A source is a description, not a cache: {@link #load()}
 * reads the files again each time, which is what reloading relies on. {@link #files()} names the
 * files whose change should trigger a reload.
 */
public sealed interface CertificateSource {

    /** Reads the key and chain now. */
    KeyMaterial load() throws IOException, GeneralSecurityException;

    /** The files this source reads, watched for changes when {@link TlsOptions#watchFiles()} is on. */
    List<Path> files();

    /** A PEM certificate chain file (leaf first) and a PEM private key file (PKCS#8, PKCS#1 or SEC1). */
    static CertificateSource pem(Path certificateChain, Path privateKey) {
        return new PemFiles(certificateChain, privateKey, null);
    }

    /** As {@link #pem(Path, Path)} with a password for an {@code ENCRYPTED PRIVATE KEY}. */
    static CertificateSource pem(Path certificateChain, Path privateKey, char[] keyPassword) {
        return new PemFiles(certificateChain, privateKey, keyPassword);
    }

    /** A PKCS#12 or JKS keystore; the first key entry is used. */
    static CertificateSource keyStore(Path file, char[] password) {
        return new KeyStoreFile(file, password, null);
    }

    /** A PKCS#12 or JKS keystore and the alias of the key entry to use. */
    static CertificateSource keyStore(Path file, char[] password, String alias) {
        return new KeyStoreFile(file, password, alias);
    }

    /** Key material already in memory (generated, or fetched from a secret store); never changes by itself. */
    static CertificateSource of(KeyMaterial material) {
        return new InMemory(material);
    }

    record PemFiles(Path certificateChain, Path privateKey, char[] keyPassword) implements CertificateSource {
        public PemFiles {
            Objects.requireNonNull(certificateChain, "certificateChain");
            Objects.requireNonNull(privateKey, "privateKey");
        }

        @Override
        public KeyMaterial load() throws IOException, GeneralSecurityException {
            return KeyMaterial.fromPem(certificateChain, privateKey, keyPassword);
        }

        @Override
        public List<Path> files() {
            return certificateChain.equals(privateKey) ? List.of(certificateChain) : List.of(certificateChain, privateKey);
        }

        @Override
        public String toString() {
            return "pem:" + certificateChain + "+" + privateKey;
        }
    }

    record KeyStoreFile(Path file, char[] password, String alias) implements CertificateSource {
        public KeyStoreFile {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public KeyMaterial load() throws IOException, GeneralSecurityException {
            return KeyMaterial.fromKeyStore(file, password, alias);
        }

        @Override
        public List<Path> files() {
            return List.of(file);
        }

        @Override
        public String toString() {
            return "keystore:" + file + (alias == null ? "" : "#" + alias);
        }
    }

    record InMemory(KeyMaterial material) implements CertificateSource {
        public InMemory {
            Objects.requireNonNull(material, "material");
        }

        @Override
        public KeyMaterial load() {
            return material;
        }

        @Override
        public List<Path> files() {
            return List.of();
        }
    }
}
