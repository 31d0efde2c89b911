/** The {@code peregrine} command: {@code serve} (a static-file and dev server) and {@code dev-cert}. */
module dev.peregrine.cli {
    requires dev.peregrine.server;
    requires dev.peregrine.http3;
}
