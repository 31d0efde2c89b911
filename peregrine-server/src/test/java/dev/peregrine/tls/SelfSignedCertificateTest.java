package dev.peregrine.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The DER writer's certificate, as the JDK's own parser reads it. */
class SelfSignedCertificateTest {

    @Test
    void localhostCertificateParsesAndCarriesTheRightExtensions() throws Exception {
        SelfSignedCertificate s = SelfSignedCertificate.forLocalhost();
        X509Certificate c = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(s.certificate().getEncoded()));

        assertThat(c.getVersion()).isEqualTo(3);
        assertThat(c.getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(c.getSubjectX500Principal()).isEqualTo(c.getIssuerX500Principal());
        assertThat(c.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
        assertThat(c.getSerialNumber().signum()).isPositive();
        c.verify(s.keyPair().getPublic()); // self-signed: its own key verifies it
        c.checkValidity();
        assertThat(c.getPublicKey()).isEqualTo(s.keyPair().getPublic());

        assertThat(c.getSubjectAlternativeNames()).containsExactlyInAnyOrder(
                List.of(2, "localhost"), List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"));
        assertThat(c.getBasicConstraints()).isEqualTo(-1); // not a CA
        assertThat(c.getCriticalExtensionOIDs()).containsExactlyInAnyOrder("2.5.29.19", "2.5.29.15");
        assertThat(c.getKeyUsage()[0]).isTrue(); // digitalSignature
        assertThat(c.getKeyUsage()).containsOnlyOnce(true);
        assertThat(c.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(c.getExtensionValue("2.5.29.14")).isNotNull(); // subjectKeyIdentifier
    }

    @Test
    void validityAcrossThe2050SwitchToGeneralizedTime() throws Exception {
        Instant from = Instant.parse("2049-12-31T23:59:59Z");
        Instant until = Instant.parse("2051-06-01T12:00:00Z");
        SelfSignedCertificate s = SelfSignedCertificate.generate(
                SelfSignedCertificate.Spec.server("far", List.of("far.test"), List.of()).withValidity(from, until));
        assertThat(s.certificate().getNotBefore()).isEqualTo(Date.from(from));
        assertThat(s.certificate().getNotAfter()).isEqualTo(Date.from(until));
    }

    @Test
    void clientCertificatesAndOrganizationAndIpv6() throws Exception {
        SelfSignedCertificate s = SelfSignedCertificate.generate(SelfSignedCertificate.Spec.client("alice").withOrganization("Ünïcode Org"));
        assertThat(s.certificate().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
        assertThat(s.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=alice,O=Ünïcode Org");
        assertThat(s.certificate().getSubjectAlternativeNames()).isNull();

        SelfSignedCertificate v6 = SelfSignedCertificate.generate(SelfSignedCertificate.Spec.server("v6", List.of(),
                List.of(InetAddress.getByName("2001:db8::1"))));
        assertThat(v6.certificate().getSubjectAlternativeNames()).containsExactly(List.of(7, "2001:db8:0:0:0:0:0:1"));
    }

    @Test
    void derPrimitivesRoundTrip() {
        assertThat(Der.oidToString(Der.read(Der.oid("1.2.840.113549.1.1.11")).value())).isEqualTo("1.2.840.113549.1.1.11");
        assertThat(Der.oidToString(Der.read(Der.oid("2.999.3")).value())).isEqualTo("2.999.3");
        byte[] big = new byte[300];
        assertThat(Der.read(Der.octetString(big)).value()).hasSize(300); // long-form length
        assertThat(Der.readAll(Der.concat(Der.integer(5), Der.nul()))).hasSize(2);
        assertThat(Der.integer(128)).containsExactly(0x02, 0x02, 0x00, 0x80); // sign byte kept
    }
}
