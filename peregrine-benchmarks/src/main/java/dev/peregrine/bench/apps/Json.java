package dev.peregrine.bench.apps;

import java.nio.charset.StandardCharsets;

/**
 * The {@code GET /json} payload and the one tiny serializer every app uses, so that each server does
 * the same per-request work: build an object, serialize it, send it (TechEmpower's JSON test shape).
 * No JSON library: a library would measure itself more than the server.
 */
public final class Json {

    private Json() {}

    /** The object serialized per request. */
    public record Message(String message) {}

    public static Message message() {
        return new Message(AppConfig.HELLO);
    }

    /** {@code {"message":"Hello, World!"}} as UTF-8. */
    public static byte[] serialize(Message m) {
        StringBuilder sb = new StringBuilder(32);
        sb.append("{\"message\":");
        string(sb, m.message());
        sb.append('}');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
