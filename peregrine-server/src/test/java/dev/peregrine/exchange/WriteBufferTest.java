package dev.peregrine.exchange;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WriteBufferTest {

    static String text(WriteBuffer b) {
        return new String(b.array(), 0, b.size(), ISO_8859_1);
    }

    @Test
    void putsBytesAndGrows() {
        WriteBuffer b = new WriteBuffer(0);
        for (int i = 0; i < 1000; i++) {
            b.put((byte) ('a' + i % 26));
        }
        assertThat(b.size()).isEqualTo(1000);
        assertThat(b.capacity()).isGreaterThanOrEqualTo(1000);
        assertThat(text(b)).startsWith("abcdefghijklmnopqrstuvwxyzabc").hasSize(1000);
    }

    @Test
    void putArraysAndRanges() {
        WriteBuffer b = new WriteBuffer(2);
        b.put("hello".getBytes(ISO_8859_1)).put("--world--".getBytes(ISO_8859_1), 2, 5).put(new byte[0]);
        assertThat(text(b)).isEqualTo("helloworld");
        assertThat(b.toByteArray()).isEqualTo("helloworld".getBytes(ISO_8859_1));
    }

    @Test
    void putRangeChecksBounds() {
        WriteBuffer b = new WriteBuffer();
        assertThatThrownBy(() -> b.put(new byte[4], 2, 3)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> b.put(new byte[4], -1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(b.size()).isZero();
    }

    @Test
    void putLargeArrayIntoSmallBuffer() {
        byte[] big = new byte[100_000];
        big[99_999] = 7;
        WriteBuffer b = new WriteBuffer(8).put((byte) 1).put(big);
        assertThat(b.size()).isEqualTo(100_001);
        assertThat(b.array()[100_000]).isEqualTo((byte) 7);
    }

    @Test
    void ensureMakesRoomWithoutChangingContent() {
        WriteBuffer b = new WriteBuffer(4).putAscii("abc");
        b.ensure(1000);
        assertThat(b.capacity()).isGreaterThanOrEqualTo(1003);
        assertThat(text(b)).isEqualTo("abc");
        byte[] before = b.array();
        b.ensure(10);
        assertThat(b.array()).isSameAs(before);
        assertThatThrownBy(() -> b.ensure(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void putAsciiWritesLatin1AndReplacesTheRest() {
        WriteBuffer b = new WriteBuffer(1).putAscii("a\u00e9\u00ff\u0100\u010a\u20ac\ud83d\ude00z");
        assertThat(b.toByteArray()).containsExactly('a', 0xE9, 0xFF, '?', '?', '?', '?', '?', 'z');
        assertThat(new WriteBuffer(0).putAscii("").size()).isZero();
    }

    @ParameterizedTest(name = "putDecimal({0})")
    @ValueSource(longs = {0, 1, 9, 10, 11, 99, 100, 999, 1000, 12345, 1_000_000_000L, 9_999_999_999L,
        Integer.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE - 1, -1, -9, -10, -12345, Integer.MIN_VALUE,
        Long.MIN_VALUE, Long.MIN_VALUE + 1})
    void putDecimal(long v) {
        WriteBuffer b = new WriteBuffer(0).putAscii("<").putDecimal(v).putAscii(">");
        assertThat(text(b)).isEqualTo("<" + v + ">");
    }

    @Test
    void putDecimalForEveryPowerOfTen() {
        long p = 1;
        for (int i = 0; i < 19; i++, p *= 10) {
            for (long v : new long[] {p - 1, p, p + 1}) {
                WriteBuffer b = new WriteBuffer(1).putDecimal(v);
                assertThat(text(b)).isEqualTo(Long.toString(v));
            }
        }
    }

    @ParameterizedTest(name = "putHex({0})")
    @ValueSource(longs = {0, 1, 9, 10, 15, 16, 255, 256, 4095, 4096, 0xABCDEFL, Integer.MAX_VALUE, Long.MAX_VALUE})
    void putHex(long v) {
        WriteBuffer b = new WriteBuffer(0).putHex(v);
        assertThat(text(b)).isEqualTo(Long.toHexString(v));
    }

    @Test
    void putHexRejectsNegatives() {
        assertThatThrownBy(() -> new WriteBuffer().putHex(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void clearKeepsCapacity() {
        WriteBuffer b = new WriteBuffer(4).putAscii("a".repeat(100));
        int cap = b.capacity();
        b.clear();
        assertThat(b.size()).isZero();
        assertThat(b.capacity()).isEqualTo(cap);
        b.putAscii("x");
        assertThat(text(b)).isEqualTo("x");
    }

    @Test
    void shrinkToGivesMemoryBack() {
        WriteBuffer b = new WriteBuffer(16).putAscii("a".repeat(10_000));
        b.clear();
        b.shrinkTo(64);
        assertThat(b.capacity()).isEqualTo(64);
        b.putAscii("still works");
        assertThat(text(b)).isEqualTo("still works");
    }

    @Test
    void shrinkToNeverDropsContent() {
        WriteBuffer b = new WriteBuffer(16).putAscii("a".repeat(1000));
        b.shrinkTo(10);
        assertThat(b.capacity()).isEqualTo(1000);
        assertThat(text(b)).isEqualTo("a".repeat(1000));
        WriteBuffer small = new WriteBuffer(8);
        small.shrinkTo(100);
        assertThat(small.capacity()).isEqualTo(8);
        assertThatThrownBy(() -> small.shrinkTo(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void truncateTakesBackBytes() {
        WriteBuffer b = new WriteBuffer().putAscii("HTTP/1.1 200 OK\r\nX: partial");
        b.truncate(17);
        assertThat(text(b)).isEqualTo("HTTP/1.1 200 OK\r\n");
        assertThatThrownBy(() -> b.truncate(18)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> b.truncate(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        b.truncate(0);
        assertThat(b.size()).isZero();
    }

    @Test
    void negativeInitialCapacityIsRefused() {
        assertThatThrownBy(() -> new WriteBuffer(-1)).isInstanceOf(IllegalArgumentException.class);
    }
}
