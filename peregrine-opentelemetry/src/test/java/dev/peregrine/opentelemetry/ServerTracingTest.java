package dev.peregrine.opentelemetry;

import static dev.peregrine.opentelemetry.MetricsBridgeTest.awaitCondition;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.api.Router;
import dev.peregrine.server.Server;
import dev.peregrine.transport.Endpoint;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The tracing filter against the SDK's in-memory span exporter, over a real server and the JDK
 * client: W3C trace-context propagation (a {@code traceparent} makes the server span its child),
 * the HTTP server span's name and attributes, parenting of the handler's own spans, and error
 * status for exceptions and 5xx.
 */
@Timeout(60)
class ServerTracingTest {

    // W3C Trace Context §3.2's example: version 00, trace id, parent id, sampled.
    static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
    static final String PARENT_ID = "b7ad6b7169203331";
    static final String TRACEPARENT = "00-" + TRACE_ID + "-" + PARENT_ID + "-01";

    InMemorySpanExporter spans;
    OpenTelemetrySdk sdk;
    Server server;
    HttpClient client;

    @BeforeEach
    void start() throws Exception {
        spans = InMemorySpanExporter.create();
        sdk = OpenTelemetrySdk.builder()
                .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
                .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                .build();
        Tracer appTracer = sdk.getTracer("app");
        Router router = Router.builder()
                .get("/users/{id}", (req, res) -> {
                    appTracer.spanBuilder("load user").startSpan().end(); // parent: the current span
                    res.send("user " + req.pathParam("id"));
                })
                .get("/boom", (req, res) -> {
                    throw new IllegalStateException("boom (expected by the test)");
                })
                .get("/unavailable", (req, res) -> res.send(503, "try later"))
                .build();
        server = Server.builder().listen(Endpoint.tcp("127.0.0.1", 0))
                .handler(router.with(PeregrineTelemetry.create(sdk).tracing()))
                .start();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
        sdk.close();
    }

    @Test
    void traceparentMakesTheServerSpanAChildOfTheCallerWithTheHttpServerAttributes() throws Exception {
        HttpResponse<String> response = client.send(request("/users/42?x=1").header("traceparent", TRACEPARENT)
                .header("user-agent", "peregrine-test/1").build(), BodyHandlers.ofString());
        assertThat(response.body()).isEqualTo("user 42");

        SpanData span = serverSpan();
        assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(span.getName()).isEqualTo("GET /users/{id}");
        assertThat(span.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(span.getParentSpanId()).isEqualTo(PARENT_ID);
        assertThat(span.getParentSpanContext().isRemote()).isTrue();
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        Attributes a = span.getAttributes();
        assertThat(a.get(stringKey("http.request.method"))).isEqualTo("GET");
        assertThat(a.get(stringKey("url.path"))).isEqualTo("/users/42");
        assertThat(a.get(stringKey("url.query"))).isEqualTo("x=1");
        assertThat(a.get(stringKey("url.scheme"))).isEqualTo("http");
        assertThat(a.get(stringKey("http.route"))).isEqualTo("/users/{id}");
        assertThat(a.get(longKey("http.response.status_code"))).isEqualTo(200);
        assertThat(a.get(stringKey("network.protocol.version"))).isEqualTo("1.1");
        assertThat(a.get(stringKey("server.address"))).isEqualTo("127.0.0.1");
        assertThat(a.get(longKey("server.port"))).isEqualTo(server.port());
        assertThat(a.get(stringKey("client.address"))).isEqualTo("127.0.0.1");
        assertThat(a.get(stringKey("user_agent.original"))).isEqualTo("peregrine-test/1");
        assertThat(a.get(stringKey("error.type"))).isNull();
    }

    @Test
    void aSpanTheHandlerStartsIsAChildOfTheServerSpan() throws Exception {
        client.send(request("/users/7").build(), BodyHandlers.discarding());

        SpanData server = serverSpan();
        SpanData child = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals("load user"))
                .findFirst().orElseThrow();
        assertThat(child.getParentSpanId()).isEqualTo(server.getSpanId());
        assertThat(child.getTraceId()).isEqualTo(server.getTraceId());
        // No traceparent: the server span starts a trace of its own.
        assertThat(server.getParentSpanContext().isValid()).isFalse();
    }

    @Test
    void aHandlerExceptionIsRecordedAndTheSpanFails() throws Exception {
        assertThat(client.send(request("/boom").build(), BodyHandlers.discarding()).statusCode()).isEqualTo(500);

        SpanData span = serverSpan();
        assertThat(span.getName()).isEqualTo("GET /boom");
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getAttributes().get(longKey("http.response.status_code"))).isEqualTo(500);
        assertThat(span.getAttributes().get(stringKey("error.type"))).isEqualTo(IllegalStateException.class.getName());
        List<EventData> events = span.getEvents();
        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.getName()).isEqualTo("exception");
            assertThat(e.getAttributes().get(stringKey("exception.type"))).isEqualTo(IllegalStateException.class.getName());
            assertThat(e.getAttributes().get(stringKey("exception.message"))).isEqualTo("boom (expected by the test)");
        });
    }

    @Test
    void a5xxFailsTheSpanAndA404IsNamedAfterTheMethodAlone() throws Exception {
        assertThat(client.send(request("/unavailable").build(), BodyHandlers.discarding()).statusCode()).isEqualTo(503);
        SpanData unavailable = serverSpan();
        assertThat(unavailable.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(unavailable.getAttributes().get(stringKey("error.type"))).isEqualTo("503");
        assertThat(unavailable.getEvents()).isEmpty();
        spans.reset();

        assertThat(client.send(request("/no/such/route").build(), BodyHandlers.discarding()).statusCode()).isEqualTo(404);
        SpanData notFound = serverSpan();
        assertThat(notFound.getName()).isEqualTo("GET");
        assertThat(notFound.getAttributes().get(stringKey("http.route"))).isNull();
        assertThat(notFound.getAttributes().get(longKey("http.response.status_code"))).isEqualTo(404);
        assertThat(notFound.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET); // a 4xx is the client's error
    }

    @Test
    void anUnknownMethodIsRecordedAsOtherWithTheOriginalBeside() throws Exception {
        client.send(request("/users/1").method("BREW", HttpRequest.BodyPublishers.noBody()).build(),
                BodyHandlers.discarding());
        SpanData span = serverSpan();
        assertThat(span.getName()).isEqualTo("HTTP");
        assertThat(span.getAttributes().get(stringKey("http.request.method"))).isEqualTo("_OTHER");
        assertThat(span.getAttributes().get(stringKey("http.request.method_original"))).isEqualTo("BREW");
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery));
    }

    /** The one server span; it ends as the handler returns, which may be after the client has the response. */
    private SpanData serverSpan() {
        awaitCondition(() -> spans.getFinishedSpanItems().stream().anyMatch(s -> s.getKind() == SpanKind.SERVER),
                "the server span");
        return spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst()
                .orElseThrow();
    }
}
