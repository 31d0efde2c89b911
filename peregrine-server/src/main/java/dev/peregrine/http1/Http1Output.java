package dev.peregrine.http1;

import dev.peregrine.api.Headers;
import dev.peregrine.exchange.BodyMode;
import dev.peregrine.exchange.ResponseOutput;
import dev.peregrine.exchange.WriteBuffer;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.x's {@link ResponseOutput}: the status line and fields (RFC 9112 §4), {@code
 * content-length} or chunked framing (§7.1), close-delimited bodies for HTTP/1.0, and the
 * keep-alive decision written as {@code connection: close}. Bytes go to the connection's output
 * buffer, flushed when it fills or when the connection is about to wait for input, so pipelined
 * responses leave together.
 */
final class Http1Output implements ResponseOutput {

    private static final byte[] CONTENT_LENGTH = "content-length: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHUNKED = "transfer-encoding: chunked\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "connection: close\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEEP_ALIVE = "connection: keep-alive\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Writes at least this large skip the output buffer and go out in one gathering write. */
    private static final int DIRECT_WRITE_THRESHOLD = 8192;

    /**
     * File bodies from this size on go out with sendfile: below it, one read into the output
     * buffer is cheaper than a separate system call and packet for the body.
     */
    private static final int FILE_TRANSFER_THRESHOLD = 16 * 1024;

    /** The wire framing of the current body. */
    private enum Wire { LENGTH, CHUNKED, CLOSE_DELIMITED, NONE }

    private final Http1Connection connection;
    private final HeaderLineCache lineCache = new HeaderLineCache();
    private Wire wire;
    private boolean http10;

    Http1Output(Http1Connection connection) {
        this.connection = connection;
    }

    void reset(boolean http10) {
        this.http10 = http10;
        this.wire = null;
    }

    @Override
    public int maxPendingBytes() {
        return connection.maxResponseBuffer();
    }

    @Override
    public void writeHead(int status, Headers headers, BodyMode mode, long contentLength, boolean headOnly) {
        WriteBuffer out = connection.out();
        int mark = out.size();
        try {
            Wire w = switch (mode) {
                case LENGTH -> Wire.LENGTH;
                case NONE -> Wire.NONE;
                // HTTP/1.0 knows no chunked coding: the close ends the body.
                case STREAMED -> http10 ? Wire.CLOSE_DELIMITED : Wire.CHUNKED;
            };
            if (headers.containsToken("connection", "close") || w == Wire.CLOSE_DELIMITED) {
                connection.disableKeepAlive();
            }
            connection.beforeCommit();
            ResponseHeadWriter.statusLine(out, status, null);
            writeUserHeaders(out, headers, false);
            if (!headers.contains("date")) {
                ResponseHeadWriter.rawLine(out, connection.dateLine());
            }
            switch (w) {
                case LENGTH -> ResponseHeadWriter.header(out, CONTENT_LENGTH, contentLength);
                case CHUNKED -> ResponseHeadWriter.rawLine(out, CHUNKED);
                case NONE -> {
                    if (contentLength >= 0) {
                        ResponseHeadWriter.header(out, CONTENT_LENGTH, contentLength); // a 304 repeating the length
                    }
                }
                case CLOSE_DELIMITED -> { }
            }
            if (!connection.keepAliveAfterResponse()) {
                ResponseHeadWriter.rawLine(out, CLOSE);
            } else if (http10) {
                ResponseHeadWriter.rawLine(out, KEEP_ALIVE);
            }
            ResponseHeadWriter.end(out);
            wire = headOnly ? Wire.NONE : w;
        } catch (RuntimeException e) {
            out.truncate(mark);
            throw e;
        }
        connection.responseHeadWritten(wire != Wire.NONE);
    }

    @Override
    public void writeUpgradeHead(Headers headers) {
        WriteBuffer out = connection.out();
        int mark = out.size();
        try {
            ResponseHeadWriter.statusLine(out, 101, null);
            writeUserHeaders(out, headers, true);
            ResponseHeadWriter.end(out);
        } catch (RuntimeException e) {
            out.truncate(mark);
            throw e;
        }
        wire = Wire.NONE;
    }

    @Override
    public boolean supportsUpgrade() {
        return true;
    }

    /** User fields, minus the framing fields the server writes itself (101 keeps Connection/Upgrade). */
    private void writeUserHeaders(WriteBuffer out, Headers headers, boolean upgrade) {
        for (int i = 0, n = headers.size(); i < n; i++) {
            String name = headers.name(i);
            if (name.equalsIgnoreCase("content-length") || name.equalsIgnoreCase("transfer-encoding")
                    || (!upgrade && name.equalsIgnoreCase("connection"))) {
                continue;
            }
            lineCache.write(out, name, headers.value(i));
        }
    }

    @Override
    public void writeBody(byte[] b, int off, int len) throws IOException {
        switch (wire) {
            case NONE -> { }
            case LENGTH, CLOSE_DELIMITED -> connection.writes().writeBody(b, off, len, len >= DIRECT_WRITE_THRESHOLD);
            case CHUNKED -> {
                WriteBuffer out = connection.out();
                ResponseHeadWriter.chunkHeader(out, len);
                if (len >= DIRECT_WRITE_THRESHOLD) {
                    connection.writes().writeBody(b, off, len, true);
                } else {
                    out.put(b, off, len);
                }
                ResponseHeadWriter.chunkEnd(out);
                connection.flushIfFull();
            }
        }
    }

    /**
     * Large file regions go out with sendfile after the buffered head; small ones are read into
     * the output buffer, so a pipelined batch of small files still leaves in one write.
     */
    @Override
    public void writeFile(FileChannel file, long position, long count) throws IOException {
        boolean raw = wire == Wire.LENGTH || wire == Wire.CLOSE_DELIMITED;
        if (raw && count >= FILE_TRANSFER_THRESHOLD && connection.writes().transferFile(file, position, count)) {
            return;
        }
        if (wire != Wire.NONE) {
            ResponseOutput.super.writeFile(file, position, count);
        }
    }

    /**
     * A large buffer is written to the socket as it is after the buffered head (a mapped file:
     * one copy, by the kernel); a small one joins the output buffer like any body bytes.
     */
    @Override
    public void writeBuffer(java.nio.ByteBuffer body) throws IOException {
        boolean raw = wire == Wire.LENGTH || wire == Wire.CLOSE_DELIMITED;
        if (raw && body.remaining() >= FILE_TRANSFER_THRESHOLD) {
            connection.writes().writeThrough(body);
            return;
        }
        if (wire != Wire.NONE) {
            ResponseOutput.super.writeBuffer(body);
        }
    }

    @Override
    public void flush() throws IOException {
        connection.flush();
    }

    @Override
    public void finish(Headers trailersOrNull) {
        if (wire == Wire.CHUNKED) {
            ResponseHeadWriter.lastChunk(connection.out(), trailersOrNull);
        }
        if (wire != null) {
            connection.responseDone();
        }
    }

    @Override
    public void writeContinue() throws IOException {
        connection.out().put(CONTINUE);
        connection.flush();
    }
}
