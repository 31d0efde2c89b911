package dev.peregrine.tls;

import javax.net.ssl.SSLHandshakeException;

/**
 * A TLS handshake that did not complete, with why, as counted in {@link TlsMiddleware.Stats}.
 * By the time it is thrown the connection has been closed (after any alert or plain-text answer).
 */
public final class TlsHandshakeException extends SSLHandshakeException {

    /** Why a handshake failed; each is a separate counter. */
    public enum Reason {
        /** The handshake did not finish within {@link TlsOptions#handshakeTimeout()}. */
        TIMEOUT,
        /** The peer closed, or the connection was aborted, before the handshake finished. */
        CLOSED,
        /** The client spoke plain HTTP to the TLS port; it was answered with 400. */
        PLAINTEXT_HTTP,
        /** The first bytes were neither a TLS handshake record nor HTTP. */
        NOT_TLS,
        /** The client offered only protocol versions below TLS 1.2 (or none we enable). */
        PROTOCOL_VERSION,
        /** SNI named a host with no certificate while {@link TlsOptions.UnknownServerName#REJECT} is set. */
        UNRECOGNIZED_NAME,
        /** The client's ALPN list shares no protocol with ours. */
        NO_APPLICATION_PROTOCOL,
        /** A required client certificate was missing, or the one sent did not verify. */
        CLIENT_CERTIFICATE,
        /** Any other TLS failure: a malformed hello, no common cipher suite, a bad record... */
        TLS_ERROR
    }

    private final Reason reason;

    public TlsHandshakeException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message);
        this.reason = reason;
        if (cause != null) {
            initCause(cause);
        }
    }

    public Reason reason() {
        return reason;
    }
}
