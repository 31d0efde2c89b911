package dev.peregrine.files;

import static dev.peregrine.files.Preconditions.Outcome.NOT_MODIFIED;
import static dev.peregrine.files.Preconditions.Outcome.PRECONDITION_FAILED;
import static dev.peregrine.files.Preconditions.Outcome.PROCEED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.Headers;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreconditionsTest {

    private static final long MODIFIED = 784111777L; // Sun, 06 Nov 1994 08:49:37 GMT
    private static final String AT = "Sun, 06 Nov 1994 08:49:37 GMT";
    private static final String BEFORE = "Sun, 06 Nov 1994 08:49:36 GMT";
    private static final String AFTER = "Sun, 06 Nov 1994 08:49:38 GMT";
    private static final Preconditions.Validators STRONG = new Preconditions.Validators("\"abc\"", MODIFIED, true);
    private static final Preconditions.Validators WEAK = new Preconditions.Validators("W/\"abc\"", MODIFIED, false);

    private static Preconditions.Outcome eval(String method, Preconditions.Validators v, String... fields) {
        return Preconditions.evaluate(method, Headers.of(fields), v);
    }

    @Test
    void entityTagListsAreScannedNotSplit() {
        assertThat(Preconditions.anyMatches(List.of("\"x\", \"abc\""), "\"abc\"", true)).isTrue();
        assertThat(Preconditions.anyMatches(List.of("\"a,b\", \"c\""), "\"a,b\"", true)).isTrue();
        assertThat(Preconditions.anyMatches(List.of("\"x\"", "\"abc\""), "\"abc\"", true)).isTrue();
        assertThat(Preconditions.anyMatches(List.of("\"abcd\""), "\"abc\"", false)).isFalse();
        assertThat(Preconditions.anyMatches(List.of("\"ab\""), "\"abc\"", false)).isFalse();
        assertThat(Preconditions.anyMatches(List.of("*"), "\"abc\"", true)).isTrue();
        assertThat(Preconditions.anyMatches(List.of("abc"), "\"abc\"", false)).isFalse(); // unquoted: malformed
        assertThat(Preconditions.anyMatches(List.of("\"abc"), "\"abc\"", false)).isFalse();
    }

    @Test
    void weakAndStrongComparison() {
        // RFC 9110 §8.8.3.2's table
        assertThat(Preconditions.anyMatches(List.of("W/\"abc\""), "W/\"abc\"", true)).isFalse();
        assertThat(Preconditions.anyMatches(List.of("W/\"abc\""), "W/\"abc\"", false)).isTrue();
        assertThat(Preconditions.anyMatches(List.of("W/\"abc\""), "\"abc\"", true)).isFalse();
        assertThat(Preconditions.anyMatches(List.of("W/\"abc\""), "\"abc\"", false)).isTrue();
        assertThat(Preconditions.anyMatches(List.of("\"abc\""), "W/\"abc\"", false)).isTrue();
        assertThat(Preconditions.anyMatches(List.of("\"abc\""), "\"abc\"", true)).isTrue();
        assertThat(Preconditions.anyMatches(List.of("*"), "W/\"abc\"", true)).isTrue();
    }

    @Test
    void noPreconditionsProceed() {
        assertThat(eval("GET", STRONG)).isEqualTo(PROCEED);
    }

    @Test
    void ifMatch() {
        assertThat(eval("GET", STRONG, "if-match", "\"abc\"")).isEqualTo(PROCEED);
        assertThat(eval("GET", STRONG, "if-match", "\"other\"")).isEqualTo(PRECONDITION_FAILED);
        assertThat(eval("GET", STRONG, "if-match", "*")).isEqualTo(PROCEED);
        assertThat(eval("GET", WEAK, "if-match", "W/\"abc\"")).isEqualTo(PRECONDITION_FAILED);
    }

    @Test
    void ifMatchTakesPrecedenceOverIfUnmodifiedSince() {
        assertThat(eval("GET", STRONG, "if-match", "\"abc\"", "if-unmodified-since", BEFORE)).isEqualTo(PROCEED);
    }

    @Test
    void ifUnmodifiedSince() {
        assertThat(eval("GET", STRONG, "if-unmodified-since", AT)).isEqualTo(PROCEED);
        assertThat(eval("GET", STRONG, "if-unmodified-since", AFTER)).isEqualTo(PROCEED);
        assertThat(eval("GET", STRONG, "if-unmodified-since", BEFORE)).isEqualTo(PRECONDITION_FAILED);
        assertThat(eval("GET", STRONG, "if-unmodified-since", "not a date")).isEqualTo(PROCEED);
    }

    @Test
    void ifNoneMatchUsesWeakComparison() {
        assertThat(eval("GET", STRONG, "if-none-match", "\"abc\"")).isEqualTo(NOT_MODIFIED);
        assertThat(eval("HEAD", STRONG, "if-none-match", "W/\"abc\"")).isEqualTo(NOT_MODIFIED);
        assertThat(eval("GET", WEAK, "if-none-match", "\"abc\"")).isEqualTo(NOT_MODIFIED);
        assertThat(eval("GET", STRONG, "if-none-match", "\"x\", \"y\"")).isEqualTo(PROCEED);
        assertThat(eval("GET", STRONG, "if-none-match", "*")).isEqualTo(NOT_MODIFIED);
    }

    @Test
    void ifNoneMatchOnUnsafeMethodFails() {
        assertThat(eval("PUT", STRONG, "if-none-match", "*")).isEqualTo(PRECONDITION_FAILED);
    }

    @Test
    void ifMatchFailureWinsOverIfNoneMatch() {
        assertThat(eval("GET", STRONG, "if-match", "\"nope\"", "if-none-match", "\"abc\""))
                .isEqualTo(PRECONDITION_FAILED);
    }

    @Test
    void ifModifiedSince() {
        assertThat(eval("GET", STRONG, "if-modified-since", AT)).isEqualTo(NOT_MODIFIED);
        assertThat(eval("GET", STRONG, "if-modified-since", AFTER)).isEqualTo(NOT_MODIFIED);
        assertThat(eval("GET", STRONG, "if-modified-since", BEFORE)).isEqualTo(PROCEED);
        assertThat(eval("GET", STRONG, "if-modified-since", "garbage")).isEqualTo(PROCEED);
        // more than one member: ignored (RFC 9110 §13.1.3)
        assertThat(eval("GET", STRONG, "if-modified-since", AT, "if-modified-since", AT)).isEqualTo(PROCEED);
        // only for GET and HEAD
        assertThat(eval("POST", STRONG, "if-modified-since", AT)).isEqualTo(PROCEED);
    }

    @Test
    void ifNoneMatchPresentMeansIfModifiedSinceIsIgnored() {
        assertThat(eval("GET", STRONG, "if-none-match", "\"changed\"", "if-modified-since", AFTER))
                .isEqualTo(PROCEED);
    }

    @Test
    void ifRange() {
        assertThat(Preconditions.ifRangeHolds(null, STRONG)).isTrue();
        assertThat(Preconditions.ifRangeHolds("\"abc\"", STRONG)).isTrue();
        assertThat(Preconditions.ifRangeHolds("\"old\"", STRONG)).isFalse();
        assertThat(Preconditions.ifRangeHolds("W/\"abc\"", STRONG)).isFalse();
        assertThat(Preconditions.ifRangeHolds("\"abc\"", WEAK)).isFalse();
        assertThat(Preconditions.ifRangeHolds(AT, STRONG)).isTrue();
        assertThat(Preconditions.ifRangeHolds(AFTER, STRONG)).isFalse(); // exact match only
        assertThat(Preconditions.ifRangeHolds(AT, WEAK)).isFalse();      // date not strong
        assertThat(Preconditions.ifRangeHolds("junk", STRONG)).isFalse();
    }
}
