package dev.peregrine.http3.frame;

import static dev.peregrine.http3.frame.TestBytes.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** RFC 9000 §16 variable-length integers, with the sample encodings of RFC 9000 §A.1. */
class VarIntTest {

    static final Object[][] RFC9000_A1 = {
        {"c2197c5eff14e88c", 151_288_809_941_952_652L},
        {"9d7f3e7d", 494_878_333L},
        {"7bbd", 15_293L},
        {"25", 37L},
    };

    @Test
    void readsTheSamplesOfRfc9000AppendixA1() {
        for (Object[] sample : RFC9000_A1) {
            byte[] b = hex((String) sample[0]);
            assertThat(VarInt.read(b, 0, b.length)).as((String) sample[0]).isEqualTo(sample[1]);
            assertThat(VarInt.encodedLength(b[0])).isEqualTo(b.length);
        }
    }

    @Test
    void writesTheSamplesOfRfc9000AppendixA1() {
        for (Object[] sample : RFC9000_A1) {
            byte[] out = new byte[8];
            int end = VarInt.write((long) sample[1], out, 0);
            assertThat(hex(Arrays.copyOf(out, end))).isEqualTo(sample[0]);
        }
    }

    @Test
    void acceptsTheNonMinimalTwoByteEncodingOf37_A1() {
        byte[] b = hex("4025");
        assertThat(VarInt.encodedLength(b[0])).isEqualTo(2);
        assertThat(VarInt.read(b, 0, 2)).isEqualTo(37);
    }

    @Test
    void lengthAtEveryBoundary_16() {
        assertThat(VarInt.length(0)).isEqualTo(1);
        assertThat(VarInt.length(63)).isEqualTo(1);
        assertThat(VarInt.length(64)).isEqualTo(2);
        assertThat(VarInt.length(16_383)).isEqualTo(2);
        assertThat(VarInt.length(16_384)).isEqualTo(4);
        assertThat(VarInt.length((1L << 30) - 1)).isEqualTo(4);
        assertThat(VarInt.length(1L << 30)).isEqualTo(8);
        assertThat(VarInt.length(VarInt.MAX_VALUE)).isEqualTo(8);
    }

    @Test
    void roundTripsAtEveryBoundary_16() {
        long[] values = {0, 1, 63, 64, 16_383, 16_384, (1L << 30) - 1, 1L << 30, VarInt.MAX_VALUE - 1, VarInt.MAX_VALUE};
        for (long v : values) {
            byte[] out = new byte[10];
            int end = VarInt.write(v, out, 1);
            assertThat(end - 1).isEqualTo(VarInt.length(v));
            assertThat(VarInt.read(out, 1, end - 1)).as("%d", v).isEqualTo(v);
        }
        assertThat(hex(write(VarInt.MAX_VALUE))).isEqualTo("ffffffffffffffff");
        assertThat(hex(write(64))).isEqualTo("4040");
        assertThat(hex(write(16_384))).isEqualTo("80004000");
        assertThat(hex(write(1L << 30))).isEqualTo("c000000040000000");
    }

    @Test
    void rejectsNegativeAndValuesAbove2To62Minus1_16() {
        assertThatThrownBy(() -> VarInt.length(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VarInt.length(1L << 62)).isInstanceOf(IllegalArgumentException.class);
        byte[] out = new byte[8];
        assertThatThrownBy(() -> VarInt.write(-1, out, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VarInt.write(1L << 62, out, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VarInt.write(Long.MAX_VALUE, out, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(out).containsOnly(0);
    }

    @Test
    void writesAGivenLongerLength_16() {
        byte[] out = new byte[8];
        assertThat(VarInt.write(37, 2, out, 0)).isEqualTo(2);
        assertThat(hex(Arrays.copyOf(out, 2))).isEqualTo("4025");
        assertThat(VarInt.write(37, 8, out, 0)).isEqualTo(8);
        assertThat(hex(out)).isEqualTo("c000000000000025");
        assertThat(VarInt.read(out, 0, 8)).isEqualTo(37);
    }

    @Test
    void refusesALengthTooShortOrNotAPowerOfTwo() {
        byte[] out = new byte[8];
        assertThatThrownBy(() -> VarInt.write(64, 1, out, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> VarInt.write(1, 3, out, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(out).containsOnly(0);
    }

    @Test
    void writeThatDoesNotFitWritesNothing() {
        byte[] out = new byte[4];
        assertThatThrownBy(() -> VarInt.write(1L << 30, out, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> VarInt.write(64, out, 3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(out).containsOnly(0);
    }

    @Test
    void readNeedsMoreForEveryTruncation() {
        for (Object[] sample : RFC9000_A1) {
            byte[] b = hex((String) sample[0]);
            for (int len = 0; len < b.length; len++) {
                assertThat(VarInt.read(b, 0, len)).as("%s cut to %d", sample[0], len).isEqualTo(VarInt.NEED_MORE);
            }
        }
    }

    @Test
    void readUsesOnlyTheEncodingsBytes() {
        byte[] b = hex("ff 7bbd 25 ff");
        assertThat(VarInt.read(b, 1, 4)).isEqualTo(15_293);
        assertThat(VarInt.read(b, 3, 1)).isEqualTo(37);
    }

    @Test
    void encodedLengthFromTheTwoHighBits() {
        assertThat(VarInt.encodedLength((byte) 0x3f)).isEqualTo(1);
        assertThat(VarInt.encodedLength((byte) 0x40)).isEqualTo(2);
        assertThat(VarInt.encodedLength((byte) 0xbf)).isEqualTo(4);
        assertThat(VarInt.encodedLength((byte) 0xc0)).isEqualTo(8);
    }

    @Test
    void blockingReadOneByteAtATimeConsumesOnlyTheInteger() throws Exception {
        ByteSource in = TestBytes.oneByteAtATime(hex("c2197c5eff14e88c 9d7f3e7d 4025 ab"));
        assertThat(VarInt.read(in)).isEqualTo(151_288_809_941_952_652L);
        assertThat(VarInt.read(in)).isEqualTo(494_878_333L);
        assertThat(VarInt.read(in)).isEqualTo(37);
        byte[] rest = new byte[4];
        assertThat(in.read(rest, 0, 4)).isEqualTo(1);
        assertThat(rest[0]).isEqualTo((byte) 0xab);
    }

    @Test
    void blockingReadEndsCleanlyOnlyBeforeTheFirstByte() throws Exception {
        assertThat(VarInt.read(ByteSource.of(new byte[0]))).isEqualTo(-1);
        assertThatThrownBy(() -> VarInt.read(ByteSource.of(hex("9d7f3e")))).isInstanceOf(EOFException.class);
    }

    private static byte[] write(long v) {
        byte[] out = new byte[8];
        return Arrays.copyOf(out, VarInt.write(v, out, 0));
    }
}
