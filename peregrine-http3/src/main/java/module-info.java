/**
 * HTTP/3 for Peregrine: QUIC from Netty's quiche binding, HTTP/3 and QPACK of Peregrine's own.
 * Users need {@code dev.peregrine.http3} ({@code Http3.on(...)}, {@code Http3Options}) and the
 * QUIC limits in {@code dev.peregrine.quic}; the frame codec and QPACK stay internal.
 */
module dev.peregrine.http3 {
    requires transitive dev.peregrine.server;
    requires io.netty.buffer;
    requires io.netty.codec.classes.quic;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.transport;
    requires io.netty.transport.classes.epoll;

    exports dev.peregrine.http3;
    exports dev.peregrine.quic;
}
