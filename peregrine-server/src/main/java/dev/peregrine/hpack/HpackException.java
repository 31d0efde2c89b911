package dev.peregrine.hpack;

/**
 * A header block that cannot be decoded: HTTP/2 treats it as a connection error of type
 * COMPRESSION_ERROR (RFC 9113 §4.3), since the dynamic table can no longer be trusted.
 *
 * <p>Raised on attacker-controlled input, so it is built without a stack trace and without
 * suppression: creating one costs about as much as any small object.
 */
public final class HpackException extends Exception {

    private static final long serialVersionUID = 1L;

    /** @param reason a short, fixed description — never echo header bytes into it */
    public HpackException(String reason) {
        super(reason, null, false, false);
    }
}
