/**
 * HTTP/3 framing (RFC 9114 §7) on top of QUIC variable-length integers (RFC 9000 §16), as a
 * sans-IO codec: nothing here opens a socket or a QUIC stream.
 *
 * <ul>
 *   <li>{@link dev.peregrine.http3.frame.VarInt}: the integer encoding under every field;
 *   <li>{@link dev.peregrine.http3.frame.FrameInput}: pulls frames off one stream through a
 *       {@link dev.peregrine.http3.frame.ByteSource}, streaming DATA and bounding the rest;
 *   <li>{@link dev.peregrine.http3.frame.FrameWriter}: appends frames to a {@code byte[]} or a
 *       {@link dev.peregrine.http3.frame.FrameBuffer};
 *   <li>{@link dev.peregrine.http3.frame.Http3Settings}: the SETTINGS payload, both ways;
 *   <li>{@link dev.peregrine.http3.frame.ControlStreamRules},
 *       {@link dev.peregrine.http3.frame.RequestStreamRules},
 *       {@link dev.peregrine.http3.frame.UniStreamRules}: which frame (or stream) type is legal
 *       where, as pure decisions that either name what to do or throw the
 *       {@link dev.peregrine.http3.frame.Http3Exception} the RFC prescribes.
 * </ul>
 *
 * <p>The rules are written for a server: the peer is always a client.
 */
package dev.peregrine.http3.frame;
