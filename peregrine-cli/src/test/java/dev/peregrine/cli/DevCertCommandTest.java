package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** {@code peregrine dev-cert}: creates the localhost certificate once, then reports the same one. */
class DevCertCommandTest {

    private static final Pattern PIN = Pattern.compile("SPKI pin \\(SHA-256, base64\\): ([A-Za-z0-9+/=]{44})");

    @TempDir
    Path tmp;

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String pin(String output) {
        Matcher m = PIN.matcher(output);
        assertThat(m.find()).as(output).isTrue();
        return m.group(1);
    }

    @Test
    void createsOnceThenReusesTheSameCertificate() throws Exception {
        Path dir = tmp.resolve("config/peregrine");
        Result first = run("dev-cert", "--dir", dir.toString());
        assertThat(first.code()).isZero();
        assertThat(first.err()).isEmpty();
        assertThat(first.out())
                .startsWith("Created the development certificate for localhost")
                .contains("certificate: " + dir.resolve("localhost.pem"))
                .contains("private key: " + dir.resolve("localhost-key.pem"))
                .contains("curl --cacert " + dir.resolve("localhost.pem"))
                .contains("--ignore-certificate-errors-spki-list=" + pin(first.out()))
                .containsPattern("--user-data-dir=\\S+ --ignore-certificate-errors-spki-list="); // Chromium needs both
        assertThat(dir.resolve("localhost.pem")).isRegularFile();
        assertThat(dir.resolve("localhost-key.pem")).isRegularFile();
        assertThat(dir.resolve("localhost.p12")).isRegularFile();

        // The pin printed is the one of the certificate written, computed independently.
        List<X509Certificate> written = DevCertTesting.certificates(dir.resolve("localhost.pem"));
        assertThat(written).hasSize(1);
        assertThat(pin(first.out())).isEqualTo(DevCertTesting.spkiPin(written.getFirst()));
        assertThat(written.getFirst().getSubjectAlternativeNames()).extracting(n -> n.get(1).toString())
                .contains("localhost", "127.0.0.1");
        byte[] before = Files.readAllBytes(dir.resolve("localhost.p12"));

        Result second = run("dev-cert", "--dir=" + dir);
        assertThat(second.code()).isZero();
        assertThat(second.out())
                .startsWith("The development certificate already exists in " + dir + "; nothing was changed.")
                .doesNotContain("Created");
        assertThat(pin(second.out())).isEqualTo(pin(first.out()));
        assertThat(Files.readAllBytes(dir.resolve("localhost.p12"))).isEqualTo(before);
    }

    @Test
    void aDeletedPemCopyIsWrittenAgainFromTheKeyStore() throws Exception {
        Result first = run("dev-cert", "--dir", tmp.toString());
        Files.delete(tmp.resolve("localhost.pem"));
        Result second = run("dev-cert", "--dir", tmp.toString());
        assertThat(second.code()).isZero();
        assertThat(tmp.resolve("localhost.pem")).isRegularFile();
        assertThat(pin(second.out())).isEqualTo(pin(first.out()));
    }

    @Test
    void aDirectoryThatCannotBeUsedExits1() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "not a directory");
        Result r = run("dev-cert", "--dir", file.resolve("peregrine").toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("peregrine: cannot load or create the development certificate in " + file.resolve("peregrine"));
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aDamagedKeyStoreIsReportedNotOverwritten() throws Exception {
        Files.writeString(tmp.resolve("localhost.p12"), "garbage");
        Result r = run("dev-cert", "--dir", tmp.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("can be deleted");
        assertThat(Files.readString(tmp.resolve("localhost.p12"))).isEqualTo("garbage");
    }

    @Test
    @DisabledOnOs(OS.WINDOWS) // POSIX permissions
    void aRelativeDirectoryIsCreatedOwnerOnlyToo() throws Exception {
        // A bare relative name resolves against the working directory, so the command runs as its
        // own process in a temporary one. (This once kept the default, world-readable mode.)
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.peregrine.cli.Main",
                "dev-cert", "--dir", "certs")
                .directory(tmp.toFile())
                .redirectErrorStream(true)
                .start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).contains("certificate: certs/localhost.pem");
        } finally {
            p.destroyForcibly();
        }
        assertThat(Files.getPosixFilePermissions(tmp.resolve("certs"))).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(tmp.resolve("certs/localhost-key.pem")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void unknownOptionIsAUsageError() {
        Result r = run("dev-cert", "--frobnicate");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("peregrine: unknown option: --frobnicate").contains("Usage:");
    }
}
