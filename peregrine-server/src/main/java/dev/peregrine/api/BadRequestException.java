package dev.peregrine.api;

import java.io.IOException;

/**
 * A request body the server refuses while the handler reads it: too large (413), malformed
 * chunked framing (400), cut short or too slow (400/408). An {@link IOException} so handlers that
 * stream the body handle it like any broken input; the connection answers with {@link #status()}
 * if nothing was sent yet, and closes because the body's framing is no longer known.
 */
public final class BadRequestException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public BadRequestException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
