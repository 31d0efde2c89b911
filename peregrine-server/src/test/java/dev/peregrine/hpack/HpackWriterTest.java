package dev.peregrine.hpack;

import static dev.peregrine.hpack.HpackTestSupport.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HpackWriterTest {

    final HpackWriter out = new HpackWriter(0);

    @Test
    void c1_1_tenOnAFiveBitPrefix() {
        out.writeInteger(0xE0, 5, 10); // the three high bits are the representation's
        assertThat(hex(out.toByteArray())).isEqualTo("ea");
    }

    @Test
    void c1_2_1337OnAFiveBitPrefix() {
        out.writeInteger(0, 5, 1337);
        assertThat(hex(out.toByteArray())).isEqualTo("1f9a0a");
    }

    @Test
    void c1_3_42StartingAtAnOctetBoundary() {
        out.writeInteger(0, 8, 42);
        assertThat(hex(out.toByteArray())).isEqualTo("2a");
    }

    @Test
    void prefixBoundaries_section5_1() {
        out.writeInteger(0x80, 7, 126);
        out.writeInteger(0x80, 7, 127); // 2^N - 1 takes a continuation byte of 0
        out.writeInteger(0x40, 6, 62);
        out.writeInteger(0x40, 6, 63 + 128);
        assertThat(hex(out.toByteArray())).isEqualTo("fe" + "ff00" + "7e" + "7f8001");
    }

    @Test
    void largestIntegerTakesFiveContinuationBytes() {
        out.writeInteger(0, 4, Integer.MAX_VALUE);
        assertThat(hex(out.toByteArray())).isEqualTo("0ff0ffffff07");
    }

    @Test
    void badIntegerArgumentsAreRefused() {
        assertThatThrownBy(() -> out.writeInteger(0, 5, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> out.writeInteger(0, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> out.writeInteger(0, 9, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void growsFromNothingAndKeepsContent() {
        for (int i = 0; i < 1000; i++) {
            out.writeByte(i);
        }
        out.write(new byte[] {1, 2, 3, 4}, 1, 2);
        assertThat(out.length()).isEqualTo(1002);
        assertThat(out.array().length).isGreaterThanOrEqualTo(1002);
        assertThat(out.array()[999]).isEqualTo((byte) 999);
        assertThat(out.array()[1000]).isEqualTo((byte) 2);
        assertThat(out.array()[1001]).isEqualTo((byte) 3);
    }

    @Test
    void resetKeepsTheArraySoAWarmWriterDoesNotAllocate() {
        out.writeLatin1("x".repeat(500));
        byte[] warmed = out.array();
        out.reset();
        assertThat(out.length()).isZero();
        out.writeLatin1("y".repeat(500));
        assertThat(out.array()).isSameAs(warmed);
        assertThat(out.array()[0]).isEqualTo((byte) 'y');
    }

    @Test
    void ensureCapacityMakesRoomWithoutChangingLength() {
        out.writeByte(7);
        out.ensureCapacity(100);
        assertThat(out.array().length).isGreaterThanOrEqualTo(101);
        assertThat(out.length()).isEqualTo(1);
    }

    @Test
    void latin1WritesOneByteAChar() {
        out.writeLatin1("a\u00ff\u0000");
        assertThat(hex(out.toByteArray())).isEqualTo("61ff00");
        assertThatThrownBy(() -> out.writeLatin1("b\u0100")).isInstanceOf(IllegalArgumentException.class);
        assertThat(out.length()).as("nothing written on refusal").isEqualTo(3);
    }
}
