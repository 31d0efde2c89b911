package dev.peregrine.testkit;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A deliberately dumb HTTP/1.x client over a raw TCP or Unix-domain socket, for tests that need
 * to send exact bytes (pipelining, malformed input, slow clients) and see exactly what comes back.
 *
 * <p>Every blocking step waits on a selector with a deadline ({@link #timeout(Duration)}, 10 s by
 * default), so a server that hangs makes the test fail with a {@link SocketTimeoutException}
 * instead of blocking the build. Bytes received but not yet consumed stay buffered, so responses
 * that arrive together (pipelining) or data that follows a 101 are read one after the other.
 */
public final class RawClient implements AutoCloseable {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** A line longer than this means the response is garbage, not that we should keep buffering. */
    private static final int MAX_LINE_BYTES = 64 * 1024;

    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    private final ByteBuffer scratch = ByteBuffer.allocate(64 * 1024);
    private byte[] buf = new byte[16 * 1024];
    private int pos;
    private int lim;
    private long timeoutNanos = DEFAULT_TIMEOUT.toNanos();
    private boolean eof;

    private RawClient(SocketChannel channel, SocketAddress remote) throws IOException {
        this.channel = channel;
        this.selector = Selector.open();
        boolean ok = false;
        try {
            channel.configureBlocking(false);
            this.key = channel.register(selector, 0);
            if (!channel.connect(remote)) {
                key.interestOps(SelectionKey.OP_CONNECT);
                long deadline = deadline();
                while (!channel.finishConnect()) {
                    await(deadline, "connect to " + remote);
                }
            }
            ok = true;
        } finally {
            if (!ok) {
                selector.close();
                channel.close();
            }
        }
    }

    /** Connects to {@code 127.0.0.1:port} (the loopback address). */
    public static RawClient tcp(int port) throws IOException {
        SocketChannel ch = SocketChannel.open();
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        return new RawClient(ch, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    /** Connects to a Unix domain socket. */
    public static RawClient unix(Path path) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        return new RawClient(ch, UnixDomainSocketAddress.of(path));
    }

    /** The deadline of each later blocking step (connect, one response, one read). */
    public RawClient timeout(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
        return this;
    }

    public SocketChannel channel() {
        return channel;
    }

    // ------------------------------------------------------------------ sending

    /** Sends text as ISO-8859-1 bytes, so tests can put any octet (NUL, CR, 0x7F...) on the wire. */
    public RawClient send(String text) throws IOException {
        return send(latin1(text));
    }

    public RawClient send(byte[] bytes) throws IOException {
        return send(bytes, 0, bytes.length);
    }

    public RawClient send(byte[] bytes, int off, int len) throws IOException {
        ByteBuffer src = ByteBuffer.wrap(bytes, off, len);
        long deadline = deadline();
        while (src.hasRemaining()) {
            if (channel.write(src) == 0) {
                key.interestOps(SelectionKey.OP_WRITE);
                await(deadline, "write (the peer does not read)");
            }
        }
        return this;
    }

    /** Sends, and answers false instead of throwing when the peer has already closed or reset. */
    public boolean trySend(String text) {
        try {
            send(text);
            return true;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("write timed out", e);
        } catch (IOException e) {
            return false;
        }
    }

    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    /** Sends a request and reads its response. */
    public RawResponse request(String request) throws IOException {
        send(request);
        return readResponse();
    }

    // ------------------------------------------------------------------ receiving

    /** Reads the next response (1xx included) to a request that was not HEAD. */
    public RawResponse readResponse() throws IOException {
        return readResponse(false);
    }

    /**
     * Reads the next complete response. {@code headRequest}: the response answers a HEAD, so it
     * has no body whatever its headers say.
     *
     * @throws EOFException if the connection closes before the response is complete
     * @throws SocketTimeoutException if it does not complete within the timeout
     */
    public RawResponse readResponse(boolean headRequest) throws IOException {
        long deadline = deadline();
        String statusLine = readLine(deadline, "status line");
        return readRest(statusLine, headRequest, deadline);
    }

    /**
     * Like {@link #readResponse(boolean)}, but null when the connection ends (EOF or reset) before the
     * first byte of a response: the request was not answered. A connection that ends later, inside
     * the response, still fails.
     */
    public RawResponse readResponseOrNull(boolean headRequest) throws IOException {
        long deadline = deadline();
        try {
            if (pos == lim && fill(deadline) < 0) {
                return null;
            }
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            return null; // reset before anything arrived
        }
        String statusLine = readLine(deadline, "status line");
        return readRest(statusLine, headRequest, deadline);
    }

    /**
     * Reads only the status line and header fields of the next response and leaves its body
     * unread, for tests that interleave reading a streamed body with sending more request bytes.
     * The returned response has an empty body.
     */
    public RawResponse readResponseHead() throws IOException {
        long deadline = deadline();
        String statusLine = readLine(deadline, "status line");
        return readRest(statusLine, true, deadline);
    }

    /** Reads exactly {@code n} bytes (e.g. echoed data after a 101). */
    public byte[] readExactly(int n) throws IOException {
        long deadline = deadline();
        ByteArrayOutputStream out = new ByteArrayOutputStream(n);
        copy(out, n, deadline, "raw bytes");
        return out.toByteArray();
    }

    /**
     * Reads until the server closes the connection and returns what arrived before that (normally
     * nothing: tests assert the server answered no further request). A reset counts as a close:
     * a server that closes with unread request bytes in its socket makes the kernel send RST.
     *
     * @throws SocketTimeoutException if the connection stays open for the whole timeout
     */
    public byte[] readUntilClosed() throws IOException {
        long deadline = deadline();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            while (true) {
                if (pos < lim) {
                    out.write(buf, pos, lim - pos);
                    pos = lim;
                }
                if (fill(deadline) < 0) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            throw new SocketTimeoutException("connection still open after " + Duration.ofNanos(timeoutNanos)
                    + "; received meanwhile: " + printable(out.toByteArray()));
        } catch (IOException e) {
            // reset: the connection is closed as well
        }
        if (pos < lim) {
            out.write(buf, pos, lim - pos);
            pos = lim;
        }
        return out.toByteArray();
    }

    /**
     * Waits up to {@code wait} for bytes (or EOF) to be readable; used by tests that drip bytes at
     * the server and stop as soon as it answers. Never throws on timeout.
     */
    public boolean awaitReadable(Duration wait) throws IOException {
        if (pos < lim || eof) {
            return true;
        }
        key.interestOps(SelectionKey.OP_READ);
        selector.selectedKeys().clear();
        int ready = selector.select(Math.max(1, wait.toMillis()));
        selector.selectedKeys().clear();
        return ready > 0;
    }

    /** Bytes received and not consumed yet. */
    public int buffered() {
        return lim - pos;
    }

    // ------------------------------------------------------------------ parsing

    private RawResponse readRest(String statusLine, boolean headRequest, long deadline) throws IOException {
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || parts[1].length() != 3) {
            throw new ProtocolException("malformed status line: " + printable(latin1(statusLine)));
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new ProtocolException("malformed status code: " + statusLine);
        }
        String reason = parts.length == 3 ? parts[2] : "";
        List<RawResponse.Field> headers = readFields(deadline, "header");

        RawResponse.Framing framing;
        byte[] body;
        List<RawResponse.Field> trailers = List.of();
        String te = lastValue(headers, "transfer-encoding");
        String cl = lastValue(headers, "content-length");
        if (headRequest || status / 100 == 1 || status == 204 || status == 304) {
            framing = RawResponse.Framing.NONE;
            body = new byte[0];
        } else if (te != null) {
            String[] codings = te.split(",");
            if (!codings[codings.length - 1].trim().equalsIgnoreCase("chunked")) {
                throw new ProtocolException("a response whose final transfer coding is not chunked: " + te);
            }
            if (cl != null) {
                throw new ProtocolException("a response with both Content-Length and Transfer-Encoding");
            }
            framing = RawResponse.Framing.CHUNKED;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            trailers = readChunked(out, deadline);
            body = out.toByteArray();
        } else if (cl != null) {
            if (headers.stream().filter(f -> f.name().equals("content-length")).count() != 1
                    || !cl.matches("[0-9]{1,18}")) {
                throw new ProtocolException("bad Content-Length in response: " + headers);
            }
            framing = RawResponse.Framing.LENGTH;
            long n = Long.parseLong(cl);
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(n, 1 << 20));
            copy(out, n, deadline, "body of " + n + " bytes");
            body = out.toByteArray();
        } else {
            framing = RawResponse.Framing.CLOSE;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                if (pos < lim) {
                    out.write(buf, pos, lim - pos);
                    pos = lim;
                }
                if (fill(deadline) < 0) {
                    break;
                }
            }
            body = out.toByteArray();
        }
        return new RawResponse(parts[0], status, reason, headers, body, trailers, framing);
    }

    private List<RawResponse.Field> readChunked(ByteArrayOutputStream out, long deadline) throws IOException {
        while (true) {
            String line = readLine(deadline, "chunk-size line");
            int semi = line.indexOf(';');
            String hex = (semi < 0 ? line : line.substring(0, semi)).trim();
            if (hex.isEmpty() || hex.length() > 15 || !hex.matches("[0-9a-fA-F]+")) {
                throw new ProtocolException("bad chunk-size line: " + printable(latin1(line)));
            }
            long size = Long.parseLong(hex, 16);
            if (size == 0) {
                return readFields(deadline, "trailer");
            }
            copy(out, size, deadline, "chunk of " + size + " bytes");
            String end = readLine(deadline, "CRLF after chunk data");
            if (!end.isEmpty()) {
                throw new ProtocolException("chunk data not followed by CRLF: " + printable(latin1(end)));
            }
        }
    }

    private List<RawResponse.Field> readFields(long deadline, String what) throws IOException {
        List<RawResponse.Field> fields = new ArrayList<>();
        for (int count = 0; ; count++) {
            if (count > 1000) {
                throw new ProtocolException("more than 1000 " + what + " fields");
            }
            String line = readLine(deadline, what + " line");
            if (line.isEmpty()) {
                return fields;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(colon - 1) == ' ' || line.charAt(colon - 1) == '\t'
                    || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new ProtocolException("malformed " + what + " line: " + printable(latin1(line)));
            }
            fields.add(new RawResponse.Field(line.substring(0, colon).toLowerCase(Locale.ROOT),
                    line.substring(colon + 1).strip()));
        }
    }

    private static String lastValue(List<RawResponse.Field> fields, String name) {
        String v = null;
        for (RawResponse.Field f : fields) {
            if (f.name().equals(name)) {
                v = v == null ? f.value() : v + ", " + f.value();
            }
        }
        return v;
    }

    /** One CRLF-terminated line, without its CRLF. A bare LF from the server is a test failure. */
    private String readLine(long deadline, String what) throws IOException {
        int scanned = 0; // relative to pos: fill() may move the unconsumed bytes
        while (true) {
            for (int i = pos + scanned; i < lim; i++) {
                if (buf[i] == '\n') {
                    if (i == pos || buf[i - 1] != '\r') {
                        throw new ProtocolException(what + " ends in a bare LF: "
                                + printable(Arrays.copyOfRange(buf, pos, i + 1)));
                    }
                    String line = new String(buf, pos, i - 1 - pos, StandardCharsets.ISO_8859_1);
                    pos = i + 1;
                    return line;
                }
            }
            scanned = lim - pos;
            if (lim - pos > MAX_LINE_BYTES) {
                throw new ProtocolException(what + " longer than " + MAX_LINE_BYTES + " bytes");
            }
            if (fill(deadline) < 0) {
                throw new EOFException("connection closed while reading the " + what + "; got "
                        + printable(Arrays.copyOfRange(buf, pos, lim)));
            }
        }
    }

    private void copy(ByteArrayOutputStream out, long n, long deadline, String what) throws IOException {
        long left = n;
        while (left > 0) {
            if (pos == lim && fill(deadline) < 0) {
                throw new EOFException("connection closed after " + (n - left) + " of " + what);
            }
            int take = (int) Math.min(left, lim - pos);
            out.write(buf, pos, take);
            pos += take;
            left -= take;
        }
    }

    /** Reads more bytes into the buffer; -1 at end of stream. */
    private int fill(long deadline) throws IOException {
        if (eof) {
            return -1;
        }
        if (pos == lim) {
            pos = lim = 0;
        } else if (lim == buf.length) {
            if (pos > 0) {
                System.arraycopy(buf, pos, buf, 0, lim - pos);
                lim -= pos;
                pos = 0;
            } else {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
        }
        while (true) {
            scratch.clear().limit(Math.min(scratch.capacity(), buf.length - lim));
            int n = channel.read(scratch);
            if (n < 0) {
                eof = true;
                return -1;
            }
            if (n > 0) {
                scratch.flip();
                scratch.get(buf, lim, n);
                lim += n;
                return n;
            }
            key.interestOps(SelectionKey.OP_READ);
            await(deadline, "read");
        }
    }

    private void await(long deadline, String what) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException(what + " timed out after " + Duration.ofNanos(timeoutNanos)
                    + (lim > pos ? "; unconsumed: " + printable(Arrays.copyOfRange(buf, pos, lim)) : ""));
        }
        selector.selectedKeys().clear();
        selector.select(Math.max(1, left / 1_000_000));
        selector.selectedKeys().clear();
    }

    private long deadline() {
        return System.nanoTime() + timeoutNanos;
    }

    /** Closes with an RST instead of a FIN (SO_LINGER 0): the abrupt end of a crashed client. */
    public void abort() {
        try {
            channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException ignored) {
            // already closed: nothing to reset
        }
        close();
    }

    @Override
    public void close() {
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing to do for a test client
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to do for a test client
        }
    }

    // ------------------------------------------------------------------ helpers

    public static byte[] latin1(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Bytes as text with CR, LF and other controls escaped, cut at 500 characters, for messages. */
    public static String printable(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            int c = b & 0xFF;
            if (sb.length() > 500) {
                return sb.append("...(").append(bytes.length).append(" bytes)").toString();
            }
            switch (c) {
                case '\r' -> sb.append("\\r");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (c < 0x20 || c >= 0x7F) {
                        sb.append(String.format("\\x%02x", c));
                    } else {
                        sb.append((char) c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
