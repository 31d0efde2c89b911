package dev.peregrine.qpack;

import static dev.peregrine.qpack.QpackException.QPACK_DECOMPRESSION_FAILED;
import static dev.peregrine.qpack.QpackReader.INCOMPLETE;
import static java.nio.charset.StandardCharsets.ISO_8859_1;

import dev.peregrine.hpack.Huffman;
import dev.peregrine.qpack.QpackDecoder.FieldSink;
import dev.peregrine.qpack.QpackDecoder.Outcome;
import dev.peregrine.qpack.QpackDynamicTable.Entry;

/**
 * Parses one encoded field section (RFC 9204 §4.5): the prefix, then the field line
 * representations, handing the fields to a sink. One instance per {@link QpackDecoder#decode}
 * call, so that many request streams decode at once; the dynamic table is reached only through
 * an {@link EntryLookup}, which takes the decoder's lock for the one read.
 *
 * <p>Every malformed representation is QPACK_DECOMPRESSION_FAILED: indices outside the static
 * table, dynamic references outside {@code [0, Required Insert Count)} or to evicted entries
 * (§2.2.3), relative indices not below the Base, bad Huffman, integers past 62 bits, and input
 * that ends inside a representation. A Required Insert Count larger than the section needs is
 * accepted, as §2.2.1 allows: catching it would mean tracking the largest reference for nothing.
 *
 * <p><b>Section size.</b> Fields are counted as {@code name + value + 32} octets (RFC 9114
 * §4.2.2). Once the sum passes the limit the sink hears nothing more, but parsing goes on to the
 * end so the section is still validated, and the outcome is {@link Outcome#TOO_LARGE}. A string
 * is materialised only if it can still fit: a longer one — whatever length it claims — is
 * validated and skipped without allocating for it.
 */
final class FieldSectionReader {

    /** Resolves a dynamic reference already checked to be below the Required Insert Count. */
    @FunctionalInterface
    interface EntryLookup {
        /** @throws QpackException if the entry has been evicted */
        Entry entry(long absoluteIndex) throws QpackException;
    }

    private final QpackReader in = new QpackReader(QPACK_DECOMPRESSION_FAILED);
    private final long maxSize;
    private long size;         // octets of the fields so far
    private boolean tooLarge;  // size passed maxSize: deliver nothing more
    private int stringLength;  // decoded length of the last string, materialised or not
    private byte[] scratch;    // Huffman output, made on first use

    FieldSectionReader(byte[] b, int off, int len, long maxFieldSectionSize) {
        in.reset(b, off, len);
        this.maxSize = maxFieldSectionSize;
    }

    /** Reads a prefixed integer that must be complete. */
    long integer(int prefixBits) throws QpackException {
        long value = in.readInteger(prefixBits);
        if (value == INCOMPLETE) {
            throw in.error("truncated field section");
        }
        return value;
    }

    /** The Sign bit of the Base (§4.5.1.2): the top bit of the current byte. */
    boolean signBit() throws QpackException {
        if (!in.hasRemaining()) {
            throw in.error("truncated field section");
        }
        return (in.peek() & 0x80) != 0;
    }

