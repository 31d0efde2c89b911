package dev.peregrine.e2e.tls;

import dev.peregrine.tls.KeyMaterial;
import dev.peregrine.tls.SelfSignedCertificate;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A certificate authority for tests, so a test can present a real chain (leaf issued by a CA that
 * the client trusts). Needed because the JDK does not check the dates of a self-signed certificate
 * it trusts directly: an expired leaf must be issued by a trusted CA for a client to refuse it.
 *
 * <p>It reuses {@link SelfSignedCertificate} for the encoding and re-signs the result: the CA's own
 * certificate gets CA extensions in place of the leaf ones, an issued certificate gets the CA's
 * name as issuer. Only the top-level fields of the to-be-signed structure (RFC 5280 §4.1) are
 * touched, by index: version, serial, signature, issuer, validity, subject, key, extensions.
 */
record TestCa(X509Certificate certificate, PrivateKey privateKey) {

    private static final int ISSUER = 3;
    private static final int EXTENSIONS = 7;
    /** basicConstraints (2.5.29.19), critical, cA TRUE. */
    private static final byte[] BASIC_CONSTRAINTS_CA = HexFormat.of().parseHex("300f0603551d130101ff040530030101ff");
    /** keyUsage (2.5.29.15), critical, keyCertSign | cRLSign. */
    private static final byte[] KEY_USAGE_CA = HexFormat.of().parseHex("300e0603551d0f0101ff040403020106");

    static TestCa create(String commonName) throws Exception {
        SelfSignedCertificate base = SelfSignedCertificate.generate(
                SelfSignedCertificate.Spec.server(commonName, List.of(), List.of()));
        List<byte[]> tbs = children(base.certificate().getTBSCertificate());
        tbs.set(EXTENSIONS, tlv(0xA3, tlv(0x30, concat(List.of(BASIC_CONSTRAINTS_CA, KEY_USAGE_CA)))));
        X509Certificate ca = sign(tbs, base.keyPair().getPrivate());
        return new TestCa(ca, base.keyPair().getPrivate());
    }

    /** A certificate as {@code spec} describes, issued by this CA; the chain is leaf then CA. */
    KeyMaterial issue(SelfSignedCertificate.Spec spec) throws Exception {
        SelfSignedCertificate self = SelfSignedCertificate.generate(spec);
        List<byte[]> tbs = children(self.certificate().getTBSCertificate());
        tbs.set(ISSUER, certificate.getSubjectX500Principal().getEncoded());
        X509Certificate leaf = sign(tbs, privateKey);
        return new KeyMaterial(self.keyPair().getPrivate(), List.of(leaf, certificate));
    }

    private static X509Certificate sign(List<byte[]> tbsFields, PrivateKey key) throws GeneralSecurityException {
        byte[] tbs = tlv(0x30, concat(tbsFields));
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(key);
        signer.update(tbs);
        byte[] signature = signer.sign();
        byte[] bitString = new byte[signature.length + 1]; // leading 0: no unused bits
        System.arraycopy(signature, 0, bitString, 1, signature.length);
        byte[] algorithm = tbsFields.get(2); // the same AlgorithmIdentifier as inside the TBS
        byte[] der = tlv(0x30, concat(List.of(tbs, algorithm, tlv(0x03, bitString))));
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    /** The encoded children of a DER SEQUENCE, each with its tag and length. */
    private static List<byte[]> children(byte[] sequence) {
        int[] header = header(sequence, 0);
        List<byte[]> out = new ArrayList<>();
        int end = header[0] + header[1];
        for (int p = header[0]; p < end; ) {
            int[] h = header(sequence, p);
            int next = h[0] + h[1];
            byte[] child = new byte[next - p];
            System.arraycopy(sequence, p, child, 0, child.length);
            out.add(child);
            p = next;
        }
        return out;
    }

    /** For the element at {@code at}: where its content starts and how long it is. */
    private static int[] header(byte[] der, int at) {
        int p = at + 1; // one-byte tags are all a certificate uses
        int first = der[p++] & 0xFF;
        int length = first;
        if (first >= 0x80) {
            length = 0;
            for (int i = 0; i < (first & 0x7F); i++) {
                length = (length << 8) | (der[p++] & 0xFF);
            }
        }
        return new int[] {p, length};
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
