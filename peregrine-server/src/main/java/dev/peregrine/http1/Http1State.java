package dev.peregrine.http1;

/**
 * The keep-alive state machine of one HTTP/1.1 connection, after hyper's {@code proto::h1::conn::State}.
 * The read side and the write side move independently; an exchange is over when both reach
 * {@code KEEP_ALIVE}, and the connection then goes back to {@code INIT} or closes.
 *
 * <pre>
 *  Reading:  INIT --head--> BODY --body read--> KEEP_ALIVE --both done, keep-alive--> INIT
 *              \--head without body------------^         \--both done, disabled--> CLOSED
 *  Writing:  INIT --head sent--> BODY --body ended--> KEEP_ALIVE --> INIT | CLOSED
 *  KeepAlive: IDLE (waiting for a head) --bytes--> BUSY --exchange done--> IDLE
 *             any --close requested (Connection: close, HTTP/1.0, error, stop)--> DISABLED
 * </pre>
 *
 * Any side may jump to {@code CLOSED} when framing can no longer be trusted. Confined to the
 * connection's thread; the stop flag is the only thing other threads touch, through
 * {@link Http1Connection}.
 */
final class Http1State {

    enum Reading { INIT, BODY, KEEP_ALIVE, CLOSED }

    enum Writing { INIT, BODY, KEEP_ALIVE, CLOSED }

    enum KeepAlive { IDLE, BUSY, DISABLED }

    private Reading reading = Reading.INIT;
    private Writing writing = Writing.INIT;
    private KeepAlive keepAlive = KeepAlive.IDLE;

    Reading reading() {
        return reading;
    }

    Writing writing() {
        return writing;
    }

    KeepAlive keepAlive() {
        return keepAlive;
    }

    /** A new request head may be read: the previous exchange is over and the connection is open. */
    boolean canReadHead() {
        return reading == Reading.INIT && writing == Writing.INIT;
    }

    /** A head was parsed; {@code hasBody} selects BODY, {@code keepAliveWanted} false disables reuse. */
    void headRead(boolean hasBody, boolean keepAliveWanted) {
        if (keepAlive != KeepAlive.DISABLED) {
            keepAlive = KeepAlive.BUSY;
        }
        reading = hasBody ? Reading.BODY : Reading.KEEP_ALIVE;
        if (!keepAliveWanted) {
            disableKeepAlive();
        }
    }

    boolean isReadingBody() {
        return reading == Reading.BODY;
    }

    /** The request body was read (or drained) to its end. */
    void bodyRead() {
        if (reading == Reading.BODY) {
            reading = Reading.KEEP_ALIVE;
        }
    }

    /** The response head went out; {@code hasBody} false for HEAD, 204, 304 and empty bodies. */
    void responseHeadWritten(boolean hasBody) {
        writing = hasBody ? Writing.BODY : Writing.KEEP_ALIVE;
    }

    /** The response body ended (last chunk, or Content-Length bytes). */
    void responseDone() {
        if (writing == Writing.BODY || writing == Writing.INIT) {
            writing = Writing.KEEP_ALIVE;
        }
    }

    /** No further exchange on this connection: the current one may still finish. */
    void disableKeepAlive() {
        keepAlive = KeepAlive.DISABLED;
    }

    boolean wantsKeepAlive() {
        return keepAlive != KeepAlive.DISABLED;
    }

    /**
     * Both sides finished: back to INIT and IDLE when the connection may be reused, else CLOSED.
     * Returns whether another request may follow.
     */
    boolean finishExchange() {
        if (reading == Reading.KEEP_ALIVE && writing == Writing.KEEP_ALIVE && keepAlive != KeepAlive.DISABLED) {
            reading = Reading.INIT;
            writing = Writing.INIT;
            keepAlive = KeepAlive.IDLE;
            return true;
        }
        close();
        return false;
    }

    /** Framing is lost or the connection is done: nothing more is read or written. */
    void close() {
        reading = Reading.CLOSED;
        writing = Writing.CLOSED;
        keepAlive = KeepAlive.DISABLED;
    }

    boolean isClosed() {
        return reading == Reading.CLOSED;
    }

    @Override
    public String toString() {
        return "Http1State[reading=" + reading + ", writing=" + writing + ", keepAlive=" + keepAlive + "]";
    }
}