    /**
     * Reads the field lines after the prefix.
     *
     * @param requiredInsertCount dynamic references must be below it (§2.2.3)
     * @param base relative indices count down from it, post-Base indices up (§3.2.5, §3.2.6)
     */
    Outcome fieldLines(long requiredInsertCount, long base, FieldSink sink, EntryLookup table)
            throws QpackException {
        try {
            while (in.hasRemaining()) {
                int b = in.peek();
                if ((b & 0x80) != 0) {
                    // §4.5.2 Indexed Field Line: 1 T Index(6+)
                    long index = integer(6);
                    if ((b & 0x40) != 0) {
                        int i = staticIndex(index);
                        deliver(QpackStaticTable.name(i), QpackStaticTable.value(i), sink);
                    } else {
                        Entry e = table.entry(relative(index, base, requiredInsertCount));
                        deliver(e.name(), e.value(), sink);
                    }
                } else if ((b & 0x40) != 0) {
                    // §4.5.4 Literal Field Line with Name Reference: 0 1 N T NameIndex(4+)
                    long index = integer(4);
                    String name = (b & 0x10) != 0
                            ? QpackStaticTable.name(staticIndex(index))
                            : table.entry(relative(index, base, requiredInsertCount)).name();
                    literalValue(name, name.length(), sink);
                } else if ((b & 0x20) != 0) {
                    // §4.5.6 Literal Field Line with Literal Name: 0 0 1 N H NameLength(3+)
                    String name = string(4, room(0));
                    literalValue(name, stringLength, sink);
                } else if ((b & 0x10) != 0) {
                    // §4.5.3 Indexed Field Line with Post-Base Index: 0 0 0 1 Index(4+)
                    Entry e = table.entry(postBase(integer(4), base, requiredInsertCount));
                    deliver(e.name(), e.value(), sink);
                } else {
                    // §4.5.5 Literal Field Line with Post-Base Name Reference: 0 0 0 0 N NameIndex(3+)
                    String name = table.entry(postBase(integer(3), base, requiredInsertCount)).name();
                    literalValue(name, name.length(), sink);
                }
            }
            return tooLarge ? Outcome.TOO_LARGE : Outcome.DECODED;
        } finally {
            in.release();
        }
    }

    private int staticIndex(long index) throws QpackException {
        if (!QpackStaticTable.isValid(index)) {
            throw in.error("static index out of range");
        }
        return (int) index;
    }

    /** §3.2.5: relative index 0 is absolute Base - 1. */
    private long relative(long index, long base, long requiredInsertCount) throws QpackException {
        if (index >= base) {
            throw in.error("relative index beyond the Base");
        }
        return checkReference(base - 1 - index, requiredInsertCount);
    }

    /** §3.2.6: post-Base index 0 is absolute Base. */
    private long postBase(long index, long base, long requiredInsertCount) throws QpackException {
        if (index > Long.MAX_VALUE - base) {
            throw in.error("post-Base index overflow");
        }
        return checkReference(base + index, requiredInsertCount);
    }

    private long checkReference(long absolute, long requiredInsertCount) throws QpackException {
        if (absolute >= requiredInsertCount) {
            throw in.error("reference beyond the Required Insert Count");
        }
        return absolute;
    }

    /** The value string of a literal, then the field if both strings were kept. */
    private void literalValue(String name, int nameLength, FieldSink sink) throws QpackException {
        String value = string(8, room(nameLength));
        if (name == null || value == null) {
            tooLarge = true; // a string that could not fit was skipped
        } else {
            deliver(name, value, sink);
        }
    }

    /** How many more chars a field with {@code used} chars so far may have; -1 once over. */
    private long room(long used) {
        return tooLarge ? -1 : maxSize - size - QpackDynamicTable.ENTRY_OVERHEAD - used;
    }

    private void deliver(String name, String value, FieldSink sink) {
        if (tooLarge) {
            return;
        }
        size += QpackDynamicTable.entrySize(name.length(), value.length());
        if (size > maxSize) {
            tooLarge = true;
            return;
        }
        sink.field(name, value);
    }

    /**
     * Reads an N-bit prefix string literal (§4.1.2), returning it if it decodes to at most
     * {@code room} chars, else null (having validated it); {@link #stringLength} is set either way.
     */
    private String string(int prefixBits, long room) throws QpackException {
        long encoded = in.readStringLength(prefixBits);
        if (encoded == INCOMPLETE || encoded > in.remaining()) {
            throw in.error("truncated field section");
        }
        int length = (int) encoded;
        if (!in.huffman()) {
            stringLength = length;
            if (length > room) {
                in.skip(length);
                return null;
            }
            return in.readString(length, length);
        }
        int keep = (int) Math.max(0, Math.min(room, Huffman.maxDecodedLength(length)));
        if (scratch == null || scratch.length < keep) {
            scratch = new byte[Math.max(keep, scratch == null ? 64 : 2 * scratch.length)];
        }
        int decoded = in.readString(length, scratch, keep);
        stringLength = decoded;
        if (decoded > room) {
            return null;
        }
        return decoded == 0 ? "" : new String(scratch, 0, decoded, ISO_8859_1);
    }
}
