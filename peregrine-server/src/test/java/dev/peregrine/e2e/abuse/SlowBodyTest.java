package dev.peregrine.e2e.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.server.Server;
import dev.peregrine.server.TimeoutKind;
import dev.peregrine.testkit.H2Frames;
import dev.peregrine.testkit.RawResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Slow request bodies (issue 10 §6): 500 uploads, half with a Content-Length and half chunked,
 * send their head at once and then ten body bytes a second, far below the configured minimum
 * rate. Each must be cut (408, then close) once the grace period is spent, while a client
 * uploading at full speed on the same server gets every body read in full. Over h2c the same
 * trickle is one DATA byte a second: each stream is reset and its connection goes on.
 */
@Timeout(60)
class SlowBodyTest {

    private static final int ATTACKERS = 500;
    private static final int LEGIT_BODY = 64 * 1024;
    private static final byte[] TEN = "0123456789".getBytes(StandardCharsets.ISO_8859_1);

    private Server server;

    @AfterEach
    void stop() {
        Abuse.stop(server);
    }

    private static byte[] head(int i) {
        String framing = i % 2 == 0 ? "Content-Length: 1000000\r\n\r\n" : "Transfer-Encoding: chunked\r\n\r\nF4240\r\n";
        return ("POST /upload/" + i + " HTTP/1.1\r\nHost: t\r\n" + framing).getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void uploadsBelowTheMinimumBodyRateAreCutWhileAFastUploadIsServed() throws Exception {
        Abuse.assumeFileDescriptors(2L * ATTACKERS + 200);
        server = Abuse.start((req, res) -> res.send("read " + req.bodyBytes().length), Abuse.lenient()
                .minRequestBodyBytesPerSecond(1000)
                .minRequestBodyRateGracePeriod(Duration.ofSeconds(1))
                .build());

        byte[] body = Abuse.pattern(LEGIT_BODY, 5);
        LegitClient legit = new LegitClient("fast uploader", server.port(), Duration.ofMillis(20), (c, n) -> {
            c.send("POST /legit/" + n + " HTTP/1.1\r\nHost: t\r\nContent-Length: " + LEGIT_BODY + "\r\n\r\n");
            RawResponse r = c.send(body).readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("read " + LEGIT_BODY);
            assertThat(r.connectionClose()).isFalse();
        });
        try (legit; Herd herd = Herd.connect(server.port(), ATTACKERS, 0, true, SlowBodyTest::head)) {
            long deadline = System.nanoTime() + Abuse.FIRE.toNanos();
            for (int round = 0; herd.open() > 0 && System.nanoTime() - deadline < 0; round++) {
                herd.pump(1000);
                herd.sendToOpen(i -> TEN); // 10 B/s: a hundredth of the minimum
                if (round == 0) {
                    legit.awaitProgress(5, Abuse.FIRE); // served while every upload trickles
                }
            }
            assertThat(herd.open()).as("uploads still open after %s: %s", Abuse.FIRE, herd.openOnes()).isZero();
            for (Herd.Member m : herd.members()) {
                // RFC 9110 §15.5.9: 408, the server will not wait for the rest of the body.
                assertThat(m.firstBytes()).as("%s", m).startsWith("HTTP/1.1 408 ");
            }
            legit.awaitProgress(5, Abuse.FIRE);
        }
        assertThat(server.metrics().timedOutConnections()).isEqualTo(ATTACKERS);
        Abuse.awaitCondition(() -> server.metrics().activeConnections() == 0, Abuse.FIRE,
                () -> "every connection to be unregistered: " + server.metrics());
        assertThat(server.metrics().badRequests()).isEqualTo(ATTACKERS);
        // Every upload reached its handler (the head was complete); the cut is the client's fault.
        assertThat(server.metrics().requests()).isEqualTo(ATTACKERS + legit.completed());
        assertThat(server.metrics().handlerErrors()).isZero();
    }

    /** The HTTP/2 preface, an empty SETTINGS and an ACK of the server's (RFC 9113 §3.4, §6.5). */
    private static final byte[] H2_OPENING = H2Frames.concat(
            "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1),
            new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}, H2Frames.settingsAck());
    /** POST /upload: :method POST and :scheme http from the static table, :path and :authority literal (RFC 7541 §6). */
    private static final byte[] UPLOAD_BLOCK = {(byte) 0x83, (byte) 0x86, 0x04, 7, '/', 'u', 'p', 'l', 'o', 'a', 'd',
            0x01, 1, 't'};

    @Test
    void h2cStreamsDribblingTheirBodiesAreResetWhileAFastUploadIsServed() throws Exception {
        int attackers = 200;
        Abuse.assumeFileDescriptors(2L * attackers + 200);
        server = Abuse.start((req, res) -> res.send("read " + req.bodyBytes().length), Abuse.lenient()
                .minRequestBodyBytesPerSecond(1000)
                .minRequestBodyRateGracePeriod(Duration.ofSeconds(1))
                .build());
        byte[] opening = H2Frames.concat(H2_OPENING, H2Frames.headers(1, UPLOAD_BLOCK, H2Frames.Flag.END_HEADERS));
        byte[] oneByte = H2Frames.data(1, new byte[] {'x'}, false);
        byte[] body = Abuse.pattern(LEGIT_BODY, 5);
        LegitClient legit = new LegitClient("fast uploader", server.port(), Duration.ofMillis(20), (c, n) -> {
            c.send("POST /legit/" + n + " HTTP/1.1\r\nHost: t\r\nContent-Length: " + LEGIT_BODY + "\r\n\r\n");
            RawResponse r = c.send(body).readResponse();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("read " + LEGIT_BODY);
        });
        try (legit; Herd herd = Herd.connect(server.port(), attackers, 0, true, i -> opening)) {
            long deadline = System.nanoTime() + Abuse.FIRE.toNanos();
            for (int round = 0; server.metrics().timeouts(TimeoutKind.REQUEST_BODY_RATE) < attackers
                    && System.nanoTime() - deadline < 0; round++) {
                herd.pump(1000);
                herd.sendToOpen(i -> oneByte); // 1 B/s: a thousandth of the minimum (a reset stream ignores it)
                if (round == 0) {
                    legit.awaitProgress(5, Abuse.FIRE);
                }
            }
            assertThat(server.metrics().timeouts(TimeoutKind.REQUEST_BODY_RATE)).as(server.metrics().toString())
                    .isEqualTo(attackers);
            assertThat(herd.open()).as("a stream is reset, its connection stays").isEqualTo(attackers);
            legit.awaitProgress(5, Abuse.FIRE);
        }
        assertThat(server.metrics().streamResets()).isGreaterThanOrEqualTo(attackers);
        assertThat(server.metrics().protocolErrors()).isZero();
        assertThat(server.metrics().abusiveConnections()).isZero();
        assertThat(server.metrics().handlerErrors()).as("the failed read is the client's fault").isZero();
    }
}
