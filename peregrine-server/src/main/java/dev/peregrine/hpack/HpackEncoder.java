package dev.peregrine.hpack;

/**
 * Encodes header blocks (RFC 7541) into an {@link HpackWriter}, one field per call. One encoder
 * per connection, holding our half of the dynamic table the peer's decoder mirrors; not
 * thread-safe.
 *
 * <p><b>Blocks and table size updates.</b> There is no begin/end call: a block is the fields the
 * caller encodes for one HEADERS (or PUSH_PROMISE) frame and its CONTINUATIONs. A pending dynamic
 * table size update (§4.2, §6.3) is written lazily by the first {@code encode*} call after
 * {@link #setMaxTableSize}, so it cannot be forgotten and always leads the block — provided
 * {@code setMaxTableSize} is called between blocks (when SETTINGS are processed), never while a
 * header list is half encoded.
 *
 * <p><b>Choice of representation</b>, per field:
 * <ol>
 *   <li>a static-table entry with this name and value: indexed (§6.1);
 *   <li>sensitive fields ({@code authorization}, {@code proxy-authorization}, {@code cookie},
 *       {@code set-cookie}): literal never indexed (§6.2.3), so neither we nor any intermediary
 *       puts them in a table an attacker could probe (§7.1.3). Cookies are included because
 *       they usually carry session secrets, short ones are guessable, and long ones rarely
 *       repeat on a connection, so indexing them buys little;
 *   <li>values that differ on almost every response ({@code content-length},
 *       {@code content-range}, {@code etag}, {@code last-modified}, {@code age}): literal
 *       without indexing (§6.2.2), so they do not push useful entries out of the table. The
 *       {@code date} changes only once a second and is indexed;
 *   <li>a dynamic-table entry with this name and value: indexed;
 *   <li>otherwise literal with incremental indexing (§6.2.1) if the entry takes at most half
 *       the table — one big value must not flush everything else — else without indexing.
 * </ol>
 * Names are indexed (static table first, as it never changes) whenever possible. Strings are
 * Huffman-coded unless that is longer than the raw octets; on a tie Huffman is used, as in the
 * RFC's examples.
 *
 * <p>Every block encoded must be sent, whole and in order: the table already holds its fields.
 *
 * <p>Names must already be lowercase (RFC 9113 §8.2.1); names and values are ISO-8859-1. A char
 * above U+00FF is an {@link IllegalArgumentException}; nothing of that field is written, so the
 * block may go on with other fields.
 */
public final class HpackEncoder {

    /** The initial SETTINGS_HEADER_TABLE_SIZE of HTTP/2 (RFC 9113 §6.5.2). */
    public static final int DEFAULT_TABLE_SIZE = 4096;

    /**
     * The largest table we keep, whatever the peer allows: 4 KiB per connection is where the
     * returns of a bigger table fall off for response headers.
     */
    public static final int TABLE_SIZE_CAP = 4096;

    private static final String STATUS = ":status";

    /* ":status" text for 100 to 999, made on first use; racy but Strings are immutable. */
    private static final String[] STATUS_TEXT = new String[1000];

    private final DynamicTable table;
    private boolean sizeUpdatePending;
    private int smallestPendingSize; // §4.2: the smallest size since the last block is signalled...
    private int finalPendingSize;    // ...and then the final one

    /**
     * @param maxTableSize the dynamic table size the peer's decoder starts with: its
     *     SETTINGS_HEADER_TABLE_SIZE before any SETTINGS arrive, {@link #DEFAULT_TABLE_SIZE} in
     *     HTTP/2. If above {@link #TABLE_SIZE_CAP}, the first block shrinks it to the cap.
     */
    public HpackEncoder(int maxTableSize) {
        if (maxTableSize < 0) {
            throw new IllegalArgumentException("maxTableSize < 0");
        }
        table = new DynamicTable(maxTableSize, true);
        setMaxTableSize(maxTableSize);
    }

