package dev.peregrine.hpack;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Shared helpers of the HPACK tests: hex dumps, a collecting sink, table assertions. */
final class HpackTestSupport {

    private HpackTestSupport() {}

    /** Bytes from a hex dump as the RFC prints them ("8286 8441 ..."), whitespace ignored. */
    static byte[] hex(String dump) {
        return HexFormat.of().parseHex(dump.replaceAll("\\s+", ""));
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** A sink that keeps "name: value" lines. */
    static final class Fields implements HpackDecoder.HeaderSink {
        final List<String> lines = new ArrayList<>();
        final List<String> names = new ArrayList<>();
        final List<String> values = new ArrayList<>();

        @Override
        public void header(String name, String value) {
            lines.add(name + ": " + value);
            names.add(name);
            values.add(value);
        }
    }

    /** Decodes one block, asserting it was delivered in full; returns the "name: value" lines. */
    static List<String> decodeAll(HpackDecoder decoder, byte[] block) throws HpackException {
        Fields fields = new Fields();
        assertThat(decoder.decode(block, 0, block.length, fields)).as("complete list").isTrue();
        return fields.lines;
    }

    /** The table as "name: value" lines, newest first (the RFC's order). */
    static List<String> entries(DynamicTable table) {
        List<String> lines = new ArrayList<>();
        for (int p = 1; p <= table.length(); p++) {
            lines.add(table.name(p) + ": " + table.value(p));
        }
        return lines;
    }

    /** Asserts the table holds exactly these entries (newest first) and has this size. */
    static void assertTable(DynamicTable table, int size, String... newestFirst) {
        assertThat(entries(table)).containsExactly(newestFirst);
        assertThat(table.size()).as("table size").isEqualTo(size);
    }
}
