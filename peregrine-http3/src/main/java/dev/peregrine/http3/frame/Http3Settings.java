package dev.peregrine.http3.frame;

import static dev.peregrine.http3.frame.Http3ErrorCode.H3_FRAME_ERROR;
import static dev.peregrine.http3.frame.Http3ErrorCode.H3_SETTINGS_ERROR;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The SETTINGS parameters Peregrine understands (RFC 9114 §7.2.4), each at its RFC default when
 * absent, and the SETTINGS payload codec.
 *
 * <table>
 *   <caption>Settings and their defaults</caption>
 *   <tr><th>id</th><th>setting</th><th>default</th><th>defined in</th></tr>
 *   <tr><td>0x01</td><td>SETTINGS_QPACK_MAX_TABLE_CAPACITY</td><td>0</td><td>RFC 9204 §5</td></tr>
 *   <tr><td>0x06</td><td>SETTINGS_MAX_FIELD_SECTION_SIZE</td><td>{@link #UNLIMITED}</td><td>RFC 9114 §7.2.4.1</td></tr>
 *   <tr><td>0x07</td><td>SETTINGS_QPACK_BLOCKED_STREAMS</td><td>0</td><td>RFC 9204 §5</td></tr>
 *   <tr><td>0x08</td><td>SETTINGS_ENABLE_CONNECT_PROTOCOL</td><td>false</td><td>RFC 9220 §3</td></tr>
 *   <tr><td>0x33</td><td>SETTINGS_H3_DATAGRAM</td><td>false</td><td>RFC 9297 §2.1.1</td></tr>
 * </table>
 *
 * <p>Immutable; {@link #parse} builds one per received SETTINGS frame (one per connection, since
 * a second SETTINGS is an error, §7.2.4).
 *
 * @param qpackMaxTableCapacity the largest dynamic table the sender's decoder accepts
 * @param maxFieldSectionSize the largest field section the sender accepts (§4.2.2), or
 *     {@link #UNLIMITED}
 * @param qpackBlockedStreams how many streams may wait on dynamic table updates
 * @param enableConnectProtocol whether extended CONNECT (the {@code :protocol} pseudo-header) is
 *     accepted
 * @param h3Datagram whether HTTP Datagrams are accepted
 */
public record Http3Settings(
        long qpackMaxTableCapacity,
        long maxFieldSectionSize,
        long qpackBlockedStreams,
        boolean enableConnectProtocol,
        boolean h3Datagram) {

    public static final long SETTINGS_QPACK_MAX_TABLE_CAPACITY = 0x01;
    public static final long SETTINGS_MAX_FIELD_SECTION_SIZE = 0x06;
    public static final long SETTINGS_QPACK_BLOCKED_STREAMS = 0x07;
    public static final long SETTINGS_ENABLE_CONNECT_PROTOCOL = 0x08;
    public static final long SETTINGS_H3_DATAGRAM = 0x33;

    /** The value of SETTINGS_MAX_FIELD_SECTION_SIZE when absent: no limit (never on the wire). */
    public static final long UNLIMITED = Long.MAX_VALUE;

    /** Every setting at its default: what holds before the peer's SETTINGS arrive (§7.2.4.2). */
    public static final Http3Settings DEFAULTS = new Http3Settings(0, UNLIMITED, 0, false, false);

    /** Bytes {@link #encode} adds for the grease setting: a 4-byte id and a 1-byte value. */
    static final int GREASE_LENGTH = 5;
    // N such that 0x1f * N + 0x21 needs exactly 4 bytes (2^14 .. 2^30-1), so the grease length is fixed.
    private static final long GREASE_N_MIN = ((1L << 14) - 0x21 + 0x1e) / 0x1f;
    private static final long GREASE_N_END = ((1L << 30) - 1 - 0x21) / 0x1f + 1;

    /**
     * @throws IllegalArgumentException if a number is negative or above 2^62-1 (the
     *     variable-length integer range), {@link #UNLIMITED} aside for the field section size
     */
    public Http3Settings {
        requireVarInt(qpackMaxTableCapacity, "qpackMaxTableCapacity");
        if (maxFieldSectionSize != UNLIMITED) {
            requireVarInt(maxFieldSectionSize, "maxFieldSectionSize");
        }
        requireVarInt(qpackBlockedStreams, "qpackBlockedStreams");
    }

    public Http3Settings withQpackMaxTableCapacity(long v) {
        return new Http3Settings(v, maxFieldSectionSize, qpackBlockedStreams, enableConnectProtocol, h3Datagram);
    }

    public Http3Settings withMaxFieldSectionSize(long v) {
        return new Http3Settings(qpackMaxTableCapacity, v, qpackBlockedStreams, enableConnectProtocol, h3Datagram);
    }

    public Http3Settings withQpackBlockedStreams(long v) {
        return new Http3Settings(qpackMaxTableCapacity, maxFieldSectionSize, v, enableConnectProtocol, h3Datagram);
    }

    public Http3Settings withEnableConnectProtocol(boolean v) {
        return new Http3Settings(qpackMaxTableCapacity, maxFieldSectionSize, qpackBlockedStreams, v, h3Datagram);
    }

    public Http3Settings withH3Datagram(boolean v) {
        return new Http3Settings(qpackMaxTableCapacity, maxFieldSectionSize, qpackBlockedStreams, enableConnectProtocol, v);
    }

    /**
     * Whether {@code id} is an HTTP/2 setting with no HTTP/3 counterpart (0x00, 0x02 ENABLE_PUSH,
     * 0x03 MAX_CONCURRENT_STREAMS, 0x04 INITIAL_WINDOW_SIZE, 0x05 MAX_FRAME_SIZE): QUIC took over
     * their jobs, and receiving one is H3_SETTINGS_ERROR (§7.2.4.1, §11.2.2).
     */
    public static boolean isHttp2Only(long id) {
        return id == 0x00 || id >= 0x02 && id <= 0x05;
    }

    /** Whether {@code id} is a {@code 0x1f * N + 0x21} grease identifier (§7.2.4.1). */
    public static boolean isReserved(long id) {
        return Reserved.is(id);
    }

    /**
     * Parses a SETTINGS frame payload: a sequence of (identifier, value) variable-length integer
     * pairs (§7.2.4). Identifiers Peregrine does not know, grease ones included, are ignored, as
     * §7.2.4 requires.
     *
     * @throws Http3ConnectionException H3_FRAME_ERROR if the payload ends inside a pair (§7.1);
     *     H3_SETTINGS_ERROR for an identifier that occurs twice (which §7.2.4 allows treating as an
     *     error: two values leave the sender's intent ambiguous), for an HTTP/2-only identifier
     *     (§7.2.4.1), and for SETTINGS_ENABLE_CONNECT_PROTOCOL or SETTINGS_H3_DATAGRAM other than
     *     0 or 1 (RFC 9220 §3 with RFC 8441 §3; RFC 9297 §2.1.1)
     */
    public static Http3Settings parse(byte[] payload, int off, int len) throws Http3ConnectionException {
        Objects.checkFromIndexSize(off, len, payload.length);
        long capacity = 0;
        long fieldSection = UNLIMITED;
        long blocked = 0;
        boolean connect = false;
        boolean datagram = false;
        long[] ids = new long[len / 2]; // each pair takes at least 2 bytes
        int count = 0;
        for (int p = off, end = off + len; p < end; ) {
            long id = VarInt.read(payload, p, end - p);
            if (id == VarInt.NEED_MORE) {
                throw new Http3ConnectionException(H3_FRAME_ERROR, "§7.1: SETTINGS payload ends inside an identifier");
            }
            p += VarInt.encodedLength(payload[p]);
            long value = VarInt.read(payload, p, end - p);
            if (value == VarInt.NEED_MORE) {
                throw new Http3ConnectionException(H3_FRAME_ERROR, "§7.1: SETTINGS payload ends inside a value");
            }
            p += VarInt.encodedLength(payload[p]);
            if (isHttp2Only(id)) {
                throw new Http3ConnectionException(H3_SETTINGS_ERROR, "§7.2.4.1: an HTTP/2 setting in HTTP/3 SETTINGS");
            }
            ids[count++] = id;
            if (id == SETTINGS_QPACK_MAX_TABLE_CAPACITY) {
                capacity = value;
            } else if (id == SETTINGS_MAX_FIELD_SECTION_SIZE) {
                fieldSection = value;
            } else if (id == SETTINGS_QPACK_BLOCKED_STREAMS) {
                blocked = value;
            } else if (id == SETTINGS_ENABLE_CONNECT_PROTOCOL) {
                connect = bool(value, "RFC 9220 §3: SETTINGS_ENABLE_CONNECT_PROTOCOL other than 0 or 1");
            } else if (id == SETTINGS_H3_DATAGRAM) {
                datagram = bool(value, "RFC 9297 §2.1.1: SETTINGS_H3_DATAGRAM other than 0 or 1");
            }
        }
        // Sorted rather than compared pairwise, so a long SETTINGS frame costs n log n, not n^2.
        Arrays.sort(ids, 0, count);
        for (int i = 1; i < count; i++) {
            if (ids[i] == ids[i - 1]) {
                throw new Http3ConnectionException(H3_SETTINGS_ERROR, "§7.2.4: a setting identifier occurs twice");
            }
        }
        return new Http3Settings(capacity, fieldSection, blocked, connect, datagram);
    }

    /** The length of {@link #encode}'s output. */
    public int encodedLength(boolean grease) {
        int n = grease ? GREASE_LENGTH : 0;
        if (qpackMaxTableCapacity != 0) {
            n += 1 + VarInt.length(qpackMaxTableCapacity);
        }
        if (maxFieldSectionSize != UNLIMITED) {
            n += 1 + VarInt.length(maxFieldSectionSize);
        }
        if (qpackBlockedStreams != 0) {
            n += 1 + VarInt.length(qpackBlockedStreams);
        }
        if (enableConnectProtocol) {
            n += 2;
        }
        if (h3Datagram) {
            n += 2;
        }
        return n;
    }

    /**
     * Writes the SETTINGS payload (not the frame header; see {@link FrameWriter#settings}): every
     * setting that differs from its default, in identifier order, which is all a peer needs since
     * absent means default (§7.2.4.2).
     *
     * @param grease also write one setting with a random reserved identifier and value, which
     *     §7.2.4.1 says endpoints SHOULD do, so that peers keep ignoring unknown identifiers;
     *     false gives exact, repeatable bytes
     * @return the offset after the payload
     * @throws IndexOutOfBoundsException if {@link #encodedLength} bytes do not fit; nothing is
     *     written then
     */
    public int encode(byte[] dst, int off, boolean grease) {
        Objects.checkFromIndexSize(off, encodedLength(grease), dst.length);
        int p = off;
        if (qpackMaxTableCapacity != 0) {
            p = pair(SETTINGS_QPACK_MAX_TABLE_CAPACITY, qpackMaxTableCapacity, dst, p);
        }
        if (maxFieldSectionSize != UNLIMITED) {
            p = pair(SETTINGS_MAX_FIELD_SECTION_SIZE, maxFieldSectionSize, dst, p);
        }
        if (qpackBlockedStreams != 0) {
            p = pair(SETTINGS_QPACK_BLOCKED_STREAMS, qpackBlockedStreams, dst, p);
        }
        if (enableConnectProtocol) {
            p = pair(SETTINGS_ENABLE_CONNECT_PROTOCOL, 1, dst, p);
        }
        if (h3Datagram) {
            p = pair(SETTINGS_H3_DATAGRAM, 1, dst, p);
        }
        if (grease) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            p = VarInt.write(Reserved.value(random.nextLong(GREASE_N_MIN, GREASE_N_END)), 4, dst, p);
            p = VarInt.write(random.nextInt(64), 1, dst, p);
        }
        return p;
    }

    private static int pair(long id, long value, byte[] dst, int p) {
        return VarInt.write(value, dst, VarInt.write(id, dst, p));
    }

    private static boolean bool(long value, String rule) throws Http3ConnectionException {
        if (value > 1) {
            throw new Http3ConnectionException(H3_SETTINGS_ERROR, rule);
        }
        return value == 1;
    }

    private static void requireVarInt(long v, String name) {
        if (v < 0 || v > VarInt.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be 0..2^62-1: " + v);
        }
    }
}
