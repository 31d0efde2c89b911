package dev.peregrine.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ContentCodingTest {

    @Test
    void eachCodingHasItsOwnTag() { // RFC 9110 §8.8.3: different bytes, different strong tag
        assertThat(ContentCoding.GZIP.etag("\"3e8-17f\"")).isEqualTo("\"3e8-17f-gzip\"");
        assertThat(ContentCoding.BR.etag("\"3e8-17f\"")).isEqualTo("\"3e8-17f-br\"");
        assertThat(ContentCoding.ZSTD.etag("\"3e8-17f\"")).isEqualTo("\"3e8-17f-zstd\"");
        assertThat(ContentCoding.IDENTITY.etag("\"3e8-17f\"")).isEqualTo("\"3e8-17f\"");
        assertThat(ContentCoding.GZIP.etag("W/\"abc\"")).isEqualTo("W/\"abc-gzip\"");
        assertThat(ContentCoding.GZIP.etag("\"\"")).isEqualTo("\"-gzip\"");
    }

    @Test
    void rejectsWhatIsNotATag() {
        assertThatThrownBy(() -> ContentCoding.GZIP.etag("abc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ContentCoding.GZIP.etag("\"")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void ifNoneMatchWithAnEncodedTagMatchesThatRepresentationOnly() {
        String identity = "\"3e8-17f\"";
        List<String> cachedGzip = List.of(ContentCoding.GZIP.etag(identity));
        assertThat(Preconditions.anyMatches(cachedGzip, ContentCoding.GZIP.etag(identity), false)).isTrue();
        assertThat(Preconditions.anyMatches(cachedGzip, identity, false)).isFalse();
        assertThat(Preconditions.anyMatches(cachedGzip, ContentCoding.BR.etag(identity), false)).isFalse();
        // and the plain tag does not vouch for the gzip bytes either
        assertThat(Preconditions.anyMatches(List.of(identity), ContentCoding.GZIP.etag(identity), false)).isFalse();
        // If-Range compares strongly: the encoded tag of a strong tag is strong
        Preconditions.Validators gzipped = new Preconditions.Validators(ContentCoding.GZIP.etag(identity), 0, false);
        assertThat(Preconditions.ifRangeHolds("\"3e8-17f-gzip\"", gzipped)).isTrue();
        assertThat(Preconditions.ifRangeHolds(identity, gzipped)).isFalse();
    }

    @Test
    void sidecarSuffixesAndPreference() {
        assertThat(ContentCoding.PREFERENCE).containsExactly(
                ContentCoding.BR, ContentCoding.ZSTD, ContentCoding.GZIP, ContentCoding.IDENTITY);
        assertThat(ContentCoding.BR.sidecarSuffix()).isEqualTo(".br");
        assertThat(ContentCoding.ZSTD.sidecarSuffix()).isEqualTo(".zst");
        assertThat(ContentCoding.GZIP.sidecarSuffix()).isEqualTo(".gz");
        assertThat(ContentCoding.IDENTITY.sidecarSuffix()).isNull();
        assertThat(ContentCoding.GZIP.token()).isEqualTo("gzip");
    }
}
