package dev.peregrine.tls;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The two facts of a ClientHello (RFC 8446 §4.1.2) worth knowing when a handshake fails: the
 * highest version offered and the SNI name. Read without consuming, from the first record only;
 * the JDK still parses and judges the hello itself — this only names the failure precisely.
 *
 * @param maxVersion highest version offered, e.g. 0x0304 for TLS 1.3 (supported_versions wins over legacy_version)
 * @param serverName the SNI host name, or null
 */
record ClientHello(int maxVersion, String serverName) {

    /** Parses the record starting at {@code buf.position()}; null if incomplete or not a ClientHello. */
    static ClientHello peek(ByteBuffer buf) {
        try {
            ByteBuffer b = buf.duplicate();
            if ((b.get() & 0xFF) != 0x16) {
                return null;
            }
            b.getShort();
            int recordLength = b.getShort() & 0xFFFF;
            if (b.remaining() < recordLength) {
                return null;
            }
            b.limit(b.position() + recordLength);
            if (b.get() != 0x01) {
                return null;
            }
            b.position(b.position() + 3); // handshake length; a hello spanning records gets cut below
            int version = b.getShort() & 0xFFFF;
            skip(b, 32); // random
            skip(b, b.get() & 0xFF); // session id
            skip(b, b.getShort() & 0xFFFF); // cipher suites
            skip(b, b.get() & 0xFF); // compression methods
            String serverName = null;
            if (b.remaining() >= 2) {
                int end = Math.min(b.limit(), b.position() + 2 + (b.getShort() & 0xFFFF));
                while (b.position() + 4 <= end) {
                    int type = b.getShort() & 0xFFFF;
                    int length = b.getShort() & 0xFFFF;
                    int next = b.position() + length;
                    if (next > end) {
                        break;
                    }
                    if (type == 0x0000 && length > 5) { // server_name: list length, type, name length, name
                        b.getShort();
                        if (b.get() == 0) {
                            byte[] name = new byte[Math.min(b.getShort() & 0xFFFF, next - b.position())];
                            b.get(name);
                            serverName = new String(name, StandardCharsets.US_ASCII);
                        }
                    } else if (type == 0x002B && length >= 1) { // supported_versions
                        int count = (b.get() & 0xFF) / 2;
                        int max = 0;
                        for (int i = 0; i < count && b.position() + 2 <= next; i++) {
                            int v = b.getShort() & 0xFFFF;
                            if ((v & 0x0F0F) != 0x0A0A) { // skip GREASE values (RFC 8701)
                                max = Math.max(max, v);
                            }
                        }
                        version = max;
                    }
                    b.position(next);
                }
            }
            return new ClientHello(version, serverName);
        } catch (RuntimeException e) { // BufferUnderflow, IllegalArgument: not a parseable hello
            return null;
        }
    }

    private static void skip(ByteBuffer b, int n) {
        b.position(b.position() + n);
    }

    static String versionName(int v) {
        return switch (v) {
            case 0x0304 -> "TLSv1.3";
            case 0x0303 -> "TLSv1.2";
            case 0x0302 -> "TLSv1.1";
            case 0x0301 -> "TLSv1";
            case 0x0300 -> "SSLv3";
            default -> String.format("0x%04x", v);
        };
    }
}
