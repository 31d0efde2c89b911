package dev.peregrine.tls;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The little DER (X.690) this package needs: a writer for building an X.509 certificate and
 * wrapping legacy keys into PKCS#8, and a reader for taking such structures apart. Values are
 * built as byte arrays and concatenated — certificate generation is rare, so clarity beats speed.
 */
final class Der {

    static final int INTEGER = 0x02;
    static final int BIT_STRING = 0x03;
    static final int OCTET_STRING = 0x04;
    static final int NULL = 0x05;
    static final int OID = 0x06;
    static final int SEQUENCE = 0x30;
    static final int SET = 0x31;

    private static final DateTimeFormatter UTC_TIME = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter GENERALIZED_TIME =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);
    /** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050 on. */
    private static final Instant UTC_TIME_END = Instant.parse("2050-01-01T00:00:00Z");

    private Der() {}

    // ---- writing -------------------------------------------------------------------------

    static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 6);
        out.write(tag);
        int len = value.length;
        if (len < 0x80) {
            out.write(len);
        } else {
            int bytes = (32 - Integer.numberOfLeadingZeros(len) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(len >>> (8 * i));
            }
        }
        out.writeBytes(value);
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] sequence(byte[]... parts) {
        return tlv(SEQUENCE, concat(parts));
    }

    static byte[] set(byte[]... parts) {
        return tlv(SET, concat(parts));
    }

    static byte[] integer(BigInteger value) {
        return tlv(INTEGER, value.toByteArray());
    }

    static byte[] integer(long value) {
        return integer(BigInteger.valueOf(value));
    }

    static byte[] bool(boolean value) {
        return tlv(0x01, new byte[] {(byte) (value ? 0xFF : 0x00)});
    }

    static byte[] nul() {
        return new byte[] {NULL, 0};
    }

    static byte[] octetString(byte[] value) {
        return tlv(OCTET_STRING, value);
    }

    /** A BIT STRING whose last byte has {@code unusedBits} padding bits. */
    static byte[] bitString(byte[] bits, int unusedBits) {
        byte[] value = new byte[bits.length + 1];
        value[0] = (byte) unusedBits;
        System.arraycopy(bits, 0, value, 1, bits.length);
        return tlv(BIT_STRING, value);
    }

    static byte[] utf8String(String s) {
        return tlv(0x0C, s.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] oid(String dotted) {
        String[] arcs = dotted.split("\\.");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeBase128(out, Long.parseLong(arcs[0]) * 40 + Long.parseLong(arcs[1]));
        for (int i = 2; i < arcs.length; i++) {
            writeBase128(out, Long.parseLong(arcs[i]));
        }
        return tlv(OID, out.toByteArray());
    }

    private static void writeBase128(ByteArrayOutputStream out, long v) {
        int groups = Math.max(1, (64 - Long.numberOfLeadingZeros(v) + 6) / 7);
        for (int i = groups - 1; i >= 0; i--) {
            int b = (int) ((v >>> (7 * i)) & 0x7F);
            out.write(i == 0 ? b : b | 0x80);
        }
    }

    /** X.509 Time: UTCTime or GeneralizedTime by year, at second precision. */
    static byte[] time(Instant t) {
        Instant s = t.truncatedTo(ChronoUnit.SECONDS);
        return s.isBefore(UTC_TIME_END)
                ? tlv(0x17, UTC_TIME.format(s).getBytes(StandardCharsets.US_ASCII))
                : tlv(0x18, GENERALIZED_TIME.format(s).getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code [n] EXPLICIT}: a constructed context tag around a complete encoding. */
    static byte[] explicit(int n, byte[] encoding) {
        return tlv(0xA0 | n, encoding);
    }

    /** {@code [n] IMPLICIT} of a primitive type: the context tag replaces the type's tag. */
    static byte[] implicitPrimitive(int n, byte[] value) {
        return tlv(0x80 | n, value);
    }

    // ---- reading -------------------------------------------------------------------------

    /** One decoded element: its tag and its contents (not the header). */
    record Tlv(int tag, byte[] value) {
        boolean is(int t) {
            return tag == t;
        }

        List<Tlv> children() {
            return readAll(value);
        }
    }

    /** Decodes one complete element that must span all of {@code der}. */
    static Tlv read(byte[] der) {
        List<Tlv> all = readAll(der);
        if (all.size() != 1) {
            throw new IllegalArgumentException("expected one DER element, found " + all.size());
        }
        return all.getFirst();
    }

    /** Decodes consecutive elements filling {@code der} (definite lengths only, as DER requires). */
    static List<Tlv> readAll(byte[] der) {
        List<Tlv> out = new ArrayList<>();
        int i = 0;
        while (i < der.length) {
            if (der.length - i < 2) {
                throw new IllegalArgumentException("truncated DER header");
            }
            int tag = der[i++] & 0xFF;
            if ((tag & 0x1F) == 0x1F) {
                throw new IllegalArgumentException("multi-byte DER tags are not supported");
            }
            int len = der[i++] & 0xFF;
            if (len >= 0x80) {
                int n = len & 0x7F;
                if (n == 0 || n > 3 || der.length - i < n) {
                    throw new IllegalArgumentException("bad DER length");
                }
                len = 0;
                for (int k = 0; k < n; k++) {
                    len = (len << 8) | (der[i++] & 0xFF);
                }
            }
            if (len > der.length - i) {
                throw new IllegalArgumentException("DER element runs past its container");
            }
            byte[] value = new byte[len];
            System.arraycopy(der, i, value, 0, len);
            i += len;
            out.add(new Tlv(tag, value));
        }
        return out;
    }

    static String oidToString(byte[] value) {
        StringBuilder sb = new StringBuilder();
        long acc = 0;
        boolean first = true;
        for (byte b : value) {
            acc = (acc << 7) | (b & 0x7F);
            if ((b & 0x80) == 0) {
                if (first) {
                    long top = Math.min(acc / 40, 2);
                    sb.append(top).append('.').append(acc - top * 40);
                    first = false;
                } else {
                    sb.append('.').append(acc);
                }
                acc = 0;
            }
        }
        return sb.toString();
    }
}
