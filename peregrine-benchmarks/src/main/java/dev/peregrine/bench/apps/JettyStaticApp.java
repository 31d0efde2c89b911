package dev.peregrine.bench.apps;

import org.eclipse.jetty.http.CompressedContentFormat;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * Jetty 12's static-file server for bench/run's {@code serve-*} rows, the peer of {@code peregrine
 * serve}: {@code JettyStaticApp <port> <docroot>} serves the whole docroot at {@code /} with
 * {@code ResourceHandler} on one plain HTTP/1.1 connector, Jetty's defaults otherwise (its default
 * {@code QueuedThreadPool}, file mapping, content cache). Directory listings are off, and
 * {@code foo.gz} next to {@code foo} is served to clients that accept gzip (precompressed content,
 * as nginx's {@code gzip_static} and Caddy's {@code file_server precompressed} do in the same rows).
 *
 * <p>As in {@link JettyApp}, the handler is declared non-blocking: files come from the page cache
 * and ResourceHandler writes them asynchronously, so Jetty may run requests on the selector thread
 * rather than dispatching each to its pool, as Jetty's docs advise for non-blocking handlers.
 */
public final class JettyStaticApp {

    private JettyStaticApp() {}

    public static void main(String[] args) throws Exception {
        AppConfig cfg = AppConfig.parse(args);
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(new HttpConfiguration()));
        connector.setHost(cfg.host());
        connector.setPort(cfg.port());
        connector.setAcceptQueueSize(1024);
        connector.setIdleTimeout(130_000); // as the other apps: no idle close during a run
        server.addConnector(connector);

        ResourceHandler files = new ResourceHandler();
        files.setBaseResource(ResourceFactory.of(server).newResource(cfg.files()));
        files.setDirAllowed(false);
        files.setPrecompressedFormats(CompressedContentFormat.GZIP);
        server.setHandler(new Handler.Wrapper(files) {
            @Override
            public InvocationType getInvocationType() {
                return InvocationType.NON_BLOCKING;
            }
        });
        server.start();
        cfg.announce("jetty " + Server.getVersion() + " ResourceHandler");
        server.join();
    }
}
