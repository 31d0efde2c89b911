package dev.peregrine.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.PBEParameterSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading keys and certificates from PEM (PKCS#8, encrypted PKCS#8, PKCS#1) and keystores. */
class KeyMaterialTest {

    static SelfSignedCertificate ec;
    static SelfSignedCertificate rsa;

    @TempDir
    Path dir;

    @BeforeAll
    static void certificates() throws Exception {
        ec = TlsTesting.serverCert("ec.test", "ec.test");
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        rsa = SelfSignedCertificate.generate(SelfSignedCertificate.Spec.server("rsa.test", List.of("rsa.test"), List.of())
                .withKeyPair(g.generateKeyPair()));
    }

    Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void pkcs8PemForEcAndRsa() throws Exception {
        for (SelfSignedCertificate c : List.of(ec, rsa)) {
            KeyMaterial m = CertificateSource.pem(write("c.pem", c.certificatePem()), write("k.pem", c.privateKeyPem())).load();
            assertThat(m.certificate()).isEqualTo(c.certificate());
            assertThat(m.privateKey().getEncoded()).isEqualTo(c.keyPair().getPrivate().getEncoded());
        }
    }

    @Test
    void chainOrderIsKeptAndJunkAroundBlocksIgnored() throws Exception {
        String chain = "Bag Attributes\n    friendlyName: leaf\n" + ec.certificatePem() + "\n# intermediate\n" + rsa.certificatePem();
        KeyMaterial m = KeyMaterial.fromPem(chain, ec.privateKeyPem().replace("\n", "\r\n"), null);
        assertThat(m.chain()).containsExactly(ec.certificate(), rsa.certificate());
    }

    @Test
    void keyAndChainInOneFile() throws Exception {
        Path both = write("both.pem", rsa.privateKeyPem() + rsa.certificatePem());
        assertThat(CertificateSource.pem(both, both).load().certificate()).isEqualTo(rsa.certificate());
        assertThat(CertificateSource.pem(both, both).files()).containsExactly(both);
    }

    @Test
    void pkcs1RsaKey() throws Exception {
        // PKCS#1 is the OCTET STRING inside PKCS#8's PrivateKeyInfo.
        byte[] pkcs1 = Der.read(rsa.keyPair().getPrivate().getEncoded()).children().get(2).value();
        KeyMaterial m = KeyMaterial.fromPem(rsa.certificatePem(), Pem.encode("RSA PRIVATE KEY", pkcs1), null);
        assertThat(m.privateKey().getEncoded()).isEqualTo(rsa.keyPair().getPrivate().getEncoded());
    }

    @Test
    void encryptedPkcs8() throws Exception {
        char[] password = "s3cret".toCharArray();
        String algorithm = "PBEWithHmacSHA256AndAES_256";
        byte[] salt = new byte[16];
        byte[] iv = new byte[16];
        new SecureRandom().nextBytes(salt);
        new SecureRandom().nextBytes(iv);
        Cipher cipher = Cipher.getInstance(algorithm);
        cipher.init(Cipher.ENCRYPT_MODE, SecretKeyFactory.getInstance(algorithm).generateSecret(new PBEKeySpec(password)),
                new PBEParameterSpec(salt, 10_000, new IvParameterSpec(iv)));
        byte[] encrypted = cipher.doFinal(ec.keyPair().getPrivate().getEncoded());
        // PKCS#8 names the scheme PBES2 and carries the KDF and cipher inside its parameters.
        AlgorithmParameters params = AlgorithmParameters.getInstance("PBES2");
        params.init(cipher.getParameters().getEncoded());
        String pem = Pem.encode("ENCRYPTED PRIVATE KEY", new EncryptedPrivateKeyInfo(params, encrypted).getEncoded());

        Path cert = write("c.pem", ec.certificatePem());
        Path key = write("k.pem", pem);
        assertThat(CertificateSource.pem(cert, key, password).load().privateKey().getEncoded())
                .isEqualTo(ec.keyPair().getPrivate().getEncoded());
        assertThatThrownBy(() -> CertificateSource.pem(cert, key).load()).hasMessageContaining("no password");
        assertThatThrownBy(() -> CertificateSource.pem(cert, key, "wrong".toCharArray()).load()).hasMessageContaining("wrong password");
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() throws Exception {
        assertThatThrownBy(() -> KeyMaterial.fromPem(ec.certificatePem(), rsa.privateKeyPem(), null))
                .hasMessageContaining("does not belong");
        SelfSignedCertificate otherEc = TlsTesting.serverCert("other", "other");
        assertThatThrownBy(() -> KeyMaterial.fromPem(ec.certificatePem(), otherEc.privateKeyPem(), null))
                .hasMessageContaining("does not belong");
    }

    @Test
    void missingPiecesAreNamed() {
        assertThatThrownBy(() -> KeyMaterial.fromPem("nothing", ec.privateKeyPem(), null)).hasMessageContaining("no CERTIFICATE");
        assertThatThrownBy(() -> KeyMaterial.fromPem(ec.certificatePem(), ec.certificatePem(), null)).hasMessageContaining("no private key");
        assertThatThrownBy(() -> KeyMaterial.fromPem(ec.certificatePem(), "-----BEGIN PRIVATE KEY-----\nAAAA\n", null))
                .hasMessageContaining("no END");
        assertThatThrownBy(() -> KeyMaterial.fromPem(ec.certificatePem(),
                        "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n", null))
                .hasMessageContaining("openssl pkcs8");
    }

    @Test
    void pkcs12AndJksKeystoresWithAndWithoutAlias() throws Exception {
        char[] password = "changeit".toCharArray();
        for (String type : List.of("PKCS12", "JKS")) {
            KeyStore ks = KeyStore.getInstance(type);
            ks.load(null, null);
            ks.setCertificateEntry("a-trusted-cert", rsa.certificate());
            ks.setKeyEntry("ec", ec.keyPair().getPrivate(), password, new Certificate[] {ec.certificate()});
            ks.setKeyEntry("rsa", rsa.keyPair().getPrivate(), password, new Certificate[] {rsa.certificate()});
            Path file = dir.resolve("store." + type);
            try (var out = Files.newOutputStream(file)) {
                ks.store(out, password);
            }
            assertThat(CertificateSource.keyStore(file, password, "rsa").load().certificate()).isEqualTo(rsa.certificate());
            assertThat(CertificateSource.keyStore(file, password, "ec").load().certificate()).isEqualTo(ec.certificate());
            assertThat(CertificateSource.keyStore(file, password).load().chain()).hasSize(1); // the first key entry
            assertThatThrownBy(() -> CertificateSource.keyStore(file, password, "a-trusted-cert").load())
                    .hasMessageContaining("no private key entry");
            assertThatThrownBy(() -> CertificateSource.keyStore(file, "wrong".toCharArray()).load()).isInstanceOf(Exception.class);
        }
    }

    @Test
    void trustSourcesFromPemAndKeystore() throws Exception {
        KeyStore fromPem = TrustSource.pem(write("ca.pem", ec.certificatePem() + rsa.certificatePem())).load();
        assertThat(java.util.Collections.list(fromPem.aliases())).hasSize(2);
        assertThatThrownBy(() -> TrustSource.pem(write("empty.pem", "")).load()).hasMessageContaining("no CERTIFICATE");
    }

    @Test
    void spkiPinIsBase64Sha256OfThePublicKey() throws Exception {
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(ec.certificate().getPublicKey().getEncoded());
        assertThat(ec.keyMaterial().spkiPin()).isEqualTo(java.util.Base64.getEncoder().encodeToString(digest)).hasSize(44);
    }

    @Test
    void hostPatternsAreNormalized() {
        assertThat(TlsOptions.normalizeHostPattern("Example.COM.")).isEqualTo("example.com");
        assertThat(TlsOptions.normalizeHostPattern("*.Example.com")).isEqualTo("*.example.com");
        assertThat(TlsOptions.normalizeHostPattern("bücher.example")).isEqualTo("xn--bcher-kva.example");
        assertThatThrownBy(() -> TlsOptions.normalizeHostPattern("a.*.example.com")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TlsOptions.normalizeHostPattern("*")).isInstanceOf(IllegalArgumentException.class);
    }
}
