package dev.peregrine.tls;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A self-signed X.509 v3 certificate (RFC 5280) built with {@link Der} and signed through
 * {@link Signature} — no dependency and no internal JDK class. It carries what browsers and
 * curl check of a leaf: subjectAltName with DNS and IP entries (the CN is not used for name
 * matching any more), basicConstraints CA:FALSE, keyUsage digitalSignature, extendedKeyUsage.
 *
 * @param certificate the certificate, as parsed back by the JDK's CertificateFactory
 * @param keyPair its key pair
 */
public record SelfSignedCertificate(X509Certificate certificate, KeyPair keyPair) {

    private static final String OID_COMMON_NAME = "2.5.4.3";
    private static final String OID_ORGANIZATION = "2.5.4.10";
    private static final String OID_SUBJECT_KEY_ID = "2.5.29.14";
    private static final String OID_KEY_USAGE = "2.5.29.15";
    private static final String OID_SUBJECT_ALT_NAME = "2.5.29.17";
    private static final String OID_BASIC_CONSTRAINTS = "2.5.29.19";
    private static final String OID_EXT_KEY_USAGE = "2.5.29.37";
    private static final String OID_SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String OID_CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String OID_ECDSA_SHA256 = "1.2.840.10045.4.3.2";
    private static final String OID_RSA_SHA256 = "1.2.840.113549.1.1.11";

    /**
     * What to put in the certificate. Validity defaults to one year starting a day ago (tolerating
     * a skewed client clock); a new EC P-256 key pair is generated unless one is given.
     */
    public record Spec(
            String commonName,
            String organization,
            List<String> dnsNames,
            List<InetAddress> ipAddresses,
            Instant notBefore,
            Instant notAfter,
            boolean serverAuth,
            boolean clientAuth,
            KeyPair keyPair) {

        public Spec {
            Objects.requireNonNull(commonName, "commonName");
            dnsNames = List.copyOf(dnsNames);
            ipAddresses = List.copyOf(ipAddresses);
            if (!notAfter.isAfter(notBefore)) {
                throw new IllegalArgumentException("notAfter must be after notBefore");
            }
            if (!serverAuth && !clientAuth) {
                throw new IllegalArgumentException("a certificate for serverAuth, clientAuth or both");
            }
        }

        /** A server certificate for these names, valid for a year from yesterday. */
        public static Spec server(String commonName, List<String> dnsNames, List<InetAddress> ipAddresses) {
            Instant now = Instant.now();
            return new Spec(commonName, null, dnsNames, ipAddresses, now.minus(Duration.ofDays(1)),
                    now.plus(Duration.ofDays(365)), true, false, null);
        }

        /** A client certificate (extendedKeyUsage clientAuth) naming {@code commonName}. */
        public static Spec client(String commonName) {
            Instant now = Instant.now();
            return new Spec(commonName, null, List.of(), List.of(), now.minus(Duration.ofDays(1)),
                    now.plus(Duration.ofDays(365)), false, true, null);
        }

        public Spec withValidity(Instant from, Instant until) {
            return new Spec(commonName, organization, dnsNames, ipAddresses, from, until, serverAuth, clientAuth, keyPair);
        }

        public Spec withOrganization(String org) {
            return new Spec(commonName, org, dnsNames, ipAddresses, notBefore, notAfter, serverAuth, clientAuth, keyPair);
        }

        /** Sign with this key pair (EC or RSA) instead of a new P-256 one. */
        public Spec withKeyPair(KeyPair pair) {
            return new Spec(commonName, organization, dnsNames, ipAddresses, notBefore, notAfter, serverAuth, clientAuth, pair);
        }
    }

