package dev.peregrine.api;

import java.io.InputStream;
import java.io.OutputStream;

/** Takes over a connection after {@code 101 Switching Protocols}. */
@FunctionalInterface
public interface Upgraded {

    /**
     * Runs on the connection's thread. {@code in} first yields any bytes the client sent after the
     * request head. The connection is closed when this returns.
     */
    void run(InputStream in, OutputStream out) throws Exception;
}
