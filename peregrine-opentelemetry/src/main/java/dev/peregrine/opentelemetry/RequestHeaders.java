package dev.peregrine.opentelemetry;

import dev.peregrine.api.Headers;
import dev.peregrine.api.Request;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.LinkedHashSet;
import java.util.Set;

/** Reads propagation fields ({@code traceparent}, {@code tracestate}, {@code baggage}) from a request's headers. */
enum RequestHeaders implements TextMapGetter<Request> {
    INSTANCE;

    @Override
    public Iterable<String> keys(Request carrier) {
        Headers headers = carrier.headers();
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < headers.size(); i++) {
            names.add(headers.name(i));
        }
        return names;
    }

    @Override
    public String get(Request carrier, String key) {
        return carrier == null ? null : carrier.header(key); // names compare case-insensitively
    }
}
