package dev.peregrine.e2e.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.server.Server;
import dev.peregrine.server.TimeoutKind;
import dev.peregrine.testkit.H2Frames;
import dev.peregrine.testkit.RawResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Slowloris (issue 10 §6): 2,000 connections each trickle a request head one byte a second. The
 * request-headers deadline must cut every one of them (408, then close) while a keep-alive client
 * on the same server is served throughout. What fired is read from the metrics and the sockets.
 */
@Timeout(60)
class SlowlorisTest {

    private static final int ATTACKERS = 2_000;
    /** Never ends: the head stays incomplete however many bytes are sent. */
    private static final byte[] HEAD = ("GET /slow HTTP/1.1\r\nHost: t\r\nX-Pad: " + "a".repeat(200))
            .getBytes(StandardCharsets.ISO_8859_1);

    /** The HTTP/2 connection preface (RFC 9113 §3.4): while it is incomplete no protocol is chosen yet. */
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private Server server;

    @AfterEach
    void stop() {
        Abuse.stop(server);
    }

    @Test
    void everySlowlorisConnectionIsCutAtTheHeadersDeadlineWhileALegitimateClientIsServed() throws Exception {
        // Each attacker holds a client and a server socket in this JVM, plus the legitimate client's.
        Abuse.assumeFileDescriptors(2L * ATTACKERS + 200);
        server = Abuse.start((req, res) -> res.send("ok " + req.path()),
                Abuse.lenient().requestHeadersTimeout(Duration.ofSeconds(2)).build());

        LegitClient legit = new LegitClient("keep-alive client", server.port(), Duration.ofMillis(20), (c, n) -> {
            RawResponse r = c.request("GET /legit/" + n + " HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("ok /legit/" + n);
            assertThat(r.connectionClose()).isFalse();
        });
        try (legit; Herd herd = Herd.connect(server.port(), ATTACKERS, 0, true, i -> new byte[] {HEAD[0]})) {
            // One more byte a second to every attacker still open, until the server has cut them all.
            long deadline = System.nanoTime() + Abuse.FIRE.toNanos();
            for (int sent = 1; herd.open() > 0 && System.nanoTime() - deadline < 0; sent++) {
                herd.pump(1000);
                int next = sent;
                herd.sendToOpen(i -> new byte[] {HEAD[next]});
                if (sent == 2) {
                    legit.awaitProgress(5, Abuse.FIRE); // served while every attacker is connected
                }
            }
            assertThat(herd.open()).as("attackers still open after %s: %s", Abuse.FIRE, herd.openOnes()).isZero();

            // Each was answered 408 before the close (RFC 9110 §15.5.9), never served. The 408 leaves
            // before the close, and a reset that may follow it is read after the bytes before it.
            for (Herd.Member m : herd.members()) {
                assertThat(m.firstBytes()).as("%s", m).startsWith("HTTP/1.1 408 ");
            }
            legit.awaitProgress(5, Abuse.FIRE); // and still served after the attack
        }
        assertThat(server.metrics().timedOutConnections()).isEqualTo(ATTACKERS);
        assertThat(server.metrics().badRequests()).isEqualTo(ATTACKERS);
        assertThat(server.metrics().requests()).as("only the legitimate client's requests reached the handler")
                .isEqualTo(legit.completed());
        Abuse.awaitCondition(() -> server.metrics().activeConnections() == 0, Abuse.FIRE,
                () -> "every connection to be unregistered: " + server.metrics());
    }

    @Test
    void aPrefaceTrickledOneByteASecondIsCutAtTheHeadersDeadlineToo() throws Exception {
        // Before a protocol is chosen the server only sniffs; a client that has begun sending must
        // still be held to the request-headers deadline, not the far longer keep-alive one.
        int attackers = 200;
        Abuse.assumeFileDescriptors(2L * attackers + 200);
        server = Abuse.start((req, res) -> res.send("ok " + req.path()),
                Abuse.lenient().requestHeadersTimeout(Duration.ofSeconds(2)).build());
        LegitClient legit = new LegitClient("keep-alive client", server.port(), Duration.ofMillis(20), (c, n) -> {
            RawResponse r = c.request("GET /legit/" + n + " HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("ok /legit/" + n);
        });
        try (legit; Herd herd = Herd.connect(server.port(), attackers, 0, true, i -> new byte[] {PREFACE[0]})) {
            long deadline = System.nanoTime() + Abuse.FIRE.toNanos();
            for (int sent = 1; herd.open() > 0 && System.nanoTime() - deadline < 0 && sent < PREFACE.length - 1; sent++) {
                herd.pump(1000);
                int next = sent;
                herd.sendToOpen(i -> new byte[] {PREFACE[next]});
            }
            herd.pump(Math.max(0, (deadline - System.nanoTime()) / 1_000_000L));
            assertThat(herd.open()).as("attackers still open: %s", herd.openOnes()).isZero();
            for (Herd.Member m : herd.members()) {
                assertThat(m.received).as("%s: no protocol was chosen, so nothing is answered", m).isZero();
            }
            legit.awaitProgress(5, Abuse.FIRE);
        }
        assertThat(server.metrics().timedOutConnections()).isEqualTo(attackers);
        Abuse.awaitCondition(() -> server.metrics().activeConnections() == 0, Abuse.FIRE,
                () -> "every connection to be unregistered: " + server.metrics());
    }

    /** An empty SETTINGS frame (RFC 9113 §6.5), then the 9-byte header of a 100-byte HEADERS frame on stream 1 with END_HEADERS. */
    private static final byte[] SETTINGS = {0, 0, 0, 4, 0, 0, 0, 0, 0};
    private static final byte[] HEADERS_FRAME_HEADER = {0, 0, 100, 1, 4, 0, 0, 0, 1};

    @Test
    void anHttp2HeadersFrameTrickledOneByteASecondIsCutAtTheHeadersDeadline() throws Exception {
        // After the preface and SETTINGS nothing is open, and the frame never completes: without a
        // deadline of its own this waited for the keep-alive timeout (or our SETTINGS ack one).
        int attackers = 200;
        Abuse.assumeFileDescriptors(2L * attackers + 200);
        server = Abuse.start((req, res) -> res.send("ok " + req.path()),
                Abuse.lenient().requestHeadersTimeout(Duration.ofSeconds(2)).build());
        byte[] opening = new byte[PREFACE.length + SETTINGS.length + HEADERS_FRAME_HEADER.length];
        System.arraycopy(PREFACE, 0, opening, 0, PREFACE.length);
        System.arraycopy(SETTINGS, 0, opening, PREFACE.length, SETTINGS.length);
        System.arraycopy(HEADERS_FRAME_HEADER, 0, opening, PREFACE.length + SETTINGS.length, HEADERS_FRAME_HEADER.length);
        trickleFieldBlocks(attackers, opening);
        assertThat(server.metrics().timeouts(TimeoutKind.REQUEST_HEADERS)).as(server.metrics().toString())
                .isEqualTo(attackers);
        Abuse.awaitCondition(() -> server.metrics().activeConnections() == 0, Abuse.FIRE,
                () -> "every connection to be unregistered: " + server.metrics());
    }

    /**
     * A GET for /hold on stream 1 (its handler then waits), then the header of a 100-byte HEADERS
     * frame on stream 3: the static-table fields :method GET and :scheme http, and literal :path and
     * :authority (RFC 7541 §6.1, §6.2.2).
     */
    private static final byte[] HOLD_BLOCK = {(byte) 0x82, (byte) 0x86, 0x04, 5, '/', 'h', 'o', 'l', 'd', 0x01, 1, 't'};
    private static final byte[] STREAM_3_HEADERS_FRAME_HEADER = {0, 0, 100, 1, 4, 0, 0, 0, 3};

    @Test
    void anHttp2HeadersFrameTrickledBesideAnOpenStreamIsCutAtTheHeadersDeadline() throws Exception {
        // Stream 1 keeps the connection busy (not idle, so no keep-alive deadline), and our SETTINGS
        // are acknowledged (no SETTINGS timeout): only the headers deadline can end the trickle.
        int attackers = 200;
        Abuse.assumeFileDescriptors(2L * attackers + 200);
        CountDownLatch release = new CountDownLatch(1);
        server = Abuse.start((req, res) -> {
            if (req.path().equals("/hold")) {
                release.await(Abuse.FIRE.toSeconds() * 2, TimeUnit.SECONDS);
            }
            res.send("ok " + req.path());
        }, Abuse.lenient().requestHeadersTimeout(Duration.ofSeconds(2)).build());
        byte[] opening = H2Frames.concat(PREFACE, SETTINGS, H2Frames.settingsAck(),
                H2Frames.headers(1, HOLD_BLOCK, H2Frames.Flag.END_HEADERS, H2Frames.Flag.END_STREAM),
                STREAM_3_HEADERS_FRAME_HEADER);
        try {
            trickleFieldBlocks(attackers, opening);
        } finally {
            release.countDown();
        }
        assertThat(server.metrics().timeouts(TimeoutKind.REQUEST_HEADERS)).as(server.metrics().toString())
                .isEqualTo(attackers);
        assertThat(server.metrics().abusiveConnections()).as("a timeout, not an abuse budget").isZero();
        Abuse.awaitCondition(() -> server.metrics().activeConnections() == 0, Abuse.FIRE,
                () -> "every connection to be unregistered: " + server.metrics());
    }

    /**
     * Opens {@code attackers} connections that send {@code opening} and then one more byte of a
     * field block a second, beside a keep-alive client that must go on being served, until every
     * attacker is cut (bounded by {@link Abuse#FIRE} and 99 bytes).
     */
    private void trickleFieldBlocks(int attackers, byte[] opening) throws Exception {
        LegitClient legit = new LegitClient("keep-alive client", server.port(), Duration.ofMillis(20), (c, n) -> {
            RawResponse r = c.request("GET /legit/" + n + " HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(r.status()).isEqualTo(200);
        });
        try (legit; Herd herd = Herd.connect(server.port(), attackers, 0, true, i -> opening)) {
            long deadline = System.nanoTime() + Abuse.FIRE.toNanos();
            for (int sent = 0; herd.open() > 0 && System.nanoTime() - deadline < 0 && sent < 99; sent++) {
                herd.pump(1000);
                herd.sendToOpen(i -> new byte[] {(byte) 0x82}); // one more byte of the field block
            }
            herd.pump(Math.max(0, (deadline - System.nanoTime()) / 1_000_000L));
            assertThat(herd.open()).as("attackers still open: %s", herd.openOnes()).isZero();
            legit.awaitProgress(5, Abuse.FIRE);
        }
    }
}
