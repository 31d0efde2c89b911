package dev.peregrine.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AcceptHeaderTest {

    private static boolean json(String... fields) {
        return AcceptHeader.prefers(List.of(fields), "application/json", "text/html");
    }

    @Test
    void noAcceptFieldKeepsTheUsualType() {
        assertThat(json()).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            application/json                                                        | true
            Application/JSON                                                        | true
            application/json, text/html;q=0.9                                       | true
            text/html;q=0.5, application/json                                       | true
            application/json;q=0.9, */*;q=0.1                                       | true
            application/*                                                           | true
            ,, application/json ,                                                   | true
            text/html                                                               | false
            */*                                                                     | false
            text/html, application/json                                             | false
            text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8         | false
            application/json;q=0.5, text/html;q=0.5                                 | false
            application/json;q=0                                                    | false
            */*;q=0.1, application/json;q=0.05                                      | false
            text/*, application/json;q=0.9                                          | false
            image/png                                                               | false
            """)
    void prefersJsonOnlyWhenItWeighsMore(String accept, boolean json) {
        assertThat(json(accept)).as(accept).isEqualTo(json);
    }

    @Test
    void theMostSpecificRangeDecidesNotTheHighestWeight() {
        // RFC 9110 §12.5.1: text/html;q=0.1 overrides */* for HTML, whatever */* weighs.
        assertThat(AcceptHeader.weight(List.of("*/*, text/html;q=0.1"), "text/html")).isEqualTo(100);
        assertThat(AcceptHeader.weight(List.of("*/*;q=0.3, application/*;q=0.6"), "application/json")).isEqualTo(600);
        assertThat(json("*/*, text/html;q=0.1")).isTrue();
    }

    @Test
    void severalFieldsAreOneList() {
        // RFC 9110 §5.3: repeated fields combine as if comma-joined.
        assertThat(json("text/html;q=0.2", "application/json")).isTrue();
    }

    @Test
    void otherParametersDoNotHideTheWeight() {
        assertThat(AcceptHeader.weight(List.of("text/html;level=1;q=0.4"), "text/html")).isEqualTo(400);
        assertThat(AcceptHeader.weight(List.of("text/html ; Q=0.7"), "text/html")).isEqualTo(700);
    }

    @Test
    void anInvalidWeightDropsTheElement() {
        // RFC 9110 §12.4.2: a qvalue has at most three decimals and is at most 1.
        assertThat(json("application/json;q=2")).isFalse();
        assertThat(json("application/json;q=0.0001")).isFalse();
        assertThat(json("application/json;q=abc")).isFalse();
        assertThat(json("text/html;q=1.5, application/json;q=0.5")).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"1,1000", "1.,1000", "1.000,1000", "0,0", "0.5,500", "0.123,123", "0.05,50"})
    void parsesQvalues(String q, int thousandths) {
        assertThat(AcceptHeader.parseQ(q)).isEqualTo(thousandths);
    }

    @ParameterizedTest
    @CsvSource({"1.001", "2", "0.1234", "-1", "0x", ".5", "' 1'", "''", "1.5"})
    void refusesNonQvalues(String q) {
        assertThat(AcceptHeader.parseQ(q)).isEqualTo(-1);
    }
}
