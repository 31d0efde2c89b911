package dev.peregrine.http3;

import dev.peregrine.api.Handler;
import dev.peregrine.api.Headers;
import dev.peregrine.hpack.HpackWriter;
import dev.peregrine.http3.frame.FrameBuffer;
import dev.peregrine.http3.frame.FrameInput;
import dev.peregrine.http3.frame.FrameType;
import dev.peregrine.http3.frame.FrameWriter;
import dev.peregrine.http3.frame.Http3Settings;
import dev.peregrine.http3.frame.StreamType;
import dev.peregrine.qpack.QpackDecoder;
import dev.peregrine.qpack.QpackEncoder;
import dev.peregrine.server.ServerOptions;
import dev.peregrine.server.internal.BufferPool;
import dev.peregrine.server.internal.DateCache;
import dev.peregrine.server.internal.Instrumentation;
import dev.peregrine.server.internal.ServerContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A scripted HTTP/3 client over {@link InMemoryQuic} with the server's {@link Http3Connection}
 * running on a virtual thread: frames are written by hand (so tests can break the rules) and
 * responses parsed with the codec's own {@link FrameInput} and a QPACK decoder.
 */
final class H3TestClient implements AutoCloseable {

    record Response(int status, Headers headers, byte[] body, Headers trailers, List<Integer> interim) {
        String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    final InMemoryQuic quic;
    final Instrumentation metrics = new Instrumentation();
    final Http3Connection connection;
    final Thread thread;
    private final QpackEncoder encoder = new QpackEncoder();
    private final QpackDecoder decoder = new QpackDecoder(0, 0, 1 << 20, (b, off, len) -> { });
    InMemoryQuic.ClientStream control;

    H3TestClient(Handler handler) {
        this(handler, ServerOptions.defaults(), Http3Options.defaults(), InMemoryQuic.PIPE_BYTES);
    }

    H3TestClient(Handler handler, ServerOptions options, Http3Options h3, int pipeBytes) {
        this.quic = new InMemoryQuic(pipeBytes);
        ServerContext context = new ServerContext(options, handler, new DateCache(),
                new BufferPool(options.readBufferBytes(), 4), metrics);
        this.connection = new Http3Connection(1, quic, context, h3);
        this.thread = Thread.ofVirtual().start(connection::process);
    }

    /** Opens the client's control stream with SETTINGS, and its QPACK streams. */
    H3TestClient handshake() throws IOException {
        control = quic.openUni();
        FrameBuffer b = new FrameBuffer();
        FrameWriter.streamType(StreamType.CONTROL, b);
        FrameWriter.settings(Http3Settings.DEFAULTS, false, b);
        control.write(b.toByteArray(), false);
        quic.openUni().write(new byte[] {(byte) StreamType.QPACK_ENCODER}, false);
        quic.openUni().write(new byte[] {(byte) StreamType.QPACK_DECODER}, false);
        return this;
    }

    /** A HEADERS frame for a request. */
    byte[] headersFrame(String method, String path, Headers fields) {
        HpackWriter section = new HpackWriter();
        encoder.encodeRequest(method, "https", "localhost", path, fields == null ? new Headers() : fields, section);
        return frame(FrameType.HEADERS, section.toByteArray());
    }

    byte[] trailersFrame(Headers trailers) {
        HpackWriter section = new HpackWriter();
        encoder.encodeTrailers(trailers, section);
        return frame(FrameType.HEADERS, section.toByteArray());
    }

    static byte[] dataFrame(String text) {
        return frame(FrameType.DATA, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static byte[] frame(long type, byte[] payload) {
        FrameBuffer b = new FrameBuffer(payload.length + 16);
        FrameWriter.header(type, payload.length, b);
        b.write(payload, 0, payload.length);
        return b.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Sends a whole request (HEADERS, optional DATA) with FIN. */
    InMemoryQuic.ClientStream send(String method, String path, Headers fields, String body) throws IOException {
        InMemoryQuic.ClientStream s = quic.openBidi();
        byte[] head = headersFrame(method, path, fields);
        s.write(body == null ? head : concat(head, dataFrame(body)), true);
        return s;
    }

    Response get(String path) throws Exception {
        return read(send("GET", path, null, null));
    }

    /** Reads a response to FIN: interim heads, the head, DATA, trailers. */
    Response read(InMemoryQuic.ClientStream s) throws Exception {
        FrameInput in = new FrameInput(s::read);
        List<Integer> interim = new ArrayList<>();
        Headers head = null;
        Headers trailers = null;
        int status = 0;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (in.nextFrame()) {
            if (in.type() == FrameType.HEADERS) {
                Headers h = decode(in.payload(1 << 20));
                if (head == null) {
                    int st = Integer.parseInt(h.get(":status"));
                    if (st < 200) {
                        interim.add(st);
                        continue;
                    }
                    status = st;
                    head = h;
                } else {
                    trailers = h;
                }
            } else if (in.type() == FrameType.DATA) {
                byte[] b = new byte[8192];
                int n;
                while ((n = in.readPayload(b, 0, b.length)) > 0) {
                    body.write(b, 0, n);
                }
            } else {
                in.skipPayload();
            }
        }
        return new Response(status, head, body.toByteArray(), trailers, interim);
    }

    Headers decode(byte[] section) throws Exception {
        Headers h = new Headers();
        decoder.decode(0, section, 0, section.length, h::add, System.nanoTime() + 5_000_000_000L);
        return h;
    }

    @Override
    public void close() throws InterruptedException {
        quic.clientClose();
        thread.join(5000);
    }
}
