package dev.peregrine.hpack;

import static dev.peregrine.hpack.HpackTestSupport.entries;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fuzz tests of HPACK (RFC 7541): {@link HpackDecoder}, {@link HpackEncoder} and {@link Huffman};
 * see docs/fuzzing.md. Without {@code JAZZER_FUZZ} they replay the seeds under
 * {@code HpackFuzzTestInputs/}.
 */
class HpackFuzzTest {

    static final int[] TABLE_SIZES = {4096, 256, 0, 64};
    static final int[] LIST_LIMITS = {Integer.MAX_VALUE, 4096, 256, 64};
    static final int GUARD = 8;

    /** One block's result: the fields delivered and whether that was all of them, or an error. */
    record Result(List<String> fields, boolean complete, boolean failed) {}

    /**
     * Arbitrary header blocks on one connection. Input: one byte choosing the table size we
     * advertise (bits 0-1) and the header list limit (bits 2-3), then blocks, each a length byte
     * and that many bytes (the last one possibly shorter).
     *
     * <p>Only {@link HpackException} is thrown; the decoder reads only its block (two decoders
     * whose blocks sit among different guard bytes agree); the dynamic table keeps its size within
     * its limit and equal to the sum of its entries; and a decoder with a header list limit
     * delivers exactly the prefix of the fields an unlimited one delivers that fits the limit,
     * reports whether that was all of them, fails on the same blocks, and keeps the same table
     * (strings it skips unread must leave the table in step, §4.4).
     */
    @FuzzTest
    void decodeBlocks(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int tableSize = TABLE_SIZES[input[0] & 3];
        int listLimit = LIST_LIMITS[(input[0] >> 2) & 3];
        HpackDecoder limited = new HpackDecoder(tableSize, listLimit);
        HpackDecoder guarded = new HpackDecoder(tableSize, listLimit);
        HpackDecoder unlimited = new HpackDecoder(tableSize, Integer.MAX_VALUE);
        for (int p = 1; p < input.length; ) {
            int len = Math.min(input[p] & 0xFF, input.length - p - 1);
            byte[] block = Arrays.copyOfRange(input, p + 1, p + 1 + len);
            p += 1 + len;

            Result a = decode(limited, block, (byte) 0x80);
            Result b = decode(guarded, block, (byte) 0x3F);
            Result u = decode(unlimited, block, (byte) 0xFF);
            assertThat(b).as("the bytes around the block changed the outcome").isEqualTo(a);
            assertThat(a.failed()).as("fails like the unlimited decoder").isEqualTo(u.failed());
            if (a.failed()) {
                return; // COMPRESSION_ERROR: the decoders must not be used again
            }
            assertThat(u.complete()).isTrue();
            List<String> fitting = prefixWithin(u.fields(), listLimit);
            assertThat(a.fields()).as("the fields within the list limit").isEqualTo(fitting);
            assertThat(a.complete()).as("complete").isEqualTo(fitting.size() == u.fields().size());
            assertThat(entries(limited.table())).as("table in step").isEqualTo(entries(unlimited.table()));
            checkTable(limited.table(), tableSize);
        }
    }

    /**
     * Fuzzer-built header lists, over several blocks with table size changes between them,
     * through our encoder and back through our decoder: the same fields, and the two dynamic
     * tables identical after every block.
     */
    @FuzzTest
    void roundTrip(FuzzedDataProvider data) throws HpackException {
        HpackEncoder encoder = new HpackEncoder(HpackEncoder.DEFAULT_TABLE_SIZE);
        HpackDecoder decoder = new HpackDecoder(HpackEncoder.DEFAULT_TABLE_SIZE, Integer.MAX_VALUE);
        HpackWriter out = new HpackWriter();
        for (int blocks = data.consumeInt(1, 8); blocks > 0 && data.remainingBytes() > 0; blocks--) {
            for (int updates = data.consumeInt(0, 2); updates > 0; updates--) {
                encoder.setMaxTableSize(data.consumeInt(0, 5000)); // the peer's SETTINGS, between blocks
            }
            out.reset();
            List<String> sent = new ArrayList<>();
            if (data.consumeBoolean()) {
                int status = data.consumeInt(100, 999);
                encoder.encodeStatus(status, out);
                sent.add(":status: " + status);
            }
            for (int fields = data.consumeInt(0, 12); fields > 0; fields--) {
                String name = data.consumeBoolean()
                        ? StaticTable.name(data.consumeInt(1, StaticTable.LENGTH))
                        : lowercaseToken(data);
                String value = data.consumeBoolean() && data.consumeBoolean()
                        ? StaticTable.value(data.consumeInt(1, StaticTable.LENGTH))
                        : latin1(data.consumeBytes(data.consumeInt(0, 600)));
                encoder.encode(name, value, out);
                sent.add(name + ": " + value);
            }
            HpackTestSupport.Fields fields = new HpackTestSupport.Fields();
            assertThat(decoder.decode(out.array(), 0, out.length(), fields)).isTrue();
            assertThat(fields.lines).isEqualTo(sent);
            assertThat(entries(decoder.table())).isEqualTo(entries(encoder.table()));
            assertThat(decoder.table().size()).isEqualTo(encoder.table().size());
            assertThat(decoder.table().maxSize()).isEqualTo(encoder.table().maxSize());
            checkTable(decoder.table(), HpackEncoder.DEFAULT_TABLE_SIZE);
        }
    }

