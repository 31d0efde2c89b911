/**
 * HTTPS as connection middleware: {@link dev.peregrine.tls.TlsMiddleware} turns an accepted
 * transport connection into a TLS connection (TLS 1.3/1.2 through the
 * JDK's SSLEngine, ALPN, SNI, client certificates) before any HTTP code sees it.
 *
 * <ul>
 *   <li>{@link dev.peregrine.tls.TlsOptions} — configuration, secure by default.
 *   <li>{@link dev.peregrine.tls.CertificateSource}, {@link dev.peregrine.tls.TrustSource},
 *       {@link dev.peregrine.tls.KeyMaterial} — keystores and PEM files, reloadable.
 *   <li>{@link dev.peregrine.tls.SelfSignedCertificate}, {@link dev.peregrine.tls.DevCertificate}
 *       — the {@code peregrine dev-cert} certificate, with a DER writer of our own.
 * </ul>
 */
package dev.peregrine.tls;
