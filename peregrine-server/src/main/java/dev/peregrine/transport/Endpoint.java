package dev.peregrine.transport;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/** Where a listener binds: a TCP host and port (0 = any free port) or a Unix domain socket path. */
public sealed interface Endpoint {

    /** The address to bind. */
    SocketAddress address();

    record Tcp(InetSocketAddress address) implements Endpoint {
        @Override
        public String toString() {
            return "tcp:" + address.getHostString() + ":" + address.getPort();
        }
    }

    record Unix(UnixDomainSocketAddress address) implements Endpoint {
        @Override
        public String toString() {
            return "unix:" + address.getPath();
        }
    }

    /** A TCP endpoint; {@code host} may be a name, an IPv4 or IPv6 literal, or {@code 0.0.0.0} / {@code ::}. */
    static Endpoint tcp(String host, int port) {
        return new Tcp(new InetSocketAddress(host, port));
    }

    /** Every interface (IPv6 and, through dual-stack, IPv4) on the port. */
    static Endpoint tcp(int port) {
        return new Tcp(new InetSocketAddress(port));
    }

    static Endpoint unix(Path path) {
        return new Unix(UnixDomainSocketAddress.of(path));
    }
}
