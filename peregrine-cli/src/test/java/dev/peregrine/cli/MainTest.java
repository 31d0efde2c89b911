package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands that return: help, version, usage errors, start failures. */
class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpGoesToStdout() {
        assertThat(run("help")).isZero();
        assertThat(out()).contains("peregrine serve [DIR]").contains("--no-listing")
                .contains("peregrine dev-cert").contains("--https-port").contains("--no-https").contains("--cert-dir");
        assertThat(err()).isEmpty();
    }

    @Test
    void helpListsTheDevelopmentOptions() {
        assertThat(run("help")).isZero();
        assertThat(out()).contains("--watch").contains("--spa").contains("--cors").contains("--open");
    }

    @Test
    void spaWithoutADirectoryIsAUsageError() {
        assertThat(run("serve", "--spa")).isEqualTo(2);
        assertThat(err()).startsWith("peregrine: --spa needs a directory to serve");
    }

    @Test
    void versionIsStampedByTheBuild() {
        assertThat(run("--version")).isZero();
        assertThat(out()).matches("peregrine \\d+\\.\\d+\\.\\d+.*\\R");
    }

    @Test
    void unknownOptionPrintsUsageToStderrAndExits2() {
        assertThat(run("serve", "--frobnicate")).isEqualTo(2);
        assertThat(err()).startsWith("peregrine: unknown option: --frobnicate").contains("Usage:");
        assertThat(out()).isEmpty();
    }

    @Test
    void noCommandIsAUsageError() {
        assertThat(run()).isEqualTo(2);
        assertThat(err()).contains("Usage:");
    }

    @Test
    void missingDirectoryExits1(@TempDir Path tmp) {
        assertThat(run("serve", tmp.resolve("nope").toString(), "--port", "0", "--cert-dir", tmp.resolve("certs").toString()))
                .isEqualTo(1);
        assertThat(err()).contains("no such directory");
        assertThat(out()).isEmpty();
        assertThat(tmp.resolve("certs")).doesNotExist(); // checked before any certificate is created
    }

    @Test
    void portInUseExits1(@TempDir Path tmp) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(run("serve", tmp.toString(), "--host", "127.0.0.1", "--port", String.valueOf(taken.getLocalPort()),
                    "--no-https")).isEqualTo(1);
        }
        assertThat(err()).startsWith("peregrine: cannot listen on 127.0.0.1:").contains("in use");
        assertThat(out()).isEmpty();
    }
}