    /** For localhost, 127.0.0.1 and ::1: what a development server needs. */
    public static SelfSignedCertificate forLocalhost() throws GeneralSecurityException {
        try {
            return generate(Spec.server("localhost", List.of("localhost"),
                    List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1"))));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("literal addresses always parse", e);
        }
    }

    public static SelfSignedCertificate generate(Spec spec) throws GeneralSecurityException {
        KeyPair pair = spec.keyPair() != null ? spec.keyPair() : newEcKeyPair();
        boolean ec = pair.getPrivate().getAlgorithm().equals("EC");
        if (!ec && !pair.getPrivate().getAlgorithm().equals("RSA")) {
            throw new GeneralSecurityException("only EC and RSA keys are supported, not " + pair.getPrivate().getAlgorithm());
        }
        // ECDSA's AlgorithmIdentifier has no parameters; RSA's has an explicit NULL (RFC 5758, RFC 4055).
        byte[] signatureAlgorithm = ec ? Der.sequence(Der.oid(OID_ECDSA_SHA256)) : Der.sequence(Der.oid(OID_RSA_SHA256), Der.nul());
        byte[] name = name(spec);
        byte[] spki = pair.getPublic().getEncoded();
        byte[] tbs = Der.sequence(
                Der.explicit(0, Der.integer(2)), // v3
                Der.integer(serialNumber()),
                signatureAlgorithm,
                name, // issuer = subject: self-signed
                Der.sequence(Der.time(spec.notBefore()), Der.time(spec.notAfter())),
                name,
                spki,
                Der.explicit(3, extensions(spec, spki)));
        Signature signer = Signature.getInstance(ec ? "SHA256withECDSA" : "SHA256withRSA");
        signer.initSign(pair.getPrivate());
        signer.update(tbs);
        byte[] der = Der.sequence(tbs, signatureAlgorithm, Der.bitString(signer.sign(), 0));
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
        return new SelfSignedCertificate(cert, pair);
    }

    public static KeyPair newEcKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static byte[] name(Spec spec) {
        List<byte[]> rdns = new ArrayList<>();
        if (spec.organization() != null) {
            rdns.add(Der.set(Der.sequence(Der.oid(OID_ORGANIZATION), Der.utf8String(spec.organization()))));
        }
        rdns.add(Der.set(Der.sequence(Der.oid(OID_COMMON_NAME), Der.utf8String(spec.commonName()))));
        return Der.sequence(rdns.toArray(byte[][]::new));
    }

    /** 16 random bytes, positive and non-zero (RFC 5280 §4.1.2.2: at most 20 octets). */
    private static BigInteger serialNumber() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        bytes[0] = (byte) ((bytes[0] & 0x7F) | 0x40);
        return new BigInteger(1, bytes);
    }

    private static byte[] extensions(Spec spec, byte[] spki) throws GeneralSecurityException {
        List<byte[]> exts = new ArrayList<>();
        exts.add(extension(OID_BASIC_CONSTRAINTS, true, Der.sequence())); // cA defaults to FALSE
        // digitalSignature (bit 0) only: ECDHE key exchange needs nothing else of a leaf key.
        exts.add(extension(OID_KEY_USAGE, true, Der.bitString(new byte[] {(byte) 0x80}, 7)));
        List<byte[]> usages = new ArrayList<>();
        if (spec.serverAuth()) {
            usages.add(Der.oid(OID_SERVER_AUTH));
        }
        if (spec.clientAuth()) {
            usages.add(Der.oid(OID_CLIENT_AUTH));
        }
        exts.add(extension(OID_EXT_KEY_USAGE, false, Der.sequence(usages.toArray(byte[][]::new))));
        if (!spec.dnsNames().isEmpty() || !spec.ipAddresses().isEmpty()) {
            List<byte[]> names = new ArrayList<>();
            for (String dns : spec.dnsNames()) {
                names.add(Der.implicitPrimitive(2, dns.getBytes(StandardCharsets.US_ASCII))); // dNSName
            }
            for (InetAddress ip : spec.ipAddresses()) {
                names.add(Der.implicitPrimitive(7, ip.getAddress())); // iPAddress: 4 or 16 octets
            }
            exts.add(extension(OID_SUBJECT_ALT_NAME, false, Der.sequence(names.toArray(byte[][]::new))));
        }
        // RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits; an identifier, not a security function.
        byte[] keyBits = Der.read(spki).children().get(1).value();
        byte[] keyId = MessageDigest.getInstance("SHA-1").digest(Arrays.copyOfRange(keyBits, 1, keyBits.length));
        exts.add(extension(OID_SUBJECT_KEY_ID, false, Der.octetString(keyId)));
        return Der.sequence(exts.toArray(byte[][]::new));
    }

    private static byte[] extension(String oid, boolean critical, byte[] value) {
        return critical
                ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octetString(value))
                : Der.sequence(Der.oid(oid), Der.octetString(value)); // DEFAULT FALSE is omitted in DER
    }

    public KeyMaterial keyMaterial() {
        return new KeyMaterial(keyPair.getPrivate(), List.of(certificate));
    }

    /** Base64 SHA-256 of the SubjectPublicKeyInfo, as Chromium's --ignore-certificate-errors-spki-list takes it. */
    public String spkiPin() {
        return KeyMaterial.spkiPin(keyPair.getPublic());
    }

    public String certificatePem() {
        return keyMaterial().certificatePem();
    }

    public String privateKeyPem() {
        return keyMaterial().privateKeyPem();
    }
}
