package dev.peregrine.bench.apps;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The benchmark app on Jetty 12 core (no servlet layer): the default {@code QueuedThreadPool} and
 * execution strategy, a handler declared non-blocking, {@code ResourceHandler} under a {@code /file} context for the files,
 * {@code Content.copy} (asynchronous) for the echo. With {@code -Dbench.httpsPort} also HTTPS: a second
 * connector with {@code SslConnectionFactory} over {@code SslContextFactory.Server} (the JDK's TLS),
 * TLS 1.3, default cipher suites.
 *
 * <p>HTTP/2 as Jetty's docs set it up: {@code HTTP2CServerConnectionFactory} next to HTTP/1.1 on the
 * plain connector (h2c by prior knowledge, or by Upgrade), and on the TLS connector
 * {@code ALPNServerConnectionFactory} (JDK ALPN, {@code jetty-alpn-java-server}) choosing between
 * {@code HTTP2ServerConnectionFactory} and HTTP/1.1 (the default when the client offers no ALPN).
 */
public final class JettyApp {

    private static final byte[] HELLO = AppConfig.HELLO.getBytes(StandardCharsets.UTF_8);

    private JettyApp() {}

    public static void main(String[] args) throws Exception {
        AppConfig cfg = AppConfig.parse(args);
        Server server = new Server();
        HttpConfiguration httpConfig = new HttpConfiguration();
        ServerConnector connector = new ServerConnector(server,
                new HttpConnectionFactory(httpConfig), new HTTP2CServerConnectionFactory(httpConfig));
        connector.setHost(cfg.host());
        connector.setPort(cfg.port());
        connector.setAcceptQueueSize(1024);
        connector.setIdleTimeout(130_000); // as Peregrine's keep-alive timeout: the idle scenario holds connections
        server.addConnector(connector);
        AppConfig.Https https = cfg.https();
        if (https != null) {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStorePath(https.keyStore().toString());
            ssl.setKeyStoreType("PKCS12");
            ssl.setKeyStorePassword(new String(https.password()));
            ssl.setIncludeProtocols(AppConfig.Https.PROTOCOL);
            HttpConfiguration httpsConfig = new HttpConfiguration();
            httpsConfig.addCustomizer(new SecureRequestCustomizer());
            HttpConnectionFactory http11 = new HttpConnectionFactory(httpsConfig);
            HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(httpsConfig);
            ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
            alpn.setDefaultProtocol(http11.getProtocol());
            ServerConnector tls = new ServerConnector(server,
                    new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, h2, http11);
            tls.setHost(cfg.host());
            tls.setPort(https.port());
            tls.setAcceptQueueSize(1024);
            tls.setIdleTimeout(130_000);
            server.addConnector(tls);
        }

        ResourceHandler files = new ResourceHandler();
        files.setBaseResource(ResourceFactory.of(server).newResource(cfg.files()));
        files.setDirAllowed(false);
        files.setEtags(false);
        ContextHandler fileContext = new ContextHandler(files, "/file");

        server.setHandler(new Handler.Wrapper(fileContext) {
            // Nothing here blocks (writes and the echo copy are asynchronous, files come from the
            // page cache), so Jetty may run it on the selector thread instead of dispatching
            // every request to its pool: what Jetty's docs advise for non-blocking handlers.
            @Override
            public InvocationType getInvocationType() {
                return InvocationType.NON_BLOCKING;
            }

            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                String path = request.getHttpURI().getPath();
                String method = request.getMethod();
                if ("GET".equals(method) && "/plaintext".equals(path)) {
                    response.setStatus(200);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
                    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, HELLO.length);
                    response.write(true, ByteBuffer.wrap(HELLO), callback);
                    return true;
                }
                if ("GET".equals(method) && "/json".equals(path)) {
                    byte[] body = Json.serialize(Json.message());
                    response.setStatus(200);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
                    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
                    response.write(true, ByteBuffer.wrap(body), callback);
                    return true;
                }
                if ("POST".equals(method) && "/echo".equals(path)) {
                    response.setStatus(200);
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
                    long length = request.getLength();
                    if (length >= 0) {
                        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
                    }
                    Content.copy(request, response, callback);
                    return true;
                }
                if (path != null && path.startsWith("/file/")) {
                    return super.handle(request, response, callback);
                }
                Response.writeError(request, response, callback, 404);
                return true;
            }
        });
        server.start();
        cfg.announce("jetty " + Server.getVersion());
        server.join();
    }
}
