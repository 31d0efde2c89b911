package dev.peregrine.e2e.h3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.Handler;
import dev.peregrine.api.Router;
import dev.peregrine.server.Server;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/3 end to end with ngtcp2's example client from Debian ({@code gtlsclient}, package
 * ngtcp2-client): QUIC and HTTP/3 (nghttp3) written by others, run as a separate process.
 */
class NgtcpClientH3Test {

    private static final String CLIENT = "/usr/bin/gtlsclient";
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    static final int CHUNK = 64 * 1024;
    static final int BIG = 100 * 1024 * 1024;
    private static final String PAGE = "<!doctype html><title>h3</title><p>hello from Peregrine over HTTP/3</p>\n";
    private static final int MANY = 20;

    private static Server server;
    private static int port;
    private static String bigHex;
    /** "HTTP/3 GET /path from address" for each request the server handled. */
    private static final Queue<String> seen = new ConcurrentLinkedQueue<>();

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(ClientProcess.executable(CLIENT), CLIENT + " is not installed (Debian: ngtcp2-client)");
        bigHex = HexFormat.of().formatHex(bigDigest());
        Router router = Router.builder()
                .get("/index.html", (req, res) -> {
                    res.headers().set("content-type", "text/html; charset=utf-8");
                    res.send(PAGE.getBytes(StandardCharsets.UTF_8));
                })
                .get("/big.bin", bigHandler())
                .get("/r/{name}", (req, res) -> res.send(small(req.pathParam("name"))))
                .build();
        Handler recording = (req, res) -> {
            seen.add(req.protocol().text() + " " + req.method() + " " + req.path() + " from " + req.remoteAddress());
            router.handle(req, res);
        };
        server = H3Server.start(recording);
        port = H3Server.h3Port(server);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            assertThat(server.stop(Duration.ofSeconds(10))).isTrue();
        }
    }

    @BeforeEach
    void clear() {
        seen.clear();
    }

    /** Chunk {@code i} of the big body: one random 64 KiB block with its index in the first 8 bytes. */
    static byte[] bigChunk(byte[] base, int i, byte[] into) {
        System.arraycopy(base, 0, into, 0, base.length);
        for (int b = 0; b < 8; b++) {
            into[b] = (byte) ((long) i >>> (56 - 8 * b));
        }
        return into;
    }

    static byte[] bigBase() {
        byte[] base = new byte[CHUNK];
        new java.util.Random(7).nextBytes(base);
        return base;
    }

    static byte[] bigDigest() throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] base = bigBase();
        byte[] chunk = new byte[CHUNK];
        for (int i = 0; i < BIG / CHUNK; i++) {
            sha.update(bigChunk(base, i, chunk));
        }
        return sha.digest();
    }

    /** Streams the 100 MiB body in 64 KiB writes, with its content-length. */
    static Handler bigHandler() {
        byte[] base = bigBase();
        return (req, res) -> {
            res.headers().set("content-type", "application/octet-stream");
            res.contentLength(BIG);
            byte[] chunk = new byte[CHUNK];
            OutputStream out = res.body();
            for (int i = 0; i < BIG / CHUNK; i++) {
                out.write(bigChunk(base, i, chunk));
            }
        };
    }

    /** A small resource whose size and bytes depend on its name. */
    static byte[] small(String name) {
        StringBuilder b = new StringBuilder();
        int lines = 1 + Math.floorMod(name.hashCode(), 300);
        for (int i = 0; i < lines; i++) {
            b.append(name).append(" line ").append(i).append('\n');
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static ClientProcess.Result fetch(Path dir, List<String> paths) throws Exception {
        Path downloads = dir.resolve("downloads");
        Files.createDirectories(downloads);
        List<String> cmd = new ArrayList<>(List.of(CLIENT, "--exit-on-all-streams-close", "-q",
                "--download=" + downloads, "127.0.0.1", String.valueOf(port)));
        for (String p : paths) {
            cmd.add("https://127.0.0.1:" + port + p);
        }
        ClientProcess.Result r = ClientProcess.run(cmd, dir, DEADLINE);
        assertThat(r.timedOut()).as(r.describe()).isFalse();
        assertThat(r.exitCode()).as(r.describe()).isZero();
        return r;
    }

    @Test
    void pageArrivesByteForByte(@TempDir Path dir) throws Exception {
        ClientProcess.Result r = fetch(dir, List.of("/index.html"));
        Path file = dir.resolve("downloads/index.html");
        assertThat(file).as(r.describe()).exists();
        assertThat(Files.readAllBytes(file)).isEqualTo(PAGE.getBytes(StandardCharsets.UTF_8));
        assertThat(seen).singleElement().asString().startsWith("HTTP/3 GET /index.html from ");
    }

    @Test
    void hundredMebibytesArriveIntact(@TempDir Path dir) throws Exception {
        ClientProcess.Result r = fetch(dir, List.of("/big.bin"));
        Path file = dir.resolve("downloads/big.bin");
        assertThat(file).as(r.describe()).exists();
        assertThat(Files.size(file)).isEqualTo(BIG);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(bigHex);
        assertThat(seen).singleElement().asString().startsWith("HTTP/3 GET /big.bin from ");
    }

    @Test
    void twentyConcurrentStreamsOnOneConnection(@TempDir Path dir) throws Exception {
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < MANY; i++) {
            paths.add("/r/file" + i + ".txt");
        }
        ClientProcess.Result r = fetch(dir, paths);
        for (int i = 0; i < MANY; i++) {
            Path file = dir.resolve("downloads/file" + i + ".txt");
            assertThat(file).as(r.describe()).exists();
            assertThat(Files.readAllBytes(file)).as(file.toString()).isEqualTo(small("file" + i + ".txt"));
        }
        assertThat(seen).hasSize(MANY).allSatisfy(s -> assertThat(s).startsWith("HTTP/3 GET /r/file"));
        // One client address for all twenty: they shared one QUIC connection.
        assertThat(seen.stream().map(s -> s.substring(s.indexOf(" from ")))).containsOnly(
                seen.peek().substring(seen.peek().indexOf(" from ")));
    }
}