    /**
     * Takes the peer's SETTINGS_HEADER_TABLE_SIZE: the table becomes
     * {@code min(peerSetting, TABLE_SIZE_CAP)} at the start of the next block, signalled there
     * by one or two size updates (§4.2: the smallest size reached since the last block, if
     * smaller, then the final one). Call between blocks only.
     *
     * @param peerSetting the setting's value, clamped to {@link Integer#MAX_VALUE} by the caller
     *     (it is a 32-bit unsigned value on the wire)
     */
    public void setMaxTableSize(int peerSetting) {
        if (peerSetting < 0) {
            throw new IllegalArgumentException("peerSetting < 0");
        }
        int size = Math.min(peerSetting, TABLE_SIZE_CAP);
        if (!sizeUpdatePending) {
            if (size == table.maxSize()) {
                return;
            }
            sizeUpdatePending = true;
            smallestPendingSize = size;
        } else {
            smallestPendingSize = Math.min(smallestPendingSize, size);
        }
        finalPendingSize = size;
    }

    /** Our dynamic table, for tests. */
    DynamicTable table() {
        return table;
    }

    /**
     * Encodes {@code :status}: indexed for the seven codes of the static table, else from the
     * dynamic table or as a literal with incremental indexing of the {@code :status} name.
     *
     * @param status 100 to 999 (RFC 9110 §15: three digits)
     */
    public void encodeStatus(int status, HpackWriter out) {
        if (status < 100 || status > 999) {
            throw new IllegalArgumentException("status must have three digits");
        }
        int index = StaticTable.statusIndex(status);
        if (index != 0) {
            writePendingSizeUpdate(out);
            out.writeInteger(0x80, 7, index);
            return;
        }
        String text = STATUS_TEXT[status];
        if (text == null) {
            text = Integer.toString(status);
            STATUS_TEXT[status] = text;
        }
        encode(STATUS, text, out);
    }

    /** Encodes one field; see the class comment for the representation chosen. */
    public void encode(String name, String value, HpackWriter out) {
        writePendingSizeUpdate(out);
        int staticMatch = StaticTable.find(name, value);
        if (staticMatch > 0) {
            out.writeInteger(0x80, 7, staticMatch);
            return;
        }
        int nameIndex = -staticMatch;
        switch (name) {
            case "authorization", "proxy-authorization", "cookie", "set-cookie" -> {
                writeLiteral(0x10, 4, nameIndex, name, value, out); // never indexed
                return;
            }
            case "content-length", "content-range", "etag", "last-modified", "age" -> {
                writeLiteral(0x00, 4, nameIndex, name, value, out); // without indexing
                return;
            }
            default -> {}
        }
        int dynamicMatch = table.find(name, value);
        if (dynamicMatch > 0) {
            out.writeInteger(0x80, 7, StaticTable.LENGTH + dynamicMatch);
            return;
        }
        if (nameIndex == 0 && dynamicMatch < 0) {
            nameIndex = StaticTable.LENGTH - dynamicMatch;
        }
        long entrySize = DynamicTable.entrySize(name.length(), value.length());
        if (entrySize <= table.maxSize() / 2) {
            writeLiteral(0x40, 6, nameIndex, name, value, out);
            table.add(name, value);
        } else {
            writeLiteral(0x00, 4, nameIndex, name, value, out);
        }
    }

    private void writePendingSizeUpdate(HpackWriter out) {
        if (!sizeUpdatePending) {
            return;
        }
        if (smallestPendingSize < finalPendingSize) {
            out.writeInteger(0x20, 5, smallestPendingSize);
            table.setMaxSize(smallestPendingSize);
        }
        out.writeInteger(0x20, 5, finalPendingSize);
        table.setMaxSize(finalPendingSize);
        sizeUpdatePending = false;
    }

    /**
     * A literal field (§6.2): the pattern bits and the name index on a {@code prefixBits} prefix
     * (0 meaning a literal name follows), then the value.
     */
    private static void writeLiteral(int flags, int prefixBits, int nameIndex, String name, String value,
            HpackWriter out) {
        // Size the strings first: that rejects non-Latin-1 input before anything is written.
        int nameHuffman = nameIndex == 0 ? Huffman.encodedLength(name) : 0;
        int valueHuffman = Huffman.encodedLength(value);
        out.writeInteger(flags, prefixBits, nameIndex);
        if (nameIndex == 0) {
            writeString(name, nameHuffman, out);
        }
        writeString(value, valueHuffman, out);
    }

    /** A string literal (§5.2), Huffman-coded unless that is longer than the raw octets. */
    private static void writeString(String s, int huffmanLength, HpackWriter out) {
        if (huffmanLength <= s.length()) {
            out.writeInteger(0x80, 7, huffmanLength);
            Huffman.encode(s, out);
        } else {
            out.writeInteger(0x00, 7, s.length());
            out.writeLatin1(s);
        }
    }
}
