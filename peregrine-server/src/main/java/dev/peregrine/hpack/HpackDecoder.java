package dev.peregrine.hpack;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.util.Objects;

/**
 * Decodes HPACK header blocks (RFC 7541), sans-IO: one call per complete block (the HTTP/2
 * connection joins HEADERS and CONTINUATION fragments first), fields handed to a
 * {@link HeaderSink} in order. One decoder per connection, holding the peer encoder's dynamic
 * table; not thread-safe.
 *
 * <p>Any {@link HpackException} is a connection error of type COMPRESSION_ERROR: the table is
 * then out of step with the peer's and the decoder must not be used again.
 *
 * <p><b>Header list size.</b> Fields are counted as in RFC 7541 §4.1 and RFC 9113 §6.5.2
 * ({@code name + value + 32} octets each). Once the list exceeds the maximum header list size,
 * the decoder stops delivering fields but keeps decoding to the end of the block, so that the
 * dynamic table stays in step, and {@link #decode} returns {@code false}: the connection answers
 * that one stream (431 or a stream reset) and goes on. This is also the HPACK-bomb defence: a
 * small block that references a big dynamic entry many times costs one index read per
 * reference, and string literals are never materialised beyond what the list limit or the
 * dynamic table could use.
 *
 * <p>Names taken from the static table are constant strings (no allocation); names are
 * delivered as they are on the wire, so the HTTP/2 layer checks they are lowercase and valid
 * (RFC 9113 §8.2.1).
 */
public final class HpackDecoder {

    /**
     * Receives the fields of a header block, in order.
     *
     * <p>A malformed field (uppercase name, forbidden connection header, ...) is a stream error
     * in HTTP/2, not a reason to stop decoding: record it and return normally, so the block is
     * decoded to its end and the dynamic table stays in step. An exception thrown from here
     * leaves the table mid-block; the connection must then be closed with COMPRESSION_ERROR.
     */
    @FunctionalInterface
    public interface HeaderSink {

        /** One field; {@code name} and {@code value} are ISO-8859-1 (one char per octet). */
        void header(String name, String value);
    }

    /*
     * At most 5 continuation bytes: 7 * 5 = 35 bits covers 2^31 - 1 after any prefix; longer
     * encodings (even of small values, with zero padding) are refused (§5.1, §7.3 of RFC 7541).
     */
    private static final int MAX_INTEGER_CONTINUATION_BYTES = 5;

    private final int maxTableSize;
    private final DynamicTable table;
    private int maxHeaderListSize;

    // The block being decoded; set for the duration of decode() only.
    private byte[] buf;
    private int pos;
    private int end;
    private long listSize;    // octets of the header list so far (§4.1 counting)
    private boolean exceeded; // listSize went past maxHeaderListSize: stop delivering

    private int stringLength; // decoded length of the last string read, materialised or not
    private byte[] scratch = new byte[256]; // Huffman output, grown to the largest string kept

    /**
     * @param maxTableSize the SETTINGS_HEADER_TABLE_SIZE we advertise (4096 by default): the
     *     table's initial maximum size and the largest size update the peer may send (§4.2).
     *     Advertising less than 4096 has a cost: a peer that encodes before it has seen our
     *     SETTINGS assumes 4096 and may reference entries this smaller table already evicted,
     *     which fails the connection (an HpackException; never wrong fields, as positions count
     *     from the newest entry)
     * @param maxHeaderListSize the largest header list (§4.1 counting) delivered in full
     */
    public HpackDecoder(int maxTableSize, int maxHeaderListSize) {
        if (maxTableSize < 0 || maxHeaderListSize < 0) {
            throw new IllegalArgumentException("negative limit");
        }
        this.maxTableSize = maxTableSize;
        this.maxHeaderListSize = maxHeaderListSize;
        this.table = new DynamicTable(maxTableSize, false);
    }

    /** Changes the largest header list delivered in full, from the next block on. */
    public void setMaxHeaderListSize(int maxHeaderListSize) {
        if (maxHeaderListSize < 0) {
            throw new IllegalArgumentException("negative limit");
        }
        this.maxHeaderListSize = maxHeaderListSize;
    }

    /** The peer's dynamic table, for tests. */
    DynamicTable table() {
        return table;
    }

    /**
     * Decodes one complete header block, handing its fields to {@code sink}.
     *
     * @return {@code true} if the whole header list was delivered; {@code false} if it exceeded
     *     the maximum header list size, in which case the fields delivered are a prefix of the
     *     list within the limit, and the dynamic table is nevertheless up to date
     * @throws HpackException if the block is malformed (COMPRESSION_ERROR)
     */
    public boolean decode(byte[] block, int off, int len, HeaderSink sink) throws HpackException {
        Objects.checkFromIndexSize(off, len, block.length);
        Objects.requireNonNull(sink, "sink");
        buf = block;
        pos = off;
        end = off + len;
        listSize = 0;
        exceeded = false;
        try {
            boolean atStart = true;
            while (pos < end) {
                int b = buf[pos] & 0xFF;
                if (b >= 0x80) {
                    indexedField(readInteger(7), sink);           // §6.1   1xxxxxxx
                } else if (b >= 0x40) {
                    literalField(readInteger(6), true, sink);     // §6.2.1 01xxxxxx
                } else if (b >= 0x20) {
                    // §6.3 001xxxxx, only before the first field (§4.2)
                    if (!atStart) {
                        throw new HpackException("dynamic table size update after a field");
                    }
                    int newSize = readInteger(5);
                    if (newSize > maxTableSize) {
                        throw new HpackException("dynamic table size update above the limit");
                    }
                    table.setMaxSize(newSize);
                    continue;
                } else {
                    literalField(readInteger(4), false, sink);    // §6.2.2 0000xxxx, §6.2.3 0001xxxx
                }
                atStart = false;
            }
            return !exceeded;
        } finally {
            buf = null; // do not keep the caller's array alive
        }
    }

