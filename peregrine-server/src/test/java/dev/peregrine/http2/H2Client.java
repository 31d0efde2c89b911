package dev.peregrine.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.hpack.HpackDecoder;
import dev.peregrine.hpack.HpackEncoder;
import dev.peregrine.hpack.HpackException;
import dev.peregrine.hpack.HpackWriter;
import dev.peregrine.testkit.H2Frames.Frame;
import dev.peregrine.testkit.H2Frames;
import dev.peregrine.transport.InMemoryConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The client half of an HTTP/2 protocol test (Kestrel's Http2TestBase, h2's frame DSL): writes
 * the bytes a test scripts, reads the server's frames one at a time and HPACK-decodes every
 * header block in the order it arrives, so the client's view of the server's dynamic table never
 * falls out of step even for blocks a test does not look at. Every read is bounded by
 * {@link #WAIT_MS}; every loop by a frame count.
 *
 * <p>Runs over an {@link InMemoryConnection} (protocol tests) or a socket (attack tests).
 * {@link #send} may be called from one thread while another reads.
 */
final class H2Client implements AutoCloseable {

    /** The longest a single read may wait before the test fails. */
    static final long WAIT_MS = 5_000;
    /** No read loop takes more frames than this. */
    static final int MAX_FRAMES = 500_000;

    static final int NO_ERROR = 0x0;
    static final int PROTOCOL_ERROR = 0x1;
    static final int INTERNAL_ERROR = 0x2;
    static final int FLOW_CONTROL_ERROR = 0x3;
    static final int SETTINGS_TIMEOUT = 0x4;
    static final int STREAM_CLOSED = 0x5;
    static final int REFUSED_STREAM = 0x7;
    static final int CANCEL = 0x8;
    static final int COMPRESSION_ERROR = 0x9;
    static final int ENHANCE_YOUR_CALM = 0xb;

    /** Bytes to and from the server. */
    interface Wire {
        void write(byte[] bytes) throws IOException;

        /** Exactly {@code n} bytes, fewer only at end of stream; SocketTimeoutException past the wait. */
        byte[] read(int n, long timeoutMillis) throws IOException;

        void shutdownOutput() throws IOException;

        void close();
    }

    private final Wire wire;
    private final Object writeLock = new Object();
    final HpackEncoder encoder = new HpackEncoder(HpackEncoder.DEFAULT_TABLE_SIZE);
    private final HpackDecoder decoder = new HpackDecoder(HpackEncoder.DEFAULT_TABLE_SIZE, Integer.MAX_VALUE);
    /** Frames read while looking for another one (a response on another stream), returned first. */
    private final ArrayDeque<In> backlog = new ArrayDeque<>();

    H2Client(Wire wire) {
        this.wire = wire;
    }

    static H2Client over(InMemoryConnection c) {
        return new H2Client(new Wire() {
            @Override
            public void write(byte[] bytes) throws IOException {
                c.send(bytes);
            }

            @Override
            public byte[] read(int n, long timeoutMillis) throws IOException {
                return n == 0 ? new byte[0] : c.receive(n, timeoutMillis).getBytes(StandardCharsets.ISO_8859_1);
            }

            @Override
            public void shutdownOutput() {
                c.sendEof();
            }

            @Override
            public void close() {
                c.close();
            }
        });
    }

    static H2Client over(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        return new H2Client(new Wire() {
            @Override
            public void write(byte[] bytes) throws IOException {
                out.write(bytes);
                out.flush();
            }

            @Override
            public byte[] read(int n, long timeoutMillis) throws IOException {
                s.setSoTimeout((int) timeoutMillis);
                ByteArrayOutputStream got = new ByteArrayOutputStream(n);
                byte[] buf = new byte[Math.min(n, 64 * 1024)];
                try {
                    while (got.size() < n) {
                        int r = in.read(buf, 0, Math.min(buf.length, n - got.size()));
                        if (r < 0) {
                            break;
                        }
                        got.write(buf, 0, r);
                    }
                } catch (SocketTimeoutException e) {
                    throw e;
                } catch (SocketException e) {
                    // The server closed with our bytes unread (RST): the same as end of stream here.
                }
                return got.toByteArray();
            }

            @Override
            public void shutdownOutput() throws IOException {
                s.shutdownOutput();
            }

            @Override
            public void close() {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        });
    }

    // ---------------------------------------------------------------- frames the server sent

    /** One frame from the server; HEADERS carry their decoded fields, CONTINUATIONs joined in. */
    record In(Frame frame, List<String[]> fields) {

        int type() {
            return frame.type();
        }

        int streamId() {
            return frame.streamId();
        }

        boolean has(int flag) {
            return frame.has(flag);
        }

        boolean endStream() {
            return (type() == H2Frames.DATA || type() == H2Frames.HEADERS) && has(H2Frames.END_STREAM);
        }

        boolean is(int type, int streamId) {
            return type() == type && streamId() == streamId;
        }

        int errorCode() {
            return frame.errorCode();
        }

        /** WINDOW_UPDATE's increment. */
        int increment() {
            return frame.intAt(0) & 0x7fff_ffff;
        }

        /** GOAWAY's last stream id. */
        int lastStreamId() {
            return frame.intAt(0) & 0x7fff_ffff;
        }

        long pingPayload() {
            return (long) frame.intAt(0) << 32 | frame.intAt(4) & 0xffff_ffffL;
        }

        /** The first value of a decoded field, or null. */
        String field(String name) {
            for (String[] f : fields) {
                if (f[0].equals(name)) {
                    return f[1];
                }
            }
            return null;
        }

        int status() {
            String s = field(":status");
            return s == null ? -1 : Integer.parseInt(s);
        }

        /** SETTINGS as identifier to value. */
        Map<Integer, Long> settings() {
            Map<Integer, Long> m = new HashMap<>();
            byte[] p = frame.payload();
            for (int i = 0; i + 6 <= p.length; i += 6) {
                Long previous = m.put((p[i] & 0xff) << 8 | p[i + 1] & 0xff, (long) frame.intAt(i + 2) & 0xffff_ffffL);
                assertThat(previous).as("setting sent once").isNull();
            }
            return m;
        }

        @Override
        public String toString() {
            if (fields == null) {
                return frame.toString();
            }
            StringBuilder sb = new StringBuilder("HEADERS[stream=" + streamId() + ", flags=0x"
                    + Integer.toHexString(frame.flags()));
            for (String[] f : fields) {
                sb.append(", ").append(f[0]).append(": ").append(f[1]);
            }
            return sb.append(']').toString();
        }
    }

    /** The next frame (the backlog first), or null at end of stream; fails the test past {@link #WAIT_MS}. */
    In read() throws IOException {
        In queued = backlog.poll();
        return queued != null ? queued : readWire();
    }

    private In readWire() throws IOException {
        Frame f = readFrame();
        if (f == null || f.type() != H2Frames.HEADERS) {
            return f == null ? null : new In(f, null);
        }
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        block.writeBytes(fragment(f));
        Frame last = f;
        for (int i = 0; !last.has(H2Frames.END_HEADERS); i++) {
            assertThat(i).as("CONTINUATION frames of one block").isLessThan(1000);
            last = readFrame();
            assertThat(last).as("end of stream inside a field block").isNotNull();
            assertThat(last.type()).as("frame after HEADERS without END_HEADERS").isEqualTo(H2Frames.CONTINUATION);
            block.writeBytes(last.payload());
        }
        List<String[]> fields = new ArrayList<>();
        byte[] b = block.toByteArray();
        try {
            decoder.decode(b, 0, b.length, (name, value) -> fields.add(new String[] {name, value}));
        } catch (HpackException e) {
            throw new AssertionError("server sent a bad header block: " + e.getMessage(), e);
        }
        return new In(new Frame(f.type(), f.flags() | (last.flags() & H2Frames.END_HEADERS), f.streamId(), b), fields);
    }

    private static byte[] fragment(Frame f) {
        byte[] p = f.payload();
        int start = 0;
        int end = p.length;
        if (f.has(H2Frames.PADDED)) {
            start = 1;
            end -= p[0] & 0xff;
        }
        if (f.has(H2Frames.PRIORITY_FLAG)) {
            start += 5;
        }
        return java.util.Arrays.copyOfRange(p, start, end);
    }

    private Frame readFrame() throws IOException {
        byte[] head;
        try {
            head = wire.read(9, WAIT_MS);
            if (head.length == 0) {
                return null;
            }
            assertThat(head.length).as("frame header cut short").isEqualTo(9);
            int length = (head[0] & 0xff) << 16 | (head[1] & 0xff) << 8 | head[2] & 0xff;
            byte[] payload = wire.read(length, WAIT_MS);
            assertThat(payload.length).as("frame payload cut short").isEqualTo(length);
            return H2Frames.parse(H2Frames.concat(head, payload)).getFirst();
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no frame from the server within " + WAIT_MS + " ms", e);
        }
    }

    /** Reads until a frame matches; returns every frame read, the match last. Fails at EOF. */
    List<In> readUntil(Predicate<In> match, String what) throws IOException {
        List<In> seen = new ArrayList<>();
        for (int i = 0; i < MAX_FRAMES; i++) {
            In f = read();
            if (f == null) {
                throw new AssertionError("end of stream before " + what + "; frames: " + seen);
            }
            seen.add(f);
            if (match.test(f)) {
                return seen;
            }
        }
        throw new AssertionError("no " + what + " in " + MAX_FRAMES + " frames");
    }

    /** The next frame, asserted to be of {@code type} on {@code streamId}. */
    In expect(int type, int streamId) throws IOException {
        In f = read();
        assertThat(f).as("a frame").isNotNull();
        assertThat(f.type()).as("type of " + f).isEqualTo(type);
        assertThat(f.streamId()).as("stream of " + f).isEqualTo(streamId);
        return f;
    }

    /** Reads until the server closes its side; returns what came before. Bounded like every loop. */
    List<In> readToEnd() throws IOException {
        List<In> seen = new ArrayList<>();
        for (int i = 0; i < MAX_FRAMES; i++) {
            In f = read();
            if (f == null) {
                return seen;
            }
            seen.add(f);
        }
        throw new AssertionError("the server did not close in " + MAX_FRAMES + " frames");
    }

    private long nextPing = 0x1000;

    /**
     * A PING round trip: every frame the server sent before the ACK. Frames are handled in order
     * and the server's control frames leave in order, so whatever the frames before the PING made
     * the server queue is in this list.
     */
    List<In> pingRoundTrip() throws IOException {
        long payload = nextPing++;
        send(H2Frames.ping(payload, false));
        List<In> seen = readUntil(f -> f.type() == H2Frames.PING && f.has(H2Frames.ACK) && f.pingPayload() == payload,
                "PING ACK");
        return seen.subList(0, seen.size() - 1);
    }

    // ---------------------------------------------------------------- writing

    void send(byte[]... frames) throws IOException {
        byte[] all = H2Frames.concat(frames);
        synchronized (writeLock) {
            wire.write(all);
        }
    }

    void shutdownOutput() throws IOException {
        wire.shutdownOutput();
    }

    /**
     * Preface and SETTINGS, then the server's SETTINGS (and connection WINDOW_UPDATE) are read
     * and ACKed and our SETTINGS' ACK awaited. Returns the server's first frames, SETTINGS first.
     */
    List<In> handshake(long... settings) throws IOException {
        send(H2Frames.preface(), H2Frames.settings(settings));
        In first = expect(H2Frames.SETTINGS, 0);
        assertThat(first.has(H2Frames.ACK)).as("the server preface is a SETTINGS without ACK").isFalse();
        send(H2Frames.settingsAck());
        List<In> all = new ArrayList<>();
        all.add(first);
        all.addAll(readUntil(f -> f.type() == H2Frames.SETTINGS && f.has(H2Frames.ACK), "SETTINGS ACK"));
        return all;
    }

    /** A header block encoded with this connection's encoder: send it, once, in the order encoded. */
    byte[] block(String... namesAndValues) {
        HpackWriter w = new HpackWriter();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            encoder.encode(namesAndValues[i], namesAndValues[i + 1], w);
        }
        return w.toByteArray();
    }

    /** Request pseudo-header fields plus {@code extra} name/value pairs. */
    static String[] request(String method, String path, String... extra) {
        String[] f = new String[8 + extra.length];
        String[] pseudo = {":method", method, ":scheme", "http", ":authority", "localhost", ":path", path};
        System.arraycopy(pseudo, 0, f, 0, 8);
        System.arraycopy(extra, 0, f, 8, extra.length);
        return f;
    }

    /**
     * A block of literal fields without indexing and with literal names (RFC 7541 §6.2.2), raw
     * octets: whatever the names and values are, byte for byte, and no dynamic table change.
     */
    static byte[] literal(String... namesAndValues) {
        HpackWriter w = new HpackWriter();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            w.writeByte(0x00);
            string(w, namesAndValues[i]);
            string(w, namesAndValues[i + 1]);
        }
        return w.toByteArray();
    }

    static void string(HpackWriter w, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        w.writeInteger(0x00, 7, b.length);
        w.write(b, 0, b.length);
    }

    /** HEADERS with END_HEADERS, and END_STREAM if {@code end}. */
    static byte[] headers(int streamId, byte[] block, boolean end) {
        return end
                ? H2Frames.headers(streamId, block, H2Frames.Flag.END_HEADERS, H2Frames.Flag.END_STREAM)
                : H2Frames.headers(streamId, block, H2Frames.Flag.END_HEADERS);
    }

    // ---------------------------------------------------------------- responses

    /** What the server answered on one stream. */
    static final class Response {
        final int streamId;
        final List<In> frames = new ArrayList<>();
        List<String[]> head;
        final List<String[]> informational = new ArrayList<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        List<String[]> trailers;
        int resetCode = -1;
        boolean ended;

        Response(int streamId) {
            this.streamId = streamId;
        }

        int status() {
            String s = header(":status");
            return s == null ? -1 : Integer.parseInt(s);
        }

        String header(String name) {
            return find(head, name);
        }

        String trailer(String name) {
            return find(trailers, name);
        }

        private static String find(List<String[]> fields, String name) {
            if (fields != null) {
                for (String[] f : fields) {
                    if (f[0].equals(name)) {
                        return f[1];
                    }
                }
            }
            return null;
        }

        String bodyText() {
            return body.toString(StandardCharsets.UTF_8);
        }

        List<Integer> types() {
            return frames.stream().map(In::type).toList();
        }

        @Override
        public String toString() {
            return "stream " + streamId + " " + frames;
        }
    }

    /**
     * Reads until stream {@code streamId} ended (END_STREAM or RST_STREAM); frames of other streams
     * and of the connection go to the backlog for later reads.
     */
    Response response(int streamId) throws IOException {
        Response r = new Response(streamId);
        List<In> others = new ArrayList<>();
        try {
            for (int i = 0; i < MAX_FRAMES; i++) {
                In f = read();
                if (f == null) {
                    throw new AssertionError("end of stream before the end of " + r);
                }
                if (f.streamId() != streamId) {
                    others.add(f);
                    continue;
                }
                r.frames.add(f);
                switch (f.type()) {
                    case H2Frames.HEADERS -> {
                        String status = f.field(":status");
                        if (status != null && status.startsWith("1")) {
                            r.informational.add(new String[] {":status", status});
                        } else if (r.head == null) {
                            r.head = f.fields();
                        } else {
                            r.trailers = f.fields();
                        }
                    }
                    case H2Frames.DATA -> r.body.writeBytes(f.frame().payload());
                    case H2Frames.RST_STREAM -> r.resetCode = f.errorCode();
                    default -> { }
                }
                if (f.endStream()) {
                    r.ended = true;
                    return r;
                }
                if (f.type() == H2Frames.RST_STREAM) {
                    return r;
                }
            }
            throw new AssertionError("stream " + streamId + " did not end in " + MAX_FRAMES + " frames");
        } finally {
            // Keep the order: the skipped frames come before anything still unread.
            for (int i = others.size() - 1; i >= 0; i--) {
                backlog.addFirst(others.get(i));
            }
        }
    }

    /** A GET (END_STREAM on the HEADERS) and its response. */
    Response get(int streamId, String path, String... extra) throws IOException {
        send(headers(streamId, block(request("GET", path, extra)), true));
        return response(streamId);
    }

    @Override
    public void close() {
        wire.close();
    }
}
