package dev.peregrine.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ResolvedModule;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The module boundary seen from outside: an application module compiled against Peregrine's jars
 * (on the module path, as a modular user has them) reaches the API and none of the internals,
 * and the command runs from the module path with its protocols found through {@code provides}.
 */
class ModuleBoundaryTest {

    private static final long WAIT_SECONDS = 30; // a guard against hangs, not a timing assertion

    /** Peregrine's jars (or class directories) and Netty's: every module the command resolves. */
    private static String modulePath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.contains("test-classes") && !e.endsWith("-tests.jar"))
                .filter(e -> e.contains("/io/netty/") || e.contains("peregrine-server") || e.contains("peregrine-http3")
                        || e.contains("peregrine-cli"))
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static String compile(Path dir, String moduleInfo, String source) throws IOException {
        Path src = dir.resolve("src");
        Path pkg = Files.createDirectories(src.resolve("demo/app"));
        Files.writeString(src.resolve("module-info.java"), moduleInfo);
        Path file = Files.writeString(pkg.resolve("App.java"), source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter out = new StringWriter();
        boolean ok = javac.getTask(out, null, null,
                // An empty class path: the test's own one holds every class, exported or not.
                List.of("--module-path", modulePath(), "--class-path", Files.createDirectories(dir.resolve("empty")).toString(),
                        "-d", dir.resolve("out").toString(), "-proc:none"),
                null, javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)
                        .getJavaFileObjects(src.resolve("module-info.java"), file)).call();
        return ok ? "" : out.toString();
    }

    private static final String APP_MODULE = """
            module demo.app {
                requires dev.peregrine.server;
                requires dev.peregrine.http3;
            }
            """;

    @Test
    void anApplicationModuleCompilesAgainstTheApi(@TempDir Path dir) throws IOException {
        String errors = compile(dir, APP_MODULE, """
                package demo.app;

                import dev.peregrine.api.Handler;
                import dev.peregrine.api.Router;
                import dev.peregrine.files.StaticFiles;
                import dev.peregrine.http3.Http3Options;
                import dev.peregrine.observe.AccessLog;
                import dev.peregrine.server.Server;
                import dev.peregrine.server.ServerOptions;
                import dev.peregrine.tls.TlsOptions;
                import dev.peregrine.transport.Endpoint;

                public class App {
                    static Object[] uses() {
                        Handler hello = (req, res) -> res.send("hi");
                        return new Object[] {hello, Router.class, StaticFiles.class, Http3Options.class,
                                AccessLog.class, Server.class, ServerOptions.defaults(), TlsOptions.class, Endpoint.class};
                    }
                }
                """);
        assertThat(errors).isEmpty();
    }

    @Test
    void theProtocolInternalsAreNotExported(@TempDir Path dir) throws IOException {
        for (String internal : List.of("dev.peregrine.http1.Http1Connection", "dev.peregrine.http2.Http2Connection",
                "dev.peregrine.hpack.HpackDecoder", "dev.peregrine.exchange.ExchangeResponse",
                "dev.peregrine.server.internal.ServerContext", "dev.peregrine.server.internal.ConnectionMetrics",
                "dev.peregrine.qpack.QpackDecoder",
                "dev.peregrine.http3.frame.FrameWriter")) {
            Path attempt = Files.createDirectories(dir.resolve(internal));
            String errors = compile(attempt, APP_MODULE, "package demo.app;\n\nimport " + internal
                    + ";\n\npublic class App {\n    Class<?> c = " + internal.substring(internal.lastIndexOf('.') + 1) + ".class;\n}\n");
            String pkg = internal.substring(0, internal.lastIndexOf('.'));
            assertThat(errors).as(internal).contains("package " + pkg + " is declared in module")
                    .contains("does not export it");
        }
    }

    @Test
    void internalClassesInExportedPackagesAreNotPublic(@TempDir Path dir) throws IOException {
        String errors = compile(dir, APP_MODULE, """
                package demo.app;

                public class App {
                    Class<?> a = dev.peregrine.server.ConnectionManager.class;
                    Class<?> b = dev.peregrine.server.IdleParker.class;
                }
                """);
        assertThat(errors).contains("ConnectionManager is not public").contains("IdleParker is not public");
    }

    @Test
    void theModuleGraphResolves() {
        Configuration graph = Configuration.resolve(ModuleFinder.of(Arrays.stream(modulePath().split(File.pathSeparator))
                        .map(Path::of).toArray(Path[]::new)),
                List.of(ModuleLayer.boot().configuration()), ModuleFinder.of(), Set.of("dev.peregrine.cli"));
        Set<String> names = graph.modules().stream().map(ResolvedModule::name).collect(Collectors.toSet());
        assertThat(names).contains("dev.peregrine.cli", "dev.peregrine.server", "dev.peregrine.http3");
        ModuleDescriptor server = graph.findModule("dev.peregrine.server").orElseThrow().reference().descriptor();
        assertThat(server.exports()).filteredOn(e -> !e.isQualified()).extracting(ModuleDescriptor.Exports::source)
                .containsExactlyInAnyOrder("dev.peregrine.api", "dev.peregrine.files", "dev.peregrine.observe",
                        "dev.peregrine.observe.events", "dev.peregrine.observe.metrics", "dev.peregrine.observe.status",
                        "dev.peregrine.server", "dev.peregrine.tls", "dev.peregrine.transport");
        assertThat(server.provides()).extracting(ModuleDescriptor.Provides::service)
                .containsExactly("dev.peregrine.server.internal.ConnectionSelector");
    }

    /**
     * On the module path, services come from {@code provides}, not META-INF/services: HTTP/1.1 must
     * be found. HTTP/3 needs three flags there for Netty (docs/architecture.md, "Modules").
     */
    @Test
    void theCommandServesFromTheModulePath(@TempDir Path site, @TempDir Path certs) throws Exception {
        Files.writeString(site.resolve("index.html"), "<p>modular</p>");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "--module-path", modulePath(),
                "--add-modules", "io.netty.codec.quic.linux.x86_64,io.netty.transport.epoll.linux.x86_64",
                "--add-reads", "io.netty.codec.classes.quic=io.netty.transport.classes.epoll",
                "--enable-native-access", "io.netty.common",
                "-m", "dev.peregrine.cli/dev.peregrine.cli.Main",
                "serve", site.toString(), "--port", "0", "--https-port", "0", "--cert-dir", certs.toString(),
                "--host", "127.0.0.1", "--quiet")
                .redirectErrorStream(true).start();
        OutputLines output = new OutputLines(p.getInputStream());
        LinkedBlockingQueue<String> lines = output.lines;
        Thread reader = output.reader;
        try {
            String banner = lines.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            Matcher m = Pattern.compile("Serving .+ on (http://127\\.0\\.0\\.1:\\d+/)").matcher(String.valueOf(banner));
            assertThat(m.matches()).as("banner: %s, then %s", banner, lines).isTrue();
            assertThat(lines.poll(WAIT_SECONDS, TimeUnit.SECONDS)).startsWith("Serving ").contains("https://");
            assertThat(lines.poll(WAIT_SECONDS, TimeUnit.SECONDS)).startsWith("HTTP/3 on UDP port ");
            try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
                HttpResponse<String> res = client.send(HttpRequest.newBuilder(URI.create(m.group(1)))
                        .timeout(Duration.ofSeconds(WAIT_SECONDS)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(res.statusCode()).isEqualTo(200);
                assertThat(res.body()).isEqualTo("<p>modular</p>");
            }
        } finally {
            p.destroyForcibly();
            p.waitFor(WAIT_SECONDS, TimeUnit.SECONDS);
            reader.join(Duration.ofSeconds(WAIT_SECONDS));
        }
    }
}
