package dev.peregrine.qpack;

/**
 * A {@linkplain QpackDecoder#decode blocked} field section that was given up on before the
 * inserts it needs arrived (RFC 9204 §2.1.2, §2.2.1). Its {@link #reason()} says what the caller
 * should do:
 * <ul>
 *   <li>{@link Reason#DEADLINE}: the peer referenced entries it did not send in time. Treat as
 *       the connection error {@link #errorCode()} ({@code QPACK_DECOMPRESSION_FAILED}): a peer
 *       that holds a stream blocked forever ties up a blocked-stream slot and a thread;
 *   <li>{@link Reason#CANCELLED}: {@link QpackDecoder#streamCancelled} was called for this stream,
 *       which is already being reset; nothing more to do;
 *   <li>{@link Reason#CLOSED}: {@link QpackDecoder#close()} was called or the encoder stream
 *       failed; the connection is already going away.
 * </ul>
 */
public final class QpackBlockedException extends QpackException {

    private static final long serialVersionUID = 1L;

    /** Why a blocked decode stopped waiting. */
    public enum Reason { DEADLINE, CANCELLED, CLOSED }

    private final Reason reason;

    QpackBlockedException(Reason reason) {
        super(QPACK_DECOMPRESSION_FAILED, switch (reason) {
            case DEADLINE -> "blocked stream deadline passed";
            case CANCELLED -> "blocked stream cancelled";
            case CLOSED -> "decoder closed";
        });
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
