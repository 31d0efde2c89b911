/**
 * The QUIC transport: {@link dev.peregrine.transport.MultiplexedListener} and its connections and streams over
 * Netty QUIC (quiche with BoringSSL, shipped in the jar). It only moves bytes: HTTP/3 lives above it, in
 * {@code dev.peregrine.http3}. Netty's event loop moves datagrams, bytes and flow-control credit; the blocking
 * calls run on the callers' virtual threads and wait on locks, never on the event loop.
 *
 * <p>Entry points: {@link dev.peregrine.quic.QuicListener#bind}, {@link dev.peregrine.quic.QuicTls},
 * {@link dev.peregrine.quic.QuicOptions}. The JVM needs {@code --enable-native-access=ALL-UNNAMED}.
 */
package dev.peregrine.quic;
