package dev.peregrine.http1;

/**
 * Malformed or over-limit HTTP/1.1 input, carrying the status the server answers with before it
 * closes the connection (framing can no longer be trusted).
 *
 * <p>Thrown on attacker-controlled input in the hot path, so it is built without a stack trace
 * and without suppression: creating one costs about as much as any small object.
 */
public final class HttpParseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * @param status one of 400, 413, 414, 431, 501, 505
     * @param reason a short, fixed description — never echo request bytes into it
     */
    public HttpParseException(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    /** The response status: 400, 413, 414, 431, 501 or 505. */
    public int status() {
        return status;
    }

    static HttpParseException badRequest(String reason) {
        return new HttpParseException(400, reason);
    }

    static HttpParseException headersTooLarge(String reason) {
        return new HttpParseException(431, reason);
    }

    @Override
    public String toString() {
        return "HttpParseException[" + status + "]: " + getMessage();
    }
}
