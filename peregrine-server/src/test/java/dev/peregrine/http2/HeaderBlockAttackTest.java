package dev.peregrine.http2;

import static dev.peregrine.http2.H2Client.headers;
import static dev.peregrine.http2.H2Client.literal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.hpack.HpackWriter;
import dev.peregrine.http2.AttackServer.Metric;
import dev.peregrine.http2.AttackServer.Outcome;
import dev.peregrine.http2.H2Client.Response;
import dev.peregrine.testkit.H2Frames;
import dev.peregrine.server.Http2Options;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Attacks in header blocks: the CONTINUATION flood (a block that never ends) and HPACK bombs (a
 * small block that expands without bound, a table size the server never allowed), each against a
 * real server with a legitimate client served at the same time.
 */
@Timeout(60)
class HeaderBlockAttackTest {

    private static final String[] GET = {":method", "GET", ":scheme", "http", ":authority", "a", ":path", "/"};

    private AttackServer target;

    @AfterEach
    void stop() {
        if (target != null) {
            target.close();
        }
    }

    // ---------------------------------------------------------------- CONTINUATION flood

    @Test
    void endlessContinuationFramesEndWithEnhanceYourCalm() throws Exception {
        target = new AttackServer(Http2Options.defaults());
        Map<Metric, Long> before = target.snapshot();
        AttackServer.LegitClient legit = target.legit().connect().start(20);
        H2Client attacker = target.attacker();
        attacker.handshake();
        byte[] fragment = new byte[4096];
        Arrays.fill(fragment, (byte) 'a');
        Outcome o = AttackServer.flood(attacker, batch -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (batch == 0) {
                out.writeBytes(H2Frames.headers(1, literal(GET)));
            }
            for (int j = 0; j < 16; j++) {
                out.writeBytes(H2Frames.continuation(1, fragment, false));
            }
            return out.toByteArray();
        }, 10_000); // 640 MiB if nothing stopped it
        legit.finish();
        assertThat(o.goAwayCode()).isEqualTo(H2Client.ENHANCE_YOUR_CALM);
        assertThat(o.goAway().lastStreamId()).as("the stream was never opened").isZero();
        assertThat(target.delta(before, Metric.ABUSIVE)).isEqualTo(1);
        assertThat(target.held.get()).isZero();
    }

    /**
     * The limit is the header list limit plus 16 KiB of block: one octet past it is enough to end
     * the connection, so the server never buffers more (the flood above needs no end).
     */
    @Test
    void oneOctetPastTheBlockLimitEndsTheConnection() throws Exception {
        target = new AttackServer(Http2Options.builder().maxHeaderListSize(1024).build());
        Map<Metric, Long> before = target.snapshot();
        AttackServer.LegitClient legit = target.legit().connect().start(20);
        H2Client attacker = target.attacker();
        attacker.handshake();
        byte[] block = new byte[1024 + 16 * 1024 + 1];
        Arrays.fill(block, (byte) 'a');
        attacker.send(
                H2Frames.headers(1, Arrays.copyOfRange(block, 0, 16 * 1024)),
                H2Frames.continuation(1, Arrays.copyOfRange(block, 16 * 1024, block.length - 1), false),
                H2Frames.continuation(1, new byte[] {'a'}, false)); // and then nothing more
        Outcome o = AttackServer.readUntilGoAway(attacker, new AtomicInteger(1));
        legit.finish();
        assertThat(o.goAwayCode()).isEqualTo(H2Client.ENHANCE_YOUR_CALM);
        assertThat(target.delta(before, Metric.ABUSIVE)).isEqualTo(1);
    }

    /** The other side of the bound: a real block of exactly the limit is decoded, and is too large: 431. */
    @Test
    void aBlockOfExactlyTheLimitIsAnsweredWith431() throws Exception {
        target = new AttackServer(Http2Options.builder().maxHeaderListSize(1024).build());
        int limit = 1024 + 16 * 1024;
        byte[] block = null;
        for (int n = limit; n > 0 && block == null; n--) {
            byte[] b = literal(with(GET, "x-pad", "p".repeat(n)));
            if (b.length == limit) {
                block = b;
            }
        }
        assertThat(block).hasSize(limit);
        H2Client client = target.attacker();
        client.handshake();
        client.send(H2Frames.headers(1, Arrays.copyOfRange(block, 0, 16 * 1024), H2Frames.Flag.END_STREAM),
                H2Frames.continuation(1, Arrays.copyOfRange(block, 16 * 1024, limit), true));
        Response r = client.response(1);
        assertThat(r.status()).isEqualTo(431);
        assertThat(client.get(3, "/after").bodyText()).isEqualTo("ok /after");
    }

    // ---------------------------------------------------------------- HPACK

    /**
     * An HPACK bomb: one 4 KB field in the dynamic table, then blocks of 16,000 one-octet
     * references to it, each 64 MB of header list. Answered 431 without materialising the list;
     * the table stays in step, the connection goes on and the legitimate client is not slowed
     * into failure.
     */
    @Test
    void hpackBombIsAnswered431AndTheConnectionGoesOn() throws Exception {
        target = new AttackServer(Http2Options.defaults());
        Map<Metric, Long> before = target.snapshot();
        AttackServer.LegitClient legit = target.legit().connect().start(20);
        H2Client attacker = target.attacker();
        attacker.handshake();

        HpackWriter seed = new HpackWriter();
        seed.write(literal(GET), 0, literal(GET).length);
        seed.writeByte(0x40); // literal with incremental indexing, new name (RFC 7541 §6.2.1)
        H2Client.string(seed, "x-bomb");
        H2Client.string(seed, "b".repeat(4000)); // 6 + 4000 + 32 octets: fits the 4096 table
        attacker.send(headers(1, seed.toByteArray(), true));
        Response seeded = attacker.response(1);
        assertThat(seeded.bodyText()).isEqualTo("ok /");

        byte[] bomb = new byte[16_000];
        Arrays.fill(bomb, (byte) 0xBE); // indexed field 62: the newest dynamic entry
        byte[] block = H2Frames.concat(literal(bombGet()), bomb);
        for (int i = 0; i < 10; i++) {
            int id = 3 + 2 * i;
            attacker.send(headers(id, block, true));
            Response r = attacker.response(id);
            assertThat(r.status()).as("bomb " + i).isEqualTo(431);
        }
        byte[] two = H2Frames.concat(literal(bombGet()), new byte[] {(byte) 0xBE, (byte) 0xBE});
        attacker.send(headers(23, two, true));
        assertThat(attacker.response(23).bodyText()).as("the table is still in step").isEqualTo("x-bomb=2");
        legit.finish();

        assertThat(target.delta(before, Metric.BAD_REQUESTS)).isEqualTo(10);
        assertThat(target.delta(before, Metric.ABUSIVE)).isZero();
        assertThat(target.delta(before, Metric.PROTOCOL_ERRORS)).isZero();
    }

    private static String[] bombGet() {
        return new String[] {":method", "GET", ":scheme", "http", ":authority", "a", ":path", "/bomb"};
    }

    @Test
    void aDynamicTableSizeUpdateAboveTheSettingIsACompressionError() throws Exception {
        target = new AttackServer(Http2Options.defaults());
        Map<Metric, Long> before = target.snapshot();
        AttackServer.LegitClient legit = target.legit().connect().start(20);
        H2Client attacker = target.attacker();
        attacker.handshake();
        HpackWriter w = new HpackWriter();
        w.writeInteger(0x20, 5, 8192); // size update (§6.3) to 8192 > our SETTINGS_HEADER_TABLE_SIZE 4096
        byte[] block = H2Frames.concat(w.toByteArray(), literal(GET));
        attacker.send(headers(1, block, true));
        Outcome o = AttackServer.readUntilGoAway(attacker, new AtomicInteger(1));
        legit.finish();
        assertThat(o.goAwayCode()).isEqualTo(H2Client.COMPRESSION_ERROR);
        assertThat(target.delta(before, Metric.PROTOCOL_ERRORS)).isEqualTo(1);
        assertThat(target.delta(before, Metric.ABUSIVE)).isZero();
    }

    private static String[] with(String[] base, String... more) {
        String[] all = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }
}
