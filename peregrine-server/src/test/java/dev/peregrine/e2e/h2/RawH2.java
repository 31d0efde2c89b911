package dev.peregrine.e2e.h2;

import dev.peregrine.api.Headers;
import dev.peregrine.hpack.HpackDecoder;
import dev.peregrine.hpack.HpackEncoder;
import dev.peregrine.hpack.HpackException;
import dev.peregrine.hpack.HpackWriter;
import dev.peregrine.testkit.H2Frames;
import dev.peregrine.testkit.H2Frames.Frame;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A raw HTTP/2 client over a plain socket (h2c with prior knowledge), for what no real client
 * shows: the frames themselves. Frames are built with the test DSL {@link H2Frames}, request
 * headers encoded with {@link HpackEncoder}; response header blocks are decoded in the order
 * they arrive so the HPACK state stays in step. Reads block for at most {@link H2#WAIT}.
 */
final class RawH2 implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final HpackEncoder encoder = new HpackEncoder(HpackEncoder.DEFAULT_TABLE_SIZE);
    private final HpackDecoder decoder = new HpackDecoder(HpackEncoder.DEFAULT_TABLE_SIZE, 1 << 20);

    private RawH2(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Connects to 127.0.0.1:port and sends the preface and a SETTINGS frame with these (id, value) pairs. */
    static RawH2 connect(int port, long... settings) throws IOException {
        return connect(port, 0, settings);
    }

    /** As {@link #connect(int, long...)} with a socket receive buffer of {@code receiveBuffer} bytes (0: the system's). */
    static RawH2 connect(int port, int receiveBuffer, long... settings) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer); // before connect, so the TCP window is sized by it
        }
        s.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), (int) H2.WAIT.toMillis());
        s.setSoTimeout((int) H2.WAIT.toMillis());
        s.setTcpNoDelay(true);
        RawH2 c = new RawH2(s);
        c.send(H2Frames.preface(), H2Frames.settings(settings));
        return c;
    }

    synchronized void send(byte[]... frames) throws IOException {
        out.write(H2Frames.concat(frames));
        out.flush();
    }

    /** A request header block: the four pseudo-header fields, then {@code extra} name/value pairs. */
    synchronized byte[] requestBlock(String method, String path, String... extra) {
        HpackWriter w = new HpackWriter();
        encoder.encode(":method", method, w);
        encoder.encode(":scheme", "http", w);
        encoder.encode(":authority", "127.0.0.1", w);
        encoder.encode(":path", path, w);
        for (int i = 0; i < extra.length; i += 2) {
            encoder.encode(extra[i], extra[i + 1], w);
        }
        return w.toByteArray();
    }

    /** HEADERS with END_HEADERS, and END_STREAM for a request without a body. */
    byte[] get(int streamId, String path) {
        return H2Frames.headers(streamId, requestBlock("GET", path), H2Frames.Flag.END_HEADERS, H2Frames.Flag.END_STREAM);
    }

    /** One frame as read, with its decoded fields if it is a HEADERS frame. */
    record Event(Frame frame, Headers fields) {
        int type() {
            return frame.type();
        }

        int stream() {
            return frame.streamId();
        }

        boolean endStream() {
            return (frame.type() == H2Frames.DATA || frame.type() == H2Frames.HEADERS) && frame.has(H2Frames.END_STREAM);
        }

        @Override
        public String toString() {
            return frame.type() == H2Frames.DATA
                    ? "DATA[stream=" + frame.streamId() + ", " + frame.payload().length + " bytes, flags=" + frame.flags() + "]"
                    : fields != null ? "HEADERS[stream=" + frame.streamId() + ", flags=" + frame.flags() + ", " + fields + "]"
                    : frame.toString();
        }
    }

    /**
     * The next frame, or null at end of stream. HEADERS (with any CONTINUATION) is decoded;
     * a SETTINGS frame that is not an ACK is acknowledged at once, as a client must (§6.5.3).
     */
    Event next() throws IOException {
        Frame f = readFrame();
        if (f == null) {
            return null;
        }
        if (f.type() == H2Frames.SETTINGS && !f.has(H2Frames.ACK)) {
            send(H2Frames.settingsAck());
        }
        if (f.type() != H2Frames.HEADERS) {
            return new Event(f, null);
        }
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        block.writeBytes(f.payload());
        Frame last = f;
        while (!last.has(H2Frames.END_HEADERS)) {
            last = readFrame();
            if (last == null || last.type() != H2Frames.CONTINUATION) {
                throw new IOException("header block not continued: " + last);
            }
            block.writeBytes(last.payload());
        }
        Headers fields = new Headers();
        byte[] b = block.toByteArray();
        try {
            decoder.decode(b, 0, b.length, fields::add);
        } catch (HpackException e) {
            throw new IOException("bad header block from the server", e);
        }
        return new Event(f, fields);
    }

    /** The next event that is not SETTINGS, WINDOW_UPDATE or a PING (PINGs are answered). */
    Event nextSignificant() throws IOException {
        while (true) {
            Event e = next();
            if (e == null) {
                return null;
            }
            switch (e.type()) {
                case H2Frames.SETTINGS, H2Frames.WINDOW_UPDATE -> { }
                case H2Frames.PING -> {
                    if (!e.frame().has(H2Frames.ACK)) {
                        send(H2Frames.ping(pingPayload(e.frame()), true));
                    } else {
                        return e;
                    }
                }
                default -> {
                    return e;
                }
            }
        }
    }

    static long pingPayload(Frame f) {
        return ((long) f.intAt(0) << 32) | (f.intAt(4) & 0xFFFF_FFFFL);
    }

    private Frame readFrame() throws IOException {
        byte[] header = new byte[9];
        try {
            in.readFully(header, 0, 1);
        } catch (EOFException e) {
            return null;
        }
        in.readFully(header, 1, 8);
        int length = (header[0] & 0xff) << 16 | (header[1] & 0xff) << 8 | (header[2] & 0xff);
        byte[] payload = new byte[length];
        in.readFully(payload);
        return new Frame(header[3] & 0xff, header[4] & 0xff,
                ((header[5] & 0x7f) << 24) | (header[6] & 0xff) << 16 | (header[7] & 0xff) << 8 | (header[8] & 0xff),
                payload);
    }

    /** Reads frames until the server's SETTINGS has come and been acknowledged; returns it. */
    Event awaitServerSettings() throws IOException {
        while (true) {
            Event e = next();
            if (e == null) {
                throw new EOFException("closed before the server's SETTINGS");
            }
            if (e.type() == H2Frames.SETTINGS && !e.frame().has(H2Frames.ACK)) {
                return e;
            }
        }
    }

    /** Reads the first bytes the server sends, raw: for telling HTTP/1.1 from HTTP/2. */
    byte[] readRaw(int max) throws IOException {
        return in.readNBytes(max);
    }

    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
