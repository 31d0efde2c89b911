package dev.peregrine.files;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MultipartByteRangesTest {

    @TempDir
    Path dir;

    private static final String DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz";

    private FileChannel channel(String content) throws IOException {
        return FileChannel.open(Files.writeString(dir.resolve("f.txt"), content));
    }

    private static ByteRanges.Parts parts(long... firstLast) {
        List<ByteRange.Part> list = new java.util.ArrayList<>();
        for (int i = 0; i < firstLast.length; i += 2) {
            list.add(new ByteRange.Part(firstLast[i], firstLast[i + 1]));
        }
        return new ByteRanges.Parts(list);
    }

    private static String write(MultipartByteRanges m, FileChannel ch) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        m.writeTo(ch, out);
        return out.toString(ISO_8859_1);
    }

    @Test
    void bodyIsFramedAsRfc9110Section14_6Shows() throws IOException {
        MultipartByteRanges m = new MultipartByteRanges(parts(0, 3, 30, 35), 36, "text/plain; charset=utf-8", "SEP");
        try (FileChannel ch = channel(DIGITS)) {
            String body = write(m, ch);
            assertThat(body).isEqualTo(""
                    + "--SEP\r\n"
                    + "Content-Type: text/plain; charset=utf-8\r\n"
                    + "Content-Range: bytes 0-3/36\r\n"
                    + "\r\n"
                    + "0123"
                    + "\r\n--SEP\r\n"
                    + "Content-Type: text/plain; charset=utf-8\r\n"
                    + "Content-Range: bytes 30-35/36\r\n"
                    + "\r\n"
                    + "uvwxyz"
                    + "\r\n--SEP--\r\n");
            assertThat(m.contentLength()).isEqualTo(body.length());
        }
        assertThat(m.contentType()).isEqualTo("multipart/byteranges; boundary=SEP");
    }

    @Test
    void partsGoInTheGivenOrderAndWithoutATypeWhenThereIsNone() throws IOException {
        MultipartByteRanges m = new MultipartByteRanges(parts(30, 31, 0, 0), 36, null, "b");
        try (FileChannel ch = channel(DIGITS)) {
            String body = write(m, ch);
            assertThat(body).isEqualTo("--b\r\nContent-Range: bytes 30-31/36\r\n\r\nuv"
                    + "\r\n--b\r\nContent-Range: bytes 0-0/36\r\n\r\n0\r\n--b--\r\n");
            assertThat(m.contentLength()).isEqualTo(body.length());
        }
    }

    @Test
    void contentLengthIsExactForLargeOffsetsAndParts() throws IOException {
        byte[] big = new byte[300_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) ('a' + i % 26);
        }
        Path p = Files.write(dir.resolve("big.bin"), big);
        ByteRanges.Parts ps = parts(0, 99_999, 150_000, 150_000, 200_000, 299_999);
        MultipartByteRanges m = new MultipartByteRanges(ps, big.length, "application/octet-stream");
        try (FileChannel ch = FileChannel.open(p)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            m.writeTo(ch, out);
            assertThat((long) out.size()).isEqualTo(m.contentLength());
            assertThat(ch.position()).isZero(); // positional reads only
        }
    }

    @Test
    void aFileShorterThanAPartIsAnError() throws IOException {
        MultipartByteRanges m = new MultipartByteRanges(parts(0, 1, 30, 99), 100, "text/plain");
        try (FileChannel ch = channel(DIGITS)) {
            assertThatThrownBy(() -> m.writeTo(ch, new ByteArrayOutputStream())).isInstanceOf(EOFException.class);
        }
    }

    @Test
    void boundariesAreRandomTokens() { // RFC 2046 §5.1.1: 1-70 bchars
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String b = MultipartByteRanges.newBoundary();
            assertThat(b).hasSize(32).matches("[0-9a-f]+");
            seen.add(b);
        }
        assertThat(seen).hasSize(100);
    }

    @Test
    void refusesBadBoundariesAndPartsOutsideTheLength() {
        ByteRanges.Parts ok = parts(0, 1, 5, 6);
        for (String bad : new String[] {"", "a b", "x\r\ny", "a;b", "\"q\"", "a".repeat(71)}) {
            assertThatThrownBy(() -> new MultipartByteRanges(ok, 10, "text/plain", bad))
                    .as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> new MultipartByteRanges(parts(0, 1, 5, 10), 10, "text/plain", "b"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parsedRangesWriteWhatWasAsked() throws IOException {
        ByteRanges r = ByteRange.parseMultiple("bytes=-2,0-1", 360);
        MultipartByteRanges m = new MultipartByteRanges((ByteRanges.Parts) r, 360, "text/plain", "z");
        try (FileChannel ch = channel(DIGITS.repeat(10))) {
            assertThat(write(m, ch)).isEqualTo("--z\r\nContent-Type: text/plain\r\nContent-Range: bytes 358-359/360\r\n\r\nyz"
                    + "\r\n--z\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/360\r\n\r\n01\r\n--z--\r\n");
        }
    }
}
