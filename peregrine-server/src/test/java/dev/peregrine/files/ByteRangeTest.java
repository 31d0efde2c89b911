package dev.peregrine.files;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ByteRangeTest {

    private static final long LEN = 1000;

    @Test
    void firstToLast() {
        assertThat(ByteRange.parse("bytes=0-499", LEN)).isEqualTo(new ByteRange.Part(0, 499));
        assertThat(ByteRange.parse("bytes=500-999", LEN)).isEqualTo(new ByteRange.Part(500, 999));
        assertThat(ByteRange.parse("bytes=0-0", LEN)).isEqualTo(new ByteRange.Part(0, 0));
    }

    @Test
    void lastPastTheEndIsClamped() {
        assertThat(ByteRange.parse("bytes=900-5000", LEN)).isEqualTo(new ByteRange.Part(900, 999));
        assertThat(ByteRange.parse("bytes=0-99999999999999999999999", LEN)).isEqualTo(new ByteRange.Part(0, 999));
    }

    @Test
    void openEnded() {
        assertThat(ByteRange.parse("bytes=990-", LEN)).isEqualTo(new ByteRange.Part(990, 999));
        assertThat(ByteRange.parse("bytes=0-", LEN)).isEqualTo(new ByteRange.Part(0, 999));
    }

    @Test
    void suffix() {
        assertThat(ByteRange.parse("bytes=-1", LEN)).isEqualTo(new ByteRange.Part(999, 999));
        assertThat(ByteRange.parse("bytes=-100", LEN)).isEqualTo(new ByteRange.Part(900, 999));
        // a suffix longer than the representation is the whole of it (RFC 9110 §14.1.1)
        assertThat(ByteRange.parse("bytes=-5000", LEN)).isEqualTo(new ByteRange.Part(0, 999));
    }

    @Test
    void unsatisfiable() {
        assertThat(ByteRange.parse("bytes=1000-", LEN)).isEqualTo(ByteRange.UNSATISFIABLE);
        assertThat(ByteRange.parse("bytes=1000-2000", LEN)).isEqualTo(ByteRange.UNSATISFIABLE);
        assertThat(ByteRange.parse("bytes=-0", LEN)).isEqualTo(ByteRange.UNSATISFIABLE);
        assertThat(ByteRange.parse("bytes=99999999999999999999-", LEN)).isEqualTo(ByteRange.UNSATISFIABLE);
    }

    @Test
    void toleratesCaseWhitespaceAndEmptyListElements() {
        assertThat(ByteRange.parse("Bytes=0-9", LEN)).isEqualTo(new ByteRange.Part(0, 9));
        assertThat(ByteRange.parse("  bytes= 0-9 ", LEN)).isEqualTo(new ByteRange.Part(0, 9));
        assertThat(ByteRange.parse("bytes=, 0-9 ,", LEN)).isEqualTo(new ByteRange.Part(0, 9));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "bytes=0-1,5-6",       // several ranges: the whole file
        "bytes=0-1, -5",
        "bytes=500-400",       // last < first: invalid
        "bytes=abc",
        "bytes=1-2-3",
        "bytes=-",
        "bytes=",
        "bytes=+1-2",
        "bytes=0x10-20",
        "items=0-9",           // another unit
        "bytes 0-9",
        "",
    })
    void ignoredRangesServeTheWhole(String header) {
        assertThat(ByteRange.parse(header, LEN)).isEqualTo(ByteRange.WHOLE);
    }

    @Test
    void emptyRepresentationIsAlwaysWhole() {
        assertThat(ByteRange.parse("bytes=0-", 0)).isEqualTo(ByteRange.WHOLE);
        assertThat(ByteRange.parse("bytes=-5", 0)).isEqualTo(ByteRange.WHOLE);
    }

    @Test
    void noHeaderIsWhole() {
        assertThat(ByteRange.parse(null, LEN)).isEqualTo(ByteRange.WHOLE);
    }
}
