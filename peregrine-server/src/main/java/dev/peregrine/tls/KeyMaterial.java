package dev.peregrine.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;

/**
 * A private key and its certificate chain (leaf first) — what a server presents for one name.
 * The constructor checks that the key belongs to the leaf, so a half-replaced pair of files
 * (new certificate, old key) is refused instead of breaking every handshake.
 */
public record KeyMaterial(PrivateKey privateKey, List<X509Certificate> chain) {

    public KeyMaterial {
        if (privateKey == null || chain == null || chain.isEmpty()) {
            throw new IllegalArgumentException("a private key and at least one certificate are required");
        }
        chain = List.copyOf(chain);
        if (!keyMatches(privateKey, chain.getFirst().getPublicKey())) {
            throw new IllegalArgumentException("the private key does not belong to the certificate "
                    + chain.getFirst().getSubjectX500Principal().getName());
        }
    }

    /** The leaf certificate. */
    public X509Certificate certificate() {
        return chain.getFirst();
    }

    /** Base64 SHA-256 of the leaf's SubjectPublicKeyInfo — the form of HPKP pins and Chromium's --ignore-certificate-errors-spki-list. */
    public String spkiPin() {
        return spkiPin(certificate().getPublicKey());
    }

    static String spkiPin(PublicKey key) {
        try {
            return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /** Reads a PEM certificate chain file and a PEM private key file (unencrypted). */
    public static KeyMaterial fromPem(Path certificateChain, Path privateKey) throws IOException, GeneralSecurityException {
        return fromPem(certificateChain, privateKey, null);
    }

    /** Reads PEM files; {@code keyPassword} decrypts an {@code ENCRYPTED PRIVATE KEY} and may be null otherwise. */
    public static KeyMaterial fromPem(Path certificateChain, Path privateKey, char[] keyPassword)
            throws IOException, GeneralSecurityException {
        return fromPem(Files.readString(certificateChain, StandardCharsets.US_ASCII),
                Files.readString(privateKey, StandardCharsets.US_ASCII), keyPassword);
    }

    /** Parses PEM text: a chain (leaf first) and a key, which may also sit in the same text. */
    public static KeyMaterial fromPem(String certificateChainPem, String privateKeyPem, char[] keyPassword)
            throws GeneralSecurityException {
        List<X509Certificate> chain = Pem.certificates(certificateChainPem);
        if (chain.isEmpty()) {
            throw new GeneralSecurityException("no CERTIFICATE block found in the certificate PEM");
        }
        try {
            return new KeyMaterial(Pem.privateKey(privateKeyPem, keyPassword), chain);
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    /**
     * Reads a PKCS#12 or JKS keystore (the type is detected). {@code alias} may be null to take
     * the only — or first — key entry; the key password is the store password.
     */
    public static KeyMaterial fromKeyStore(Path file, char[] password, String alias) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(file.toFile(), password);
        String chosen = alias;
        if (chosen == null) {
            for (String a : Collections.list(store.aliases())) {
                if (store.isKeyEntry(a)) {
                    chosen = a;
                    break;
                }
            }
            if (chosen == null) {
                throw new GeneralSecurityException("no private key entry in " + file);
            }
        } else if (!store.isKeyEntry(chosen)) {
            throw new GeneralSecurityException("no private key entry named '" + alias + "' in " + file);
        }
        if (!(store.getKey(chosen, password) instanceof PrivateKey key)) {
            throw new GeneralSecurityException("entry '" + chosen + "' in " + file + " holds no private key");
        }
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate c : store.getCertificateChain(chosen)) {
            chain.add((X509Certificate) c);
        }
        try {
            return new KeyMaterial(key, chain);
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    /** The leaf certificate as PEM text. */
    public String certificatePem() {
        StringBuilder sb = new StringBuilder();
        try {
            for (X509Certificate c : chain) {
                sb.append(Pem.encode("CERTIFICATE", c.getEncoded()));
            }
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
        return sb.toString();
    }

    /** The private key as unencrypted PKCS#8 PEM text. Handle with care. */
    public String privateKeyPem() {
        return Pem.encode("PRIVATE KEY", privateKey.getEncoded());
    }

    /** True when {@code key} is the private half of {@code publicKey}: RSA by modulus, others by a test signature. */
    static boolean keyMatches(PrivateKey key, PublicKey publicKey) {
        if (key instanceof RSAKey rsa) {
            return publicKey instanceof RSAKey pub && rsa.getModulus().equals(pub.getModulus());
        }
        if (publicKey instanceof RSAKey) {
            return false;
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null;
        };
        if (algorithm == null) {
            return true; // an algorithm we cannot test (e.g. RSASSA-PSS without RSAKey): let the handshake judge
        }
        try {
            byte[] probe = "peregrine key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "KeyMaterial[" + certificate().getSubjectX500Principal().getName() + ", " + privateKey.getAlgorithm()
                + ", chain of " + chain.size() + "]";
    }
}
