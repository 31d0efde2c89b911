package dev.peregrine.transport;

import java.io.IOException;

/**
 * A {@link MultiplexedStream} direction ended abnormally: the peer reset its sending side
 * (RESET_STREAM) or asked us to stop sending (STOP_SENDING), or this side aborted it.
 */
public final class StreamAbortedException extends IOException {

    private static final long serialVersionUID = 1L;

    private final long errorCode;

    public StreamAbortedException(String message, long errorCode) {
        super(message + " (error code 0x" + Long.toHexString(errorCode) + ")");
        this.errorCode = errorCode;
    }

    /** The application error code the abort carried. */
    public long errorCode() {
        return errorCode;
    }
}
