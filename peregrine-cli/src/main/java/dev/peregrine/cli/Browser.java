package dev.peregrine.cli;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Opens a URL in the user's default browser ({@code --open}). An interface so tests can record
 * the call instead of launching a browser.
 */
@FunctionalInterface
interface Browser {

    /**
     * Asks the desktop to open {@code url}; returns once the request is handed over.
     *
     * @throws IOException when the opener cannot be started
     */
    void open(String url) throws IOException;

    /**
     * The platform's opener ({@link #command}), run as a process nobody waits for: {@code xdg-open}
     * may stay until the browser exits. If it ends with a failure status, {@code warn} is told.
     */
    static Browser system(Consumer<String> warn) {
        return url -> {
            List<String> command = command(System.getProperty("os.name", ""), url);
            Process p = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            p.getOutputStream().close();
            p.onExit().thenAccept(done -> {
                if (done.exitValue() != 0) {
                    warn.accept(command.getFirst() + " exited with status " + done.exitValue());
                }
            });
        };
    }

    /**
     * The command that opens {@code url} on the OS named {@code osName} (the {@code os.name}
     * property): {@code open} on macOS, the URL protocol handler on Windows (not {@code start},
     * a {@code cmd} built-in that reads {@code &} in a URL as a command separator), and
     * {@code xdg-open} elsewhere (Linux and the BSDs).
     */
    static List<String> command(String osName, String url) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("mac") || os.startsWith("darwin")) {
            return List.of("open", url);
        }
        if (os.startsWith("windows")) {
            return List.of("rundll32", "url.dll,FileProtocolHandler", url);
        }
        return List.of("xdg-open", url);
    }
}
