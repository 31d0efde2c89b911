package dev.peregrine.qpack;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.peregrine.hpack.HpackWriter;
import dev.peregrine.qpack.QpackDynamicTable.Entry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzz test of {@link QpackDecoder}'s dynamic table (RFC 9204 §3.2, §4.3, §4.5) against a model;
 * see docs/fuzzing.md. Peregrine's own encoder never uses the dynamic table, so the test plays a
 * peer encoder that does: it writes fuzzer-chosen encoder-stream instructions and field sections
 * that reference live entries every way §4.5 allows, keeping its own copy of the table, and the
 * decoder must deliver the fields the model says. Without {@code JAZZER_FUZZ} it replays the
 * seeds under {@code QpackDynamicRoundTripFuzzTestInputs/}.
 */
class QpackDynamicRoundTripFuzzTest {

    /** The peer encoder's view of the table: every entry ever inserted, by absolute index. */
    static final class Model {
        final List<Entry> all = new ArrayList<>();
        long first;    // absolute index of the oldest live entry
        long size;
        long capacity;

        long insertCount() {
            return all.size();
        }

        Entry get(long absolute) {
            return all.get((int) absolute);
        }

        void setCapacity(long c) {
            capacity = c;
            evictTo(c);
        }

        void insert(Entry e) {
            evictTo(capacity - e.size());
            all.add(e);
            size += e.size();
        }

        void evictTo(long target) {
            while (size > target) {
                size -= get(first++).size();
            }
        }
    }

    @FuzzTest
    void roundTrip(FuzzedDataProvider data) throws Exception {
        int maxCapacity = data.pickValue(new int[] {64, 100, 220, 1000, 4096});
        long maxEntries = maxCapacity / 32;
        ByteArrayOutputStream decoderStream = new ByteArrayOutputStream();
        QpackDecoder decoder = new QpackDecoder(maxCapacity, 0, Long.MAX_VALUE, decoderStream::write);
        Model model = new Model();
        HpackWriter encoderStream = new HpackWriter();
        for (int steps = data.consumeInt(1, 60); steps > 0 && data.remainingBytes() > 0; steps--) {
            int op = data.consumeInt(0, 5);
            if (op == 0) {
                long c = data.consumeInt(0, maxCapacity);
                QpackWriter.writeInteger(encoderStream, 0x20, 5, c); // §4.3.1
                model.setCapacity(c);
            } else if (op <= 3) {
                insert(data, op, model, encoderStream);
            } else {
                feed(data, decoder, encoderStream);
                section(data, decoder, model, maxEntries);
            }
        }
        feed(data, decoder, encoderStream);
        assertThat(decoder.table().insertCount()).isEqualTo(model.insertCount());
        assertThat(decoder.table().firstIndex()).isEqualTo(model.first);
        assertThat(decoder.table().size()).isEqualTo(model.size);
    }

    /** An Insert with Literal Name, with Name Reference (static or dynamic), or a Duplicate. */
    static void insert(FuzzedDataProvider data, int op, Model model, HpackWriter out) {
        long live = model.insertCount() - model.first;
        Entry entry;
        HpackWriter instruction = new HpackWriter();
        if (op == 1 || live == 0 && op == 3) {
            String name = latin1(data, 1, 20);
            String value = latin1(data, 0, 40);
            string(data, instruction, 0x40, 6, name); // §4.3.3: 01 H NameLength(5+)
            string(data, instruction, 0, 8, value);
            entry = new Entry(name, value);
        } else if (op == 2) {
            int index = data.consumeInt(0, QpackStaticTable.SIZE - 1);
            String value = latin1(data, 0, 40);
            QpackWriter.writeInteger(instruction, 0xC0, 6, index); // §4.3.2: 1 T=1 Index(6+)
            string(data, instruction, 0, 8, value);
            entry = new Entry(QpackStaticTable.name(index), value);
        } else {
            long relative = data.consumeLong(0, live - 1); // §3.2.5: 0 is the newest
            Entry referenced = model.get(model.insertCount() - 1 - relative);
            if (data.consumeBoolean()) {
                String value = latin1(data, 0, 40);
                QpackWriter.writeInteger(instruction, 0x80, 6, relative); // §4.3.2: 1 T=0 Index(6+)
                string(data, instruction, 0, 8, value);
                entry = new Entry(referenced.name(), value);
            } else {
                QpackWriter.writeInteger(instruction, 0x00, 5, relative); // §4.3.4 Duplicate
                entry = referenced;
            }
        }
        if (entry.size() > model.capacity) {
            return; // an insert that cannot fit is the encoder's error (§3.2.2); not sent
        }
        byte[] b = instruction.toByteArray();
        out.write(b, 0, b.length);
        model.insert(entry);
    }

