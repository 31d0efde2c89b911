package dev.peregrine.tls;

import dev.peregrine.transport.Connection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** What a client that sent plain HTTP to the TLS port gets: a clear 400 instead of a hang or an unreadable alert. */
final class PlaintextAnswer {

    private static final byte[] ANSWER = answer();
    /** How much of the plain-text request to read and discard so closing does not reset the connection before the 400 is read. */
    private static final int DRAIN_LIMIT = 64 * 1024;

    private PlaintextAnswer() {}

    /** Writes the 400, half-closes, then lingers reading what the client sent (RFC 9112 §9.6). */
    static void send(Connection raw) {
        try {
            raw.write(ByteBuffer.wrap(ANSWER));
            raw.shutdownOutput();
            ByteBuffer discard = ByteBuffer.allocate(512);
            for (int drained = 0; drained < DRAIN_LIMIT; ) {
                int n = raw.read(discard.clear());
                if (n < 0) {
                    break;
                }
                drained += n;
            }
        } catch (IOException ignored) {
            // the answer is a courtesy; the connection closes either way (the heartbeat ends a slow drain)
        }
    }

    private static byte[] answer() {
        String body = "This port speaks HTTPS. Send the request again with https:// in the URL.\n";
        return ("HTTP/1.1 400 Bad Request\r\n"
                        + "Content-Type: text/plain; charset=utf-8\r\n"
                        + "Content-Length: " + body.length() + "\r\n"
                        + "Connection: close\r\n\r\n" + body)
                .getBytes(StandardCharsets.US_ASCII);
    }
}
