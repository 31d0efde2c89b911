package dev.peregrine.hpack;

import static dev.peregrine.hpack.HpackTestSupport.entries;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Fuzz test of {@link HpackDecoder} against a model of the dynamic table (RFC 7541 §2.3, §4,
 * §6); see docs/fuzzing.md. Peregrine's encoder makes one choice per field, so the test plays a
 * peer encoder that makes any choice §6 allows — indexed fields, literals with incremental
 * indexing, without indexing and never indexed, names by static or dynamic index or literal,
 * strings raw or Huffman-coded whatever their length, size updates at the start of blocks — keeps
 * its own copy of the table, and the decoder must deliver the fields and hold the entries the
 * model says. Without {@code JAZZER_FUZZ} it replays the seeds under
 * {@code HpackDecoderModelFuzzTestInputs/}.
 */
class HpackDecoderModelFuzzTest {

    /** The peer encoder's copy of the table, newest entry first (§2.3.3). */
    static final class Model {
        final Deque<String[]> entries = new ArrayDeque<>();
        long size;
        int maxSize;

        Model(int maxSize) {
            this.maxSize = maxSize;
        }

        static long size(String name, String value) {
            return name.length() + value.length() + 32L; // §4.1
        }

        /** The entry at dynamic position {@code p}, 1 being the newest. */
        String[] get(int p) {
            return entries.stream().skip(p - 1).findFirst().orElseThrow();
        }

        void add(String name, String value) {
            long s = size(name, value);
            evictTo(maxSize - s); // §4.4: an entry larger than the table empties it
            if (s <= maxSize) {
                entries.addFirst(new String[] {name, value});
                size += s;
            }
        }

        void setMaxSize(int m) {
            maxSize = m;
            evictTo(m);
        }

        void evictTo(long target) {
            while (size > target && !entries.isEmpty()) {
                String[] e = entries.removeLast();
                size -= size(e[0], e[1]);
            }
        }

        List<String> lines() {
            List<String> lines = new ArrayList<>();
            entries.forEach(e -> lines.add(e[0] + ": " + e[1]));
            return lines;
        }
    }

    @FuzzTest
    void anyRepresentation(FuzzedDataProvider data) throws HpackException {
        int maxTableSize = data.pickValue(new int[] {4096, 256, 64, 0});
        HpackDecoder decoder = new HpackDecoder(maxTableSize, Integer.MAX_VALUE);
        Model model = new Model(maxTableSize);
        for (int blocks = data.consumeInt(1, 10); blocks > 0 && data.remainingBytes() > 0; blocks--) {
            HpackWriter out = new HpackWriter();
            for (int updates = data.consumeInt(0, 2); updates > 0; updates--) {
                int size = data.consumeInt(0, maxTableSize);
                out.writeInteger(0x20, 5, size); // §6.3, only at the start of a block (§4.2)
                model.setMaxSize(size);
            }
            List<String> expected = new ArrayList<>();
            for (int fields = data.consumeInt(0, 10); fields > 0; fields--) {
                field(data, model, out, expected);
            }
            HpackTestSupport.Fields fields = new HpackTestSupport.Fields();
            assertThat(decoder.decode(out.array(), 0, out.length(), fields)).isTrue();
            assertThat(fields.lines).isEqualTo(expected);
            assertThat(entries(decoder.table())).isEqualTo(model.lines());
            assertThat((long) decoder.table().size()).isEqualTo(model.size);
        }
    }

    /** One field in a representation of the fuzzer's choice; appends what it must decode to. */
    static void field(FuzzedDataProvider data, Model model, HpackWriter out, List<String> expected) {
        int dynamic = model.entries.size();
        int kind = data.consumeInt(0, 3);
        if (kind == 0) {
            // §6.1 Indexed Header Field: 1 Index(7+), static 1..61 or dynamic 62..
            int index = data.consumeInt(1, StaticTable.LENGTH + dynamic);
            out.writeInteger(0x80, 7, index);
            String[] f = index <= StaticTable.LENGTH
                    ? new String[] {StaticTable.name(index), StaticTable.value(index)}
                    : model.get(index - StaticTable.LENGTH);
            expected.add(f[0] + ": " + f[1]);
            return;
        }
        // §6.2.1 with incremental indexing 01 Index(6+); §6.2.2 without 0000 Index(4+);
        // §6.2.3 never indexed 0001 Index(4+). Name index 0: a literal name follows.
        int flags = kind == 1 ? 0x40 : kind == 2 ? 0x00 : 0x10;
        int prefix = kind == 1 ? 6 : 4;
        String name;
        int nameIndex = data.consumeBoolean() ? data.consumeInt(1, StaticTable.LENGTH + dynamic) : 0;
        out.writeInteger(flags, prefix, nameIndex);
        if (nameIndex == 0) {
            name = latin1(data, 40);
            string(data, out, name);
        } else {
            name = nameIndex <= StaticTable.LENGTH ? StaticTable.name(nameIndex)
                    : model.get(nameIndex - StaticTable.LENGTH)[0];
        }
        String value = latin1(data, 300);
        string(data, out, value);
        if (kind == 1) {
            model.add(name, value);
        }
        expected.add(name + ": " + value);
    }

    /** §5.2 string literal, Huffman-coded or raw as the fuzzer likes, whatever that costs. */
    static void string(FuzzedDataProvider data, HpackWriter out, String s) {
        if (data.consumeBoolean()) {
            out.writeInteger(0x80, 7, Huffman.encodedLength(s));
            Huffman.encode(s, out);
        } else {
            out.writeInteger(0x00, 7, s.length());
            out.writeLatin1(s);
        }
    }

    static String latin1(FuzzedDataProvider data, int max) {
        return new String(data.consumeBytes(data.consumeInt(0, max)), StandardCharsets.ISO_8859_1);
    }
}
