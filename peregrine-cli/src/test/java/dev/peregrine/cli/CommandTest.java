package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandTest {

    @Test
    void serveDefaults() {
        assertThat(Command.parse("serve")).isEqualTo(new Command.Serve(null, "localhost", 8080, true, false));
    }

    @Test
    void serveWithEverything() {
        assertThat(Command.parse("serve", "site", "--port", "0", "--host", "0.0.0.0", "--no-listing", "--quiet"))
                .isEqualTo(new Command.Serve(Path.of("site"), "0.0.0.0", 0, false, true));
    }

    @Test
    void optionsMayComeFirstAndUseEquals() {
        assertThat(Command.parse("serve", "--port=9000", "--host=[::1]", "dir"))
                .isEqualTo(new Command.Serve(Path.of("dir"), "::1", 9000, true, false));
    }

    @Test
    void doubleDashEndsOptions() {
        assertThat(Command.parse("serve", "--", "--weird-dir"))
                .isEqualTo(new Command.Serve(Path.of("--weird-dir"), "localhost", 8080, true, false));
    }

    @Test
    void helpAndVersion() {
        assertThat(Command.parse("help")).isInstanceOf(Command.Help.class);
        assertThat(Command.parse("--help")).isInstanceOf(Command.Help.class);
        assertThat(Command.parse("--version")).isInstanceOf(Command.Version.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "bogus",
        "serve --bogus",
        "serve --port",
        "serve --port 65536",
        "serve --port -1",
        "serve --port abc",
        "serve --port=",
        "serve --host",
        "serve a b",
        "serve --quiet=yes",
        "serve --no-listing=1",
        "help me",
        "--version now",
    })
    void invalid(String line) {
        String[] args = line.isEmpty() ? new String[0] : line.split(" ");
        assertThat(Command.parse(args)).isInstanceOf(Command.Invalid.class);
    }
}
