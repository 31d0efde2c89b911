package dev.peregrine.opentelemetry;

import static dev.peregrine.opentelemetry.HttpServerAttributes.*;

import dev.peregrine.api.Filter;
import dev.peregrine.api.Handler;
import dev.peregrine.api.Request;
import dev.peregrine.api.Response;
import dev.peregrine.api.RouteTemplate;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;

/**
 * The tracing filter ({@link PeregrineTelemetry#tracing()}): one {@link SpanKind#SERVER} span per
 * request, as OpenTelemetry's HTTP server span conventions say. Its name is
 * {@code {method} {http.route}} once a router matched a route, else {@code {method}} (the
 * method {@code HTTP} when it is not a standard one). The status is left unset for 1xx-4xx (a
 * 4xx is the client's error) and is {@code ERROR} for a 5xx or a handler that threw; the
 * exception is recorded on the span and rethrown, so the server answers as it would without
 * the filter.
 */
final class ServerTracing implements Filter {

    private final Tracer tracer;
    private final TextMapPropagator propagator;

    ServerTracing(Tracer tracer, TextMapPropagator propagator) {
        this.tracer = tracer;
        this.propagator = propagator;
    }

    @Override
    public void filter(Request request, Response response, Handler next) throws Exception {
        Context parent = propagator.extract(Context.current(), request, RequestHeaders.INSTANCE);
        String method = knownMethod(request.method());
        RouteTemplate early = request.route(); // set when this filter runs inside a route
        SpanBuilder builder = tracer.spanBuilder(name(method, early)).setParent(parent).setSpanKind(SpanKind.SERVER);
        HttpServerAttributes.request(builder, request, method);
        Span span = builder.startSpan();
        Throwable failure = null;
        try (Scope ignored = parent.with(span).makeCurrent()) {
            next.handle(request, response);
        } catch (Throwable t) {
            failure = t;
            throw t;
        } finally {
            end(span, request, response, method, failure);
        }
    }

    private static String name(String method, RouteTemplate route) {
        String m = method == null ? "HTTP" : method;
        return route == null ? m : m + " " + route.template();
    }

    private static void end(Span span, Request request, Response response, String method, Throwable failure) {
        RouteTemplate route = request.route(); // the Router sets it on its way to the handler
        if (route != null) {
            span.updateName(name(method, route));
            span.setAttribute(ROUTE, route.template());
        }
        // A handler that threw before anything was sent gets a 500 from the server.
        int status = failure != null && !response.isCommitted() ? 500 : response.status();
        span.setAttribute(STATUS_CODE, (long) status);
        if (failure != null) {
            span.recordException(failure);
            span.setAttribute(ERROR_TYPE, failure.getClass().getName());
            String message = failure.getMessage();
            span.setStatus(StatusCode.ERROR, message != null ? message : failure.getClass().getName());
        } else if (status >= 500) {
            span.setAttribute(ERROR_TYPE, Integer.toString(status));
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
    }
}
