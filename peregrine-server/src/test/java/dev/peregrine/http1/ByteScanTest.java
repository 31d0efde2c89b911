package dev.peregrine.http1;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ByteScanTest {

    private static int naive(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return to;
    }

    @Test
    void findsTheFirstLfAtEveryPositionAndAlignment() {
        for (int len = 0; len < 40; len++) {
            for (int lfAt = -1; lfAt < len; lfAt++) {
                byte[] b = new byte[len + 3];
                java.util.Arrays.fill(b, (byte) 'a');
                if (lfAt >= 0) {
                    b[lfAt + 1] = '\n';
                }
                for (int from = 0; from <= 2 && from <= len; from++) {
                    assertThat(ByteScan.indexOfLf(b, from, len + 1)).isEqualTo(naive(b, from, len + 1));
                }
            }
        }
    }

    @Test
    void matchesTheNaiveScanOnRandomBytesIncludingHighAndNearbyValues() {
        Random r = new Random(42);
        byte[] alphabet = {'\n', '\r', 0x0B, 0x09, (byte) 0x8A, (byte) 0xFF, 0, 'x'};
        for (int round = 0; round < 2000; round++) {
            byte[] b = new byte[r.nextInt(64)];
            for (int i = 0; i < b.length; i++) {
                b[i] = alphabet[r.nextInt(alphabet.length)];
            }
            int from = b.length == 0 ? 0 : r.nextInt(b.length);
            int to = from + (b.length == from ? 0 : r.nextInt(b.length - from + 1));
            assertThat(ByteScan.indexOfLf(b, from, to)).isEqualTo(naive(b, from, to));
        }
    }
}
