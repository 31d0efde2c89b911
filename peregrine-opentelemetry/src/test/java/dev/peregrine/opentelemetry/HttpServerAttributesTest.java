package dev.peregrine.opentelemetry;

import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code server.address} and {@code server.port} from an authority (RFC 9110 §7.2, RFC 3986 §3.2.2). */
class HttpServerAttributesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ' ', nullValues = "-", value = {
        "example.com:8080 example.com 8080",
        "example.com example.com -",
        "[::1]:8443 ::1 8443",
        "[2001:db8::1] 2001:db8::1 -",
        "example.com:http example.com -",
        "example.com:99999 example.com -",
        "example.com: example.com -",
    })
    void authorityGivesServerAddressAndPort(String authority, String host, Long port) {
        Attributes a = attributesOf(authority);
        assertThat(a.get(stringKey("server.address"))).isEqualTo(host);
        assertThat(a.get(longKey("server.port"))).isEqualTo(port);
    }

    @Test
    void noHostNoAttributes() {
        assertThat(attributesOf(":80").isEmpty()).isTrue();
        assertThat(attributesOf("[::1").isEmpty()).isTrue();
        assertThat(attributesOf(null).isEmpty()).isTrue();
    }

    @Test
    void onlyTheStandardMethodsAreKnown() {
        assertThat(HttpServerAttributes.knownMethod("PATCH")).isEqualTo("PATCH");
        assertThat(HttpServerAttributes.knownMethod("get")).isNull(); // methods are case-sensitive (RFC 9110 §9.1)
        assertThat(HttpServerAttributes.knownMethod("BREW")).isNull();
    }

    private static Attributes attributesOf(String authority) {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        try (SdkTracerProvider tracing = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans))
                .build()) {
            SpanBuilder b = tracing.get("test").spanBuilder("span");
            HttpServerAttributes.authority(b, authority);
            b.startSpan().end();
            return spans.getFinishedSpanItems().getFirst().getAttributes();
        }
    }
}