    /** Feeds the pending encoder-stream bytes in random pieces. */
    static void feed(FuzzedDataProvider data, QpackDecoder decoder, HpackWriter encoderStream) throws QpackException {
        byte[] b = encoderStream.toByteArray();
        encoderStream.reset();
        for (int i = 0; i < b.length; ) {
            int n = Math.min(b.length - i, data.consumeInt(1, 64));
            decoder.onEncoderStream(b, i, n);
            i += n;
        }
    }

    /** A field section mixing every representation, referencing only live entries; decoded at once. */
    static void section(FuzzedDataProvider data, QpackDecoder decoder, Model model, long maxEntries)
            throws Exception {
        long live = model.insertCount() - model.first;
        int count = data.consumeInt(0, 8);
        // Choose the dynamic references first: they fix the Required Insert Count (§2.1.2).
        long[] refs = new long[count];
        long required = 0;
        for (int i = 0; i < count; i++) {
            refs[i] = live > 0 && data.consumeBoolean() ? model.first + data.consumeLong(0, live - 1) : -1;
            required = Math.max(required, refs[i] + 1);
        }
        long base = required == 0 ? data.consumeInt(0, 3) : data.consumeLong(model.first, required);
        HpackWriter out = new HpackWriter();
        // §4.5.1: Encoded Required Insert Count, then Sign and Delta Base.
        QpackWriter.writeInteger(out, 0, 8, required == 0 ? 0 : required % (2 * maxEntries) + 1);
        if (base >= required) {
            QpackWriter.writeInteger(out, 0x00, 7, base - required);
        } else {
            QpackWriter.writeInteger(out, 0x80, 7, required - base - 1);
        }
        List<String> expected = new ArrayList<>();
        for (long ref : refs) {
            boolean literal = data.consumeBoolean();
            String value = literal ? latin1(data, 0, 40) : null;
            if (ref < 0) {
                int index = data.consumeInt(0, QpackStaticTable.SIZE - 1);
                if (!literal) {
                    QpackWriter.writeInteger(out, 0xC0, 6, index); // §4.5.2, T=1
                    expected.add(QpackStaticTable.name(index) + ": " + QpackStaticTable.value(index));
                } else if (data.consumeBoolean()) {
                    QpackWriter.writeInteger(out, 0x50, 4, index); // §4.5.4, T=1
                    string(data, out, 0, 8, value);
                    expected.add(QpackStaticTable.name(index) + ": " + value);
                } else {
                    String name = latin1(data, 1, 20);
                    string(data, out, 0x20, 4, name); // §4.5.6
                    string(data, out, 0, 8, value);
                    expected.add(name + ": " + value);
                }
                continue;
            }
            Entry e = model.get(ref);
            boolean relative = ref < base;
            long index = relative ? base - 1 - ref : ref - base; // §3.2.5, §3.2.6
            if (!literal) {
                if (relative) {
                    QpackWriter.writeInteger(out, 0x80, 6, index); // §4.5.2, T=0
                } else {
                    QpackWriter.writeInteger(out, 0x10, 4, index); // §4.5.3
                }
                expected.add(e.name() + ": " + e.value());
            } else {
                if (relative) {
                    QpackWriter.writeInteger(out, 0x40, 4, index); // §4.5.4, T=0
                } else {
                    QpackWriter.writeInteger(out, 0x00, 3, index); // §4.5.5
                }
                string(data, out, 0, 8, value);
                expected.add(e.name() + ": " + value);
            }
        }
        byte[] section = out.toByteArray();
        QpackTestSupport.Fields fields = new QpackTestSupport.Fields();
        assertThat(decoder.decode(0, section, 0, section.length, fields, System.nanoTime()))
                .isEqualTo(QpackDecoder.Outcome.DECODED);
        assertThat(fields.lines).isEqualTo(expected);
    }

    /** A string literal, raw or Huffman-coded as the fuzzer likes (§4.1.2). */
    static void string(FuzzedDataProvider data, HpackWriter out, int flags, int prefixBits, String s) {
        if (data.consumeBoolean()) {
            QpackTestSupport.writeHuffman(out, flags, prefixBits, s);
        } else {
            QpackTestSupport.writeRaw(out, flags, prefixBits, s);
        }
    }

    static String latin1(FuzzedDataProvider data, int min, int max) {
        int n = data.consumeInt(min, max);
        byte[] b = data.consumeBytes(n);
        if (b.length < min) {
            b = "x".repeat(min).getBytes(StandardCharsets.ISO_8859_1);
        }
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
