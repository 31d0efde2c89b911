package dev.peregrine.server;

import dev.peregrine.server.internal.TimeoutControl;

/**
 * The deadlines that close connections or reset streams, as metrics ({@code peregrine.timeouts})
 * and JFR events name them; debug log lines say the same {@link #label()}.
 */
public enum TimeoutKind {
    /** An idle connection waited longer than {@code keepAliveTimeout} (or sent nothing at all). */
    KEEP_ALIVE("keep_alive"),
    /** A request head took longer than {@code requestHeadersTimeout}. */
    REQUEST_HEADERS("request_headers"),
    /** A request body arrived below {@code minRequestBodyBytesPerSecond}. */
    REQUEST_BODY_RATE("request_body_rate"),
    /** The client took the response below {@code minResponseBytesPerSecond}. */
    RESPONSE_RATE("response_rate"),
    /** HTTP/2: the client did not acknowledge our SETTINGS in time (RFC 9113 §6.5.3). */
    SETTINGS_ACK("settings_ack");

    private final String label;

    TimeoutKind(String label) {
        this.label = label;
    }

    /** The name in metrics, events and log lines, e.g. {@code keep_alive}. */
    public String label() {
        return label;
    }

    /** The kind of an HTTP/1.1 connection's deadline. */
    public static TimeoutKind of(TimeoutControl.Reason reason) {
        return switch (reason) {
            case KEEP_ALIVE -> KEEP_ALIVE;
            case REQUEST_HEADERS -> REQUEST_HEADERS;
            case READ_DATA_RATE -> REQUEST_BODY_RATE;
            case WRITE_DATA_RATE -> RESPONSE_RATE;
        };
    }
}
