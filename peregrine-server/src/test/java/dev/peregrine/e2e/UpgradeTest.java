package dev.peregrine.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.server.Server;
import dev.peregrine.testkit.RawClient;
import dev.peregrine.testkit.RawResponse;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code 101 Switching Protocols}: after the head the connection belongs to the upgraded protocol. */
@Timeout(60)
class UpgradeTest {

    private static Server server;

    @BeforeAll
    static void start() throws Exception {
        server = E2e.start((req, res) -> {
            if ("echo".equalsIgnoreCase(req.header("upgrade"))) {
                res.header("upgrade", "echo");
                res.header("connection", "upgrade");
                res.upgrade(UpgradeTest::echo);
                return;
            }
            res.send("plain " + req.path());
        });
    }

    /** Echoes every byte until the client half-closes. */
    private static void echo(InputStream in, OutputStream out) throws Exception {
        byte[] buf = new byte[4096];
        for (int n; (n = in.read(buf)) >= 0; ) {
            out.write(buf, 0, n);
            out.flush();
        }
    }

    @AfterAll
    static void stop() {
        E2e.stop(server);
    }

    private static final String UPGRADE = "GET /ws HTTP/1.1\r\nHost: t\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n";

    private static void assert101(RawResponse r) {
        assertThat(r.status()).isEqualTo(101);
        assertThat(r.header("upgrade")).isEqualTo("echo");
        assertThat(r.hasToken("connection", "upgrade")).isTrue();
        assertThat(r.header("content-length")).isNull();
        assertThat(r.header("transfer-encoding")).isNull();
    }

    @Test
    void bytesSentWithTheHeadAndAfterTheUpgradeAreEchoed() throws Exception {
        try (RawClient c = RawClient.tcp(server.port())) {
            c.send(UPGRADE + "early bytes|");
            assert101(c.readResponse());
            assertThat(new String(c.readExactly(12), StandardCharsets.US_ASCII)).isEqualTo("early bytes|");

            c.send("later");
            assertThat(new String(c.readExactly(5), StandardCharsets.US_ASCII)).isEqualTo("later");
            c.send("and more");
            assertThat(new String(c.readExactly(8), StandardCharsets.US_ASCII)).isEqualTo("and more");

            c.shutdownOutput();
            assertThat(c.readUntilClosed()).as("the connection closes when the upgraded protocol ends").isEmpty();
        }
    }

    @Test
    void upgradeAfterOrdinaryKeepAliveRequests() throws Exception {
        try (RawClient c = RawClient.tcp(server.port())) {
            assertThat(c.request("GET /a HTTP/1.1\r\nHost: t\r\n\r\n").bodyText()).isEqualTo("plain /a");
            // a plain request pipelined in front of the upgrade
            c.send("GET /b HTTP/1.1\r\nHost: t\r\n\r\n" + UPGRADE + "GET /not-http HTTP/1.1\r\n\r\n");
            assertThat(c.readResponse().bodyText()).isEqualTo("plain /b");
            assert101(c.readResponse());
            // what follows the upgrade is data for the new protocol, not another HTTP request
            String tail = "GET /not-http HTTP/1.1\r\n\r\n";
            assertThat(new String(c.readExactly(tail.length()), StandardCharsets.US_ASCII)).isEqualTo(tail);
            c.shutdownOutput();
            assertThat(c.readUntilClosed()).isEmpty();
        }
    }

    @Test
    void largePayloadInTheSameWriteAsTheHead() throws Exception {
        byte[] payload = E2e.pattern(20_000, 4); // larger than the idle read buffer
        try (RawClient c = RawClient.tcp(server.port())) {
            byte[] head = RawClient.latin1(UPGRADE);
            byte[] all = new byte[head.length + payload.length];
            System.arraycopy(head, 0, all, 0, head.length);
            System.arraycopy(payload, 0, all, head.length, payload.length);
            c.send(all);
            assert101(c.readResponse());
            assertThat(c.readExactly(payload.length)).isEqualTo(payload);
            c.shutdownOutput();
            assertThat(c.readUntilClosed()).isEmpty();
        }
    }

    @Test
    void withoutTheUpgradeHeaderItIsAnOrdinaryRequest() throws Exception {
        try (RawClient c = RawClient.tcp(server.port())) {
            RawResponse r = c.request("GET /ws HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("plain /ws");
        }
    }

    @Test
    void upgradedConnectionOutlivingTheStopDeadlineIsAborted() throws Exception {
        // An upgraded protocol has no HTTP way to be asked to finish: stop waits, then aborts it.
        Server own = E2e.start((req, res) -> res.upgrade(UpgradeTest::echo));
        try (RawClient c = RawClient.tcp(own.port())) {
            c.send(UPGRADE);
            assertThat(c.readResponse().status()).isEqualTo(101);
            c.send("ping");
            assertThat(new String(c.readExactly(4), StandardCharsets.US_ASCII)).isEqualTo("ping");

            assertThat(own.stop(Duration.ofSeconds(1))).isFalse();
            assertThat(c.readUntilClosed()).isEmpty();
        } finally {
            own.stop(Duration.ofSeconds(1));
        }
        E2e.awaitCondition(() -> own.connectionCount() == 0, "the aborted connection to be unregistered");
    }
}
