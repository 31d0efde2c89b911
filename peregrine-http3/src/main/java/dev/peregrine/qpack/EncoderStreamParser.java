package dev.peregrine.qpack;

import static dev.peregrine.qpack.QpackException.QPACK_ENCODER_STREAM_ERROR;
import static dev.peregrine.qpack.QpackReader.INCOMPLETE;

import dev.peregrine.qpack.QpackDynamicTable.Entry;
import java.util.Arrays;

/**
 * Applies the peer's encoder-stream instructions (RFC 9204 §4.3) to a dynamic table, from
 * fragments split anywhere: QUIC delivers the stream as arbitrary chunks.
 *
 * <p><b>Partial instructions.</b> An instruction is applied only once all of its bytes are here.
 * Each attempt first scans it — integers and string lengths only, no decoding — and only a
 * complete instruction is scanned again to be applied. So a peer dribbling one byte at a time
 * costs a few integer reads per byte, never a re-decode of a long name. The unfinished tail is
 * kept in {@link #pending}, which stays small: any string that cannot decode to at most the
 * table capacity is an error as soon as its length is read (its entry could never fit, §3.2.2),
 * so the tail is at most two integers and two strings of at most the capacity each (3.75 times
 * that when Huffman-coded), plus the fragment just received.
 *
 * <p>Not thread-safe: {@link QpackDecoder} calls it under its lock.
 */
final class EncoderStreamParser {

    /** The longest code of an octet in the HPACK Huffman code (RFC 7541 Appendix B). */
    private static final int MAX_HUFFMAN_CODE_BITS = 30;

    private final QpackDynamicTable table;
    private final QpackReader in = new QpackReader(QPACK_ENCODER_STREAM_ERROR);
    private byte[] pending = new byte[64];
    private int pendingLength;

    EncoderStreamParser(QpackDynamicTable table) {
        this.table = table;
    }

    /** Bytes of an unfinished instruction held back; for tests. */
    int pendingLength() {
        return pendingLength;
    }

    /**
     * Applies every instruction completed by {@code b[off, off + len)} and keeps the rest.
     *
     * @return the number of entries inserted (Insert With Name Reference, With Literal Name and
     *     Duplicate), for the caller's Insert Count Increment
     * @throws QpackException QPACK_ENCODER_STREAM_ERROR if an instruction is malformed; the
     *     instructions before it have been applied
     */
    int feed(byte[] b, int off, int len) throws QpackException {
        byte[] src = b;
        int srcOff = off;
        int srcLen = len;
        if (pendingLength > 0) {
            if (pending.length - pendingLength < len) {
                pending = Arrays.copyOf(pending, Math.max(pendingLength + len, 2 * pending.length));
            }
            System.arraycopy(b, off, pending, pendingLength, len);
            src = pending;
            srcOff = 0;
            srcLen = pendingLength + len;
        }
        in.reset(src, srcOff, srcLen);
        int inserts = 0;
        try {
            while (in.hasRemaining()) {
                int start = in.position();
                if (instruction(false) == NOT_ALL_HERE) {
                    in.position(start);
                    break;
                }
                in.position(start);
                if (instruction(true) == INSERTED) {
                    inserts++;
                }
            }
            int rest = in.remaining();
            if (rest > pending.length) {
                pending = new byte[Math.max(rest, 2 * pending.length)];
            }
            System.arraycopy(src, in.position(), pending, 0, rest); // overlapping copy is safe
            pendingLength = rest;
            return inserts;
        } finally {
            in.release();
        }
    }

    /** What {@link #instruction} found. */
    private static final int NOT_ALL_HERE = 0;
    private static final int OTHER = 1;
    private static final int INSERTED = 2;

    /**
     * Reads one instruction. With {@code apply} false, only checks that it is all here (else
     * returns {@link #NOT_ALL_HERE}) and that its indices and lengths are acceptable; with
     * {@code apply} true — once it is known to be complete — also decodes and applies it.
     *
     * @return {@link #NOT_ALL_HERE}, {@link #INSERTED} for an instruction that inserts an entry,
     *     else {@link #OTHER}
     */
    private int instruction(boolean apply) throws QpackException {
        int first = in.peek();
        if ((first & 0x80) != 0) {
            // §4.3.2 Insert with Name Reference: 1 T Index(6+), then the value
            long index = in.readInteger(6);
            if (index == INCOMPLETE) {
                return NOT_ALL_HERE;
            }
            String name;
            if ((first & 0x40) != 0) {
                if (!QpackStaticTable.isValid(index)) {
                    throw in.error("static index out of range");
                }
                name = QpackStaticTable.name((int) index);
            } else {
                name = table.getRelative(index).name(); // taken before any eviction (§3.2.2)
            }
            return valueAndInsert(apply, name);
        }
        if ((first & 0x40) != 0) {
            // §4.3.3 Insert with Literal Name: 0 1 H NameLength(5+), name, then the value
            long nameLength = stringLength(6);
            if (nameLength == INCOMPLETE) {
                return NOT_ALL_HERE;
            }
            String name = null;
            if (apply) {
                name = in.readString((int) nameLength, entryRoom(0));
            } else {
                in.skip((int) nameLength);
            }
            return valueAndInsert(apply, name);
        }
        long value = in.readInteger(5);
        if (value == INCOMPLETE) {
            return NOT_ALL_HERE;
        }
        if ((first & 0x20) != 0) {
            // §4.3.1 Set Dynamic Table Capacity: 0 0 1 Capacity(5+)
            if (apply) {
                table.setCapacity(value);
            } else if (value > table.maxCapacity()) {
                throw in.error("table capacity above the maximum");
            }
            return OTHER;
        }
        // §4.3.4 Duplicate: 0 0 0 Index(5+)
        if (apply) {
            table.duplicate(value);
        } else {
            table.getRelative(value); // validates the index
        }
        return INSERTED;
    }

    /** The value string of an insert, then, if {@code apply}, the insert itself. */
    private int valueAndInsert(boolean apply, String name) throws QpackException {
        long length = stringLength(8);
        if (length == INCOMPLETE) {
            return NOT_ALL_HERE;
        }
        if (!apply) {
            in.skip((int) length);
            return INSERTED;
        }
        String value = in.readString((int) length, entryRoom(name.length()));
        table.insert(new Entry(name, value));
        return INSERTED;
    }

    /**
     * Reads a string length and checks it: a string that cannot decode to at most the capacity is
     * an error at once (no entry that long fits); returns {@link QpackReader#INCOMPLETE} if the
     * length or the string itself is not all here yet.
     *
     * <p>A Huffman-coded string may be longer on the wire than decoded: its codes take up to 30
     * bits per octet (RFC 7541 Appendix B), so the bound for it is {@code capacity * 30 / 8}.
     */
    private long stringLength(int prefixBits) throws QpackException {
        long length = in.readStringLength(prefixBits);
        if (length == INCOMPLETE) {
            return INCOMPLETE;
        }
        long capacity = table.capacity();
        long max = in.huffman() ? (capacity * MAX_HUFFMAN_CODE_BITS + 7) / 8 : capacity;
        if (length > max) {
            throw in.error("string longer than the table capacity");
        }
        return length > in.remaining() ? INCOMPLETE : length;
    }

    /** The most chars a string may decode to for its entry to fit beside {@code used} chars. */
    private int entryRoom(int used) throws QpackException {
        long room = table.capacity() - QpackDynamicTable.ENTRY_OVERHEAD - used;
        if (room < 0) {
            throw in.error("entry larger than the table capacity");
        }
        return (int) Math.min(room, Integer.MAX_VALUE);
    }
}
