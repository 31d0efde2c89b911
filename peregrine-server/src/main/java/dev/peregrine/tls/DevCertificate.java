package dev.peregrine.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The {@code peregrine dev-cert} certificate: created once per user, kept under
 * {@code $XDG_CONFIG_HOME/peregrine} (or {@code ~/.config/peregrine}) as {@code localhost.p12}
 * plus PEM copies for tools that want them, and renewed only when it nears expiry.
 * A CLI prints {@link #trustInstructions()}; {@code serve} passes {@link #tlsOptions()} to the server.
 *
 * @param directory where the files live
 * @param keyStore the PKCS#12 store (password {@link #KEYSTORE_PASSWORD}) — the source of truth
 * @param certificatePem the certificate, PEM
 * @param privateKeyPem the private key, unencrypted PKCS#8 PEM, readable by the owner only
 * @param keyMaterial the key and certificate, loaded
 * @param created whether this call created (or renewed) the certificate
 */
public record DevCertificate(
        Path directory, Path keyStore, Path certificatePem, Path privateKeyPem, KeyMaterial keyMaterial, boolean created) {

    /**
     * Not a secret: the key only vouches for localhost on this machine, and file permissions are
     * its protection. PKCS#12 merely requires some password.
     */
    public static final String KEYSTORE_PASSWORD = "peregrine";
    /** Renewed when fewer days than this remain, so a long-running dev server does not expire mid-week. */
    private static final Duration RENEW_BEFORE = Duration.ofDays(30);
    private static final Duration VALIDITY = Duration.ofDays(365);
    private static final String ALIAS = "peregrine-dev";

    /** {@code $XDG_CONFIG_HOME/peregrine}, else {@code ~/.config/peregrine}. */
    public static Path defaultDirectory() {
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
                ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("peregrine");
    }

    public static DevCertificate loadOrCreate() throws IOException, GeneralSecurityException {
        return loadOrCreate(defaultDirectory());
    }

    /** Loads the certificate in {@code dir}, creating it (and the directory) if absent or nearly expired. */
    public static DevCertificate loadOrCreate(Path dir) throws IOException, GeneralSecurityException {
        Path p12 = dir.resolve("localhost.p12");
        Path certPem = dir.resolve("localhost.pem");
        Path keyPem = dir.resolve("localhost-key.pem");
        if (Files.exists(p12)) {
            KeyMaterial existing = KeyMaterial.fromKeyStore(p12, KEYSTORE_PASSWORD.toCharArray(), null);
            if (existing.certificate().getNotAfter().toInstant().isAfter(Instant.now().plus(RENEW_BEFORE))) {
                if (!Files.exists(certPem) || !Files.exists(keyPem)) {
                    writePems(existing, certPem, keyPem);
                }
                return new DevCertificate(dir, p12, certPem, keyPem, existing, false);
            }
        }
        createPrivateDirectory(dir);
        Instant now = Instant.now();
        SelfSignedCertificate generated = SelfSignedCertificate.generate(
                SelfSignedCertificate.Spec.server("localhost", List.of("localhost"),
                                List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1")))
                        .withOrganization("Peregrine development certificate")
                        .withValidity(now.minus(Duration.ofDays(1)), now.plus(VALIDITY)));
        KeyMaterial material = generated.keyMaterial();
        writePems(material, certPem, keyPem);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(ALIAS, material.privateKey(), KEYSTORE_PASSWORD.toCharArray(), new Certificate[] {material.certificate()});
        // The store goes last and atomically: its presence means the set is complete.
        writeAtomically(p12, out -> store.store(out, KEYSTORE_PASSWORD.toCharArray()));
        return new DevCertificate(dir, p12, certPem, keyPem, material, true);
    }

    /** Default options serving this certificate from its keystore. */
    public TlsOptions tlsOptions() {
        return TlsOptions.builder().certificate(CertificateSource.keyStore(keyStore, KEYSTORE_PASSWORD.toCharArray())).build();
    }

    /** Base64 SHA-256 of the public key, for Chromium's {@code --ignore-certificate-errors-spki-list}. */
    public String spkiPin() {
        return keyMaterial.spkiPin();
    }

    /** What to print: where the files are, the pin, and how to trust the certificate per platform. */
    public String trustInstructions() {
        String pem = certificatePem.toString();
        return String.join("\n",
                (created ? "Created" : "Using") + " the development certificate for localhost, 127.0.0.1 and ::1",
                "  certificate: " + pem,
                "  private key: " + privateKeyPem,
                "  PKCS#12:     " + keyStore + " (password: " + KEYSTORE_PASSWORD + ")",
                "  valid until: " + keyMaterial.certificate().getNotAfter().toInstant(),
                "  SPKI pin (SHA-256, base64): " + spkiPin(),
                "",
                "Trust it:",
                "  curl:            curl --cacert " + pem + " https://localhost:8443/",
                // Chromium honours the SPKI list only together with --user-data-dir (a profile of its own).
                "  Chromium/Chrome: chromium --user-data-dir=/tmp/peregrine-chromium --ignore-certificate-errors-spki-list="
                        + spkiPin() + " https://localhost:8443/",
                "  Chrome on Linux: certutil -d sql:$HOME/.pki/nssdb -A -t P,, -n peregrine-dev -i " + pem,
                "  Debian/Ubuntu:   sudo cp " + pem + " /usr/local/share/ca-certificates/peregrine-dev.crt && sudo update-ca-certificates",
                "  Fedora/RHEL:     sudo trust anchor --store " + pem,
                "  macOS:           sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain " + pem,
                "  Windows:         certutil -user -addstore Root " + pem,
                // Not Authorities > Import: Firefox refuses a certificate that is not a CA's there.
                "  Firefox:         open https://localhost:8443/, Advanced > Accept the Risk and Continue (kept for this certificate)",
                "  Java:            keytool -importcert -cacerts -alias peregrine-dev -file " + pem,
                "");
    }

    private static void writePems(KeyMaterial material, Path certPem, Path keyPem) throws IOException {
        writeAtomically(certPem, out -> out.write(material.certificatePem().getBytes(StandardCharsets.US_ASCII)));
        writeAtomically(keyPem, out -> out.write(material.privateKeyPem().getBytes(StandardCharsets.US_ASCII)));
    }

    private interface Writer {
        void write(OutputStream out) throws IOException, GeneralSecurityException;
    }

    /** Writes a temporary owner-only file beside the target and renames it over, so readers never see half a file. */
    private static void writeAtomically(Path target, Writer writer) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp);
        ownerOnly(tmp, "rw-------");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            writer.write(out);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot write " + target, e);
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void createPrivateDirectory(Path dir) throws IOException {
        // Parents first, then the directory itself, so that this call creates it and makes it owner-only.
        // A bare relative name ("certs") has no parent of its own: without the absolute path's, the
        // directory itself was created as a "parent" and kept the default (often world-readable) mode.
        Path parent = dir.toAbsolutePath().getParent();
        try {
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.createDirectory(dir);
            ownerOnly(dir, "rwx------");
        } catch (FileAlreadyExistsException exists) {
            // an existing directory keeps the permissions its owner chose
        }
    }

    private static void ownerOnly(Path p, String permissions) throws IOException {
        if (p.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(permissions));
        }
    }
}
