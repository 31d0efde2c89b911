package dev.peregrine.e2e.h2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.files.StaticFiles;
import dev.peregrine.server.Http2Options;
import dev.peregrine.server.Server;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpClient.Version;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * File bodies ({@code Response.sendFile}, through StaticFiles) reach the JDK client intact on
 * every route: sendfile on plain HTTP/1.1, buffered copies under TLS and in HTTP/2 DATA frames;
 * whole files, ranges, and small files answered from the cache.
 */
@Timeout(60)
class FileBodyEndToEndTest {

    static final int BIG = 5 * 1024 * 1024 + 17;

    @TempDir
    static Path dir;
    static byte[] big;
    static Server server;

    @BeforeAll
    static void start() throws Exception {
        big = new byte[BIG];
        new Random(9).nextBytes(big);
        Files.write(dir.resolve("big.bin"), big);
        Files.writeString(dir.resolve("small.txt"), "small file\n");
        server = H2.start(StaticFiles.of(dir), H2.options(Http2Options.defaults()));
    }

    @AfterAll
    static void stop() {
        H2.stop(server);
    }

    static Stream<Arguments> routes() {
        return Stream.of(
                Arguments.of("h1 plain (sendfile)", Version.HTTP_1_1, false),
                Arguments.of("h1 TLS", Version.HTTP_1_1, true),
                Arguments.of("h2 TLS", Version.HTTP_2, true));
    }

    private static URI uri(boolean tls, String path) {
        return tls ? H2.https(server, path) : H2.http(server, path);
    }

    private static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void aLargeFileArrivesWhole(String name, Version version, boolean tls) throws Exception {
        try (HttpClient client = H2.client(version)) {
            HttpResponse<byte[]> res = client.send(H2.request(uri(tls, "/big.bin")).build(), BodyHandlers.ofByteArray());
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.version()).isEqualTo(version);
            assertThat(res.body().length).isEqualTo(BIG);
            assertThat(sha(res.body())).isEqualTo(sha(big));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void aRangeOfALargeFileIsThatRegion(String name, Version version, boolean tls) throws Exception {
        try (HttpClient client = H2.client(version)) {
            HttpResponse<byte[]> res = client.send(H2.request(uri(tls, "/big.bin"))
                    .header("range", "bytes=1000000-3999999").build(), BodyHandlers.ofByteArray());
            assertThat(res.statusCode()).isEqualTo(206);
            assertThat(res.headers().firstValue("content-range")).contains("bytes 1000000-3999999/" + BIG);
            assertThat(sha(res.body())).isEqualTo(sha(Arrays.copyOfRange(big, 1_000_000, 4_000_000)));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void aSmallFileComesFromTheCacheAlike(String name, Version version, boolean tls) throws Exception {
        try (HttpClient client = H2.client(version)) {
            for (int i = 0; i < 3; i++) {
                HttpResponse<String> res = client.send(H2.request(uri(tls, "/small.txt")).build(),
                        BodyHandlers.ofString());
                assertThat(res.body()).isEqualTo("small file\n");
                assertThat(res.headers().firstValue("content-length")).contains("11");
            }
        }
    }
}
