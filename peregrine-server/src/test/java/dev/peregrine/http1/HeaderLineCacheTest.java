package dev.peregrine.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.exchange.WriteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HeaderLineCacheTest {

    private static String written(WriteBuffer b) {
        return new String(b.array(), 0, b.size(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void repeatedInstancesAreWrittenTheSameFromTheCache() {
        HeaderLineCache cache = new HeaderLineCache();
        String name = "content-type";
        String value = "text/plain";
        for (int i = 0; i < 4; i++) {
            WriteBuffer b = new WriteBuffer(64);
            cache.write(b, name, value);
            assertThat(written(b)).isEqualTo("content-type: text/plain\r\n");
        }
    }

    @Test
    void anEqualButDifferentValueIsNeverServedFromAnotherInstance() {
        HeaderLineCache cache = new HeaderLineCache();
        String name = "x-v";
        String a = new String("one");
        for (int i = 0; i < 3; i++) {
            cache.write(new WriteBuffer(64), name, a);
        }
        WriteBuffer b = new WriteBuffer(64);
        cache.write(b, name, new String("two"));
        assertThat(written(b)).isEqualTo("x-v: two\r\n");
    }

    @Test
    void invalidValuesAreRefusedEveryTime() {
        HeaderLineCache cache = new HeaderLineCache();
        String bad = "a\r\nx: y";
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> cache.write(new WriteBuffer(64), "x-bad", bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void moreDistinctPairsThanSlotsStillWriteCorrectly() {
        HeaderLineCache cache = new HeaderLineCache();
        String[] values = new String[20];
        for (int i = 0; i < values.length; i++) {
            values[i] = "v" + i;
        }
        for (int round = 0; round < 3; round++) {
            for (String v : values) {
                WriteBuffer b = new WriteBuffer(64);
                cache.write(b, "x-n", v);
                assertThat(written(b)).isEqualTo("x-n: " + v + "\r\n");
            }
        }
    }
}
