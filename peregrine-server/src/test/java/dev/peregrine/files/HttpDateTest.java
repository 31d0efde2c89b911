package dev.peregrine.files;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HttpDateTest {

    // RFC 9110 §5.6.7's example instant in its three forms.
    private static final long EXAMPLE = 784111777L;

    @Test
    void formatsImfFixdateWithTwoDigitDay() {
        assertThat(HttpDate.format(EXAMPLE)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
    }

    @Test
    void parsesAllThreeForms() {
        assertThat(HttpDate.parse("Sun, 06 Nov 1994 08:49:37 GMT")).isEqualTo(EXAMPLE);
        assertThat(HttpDate.parse("Sunday, 06-Nov-94 08:49:37 GMT")).isEqualTo(EXAMPLE);
        assertThat(HttpDate.parse("Sun Nov  6 08:49:37 1994")).isEqualTo(EXAMPLE);
    }

    @Test
    void roundTrips() {
        long t = 1_763_700_000L;
        assertThat(HttpDate.parse(HttpDate.format(t))).isEqualTo(t);
    }

    @Test
    void rejectsWhatIsNoHttpDate() {
        assertThat(HttpDate.parse(null)).isEqualTo(Long.MIN_VALUE);
        assertThat(HttpDate.parse("")).isEqualTo(Long.MIN_VALUE);
        assertThat(HttpDate.parse("yesterday")).isEqualTo(Long.MIN_VALUE);
        assertThat(HttpDate.parse("Sun, 06 Nov 1994 08:49:37 PST")).isEqualTo(Long.MIN_VALUE);
        assertThat(HttpDate.parse("Sun, 31 Feb 1994 08:49:37 GMT")).isEqualTo(Long.MIN_VALUE);
        assertThat(HttpDate.parse("1994-11-06T08:49:37Z")).isEqualTo(Long.MIN_VALUE);
    }
}