    /**
     * Arbitrary bytes as a Huffman string (§5.2, Appendix B): only {@link HpackException}; the
     * decoded length stays within {@link Huffman#maxDecodedLength}; at most {@code maxLength}
     * bytes are written, and only where asked; a cut-off decode is a prefix of the full one; and
     * what decodes re-encodes to a string that decodes to the same bytes, as does the input
     * itself taken as raw octets.
     */
    @FuzzTest
    void huffman(byte[] input) throws HpackException {
        byte[] encoded = Huffman.encode(input, 0, input.length);
        assertThat(Huffman.encodedLength(input, 0, input.length)).isEqualTo(encoded.length);
        assertThat(Huffman.decode(encoded, 0, encoded.length, input.length).getBytes(ISO_8859_1)).isEqualTo(input);

        byte[] src = new byte[input.length + 2 * GUARD];
        Arrays.fill(src, (byte) 0xFF); // all ones: would read as valid padding past the end
        System.arraycopy(input, 0, src, GUARD, input.length);
        int max = Huffman.maxDecodedLength(input.length);
        byte[] full = new byte[max + 2 * GUARD];
        int n;
        try {
            n = Huffman.decode(src, GUARD, input.length, full, GUARD, max);
        } catch (HpackException e) {
            return; // EOS or bad padding
        }
        assertThat(n).isBetween(0, max);
        checkGuards(full, GUARD, GUARD + n);
        byte[] decoded = Arrays.copyOfRange(full, GUARD, GUARD + n);

        int cut = input.length == 0 ? 0 : (input[0] & 0xFF) % (n + 1);
        byte[] partial = new byte[cut + 2 * GUARD];
        assertThat(Huffman.decode(src, GUARD, input.length, partial, GUARD, cut)).as("full length").isEqualTo(n);
        checkGuards(partial, GUARD, GUARD + cut);
        assertThat(Arrays.copyOfRange(partial, GUARD, GUARD + cut)).isEqualTo(Arrays.copyOf(decoded, cut));

        byte[] again = Huffman.encode(decoded, 0, decoded.length);
        assertThat(Huffman.decode(again, 0, again.length, n).getBytes(ISO_8859_1)).isEqualTo(decoded);
    }

    /** Decodes one block placed among {@code guard} bytes. */
    static Result decode(HpackDecoder decoder, byte[] block, byte guard) {
        byte[] buf = new byte[block.length + 2 * GUARD];
        Arrays.fill(buf, guard);
        System.arraycopy(block, 0, buf, GUARD, block.length);
        HpackTestSupport.Fields fields = new HpackTestSupport.Fields();
        try {
            boolean complete = decoder.decode(buf, GUARD, block.length, fields);
            return new Result(fields.lines, complete, false);
        } catch (HpackException e) {
            return new Result(null, false, true);
        }
    }

    /** The longest prefix of "name: value" lines whose §4.1 sizes add up to at most {@code limit}. */
    static List<String> prefixWithin(List<String> lines, long limit) {
        long size = 0;
        List<String> prefix = new ArrayList<>();
        for (String line : lines) {
            size += line.length() - 2 + DynamicTable.ENTRY_OVERHEAD; // minus ": "
            if (size > limit) {
                break;
            }
            prefix.add(line);
        }
        return prefix;
    }

    static void checkTable(DynamicTable table, int advertised) {
        assertThat(table.maxSize()).isBetween(0, advertised);
        long sum = 0;
        for (int p = 1; p <= table.length(); p++) {
            sum += DynamicTable.entrySize(table.name(p).length(), table.value(p).length());
        }
        assertThat(table.size()).as("size is the sum of the entries").isEqualTo(sum);
        assertThat(table.size()).as("size within the maximum").isLessThanOrEqualTo(table.maxSize());
    }

    static void checkGuards(byte[] dst, int from, int to) {
        for (int i = 0; i < dst.length; i++) {
            if (i < from || i >= to) {
                assertThat(dst[i]).as("dst[%d] was written", i).isZero();
            }
        }
    }

    static String lowercaseToken(FuzzedDataProvider data) {
        String chars = "abcdefghijklmnopqrstuvwxyz0123456789-_.!#$%&'*+^`|~";
        StringBuilder sb = new StringBuilder();
        for (int n = data.consumeInt(1, 24); n > 0; n--) {
            sb.append(chars.charAt(data.consumeInt(0, chars.length() - 1)));
        }
        return sb.toString();
    }

    static String latin1(byte[] b) {
        return new String(b, ISO_8859_1);
    }
}
