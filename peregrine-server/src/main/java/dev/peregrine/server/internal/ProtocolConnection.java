package dev.peregrine.server.internal;

/**
 * What the server asks of a protocol connection (HTTP/1.1, HTTP/2, HTTP/3), whatever it speaks.
 * Kestrel's IRequestProcessor is the model.
 */
public interface ProtocolConnection {

    /**
     * Serves requests until the connection is done; runs on the connection's own virtual thread.
     * Returns true when the connection was handed off still open (parked while idle, see
     * {@link IdleParker}); the caller must then neither close nor unregister it.
     */
    boolean process();

    /**
     * Graceful stop: take no new requests, let the ones in flight finish (their responses say
     * {@code Connection: close}, or GOAWAY), close at once if idle. Any thread.
     */
    void stopAcceptingRequests();

    /** The heartbeat's tick (once a second, from the heartbeat thread): check deadlines. */
    void tick(long nowNanos);

    /** Closes the transport at once; in-flight work fails. Any thread. */
    void abort();
}
