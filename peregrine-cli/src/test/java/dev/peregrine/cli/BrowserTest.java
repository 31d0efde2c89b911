package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --open}, with a recording launcher: no test starts a browser. */
class BrowserTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void eachPlatformHasItsOpener() {
        String url = "http://localhost:8080/?a=1&b=2";
        assertThat(Browser.command("Linux", url)).containsExactly("xdg-open", url);
        assertThat(Browser.command("FreeBSD", url)).containsExactly("xdg-open", url);
        assertThat(Browser.command("Mac OS X", url)).containsExactly("open", url);
        assertThat(Browser.command("Windows 11", url)).containsExactly("rundll32", "url.dll,FileProtocolHandler", url);
    }

    @Test
    void aWildcardAddressOpensLocalhost() {
        assertThat(Main.browserUrl("http://0.0.0.0:8080/", "0.0.0.0")).isEqualTo("http://localhost:8080/");
        assertThat(Main.browserUrl("http://[::]:8080/", "::")).isEqualTo("http://localhost:8080/");
        assertThat(Main.browserUrl("http://127.0.0.1:8080/", "127.0.0.1")).isEqualTo("http://127.0.0.1:8080/");
    }

    @Test
    void openOpensThePrintedUrlOnceListening(@TempDir Path dir) throws Exception {
        List<String> opened = new ArrayList<>();
        try (FileServer server = start(dir, true)) {
            Main.announce(server, options(dir, true), stream(out), stream(err), opened::add);
            assertThat(opened).containsExactly(server.url());
            assertThat(text(out)).startsWith("Serving ");
            assertThat(text(err)).isEmpty();
        }
    }

    @Test
    void withoutOpenNothingIsOpened(@TempDir Path dir) throws Exception {
        List<String> opened = new ArrayList<>();
        try (FileServer server = start(dir, false)) {
            Main.announce(server, options(dir, false), stream(out), stream(err), opened::add);
            assertThat(opened).isEmpty();
        }
    }

    @Test
    void aLauncherThatFailsIsAWarningNotAnError(@TempDir Path dir) throws Exception {
        try (FileServer server = start(dir, true)) {
            Main.announce(server, options(dir, true), stream(out), stream(err), url -> {
                throw new IOException("Cannot run program \"xdg-open\": error=2, No such file or directory");
            });
            assertThat(text(err)).startsWith("peregrine: warning: could not open a browser (")
                    .contains("No such file or directory");
            assertThat(text(out)).startsWith("Serving "); // the banner came first, and the server runs on
            assertThat(server.stop(Duration.ofSeconds(5))).isTrue();
        }
    }

    private static Command.Serve options(Path dir, boolean open) {
        return new Command.Serve(dir, "127.0.0.1", 0, true, true, null, true, false, new Command.Dev(false, false, open, false));
    }

    private static FileServer start(Path dir, boolean open) throws FileServer.CannotStart {
        return FileServer.start(options(dir, open), stream(new ByteArrayOutputStream()));
    }

    private static PrintStream stream(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    private static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
