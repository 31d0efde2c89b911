package dev.peregrine.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One HTTP/1.x response as {@link RawClient} read it off the wire: status line, header fields
 * (names lower-cased, in arrival order), the de-framed body and, for chunked bodies, the trailers.
 */
public final class RawResponse {

    /** One field line; the name is lower-cased. */
    public record Field(String name, String value) {}

    /** How the body was delimited on the wire. */
    public enum Framing { NONE, LENGTH, CHUNKED, CLOSE }

    private final String version;
    private final int status;
    private final String reason;
    private final List<Field> headers;
    private final byte[] body;
    private final List<Field> trailers;
    private final Framing framing;

    public RawResponse(String version, int status, String reason, List<Field> headers, byte[] body,
            List<Field> trailers, Framing framing) {
        this.version = version;
        this.status = status;
        this.reason = reason;
        this.headers = List.copyOf(headers);
        this.body = body;
        this.trailers = List.copyOf(trailers);
        this.framing = framing;
    }

    public String version() {
        return version;
    }

    public int status() {
        return status;
    }

    public String reason() {
        return reason;
    }

    public List<Field> headers() {
        return headers;
    }

    public byte[] body() {
        return body;
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    public List<Field> trailers() {
        return trailers;
    }

    public Framing framing() {
        return framing;
    }

    /** The first value of a header field, or null. */
    public String header(String name) {
        return first(headers, name);
    }

    /** Every value of a header field, in order. */
    public List<String> headerValues(String name) {
        return all(headers, name);
    }

    /** The first value of a trailer field, or null. */
    public String trailer(String name) {
        return first(trailers, name);
    }

    /** Whether a header field, read as a comma-separated list, has {@code token} (ignoring case). */
    public boolean hasToken(String name, String token) {
        for (String v : all(headers, name)) {
            for (String element : v.split(",")) {
                if (element.trim().equalsIgnoreCase(token)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether the server announced it will close the connection after this response. */
    public boolean connectionClose() {
        return hasToken("connection", "close");
    }

    private static String first(List<Field> fields, String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (Field f : fields) {
            if (f.name().equals(lower)) {
                return f.value();
            }
        }
        return null;
    }

    private static List<String> all(List<Field> fields, String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        List<String> values = new ArrayList<>();
        for (Field f : fields) {
            if (f.name().equals(lower)) {
                values.add(f.value());
            }
        }
        return values;
    }

    @Override
    public String toString() {
        return version + " " + status + " " + reason + " " + headers + " body=" + body.length + " bytes ("
                + framing + ")" + (trailers.isEmpty() ? "" : " trailers=" + trailers);
    }
}
