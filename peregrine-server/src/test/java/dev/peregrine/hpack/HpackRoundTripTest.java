package dev.peregrine.hpack;

import static dev.peregrine.hpack.HpackTestSupport.entries;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.hpack.HpackTestSupport.Fields;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Our encoder against our decoder: random header lists, many blocks, table size changes. */
class HpackRoundTripTest {

    static final String[] NAMES = {
        ":status", ":path", ":authority", "content-type", "content-length", "date", "server", "etag",
        "cache-control", "authorization", "cookie", "set-cookie", "accept-encoding", "location",
        "x-request-id", "x-custom", "vary", "last-modified",
    };

    static final String[] COMMON_VALUES = {
        "", "200", "/", "text/html; charset=utf-8", "gzip, deflate", "no-cache", "peregrine", "42",
        "Mon, 21 Oct 2013 20:13:21 GMT", "https://www.example.com/a/b?c=d",
    };

    /** A value: often a repeat (to exercise dynamic hits), sometimes random Latin-1, rarely big. */
    static String value(Random random) {
        int kind = random.nextInt(10);
        if (kind < 5) {
            return COMMON_VALUES[random.nextInt(COMMON_VALUES.length)];
        }
        int length = kind == 9 ? 1000 + random.nextInt(3000) : random.nextInt(40);
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append((char) (random.nextInt(8) == 0 ? random.nextInt(256) : 32 + random.nextInt(95)));
        }
        return sb.toString();
    }

    @Test
    void randomBlocksRoundTripAndTablesStayIdentical() throws HpackException {
        Random random = new Random(0x7541);
        HpackEncoder encoder = new HpackEncoder(HpackEncoder.DEFAULT_TABLE_SIZE);
        HpackDecoder decoder = new HpackDecoder(4096, Integer.MAX_VALUE);
        HpackWriter out = new HpackWriter();
        int sizeUpdates = 0;
        for (int blockNumber = 0; blockNumber < 1500; blockNumber++) {
            if (random.nextInt(20) == 0) {
                // The peer's SETTINGS, sometimes two in a row before the next block.
                encoder.setMaxTableSize(random.nextInt(3) == 0 ? 0 : random.nextInt(6000));
                if (random.nextBoolean()) {
                    encoder.setMaxTableSize(random.nextInt(6000));
                }
                sizeUpdates++;
            }
            out.reset();
            List<String> sent = new ArrayList<>();
            if (random.nextBoolean()) {
                int status = 100 + random.nextInt(500);
                encoder.encodeStatus(status, out);
                sent.add(":status: " + status);
            }
            for (int i = random.nextInt(12); i >= 0; i--) {
                String name = random.nextInt(15) == 0
                        ? "x-random-" + random.nextInt(50)
                        : NAMES[random.nextInt(NAMES.length)];
                String value = value(random);
                encoder.encode(name, value, out);
                sent.add(name + ": " + value);
            }
            Fields fields = new Fields();
            assertThat(decoder.decode(out.array(), 0, out.length(), fields)).isTrue();
            assertThat(fields.lines).as("block %d", blockNumber).containsExactlyElementsOf(sent);
            assertThat(entries(decoder.table())).as("table after block %d", blockNumber)
                    .containsExactlyElementsOf(entries(encoder.table()));
            assertThat(decoder.table().size()).isEqualTo(encoder.table().size());
            assertThat(decoder.table().maxSize()).isEqualTo(encoder.table().maxSize());
            assertThat(encoder.table().size()).isLessThanOrEqualTo(encoder.table().maxSize());
        }
        assertThat(sizeUpdates).as("size updates exercised").isGreaterThan(30);
    }

    @Test
    void typicalResponseCompressesToAFewBytesOnceWarm() throws HpackException {
        HpackEncoder encoder = new HpackEncoder(4096);
        HpackDecoder decoder = new HpackDecoder(4096, 16 * 1024);
        HpackWriter out = new HpackWriter();
        for (int i = 0; i < 3; i++) {
            out.reset();
            encoder.encodeStatus(200, out);
            encoder.encode("content-type", "text/plain; charset=utf-8", out);
            encoder.encode("content-length", "13", out);
            encoder.encode("date", "Mon, 21 Oct 2013 20:13:21 GMT", out);
            encoder.encode("server", "peregrine", out);
            Fields fields = new Fields();
            assertThat(decoder.decode(out.array(), 0, out.length(), fields)).isTrue();
            assertThat(fields.lines).containsExactly(":status: 200", "content-type: text/plain; charset=utf-8",
                    "content-length: 13", "date: Mon, 21 Oct 2013 20:13:21 GMT", "server: peregrine");
        }
        // 88, three dynamic references, and content-length as a literal: 0f0d, then 82 and two
        // octets of Huffman (a tie with the raw "13").
        assertThat(out.length()).isEqualTo(1 + 3 + 5);
    }
}
