package dev.peregrine.files;

import dev.peregrine.api.Response;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The bytes chosen to answer one request for a file (RFC 9110 §3.2): the file itself, a
 * precompressed copy, or gzip made here — with the validators of exactly those bytes. Ranges,
 * lengths and conditional requests all refer to it, never to another coding's bytes.
 *
 * @param coding the content coding ({@link ContentCoding#IDENTITY} for the file's own bytes)
 * @param bytes the whole representation in memory, or {@code null} when it is read from {@code path}
 * @param mapped the file mapped once for the cache's entry ({@link MappedFile}), or {@code null}
 * @param path where the bytes are, when not in memory
 */
record Representation(ContentCoding coding, byte[] bytes, MappedFile mapped, Path path, long length,
                      Preconditions.Validators validators) {

    /**
     * Sends {@code count} bytes from {@code position} with a Content-Length: from memory, from
     * the file's mapping ({@link Response#send(java.nio.ByteBuffer)}), or with
     * {@link Response#sendFile} (zero-copy where the protocol can). A HEAD gets the length
     * alone. Returns false, with nothing sent, if the file cannot be opened any more.
     */
    boolean send(boolean head, Response response, long position, long count) throws IOException {
        response.contentLength(count);
        if (head) {
            return true;
        }
        if (bytes != null) {
            try (OutputStream out = response.body()) {
                out.write(bytes, (int) position, (int) count);
            }
            return true;
        }
        java.nio.ByteBuffer slice = mapped == null ? null : mapped.slice(position, count);
        if (slice != null) {
            response.send(slice);
            return true;
        }
        FileChannel channel = open();
        if (channel == null) {
            return false;
        }
        try (channel) {
            response.sendFile(channel, position, count);
        }
        return true;
    }

    /** Sends a {@code multipart/byteranges} body of these bytes; false if the file cannot be opened. */
    boolean sendParts(boolean head, Response response, MultipartByteRanges parts) throws IOException {
        response.header("content-type", parts.contentType());
        response.contentLength(parts.contentLength());
        if (head) {
            return true;
        }
        if (bytes != null) {
            try (OutputStream out = response.body()) {
                parts.writeTo(bytes, out);
            }
            return true;
        }
        FileChannel channel = open();
        if (channel == null) {
            return false;
        }
        try (channel; OutputStream out = response.body()) {
            parts.writeTo(channel, out);
        }
        return true;
    }

    private FileChannel open() {
        try {
            return FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException | SecurityException e) {
            return null; // gone or unreadable since the cache looked
        }
    }
}
