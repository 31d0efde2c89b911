/**
 * Peregrine's OpenTelemetry bridge: the server's instruments registered with an application's
 * {@code OpenTelemetry} instance, and a server span per request with W3C trace-context
 * propagation. Entry point: {@link dev.peregrine.opentelemetry.PeregrineTelemetry}. It needs the
 * OpenTelemetry API alone; the application brings the SDK (or the Java agent) and its exporters.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"}) // the OpenTelemetry jars are automatic modules
module dev.peregrine.opentelemetry {
    requires transitive dev.peregrine.server;
    requires transitive io.opentelemetry.api;
    requires io.opentelemetry.context;

    exports dev.peregrine.opentelemetry;
}
