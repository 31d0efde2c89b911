package dev.peregrine.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ByteRangeMultipleTest {

    private static final long LEN = 10_000;

    private static ByteRange.Part part(long first, long last) {
        return new ByteRange.Part(first, last);
    }

    private static ByteRanges parts(ByteRange.Part... parts) {
        return new ByteRanges.Parts(List.of(parts));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "bytes=0-499", "bytes=500-999", "bytes=900-50000", "bytes=-100", "bytes=9990-", "bytes=10000-",
        "bytes=-0", "bytes=500-400", "bytes=abc", "items=0-9", "", "Bytes=0-9", " bytes= 0-9 ", "bytes=, 0-9 ,",
        "bytes=", "bytes=-",
    })
    void oneRangeIsAnsweredAsParseAnswersIt(String header) {
        assertThat(ByteRange.parseMultiple(header, LEN)).isEqualTo(ByteRange.parse(header, LEN));
    }

    @Test
    void noHeaderOrEmptyRepresentationIsWhole() {
        assertThat(ByteRange.parseMultiple(null, LEN)).isEqualTo(ByteRange.WHOLE);
        assertThat(ByteRange.parseMultiple("bytes=0-1,5-6", 0)).isEqualTo(ByteRange.WHOLE);
    }

    @Test
    void severalRangesAreParts() { // RFC 9110 §14.6
        assertThat(ByteRange.parseMultiple("bytes=0-99,500-599", LEN)).isEqualTo(parts(part(0, 99), part(500, 599)));
        assertThat(ByteRange.parseMultiple("bytes=0-99, 500-599 ,-100", LEN))
                .isEqualTo(parts(part(0, 99), part(500, 599), part(9900, 9999)));
        assertThat(ByteRange.parseMultiple("bytes=0-0,9999-", LEN)).isEqualTo(parts(part(0, 0), part(9999, 9999)));
    }

    @Test
    void partsKeepTheRequestsOrder() { // §15.3.7.2: SHOULD send the parts in the order requested
        assertThat(ByteRange.parseMultiple("bytes=5000-5099,0-99", LEN))
                .isEqualTo(parts(part(5000, 5099), part(0, 99)));
        assertThat(ByteRange.parseMultiple("bytes=-100,5000-5099,0-99", LEN))
                .isEqualTo(parts(part(9900, 9999), part(5000, 5099), part(0, 99)));
    }

    @Test
    void overlappingAndNearRangesAreCoalesced() { // §15.3.7.2 allows it
        assertThat(ByteRange.parseMultiple("bytes=0-99,50-149", LEN)).isEqualTo(part(0, 149));
        assertThat(ByteRange.parseMultiple("bytes=0-99,100-199", LEN)).isEqualTo(part(0, 199)); // adjacent
        // a gap of COALESCE_GAP bytes is sent rather than split into two parts; one more is not
        long g = ByteRange.COALESCE_GAP;
        assertThat(ByteRange.parseMultiple("bytes=0-99," + (100 + g) + "-199", LEN)).isEqualTo(part(0, 199));
        assertThat(ByteRange.parseMultiple("bytes=0-99," + (101 + g) + "-299", LEN))
                .isEqualTo(parts(part(0, 99), part(101 + g, 299)));
        assertThat(ByteRange.parseMultiple("bytes=0-99,50-60", LEN)).isEqualTo(part(0, 99)); // contained
    }

    @Test
    void aMergedPartTakesThePlaceOfItsFirstListedMember() {
        assertThat(ByteRange.parseMultiple("bytes=5000-5099,0-99,5050-5199", LEN))
                .isEqualTo(parts(part(5000, 5199), part(0, 99)));
        assertThat(ByteRange.parseMultiple("bytes=8000-8099,5050-5199,0-99,5000-5099", LEN))
                .isEqualTo(parts(part(8000, 8099), part(5000, 5199), part(0, 99)));
    }

    @Test
    void descendingRangesAreServed() {
        assertThat(ByteRange.parseMultiple("bytes=9000-9099,6000-6099,3000-3099,0-99", LEN))
                .isEqualTo(parts(part(9000, 9099), part(6000, 6099), part(3000, 3099), part(0, 99)));
        assertThat(ByteRange.parseMultiple("bytes=300-399,200-299,100-199", LEN)).isEqualTo(part(100, 399));
    }

    @Test
    void unsatisfiableMembersAreDropped() { // §14.1.1: satisfiable if any range-spec is
        assertThat(ByteRange.parseMultiple("bytes=20000-,0-99", LEN)).isEqualTo(part(0, 99));
        assertThat(ByteRange.parseMultiple("bytes=20000-,0-99,-0,500-599", LEN))
                .isEqualTo(parts(part(0, 99), part(500, 599)));
        assertThat(ByteRange.parseMultiple("bytes=20000-,10000-10005,-0", LEN)).isEqualTo(ByteRange.UNSATISFIABLE);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "bytes=0-99,abc",      // one invalid spec spoils the ranges-specifier (§14.1.1)
        "bytes=0-99,500-400",
        "bytes=0-99,-",
        "bytes=0-99,5-6-7",
        "bytes=0-99, 1 - 2",
        "items=0-1,5-6",
    })
    void anInvalidSpecMeansWhole(String header) {
        assertThat(ByteRange.parseMultiple(header, LEN)).isEqualTo(ByteRange.WHOLE);
    }

    @Test
    void heavilyOverlappingRangesGetTheWhole() { // §14.2: a sign of a broken client or an attack
        assertThat(ByteRange.parseMultiple("bytes=0-,0-", LEN)).isEqualTo(ByteRange.WHOLE);
        assertThat(ByteRange.parseMultiple("bytes=0-5999,4000-", LEN)).isEqualTo(ByteRange.WHOLE);
        // within the length in total, overlap is merged instead
        assertThat(ByteRange.parseMultiple("bytes=0-4999,4000-4999", LEN)).isEqualTo(part(0, 4999));
    }

    @Test
    void upToMaxRangesAreServed() {
        String header = IntStream.range(0, ByteRange.MAX_RANGES)
                .mapToObj(i -> (i * 500) + "-" + (i * 500 + 9))
                .collect(Collectors.joining(",", "bytes=", ""));
        ByteRanges r = ByteRange.parseMultiple(header, LEN);
        assertThat(r).isInstanceOf(ByteRanges.Parts.class);
        assertThat(((ByteRanges.Parts) r).parts()).hasSize(ByteRange.MAX_RANGES);
    }

    @Test
    void moreThanMaxRangesGetTheWhole() {
        String header = IntStream.range(0, ByteRange.MAX_RANGES + 1)
                .mapToObj(i -> (i * 500) + "-" + (i * 500 + 9))
                .collect(Collectors.joining(",", "bytes=", ""));
        assertThat(ByteRange.parseMultiple(header, LEN)).isEqualTo(ByteRange.WHOLE);
        // empty list elements do not count
        assertThat(ByteRange.parseMultiple("bytes=,,,,,,,,,,,,,,,,,,,,,,,,0-9,,,,,,,,,,,,,,,,,,,,,,,100-109", LEN))
                .isEqualTo(parts(part(0, 9), part(100, 109)));
    }

    @Test
    void theApacheKillerGetsTheWhole() { // CVE-2011-3192: 1300 overlapping ranges in one header
        String killer = "bytes=0-," + IntStream.range(0, 1300).mapToObj(i -> "5-" + i).collect(Collectors.joining(","));
        assertThat(ByteRange.parseMultiple(killer, LEN)).isEqualTo(ByteRange.WHOLE);
        assertThat(ByteRange.parse(killer, LEN)).isEqualTo(ByteRange.WHOLE);
        // and the same trick under the count limit is caught by the overlap rule
        String small = "bytes=0-," + IntStream.range(0, 14).mapToObj(i -> "5-" + i).collect(Collectors.joining(","));
        assertThat(ByteRange.parseMultiple(small, LEN)).isEqualTo(ByteRange.WHOLE);
    }

    @Test
    void partsNeedTwoMembers() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ByteRanges.Parts(List.of(part(0, 1))))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
