package dev.peregrine.server.internal;

/**
 * How a request failed when its status code does not say it, OpenTelemetry's {@code error.type}
 * for {@code http.server.request.duration}. A response that went out with a 5xx status is an
 * error too, recorded with the status code as its {@code error.type} (as the semantic
 * conventions say); a 4xx is the client's error and has none.
 */
public enum RequestError {
    /** Nothing went wrong (the status may still be a 5xx). */
    NONE(null),
    /** The handler threw after the response head was sent, so the response was aborted. */
    HANDLER_EXCEPTION("handler_exception"),
    /** The response ended before its declared Content-Length, so it was aborted. */
    RESPONSE_INCOMPLETE("response_incomplete"),
    /** The client went away (reset, broken pipe) before the response ended. */
    ABORTED("aborted");

    private final String label;

    RequestError(String label) {
        this.label = label;
    }

    /** The {@code error.type} value, {@code null} for {@link #NONE}. */
    public String label() {
        return label;
    }
}
