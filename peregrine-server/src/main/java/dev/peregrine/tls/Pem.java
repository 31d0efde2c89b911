package dev.peregrine.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * PEM (RFC 7468) text to certificates and private keys, and back. Keys are accepted as PKCS#8
 * ({@code PRIVATE KEY}), encrypted PKCS#8 ({@code ENCRYPTED PRIVATE KEY}), and — because
 * {@code openssl genrsa} / {@code ecparam -genkey} still write them — PKCS#1 RSA and SEC1 EC keys,
 * which are rewrapped as PKCS#8 so one KeyFactory path decodes everything.
 */
final class Pem {

    /** One {@code -----BEGIN label-----} block, decoded. */
    record Block(String label, byte[] der, boolean hasHeaders) {}

    private static final String RSA = "1.2.840.113549.1.1.1";
    private static final String RSASSA_PSS = "1.2.840.113549.1.1.10";
    private static final String EC = "1.2.840.10045.2.1";
    private static final String ED25519 = "1.3.101.112";
    private static final String ED448 = "1.3.101.113";

    private Pem() {}

    /** Every block in {@code text}; text outside blocks (openssl's "Bag Attributes", comments) is ignored. */
    static List<Block> parse(String text) {
        List<Block> blocks = new ArrayList<>();
        String label = null;
        StringBuilder body = null;
        boolean headers = false;
        for (String raw : text.split("\r?\n|\r")) {
            String line = raw.strip();
            if (label == null) {
                if (line.startsWith("-----BEGIN ") && line.endsWith("-----")) {
                    label = line.substring(11, line.length() - 5);
                    body = new StringBuilder();
                    headers = false;
                }
            } else if (line.equals("-----END " + label + "-----")) {
                try {
                    blocks.add(new Block(label, Base64.getMimeDecoder().decode(body.toString()), headers));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("bad base64 in PEM block " + label, e);
                }
                label = null;
            } else if (line.contains(":")) {
                headers = true; // RFC 1421 headers, e.g. "Proc-Type: 4,ENCRYPTED"
            } else {
                body.append(line);
            }
        }
        if (label != null) {
            throw new IllegalArgumentException("PEM block " + label + " has no END line");
        }
        return blocks;
    }

    static List<X509Certificate> certificates(String text) throws CertificateException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> chain = new ArrayList<>();
        for (Block b : parse(text)) {
            if (b.label().equals("CERTIFICATE") || b.label().equals("TRUSTED CERTIFICATE")) {
                chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
            }
        }
        return chain;
    }

    /** The first private key in {@code text}; {@code password} is needed only for an encrypted one. */
    static PrivateKey privateKey(String text, char[] password) throws GeneralSecurityException {
        for (Block b : parse(text)) {
            switch (b.label()) {
                case "PRIVATE KEY" -> {
                    return pkcs8(b.der());
                }
                case "ENCRYPTED PRIVATE KEY" -> {
                    return pkcs8(decrypt(b.der(), password));
                }
                case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> {
                    if (b.hasHeaders()) {
                        throw new GeneralSecurityException("legacy encrypted " + b.label()
                                + " is not supported; convert it: openssl pkcs8 -topk8 -in KEY -out KEY.pk8");
                    }
                    return pkcs8(b.label().startsWith("RSA") ? wrapPkcs1(b.der()) : wrapSec1(b.der()));
                }
                default -> {
                    // e.g. "EC PARAMETERS" before an EC key, or certificates in a combined file
                }
            }
        }
        throw new GeneralSecurityException("no private key found in PEM");
    }

    static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        String algorithm;
        try {
            List<Der.Tlv> info = Der.read(der).children();
            algorithm = switch (Der.oidToString(info.get(1).children().getFirst().value())) {
                case RSA -> "RSA";
                case RSASSA_PSS -> "RSASSA-PSS";
                case EC -> "EC";
                case ED25519 -> "Ed25519";
                case ED448 -> "Ed448";
                case String other -> throw new GeneralSecurityException("unsupported private key algorithm " + other);
            };
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new GeneralSecurityException("malformed PKCS#8 private key", e);
        }
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    private static byte[] decrypt(byte[] der, char[] password) throws GeneralSecurityException {
        if (password == null) {
            throw new GeneralSecurityException("the private key is encrypted and no password was given");
        }
        try {
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
            // For PBES2 the JDK names the whole scheme, e.g. PBEWithHmacSHA256AndAES_256.
            String algorithm = info.getAlgName();
            Cipher cipher = Cipher.getInstance(algorithm);
            cipher.init(Cipher.DECRYPT_MODE,
                    SecretKeyFactory.getInstance(algorithm).generateSecret(new PBEKeySpec(password)),
                    info.getAlgParameters());
            return info.getKeySpec(cipher).getEncoded();
        } catch (IOException e) {
            throw new GeneralSecurityException("malformed encrypted private key", e);
        } catch (GeneralSecurityException e) {
            throw new GeneralSecurityException("cannot decrypt the private key (wrong password?): " + e.getMessage(), e);
        }
    }

    /** PKCS#1 RSAPrivateKey into PrivateKeyInfo {0, {rsaEncryption, NULL}, key}. */
    private static byte[] wrapPkcs1(byte[] pkcs1) {
        return Der.sequence(Der.integer(0), Der.sequence(Der.oid(RSA), Der.nul()), Der.octetString(pkcs1));
    }

    /** SEC1 ECPrivateKey into PrivateKeyInfo {0, {ecPublicKey, curve}, key}; the curve comes from its [0] field. */
    private static byte[] wrapSec1(byte[] sec1) throws GeneralSecurityException {
        try {
            for (Der.Tlv field : Der.read(sec1).children()) {
                if (field.tag() == 0xA0) {
                    return Der.sequence(Der.integer(0), Der.sequence(Der.oid(EC), field.value()), Der.octetString(sec1));
                }
            }
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("malformed EC PRIVATE KEY", e);
        }
        throw new GeneralSecurityException("EC PRIVATE KEY names no curve; convert it: openssl pkcs8 -topk8 -nocrypt");
    }

    /** Text form with 64-character lines, as RFC 7468 asks. */
    static String encode(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
