package dev.peregrine.cli;

import dev.peregrine.api.Handler;
import dev.peregrine.files.StaticFiles;
import dev.peregrine.observe.AccessLog;
import dev.peregrine.server.Server;
import dev.peregrine.server.ServerOptions;
import dev.peregrine.transport.Endpoint;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code peregrine serve} runs: a {@link Server} with {@link StaticFiles} (or the
 * {@link DemoSite}) behind an {@link AccessLog}, bound as the options say.
 *
 * <p>{@code localhost} binds both loopbacks, 127.0.0.1 and ::1, on one port: browsers resolve
 * localhost to ::1 first, and a server on 127.0.0.1 alone costs them a failed connect each time
 * (or fails outright for clients without fallback). Where the machine has no IPv6 loopback,
 * 127.0.0.1 alone is used.
 */
final class FileServer implements AutoCloseable {

    /** Attempts to find a port free on both loopbacks when asked for port 0 (another process may win a race). */
    private static final int PORT_ATTEMPTS = 5;

    private final Server server;
    private final String description;
    private final String url;

    private FileServer(Server server, String description, String url) {
        this.server = server;
        this.description = description;
        this.url = url;
    }

    /**
     * Starts serving.
     *
     * @param log where request lines go (ignored when {@code options.quiet()})
     * @throws IllegalArgumentException if the directory does not exist
     * @throws IOException if no listener could be bound
     */
    static FileServer start(Command.Serve options, PrintStream log) throws IOException {
        Handler handler;
        String description;
        if (options.dir() == null) {
            handler = DemoSite.load();
            description = "the built-in demo page";
        } else {
            StaticFiles files = StaticFiles.of(options.dir()).listing(options.listing());
            handler = files;
            description = files.root().toString();
        }
        if (!options.quiet()) {
            handler = handler.with(AccessLog.to(log::println));
        }
        Server server = bind(options.host(), options.port(), handler);
        int port = server.port();
        String host = options.host().indexOf(':') >= 0 ? "[" + options.host() + "]" : options.host();
        return new FileServer(server, description, "http://" + host + ":" + port + "/");
    }

    private static Server bind(String host, int port, Handler handler) throws IOException {
        if (!Command.isLocalhost(host)) {
            // Resolve here so an unknown name fails as an UnknownHostException (an IOException
            // the command reports) rather than an unchecked exception from bind.
            InetAddress address = InetAddress.getByName(host);
            return start(List.of(Endpoint.tcp(address.getHostAddress(), port)), handler);
        }
        if (!ipv6LoopbackAvailable()) {
            return start(List.of(Endpoint.tcp("127.0.0.1", port)), handler);
        }
        if (port != 0) {
            return start(List.of(Endpoint.tcp("127.0.0.1", port), Endpoint.tcp("::1", port)), handler);
        }
        // Port 0 on two listeners would give two different ports: take a free IPv4 port and
        // bind both to it, trying again if someone took it on ::1 (or in between).
        for (int attempt = 1; ; attempt++) {
            int free = freePort();
            try {
                return start(List.of(Endpoint.tcp("127.0.0.1", free), Endpoint.tcp("::1", free)), handler);
            } catch (IOException e) {
                if (attempt >= PORT_ATTEMPTS || !isBindFailure(e)) {
                    throw e;
                }
            }
        }
    }

    private static Server start(List<Endpoint> endpoints, Handler handler) throws IOException {
        Server.Builder builder = Server.builder().handler(handler).options(ServerOptions.defaults());
        endpoints.forEach(builder::listen);
        return builder.start();
    }

    private static boolean ipv6LoopbackAvailable() {
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocketChannel probe = ServerSocketChannel.open()) {
            probe.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            return ((InetSocketAddress) probe.getLocalAddress()).getPort();
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
        }
        return false;
    }

    /** The one line printed at start: {@code Serving DIR on URL}. */
    String banner() {
        return "Serving " + description + " on " + url;
    }

    String url() {
        return url;
    }

    int port() {
        return server.port();
    }

    List<SocketAddress> localAddresses() {
        return new ArrayList<>(server.localAddresses());
    }

    /** Stops gracefully; true when every in-flight request finished before the deadline. */
    boolean stop(Duration timeout) {
        return server.stop(timeout);
    }

    @Override
    public void close() {
        server.close();
    }
}
