package dev.peregrine.tls;

import javax.net.ssl.SSLException;
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

    /**
     * Names the reason of a failed handshake from what is known for sure (our own timeout, our
     * SNI matcher's and ALPN selector's notes, the peeked hello's versions, our trust manager's
     * marker) before falling back to the exception's type.
     */
    static TlsHandshakeException classify(Exception e, boolean timedOut, TlsContext.HandshakeNotes notes,
            ClientHello hello, int lowestVersion) {
        if (e instanceof TlsHandshakeException t) {
            return t;
        }
        String message = String.valueOf(e.getMessage());
        if (timedOut) {
            return new TlsHandshakeException(Reason.TIMEOUT, "no TLS handshake within the timeout", e);
        }
        if (notes.rejectedServerName != null) {
            return new TlsHandshakeException(Reason.UNRECOGNIZED_NAME, "no certificate for " + notes.rejectedServerName, e);
        }
        if (notes.unmatchedAlpn != null) {
            return new TlsHandshakeException(Reason.NO_APPLICATION_PROTOCOL, "client offers ALPN " + notes.unmatchedAlpn, e);
        }
        if (hello != null && hello.maxVersion() < lowestVersion) {
            return new TlsHandshakeException(Reason.PROTOCOL_VERSION,
                    "client offers at most " + ClientHello.versionName(hello.maxVersion()), e);
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            // The JDK's own text for a missing required certificate is the only signal it gives.
            if (c instanceof TlsContext.ClientCertificateRejected || String.valueOf(c.getMessage()).contains("Empty client certificate chain")) {
                return new TlsHandshakeException(Reason.CLIENT_CERTIFICATE, message, e);
            }
        }
        if (e instanceof SSLException) {
            return new TlsHandshakeException(Reason.TLS_ERROR, message, e);
        }
        return new TlsHandshakeException(Reason.CLOSED, message, e);
    }
}
