package dev.peregrine.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.files.DirectoryListing.Contents;
import dev.peregrine.files.DirectoryListing.Entry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ListingJsonTest {

    private static String quoted(String s) {
        StringBuilder out = new StringBuilder();
        dev.peregrine.server.internal.JsonStrings.quote(s, out);
        return out.toString();
    }

    /** RFC 8259 §7: quotation mark, reverse solidus and the control characters must be escaped. */
    @Test
    void escapesWhatJsonRequires() {
        assertThat(quoted("plain name.txt")).isEqualTo("\"plain name.txt\"");
        assertThat(quoted("a\"b\\c")).isEqualTo("\"a\\\"b\\\\c\"");
        assertThat(quoted("\n\r\t\b\f")).isEqualTo("\"\\n\\r\\t\\b\\f\"");
        assertThat(quoted("\u0000\u0001\u001f\u007f")).isEqualTo("\"\\u0000\\u0001\\u001f\\u007f\"");
    }

    @Test
    void keepsOtherTextAsIs() {
        assertThat(quoted("résumé 日本 😀 </script> ' / #?%")).isEqualTo("\"résumé 日本 😀 </script> ' / #?%\"");
    }

    @Test
    void escapesLineSeparatorsAndLoneSurrogates() {
        assertThat(quoted("a\u2028b\u2029c")).isEqualTo("\"a\\u2028b\\u2029c\"");
        assertThat(quoted("x\ud800y")).isEqualTo("\"x\\ud800y\"");
        assertThat(quoted("x\udc00")).isEqualTo("\"x\\udc00\"");
        assertThat(quoted("\ud800")).isEqualTo("\"\\ud800\"");
        // a valid pair stays a character, and its UTF-8 form is the 4-byte sequence
        assertThat(quoted("\ud83d\ude00").getBytes(StandardCharsets.UTF_8)).hasSize(6);
    }

    @Test
    void rendersAnArrayOfEntries() {
        Contents contents = new Contents(List.of(
                new Entry("docs", true, 0, Instant.parse("2024-03-01T10:00:00.75Z")),
                new Entry("a \"b\".txt", false, 1234, Instant.parse("2020-01-02T03:04:05.123456789Z"))), false);
        assertThat(new String(ListingJson.render(contents), StandardCharsets.UTF_8)).isEqualTo("""
                [
                {"name":"docs","type":"directory","size":null,"modified":"2024-03-01T10:00:00Z"},
                {"name":"a \\"b\\".txt","type":"file","size":1234,"modified":"2020-01-02T03:04:05Z"}
                ]
                """);
    }

    @Test
    void rendersAnEmptyArray() {
        assertThat(new String(ListingJson.render(new Contents(List.of(), false)), StandardCharsets.UTF_8))
                .isEqualTo("[]\n");
    }

    /** RFC 3339 §5.6 date-time in UTC, whole seconds, also before 1970. */
    @ParameterizedTest
    @CsvSource({"1969-07-20T20:17:40.5Z,1969-07-20T20:17:40Z", "1970-01-01T00:00:00Z,1970-01-01T00:00:00Z",
        "2038-01-19T03:14:08.999Z,2038-01-19T03:14:08Z"})
    void modifiedIsWholeSecondsUtc(String instant, String expected) {
        Contents contents = new Contents(List.of(new Entry("f", false, 1, Instant.parse(instant))), false);
        assertThat(new String(ListingJson.render(contents), StandardCharsets.UTF_8))
                .contains("\"modified\":\"" + expected + "\"");
    }
}