    /** §6.1: a field taken whole from the static or dynamic table. */
    private void indexedField(int index, HeaderSink sink) throws HpackException {
        if (index == 0) {
            throw new HpackException("index 0");
        }
        if (index <= StaticTable.LENGTH) {
            deliver(StaticTable.name(index), StaticTable.value(index), sink);
            return;
        }
        int position = index - StaticTable.LENGTH;
        if (position > table.length()) {
            throw new HpackException("index past the dynamic table");
        }
        deliver(table.name(position), table.value(position), sink);
    }

    /**
     * §6.2: a literal field, its name indexed ({@code nameIndex > 0}) or literal (0), added to
     * the dynamic table if {@code indexing}.
     *
     * <p>A string is materialised only if it could be used: if the field may still fit the header
     * list, or if it is to be indexed and may fit the dynamic table. Anything longer is validated
     * and skipped, and then neither delivered (the list is over its limit) nor stored (the
     * entry would be larger than the table, so adding it just empties the table, §4.4).
     */
    private void literalField(int nameIndex, boolean indexing, HeaderSink sink) throws HpackException {
        long listRoom = exceeded ? -1 : maxHeaderListSize - listSize - DynamicTable.ENTRY_OVERHEAD;
        long tableRoom = indexing ? table.maxSize() - DynamicTable.ENTRY_OVERHEAD : -1;
        String name;
        int nameLength;
        if (nameIndex != 0) {
            name = indexedName(nameIndex);
            nameLength = name.length();
        } else {
            name = readString(Math.max(listRoom, tableRoom));
            nameLength = stringLength;
        }
        String value = readString(Math.max(listRoom - nameLength, tableRoom - nameLength));
        int valueLength = stringLength;
        if (indexing) {
            if (DynamicTable.entrySize(nameLength, valueLength) > table.maxSize()) {
                table.clear(); // §4.4; the strings may not have been materialised
            } else {
                table.add(name, value);
            }
        }
        if (name == null || value == null) {
            exceeded = true; // a string too long for the list was skipped
        } else {
            deliver(name, value, sink);
        }
    }

    private String indexedName(int index) throws HpackException {
        if (index <= StaticTable.LENGTH) {
            return StaticTable.name(index);
        }
        int position = index - StaticTable.LENGTH;
        if (position > table.length()) {
            throw new HpackException("name index past the dynamic table");
        }
        return table.name(position);
    }

    /** Counts the field against the header list size and hands it over while within the limit. */
    private void deliver(String name, String value, HeaderSink sink) {
        if (exceeded) {
            return;
        }
        listSize += DynamicTable.entrySize(name.length(), value.length());
        if (listSize > maxHeaderListSize) {
            exceeded = true;
            return;
        }
        sink.header(name, value);
    }

    /**
     * Reads a prefixed integer (§5.1) whose prefix is the low {@code prefixBits} bits of the
     * current byte.
     */
    private int readInteger(int prefixBits) throws HpackException {
        int max = (1 << prefixBits) - 1;
        int value = buf[pos++] & max;
        if (value < max) {
            return value;
        }
        long result = value;
        int shift = 0;
        for (int i = 0; i < MAX_INTEGER_CONTINUATION_BYTES; i++) {
            if (pos == end) {
                throw new HpackException("truncated integer");
            }
            int b = buf[pos++];
            result += (long) (b & 0x7F) << shift;
            if (result > Integer.MAX_VALUE) {
                throw new HpackException("integer overflow");
            }
            if ((b & 0x80) == 0) {
                return (int) result;
            }
            shift += 7;
        }
        throw new HpackException("integer too long");
    }

    /**
     * Reads a string literal (§5.2), raw or Huffman-coded. Returns it if its decoded length is
     * at most {@code limit}, else {@code null} (after validating it). Either way
     * {@link #stringLength} is set to the decoded length.
     */
    private String readString(long limit) throws HpackException {
        if (pos == end) {
            throw new HpackException("truncated string");
        }
        boolean huffman = (buf[pos] & 0x80) != 0;
        int length = readInteger(7);
        if (length > end - pos) {
            throw new HpackException("string past the end of the block");
        }
        int start = pos;
        pos += length;
        if (!huffman) {
            stringLength = length;
            if (length > limit) {
                return null;
            }
            return length == 0 ? "" : new String(buf, start, length, ISO_8859_1);
        }
        int keep = (int) Math.max(0, Math.min(limit, Huffman.maxDecodedLength(length)));
        if (scratch.length < keep) {
            scratch = new byte[Math.max(keep, scratch.length * 2)];
        }
        int decoded = Huffman.decode(buf, start, length, scratch, 0, keep);
        stringLength = decoded;
        if (decoded > limit) {
            return null;
        }
        return decoded == 0 ? "" : new String(scratch, 0, decoded, ISO_8859_1);
    }
}
