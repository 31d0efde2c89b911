package dev.peregrine.files;

import static dev.peregrine.files.ContentCoding.BR;
import static dev.peregrine.files.ContentCoding.GZIP;
import static dev.peregrine.files.ContentCoding.IDENTITY;
import static dev.peregrine.files.ContentCoding.ZSTD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.Headers;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AcceptEncodingTest {

    private static final int ALL = BR.bit() | ZSTD.bit() | GZIP.bit() | IDENTITY.bit();
    private static final int GZIP_OR_IDENTITY = GZIP.bit() | IDENTITY.bit();

    private static ContentCoding select(String header, int available) {
        return AcceptEncoding.parse(header).select(available);
    }

    @Test
    void browsersGetTheServersFavouriteAmongEquals() {
        assertThat(select("gzip, deflate, br, zstd", ALL)).isEqualTo(BR);
        assertThat(select("gzip, deflate, br, zstd", ZSTD.bit() | GZIP_OR_IDENTITY)).isEqualTo(ZSTD);
        assertThat(select("gzip, deflate, br, zstd", GZIP_OR_IDENTITY)).isEqualTo(GZIP);
        assertThat(select("gzip, deflate, br", IDENTITY.bit())).isEqualTo(IDENTITY);
        assertThat(select("gzip, deflate", ALL)).isEqualTo(GZIP);
    }

    @Test
    void clientWeightsComeBeforeServerOrder() { // RFC 9110 §12.4.2, §12.5.3
        assertThat(select("br;q=0.5, gzip", ALL)).isEqualTo(GZIP);
        assertThat(select("br;q=0.5, gzip;q=0.8", ALL)).isEqualTo(GZIP);
        assertThat(select("gzip;q=0.5, identity", ALL)).isEqualTo(IDENTITY);
        assertThat(select("br;q=0.001, gzip;q=0.001", ALL)).isEqualTo(BR);
        assertThat(AcceptEncoding.parse("gzip;q=0.25").qvalue(GZIP)).isEqualTo(250);
        assertThat(AcceptEncoding.parse("gzip;q=1.000").qvalue(GZIP)).isEqualTo(1000);
        assertThat(AcceptEncoding.parse("gzip;q=0.").qvalue(GZIP)).isEqualTo(0);
        assertThat(AcceptEncoding.parse("gzip;q=1.").qvalue(GZIP)).isEqualTo(1000);
        assertThat(AcceptEncoding.parse("gzip;q=0.007").qvalue(GZIP)).isEqualTo(7);
    }

    @Test
    void qZeroRefuses() {
        assertThat(select("br;q=0, gzip", ALL)).isEqualTo(GZIP);
        assertThat(select("br;q=0.000, gzip;q=0", ALL)).isEqualTo(IDENTITY);
        assertThat(AcceptEncoding.parse("gzip;q=0").accepts(GZIP)).isFalse();
    }

    @Test
    void identityIsAcceptableUnlessRefused() { // §12.5.3
        assertThat(select("br", IDENTITY.bit())).isEqualTo(IDENTITY);
        assertThat(select("identity;q=0", IDENTITY.bit())).isNull();
        assertThat(select("*;q=0", IDENTITY.bit())).isNull();
        assertThat(select("*;q=0, identity", IDENTITY.bit())).isEqualTo(IDENTITY);
        assertThat(select("identity;q=0, gzip", GZIP_OR_IDENTITY)).isEqualTo(GZIP);
        assertThat(select("identity;q=0, br", GZIP_OR_IDENTITY)).isNull(); // 406, or identity anyway
        // unlisted, identity ranks below every coding the client named, however low
        assertThat(select("gzip;q=0.001", GZIP_OR_IDENTITY)).isEqualTo(GZIP);
    }

    @Test
    void starCoversWhatIsNotNamed() {
        assertThat(select("*", ALL)).isEqualTo(BR);
        assertThat(select("*", IDENTITY.bit())).isEqualTo(IDENTITY);
        assertThat(select("br;q=0, *", ALL)).isEqualTo(ZSTD);
        assertThat(select("gzip, *;q=0", ALL)).isEqualTo(GZIP);
        assertThat(select("*;q=0.5, gzip;q=0.4", GZIP_OR_IDENTITY)).isEqualTo(IDENTITY);
        assertThat(AcceptEncoding.parse("*;q=0.3").qvalue(IDENTITY)).isEqualTo(300);
    }

    @Test
    void tokensAndTheQAreCaseInsensitive() {
        assertThat(select("GZIP", GZIP_OR_IDENTITY)).isEqualTo(GZIP);
        assertThat(select("Br;Q=1", ALL)).isEqualTo(BR);
        assertThat(select("ZSTD", ALL)).isEqualTo(ZSTD);
        assertThat(AcceptEncoding.parse("gzip;Q=0").accepts(GZIP)).isFalse();
        assertThat(AcceptEncoding.parse("IDENTITY;q=0").accepts(IDENTITY)).isFalse();
    }

    @Test
    void xGzipIsGzip() { // §8.4.1.3
        assertThat(select("x-gzip", GZIP_OR_IDENTITY)).isEqualTo(GZIP);
    }

    @Test
    void whitespaceAndEmptyElements() {
        assertThat(select(" ,gzip ;\tq=0.5 , ,br ; q=0.9,", ALL)).isEqualTo(BR);
        assertThat(AcceptEncoding.parse("gzip ; q=0.5").qvalue(GZIP)).isEqualTo(500);
    }

    @Test
    void severalFieldsAreOneList() { // §5.3
        AcceptEncoding a = AcceptEncoding.parse(List.of("gzip;q=0.5", "br;q=0.4", "identity;q=0"));
        assertThat(a.select(ALL)).isEqualTo(GZIP);
        assertThat(a.accepts(IDENTITY)).isFalse();
        Headers h = Headers.of("accept", "*/*", "Accept-Encoding", "gzip", "ACCEPT-ENCODING", "br");
        assertThat(AcceptEncoding.of(h).select(ALL)).isEqualTo(BR);
        assertThat(AcceptEncoding.of(h).accepts(GZIP)).isTrue();
    }

    @Test
    void duplicatesTakeTheLowerWeight() {
        assertThat(AcceptEncoding.parse("gzip;q=0, gzip").accepts(GZIP)).isFalse();
        assertThat(AcceptEncoding.parse("gzip, gzip;q=0").accepts(GZIP)).isFalse();
        assertThat(AcceptEncoding.parse(List.of("br;q=0.9", "br;q=0.2")).qvalue(BR)).isEqualTo(200);
        assertThat(AcceptEncoding.parse("x-gzip;q=0.3, gzip").qvalue(GZIP)).isEqualTo(300);
    }

    @Test
    void absentOrEmptyFieldMeansIdentityOnly() { // §12.5.3: empty = no content coding wanted
        assertThat(AcceptEncoding.of(Headers.of("accept", "*/*"))).isSameAs(AcceptEncoding.IDENTITY_ONLY);
        assertThat(AcceptEncoding.parse(List.of()).select(ALL)).isEqualTo(IDENTITY);
        assertThat(AcceptEncoding.parse((String) null).select(ALL)).isEqualTo(IDENTITY);
        assertThat(select("", ALL)).isEqualTo(IDENTITY);
        assertThat(select("  ", ALL)).isEqualTo(IDENTITY);
        for (ContentCoding c : List.of(BR, ZSTD, GZIP)) {
            assertThat(AcceptEncoding.IDENTITY_ONLY.accepts(c)).isFalse();
        }
    }

    @Test
    void unknownCodingsAreIgnored() {
        assertThat(select("deflate, compress, exi, aes128gcm", ALL)).isEqualTo(IDENTITY);
        assertThat(select("gzipx, brr, zst", ALL)).isEqualTo(IDENTITY);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "gzip;q=2",
        "gzip;q=1.5",
        "gzip;q=1.001",
        "gzip;q=0.5000",    // four decimals
        "gzip;q=.5",
        "gzip;q=",
        "gzip;q = 0.5",
        "gzip;q=0.5x",
        "gzip;q=-1",
        "gzip;level=9",     // only the weight is a parameter here
        "gzip;q=0.5;x=y",
        "gzip;",
        "gzip br",
        "\"gzip\"",
        ";q=1",
        "gzip\u0000",
    })
    void malformedElementsAreDropped(String header) {
        assertThat(AcceptEncoding.parse(header).accepts(GZIP)).as(header).isFalse();
        assertThat(AcceptEncoding.parse(header).select(ALL)).as(header).isEqualTo(IDENTITY);
    }

    @Test
    void aMalformedElementDoesNotSpoilTheOthers() {
        assertThat(select("gzip;q=2, br;q=0.5", ALL)).isEqualTo(BR);
        assertThat(select("br;q=oops, gzip", ALL)).isEqualTo(GZIP);
        assertThat(select("identity;q=x, gzip;q=0", GZIP_OR_IDENTITY)).isEqualTo(IDENTITY);
    }

    @Test
    void onlyAvailableCodingsAreChosen() {
        assertThat(select("br", 0)).isNull();
        assertThat(select("br", GZIP.bit())).isNull();
        assertThat(select("br, gzip", GZIP.bit())).isEqualTo(GZIP);
    }
}
