package dev.peregrine.bench.apps;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http3.server.HTTP3ServerConnectionFactory;
import org.eclipse.jetty.http3.server.HTTP3ServerQuicConfiguration;
import org.eclipse.jetty.quic.quiche.server.QuicheServerConnector;
import org.eclipse.jetty.quic.quiche.server.QuicheServerQuicConfiguration;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The benchmark app's HTTP/3 side on Jetty 12.1: {@code JettyH3App <port> <files-dir>} with
 * {@code -Dbench.keystore=<PKCS#12>} (and {@code -Dbench.keystorePassword}), HTTP/3 on UDP
 * {@code <port>} only. {@code GET /plaintext}, {@code /json} and {@code /file/*} as {@link JettyApp}.
 *
 * <p>Set up as Jetty's documentation does: a {@link QuicheServerConnector} (quiche through the
 * JDK's foreign-function API, {@code jetty-quic-quiche-foreign}) with a
 * {@link QuicheServerQuicConfiguration} made ready for HTTP/3 by
 * {@link HTTP3ServerQuicConfiguration#configure}, and an {@link HTTP3ServerConnectionFactory}; the
 * key comes from the key store through {@link SslContextFactory.Server} (quiche wants PEM files: Jetty
 * writes them to a work directory, {@code -Dbench.quicPemDir} or a fresh temporary one). Jetty's
 * defaults otherwise; the same handler as {@link JettyApp}, declared non-blocking, with
 * {@code ResourceHandler} for the files. The QUIC jars are Jetty 12.1.5 (the only 12.1 release whose
 * QUIC jars all resolve here) on the module's 12.1.10 core.
 */
public final class JettyH3App {

    private static final byte[] HELLO = AppConfig.HELLO.getBytes(StandardCharsets.UTF_8);

    private JettyH3App() {}

    public static void main(String[] args) throws Exception {
        AppConfig cfg = AppConfig.parse(args);
        String store = System.getProperty("bench.keystore");
        if (store == null) {
            throw new IllegalArgumentException("-Dbench.keystore=<PKCS#12 file> is required");
        }
        Server server = new Server();
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(store);
        ssl.setKeyStoreType("PKCS12");
        ssl.setKeyStorePassword(System.getProperty("bench.keystorePassword", "changeit"));

        HttpConfiguration httpConfig = new HttpConfiguration();
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // The run's certificate names localhost and 127.0.0.1; the client connects to the address
        // with SNI "localhost": not a mismatch worth a 400.
        secure.setSniHostCheck(false);
        httpConfig.addCustomizer(secure);

        String pemDir = System.getProperty("bench.quicPemDir");
        Path pem = pemDir != null ? Files.createDirectories(Path.of(pemDir)) : Files.createTempDirectory("jetty-h3-pem");
        QuicheServerQuicConfiguration quic = HTTP3ServerQuicConfiguration.configure(new QuicheServerQuicConfiguration(pem));
        QuicheServerConnector connector = new QuicheServerConnector(server, ssl, quic,
                new HTTP3ServerConnectionFactory(httpConfig));
        connector.setHost(cfg.host());
        connector.setPort(cfg.port());
        server.addConnector(connector);

        ResourceHandler files = new ResourceHandler();
        files.setBaseResource(ResourceFactory.of(server).newResource(cfg.files()));
        files.setDirAllowed(false);
        files.setEtags(false);
        ContextHandler fileContext = new ContextHandler(files, "/file");

        server.setHandler(new Handler.Wrapper(fileContext) {
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
                if (path != null && path.startsWith("/file/")) {
                    return super.handle(request, response, callback);
                }
                Response.writeError(request, response, callback, 404);
                return true;
            }
        });
        server.start();
        System.out.println("jetty " + Server.getVersion() + " http/3 listening on udp " + cfg.host() + ":" + cfg.port()
                + " (files " + cfg.files() + ", PEM work dir " + pem + ")");
        server.join();
    }
}
