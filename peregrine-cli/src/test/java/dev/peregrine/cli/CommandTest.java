package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandTest {

    private static final Command.Https DEFAULT_HTTPS = new Command.Https(8443, new Command.Certificate.Dev(null));

    @Test
    void serveDefaults() {
        assertThat(Command.parse("serve")).isEqualTo(new Command.Serve(null, "localhost", 8080, true, false, DEFAULT_HTTPS));
        assertThat(Command.Https.defaults()).isEqualTo(DEFAULT_HTTPS);
    }

    @Test
    void serveWithEverything() {
        assertThat(Command.parse("serve", "site", "--port", "0", "--host", "0.0.0.0", "--no-listing", "--quiet"))
                .isEqualTo(new Command.Serve(Path.of("site"), "0.0.0.0", 0, false, true, DEFAULT_HTTPS));
    }

    @Test
    void optionsMayComeFirstAndUseEquals() {
        assertThat(Command.parse("serve", "--port=9000", "--host=[::1]", "dir"))
                .isEqualTo(new Command.Serve(Path.of("dir"), "::1", 9000, true, false, DEFAULT_HTTPS));
    }

    @Test
    void doubleDashEndsOptions() {
        assertThat(Command.parse("serve", "--", "--weird-dir"))
                .isEqualTo(new Command.Serve(Path.of("--weird-dir"), "localhost", 8080, true, false, DEFAULT_HTTPS));
    }

    @Test
    void http2IsOnUnlessNoHttp2() {
        assertThat(((Command.Serve) Command.parse("serve")).http2()).isTrue();
        assertThat(Command.parse("serve", "--no-http2"))
                .isEqualTo(new Command.Serve(null, "localhost", 8080, true, false, DEFAULT_HTTPS, false));
        assertThat(Command.parse("serve", "--no-https", "--no-http2"))
                .isEqualTo(new Command.Serve(null, "localhost", 8080, true, false, null, false));
        assertThat(Command.parse("serve", "--no-http2=yes")).isInstanceOf(Command.Invalid.class);
    }

    @Test
    void http3IsOnWithHttpsUnlessNoHttp3() {
        assertThat(((Command.Serve) Command.parse("serve")).http3()).isTrue();
        assertThat(Command.parse("serve", "--no-http3"))
                .isEqualTo(new Command.Serve(null, "localhost", 8080, true, false, DEFAULT_HTTPS, true, false));
        assertThat(((Command.Serve) Command.parse("serve", "--no-https")).http3()).isFalse();
        assertThat(Command.parse("serve", "--no-https", "--no-http3"))
                .isEqualTo(new Command.Serve(null, "localhost", 8080, true, false, null, true, false));
        assertThat(Command.parse("serve", "--no-http3=1")).isInstanceOf(Command.Invalid.class);
    }

    @Test
    void noHttpsServesPlainHttpOnly() {
        assertThat(Command.parse("serve", "--no-https"))
                .isEqualTo(new Command.Serve(null, "localhost", 8080, true, false, null));
        assertThat(Command.parse("serve", "--no-https")).isEqualTo(new Command.Serve(null, "localhost", 8080, true, false));
    }

    @Test
    void httpsPortAndDevCertificateDirectory() {
        assertThat(Command.parse("serve", "--https-port", "0", "--cert-dir=/tmp/certs"))
                .isEqualTo(new Command.Serve(null, "localhost", 8080, true, false,
                        new Command.Https(0, new Command.Certificate.Dev(Path.of("/tmp/certs")))));
        assertThat(Command.parse("serve", "--port", "0", "--https-port", "0")).isInstanceOf(Command.Serve.class);
    }

    @Test
    void pemCertificateAndKey() {
        assertThat(Command.parse("serve", "--cert", "c.pem", "--key=k.pem", "--https-port", "9443"))
                .isEqualTo(new Command.Serve(null, "localhost", 8080, true, false,
                        new Command.Https(9443, new Command.Certificate.Pem(Path.of("c.pem"), Path.of("k.pem")))));
    }

    @Test
    void keyStoreWithAndWithoutPassword() {
        assertThat(Command.parse("serve", "--keystore", "s.p12", "--keystore-password", "pw"))
                .isEqualTo(new Command.Serve(null, "localhost", 8080, true, false,
                        new Command.Https(8443, new Command.Certificate.KeyStore(Path.of("s.p12"), "pw"))));
        assertThat(Command.parse("serve", "--keystore=s.jks"))
                .isEqualTo(new Command.Serve(null, "localhost", 8080, true, false,
                        new Command.Https(8443, new Command.Certificate.KeyStore(Path.of("s.jks"), ""))));
    }

    @Test
    void developmentOptions() {
        assertThat(((Command.Serve) Command.parse("serve")).dev()).isEqualTo(Command.Dev.NONE);
        assertThat(Command.parse("serve", "site", "--spa", "--cors", "--open", "--watch", "--no-https"))
                .isEqualTo(new Command.Serve(Path.of("site"), "localhost", 8080, true, false, null, true, false,
                        new Command.Dev(true, true, true, true)));
        assertThat(((Command.Serve) Command.parse("serve", "--cors", "--open")).dev())
                .isEqualTo(new Command.Dev(false, true, true, false)); // the demo page takes these two
        assertThat(((Command.Serve) Command.parse("serve", "--watch", "site")).dev())
                .isEqualTo(new Command.Dev(false, false, false, true));
        assertThat(((Command.Serve) Command.parse("serve", "site", "--immutable")).dev())
                .isEqualTo(new Command.Dev(false, false, false, false, true));
        assertThat(Command.parse("serve", "site", "--immutable=yes")).isInstanceOf(Command.Invalid.class);
        assertThat(((Command.Serve) Command.parse("serve", "site", "--status")).dev())
                .isEqualTo(new Command.Dev(false, false, false, false, false, true));
        assertThat(Command.parse("serve", "--status=on")).isInstanceOf(Command.Invalid.class);
    }

    @Test
    void spaAndWatchNeedADirectory() {
        assertThat(Command.parse("serve", "--spa")).isEqualTo(new Command.Invalid("--spa needs a directory to serve"));
        assertThat(Command.parse("serve", "--watch")).isEqualTo(new Command.Invalid("--watch needs a directory to serve"));
    }

    @Test
    void devCert() {
        assertThat(Command.parse("dev-cert")).isEqualTo(new Command.DevCert(null));
        assertThat(Command.parse("dev-cert", "--dir", "d")).isEqualTo(new Command.DevCert(Path.of("d")));
        assertThat(Command.parse("dev-cert", "--dir=d")).isEqualTo(new Command.DevCert(Path.of("d")));
        assertThat(Command.parse("dev-cert", "--cert-dir", "d")).isEqualTo(new Command.DevCert(Path.of("d")));
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
        "serve --https-port",
        "serve --https-port 70000",
        "serve --port 8443",
        "serve --port 9000 --https-port 9000",
        "serve --no-https --https-port 8443",
        "serve --no-https --cert c --key k",
        "serve --no-https=yes",
        "serve --cert c.pem",
        "serve --key k.pem",
        "serve --cert c --key k --keystore s",
        "serve --keystore-password pw",
        "serve --cert-dir d --keystore s",
        "serve --cert-dir",
        "serve --cert= --key k",
        "dev-cert --dir",
        "dev-cert --dir a --dir b",
        "dev-cert somewhere",
        "dev-cert --bogus",
        "serve d --spa=1",
        "serve d --cors=yes",
        "serve d --open=firefox",
        "serve d --watch=true",
    })
    void invalid(String line) {
        String[] args = line.isEmpty() ? new String[0] : line.split(" ");
        assertThat(Command.parse(args)).isInstanceOf(Command.Invalid.class);
    }
}
