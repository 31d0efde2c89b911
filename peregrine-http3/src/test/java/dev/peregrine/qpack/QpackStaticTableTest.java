package dev.peregrine.qpack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** RFC 9204 Appendix A, spot-checked, and the lookups the encoder relies on. */
class QpackStaticTableTest {

    @Test
    void has99EntriesIndexedFromZero() {
        assertThat(QpackStaticTable.SIZE).isEqualTo(99);
        assertThat(QpackStaticTable.isValid(0)).isTrue();
        assertThat(QpackStaticTable.isValid(98)).isTrue();
        assertThat(QpackStaticTable.isValid(99)).isFalse();
        assertThat(QpackStaticTable.isValid(-1)).isFalse();
        assertThat(QpackStaticTable.isValid(Long.MAX_VALUE)).isFalse();
    }

    @ParameterizedTest(name = "{0}: {1} {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "0  | :authority                       | \"\"",
        "1  | :path                            | /",
        "2  | age                              | 0",
        "15 | :method                          | CONNECT",
        "17 | :method                          | GET",
        "23 | :scheme                          | https",
        "24 | :status                          | 103",
        "25 | :status                          | 200",
        "28 | :status                          | 503",
        "31 | accept-encoding                  | gzip, deflate, br",
        "41 | cache-control                    | public, max-age=31536000",
        "52 | content-type                     | text/html; charset=utf-8",
        "54 | content-type                     | text/plain;charset=utf-8",
        "58 | strict-transport-security        | max-age=31536000; includesubdomains; preload",
        "62 | x-xss-protection                 | 1; mode=block",
        "63 | :status                          | 100",
        "71 | :status                          | 500",
        "72 | accept-language                  | \"\"",
        "73 | access-control-allow-credentials | FALSE",
        "85 | content-security-policy          | script-src 'none'; object-src 'none'; base-uri 'none'",
        "95 | user-agent                       | \"\"",
        "97 | x-frame-options                  | deny",
        "98 | x-frame-options                  | sameorigin",
    })
    void entriesMatchAppendixA(int index, String name, String value) {
        assertThat(QpackStaticTable.name(index)).isEqualTo(name);
        assertThat(QpackStaticTable.value(index)).isEqualTo(value);
    }

    @Test
    void findIsExactThenByNameThenNothing() {
        assertThat(QpackStaticTable.find(":status", "200")).isEqualTo(25);
        assertThat(QpackStaticTable.find(":status", "500")).as("second run of :status").isEqualTo(71);
        assertThat(QpackStaticTable.find(":status", "201")).as("lowest :status index").isEqualTo(-1 - 24);
        assertThat(QpackStaticTable.find(":authority", "")).isEqualTo(0);
        assertThat(QpackStaticTable.find(":authority", "example.com")).isEqualTo(-1 - 0);
        assertThat(QpackStaticTable.find("content-type", "text/plain")).isEqualTo(53);
        assertThat(QpackStaticTable.find("x-custom", "1")).isEqualTo(QpackStaticTable.NO_MATCH);
        assertThat(QpackStaticTable.exactIndex("vary", "origin")).isEqualTo(60);
        assertThat(QpackStaticTable.exactIndex("vary", "cookie")).isEqualTo(-1);
        assertThat(QpackStaticTable.nameIndex("cache-control")).isEqualTo(36);
        assertThat(QpackStaticTable.nameIndex("Cache-Control")).as("lookups are for lowercase names").isEqualTo(-1);
    }

    @Test
    void everyEntryIsFoundAtItsOwnIndexUnlessAnEarlierOneIsIdentical() {
        for (int i = 0; i < QpackStaticTable.SIZE; i++) {
            assertThat(QpackStaticTable.find(QpackStaticTable.name(i), QpackStaticTable.value(i)))
                    .as("index %d", i).isEqualTo(i);
        }
    }

    @Test
    void statusIndicesPointAtTheirCodes() {
        int found = 0;
        for (int status = 100; status <= 999; status++) {
            int index = QpackStaticTable.statusIndex(status);
            if (index >= 0) {
                found++;
                assertThat(QpackStaticTable.name(index)).isEqualTo(":status");
                assertThat(QpackStaticTable.value(index)).isEqualTo(Integer.toString(status));
            } else {
                assertThat(QpackStaticTable.exactIndex(":status", Integer.toString(status))).isEqualTo(-1);
            }
        }
        assertThat(found).isEqualTo(14);
    }
}
