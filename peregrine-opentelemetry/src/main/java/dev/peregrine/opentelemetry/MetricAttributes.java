package dev.peregrine.opentelemetry;

import dev.peregrine.observe.metrics.Instruments;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.Map;

/**
 * Peregrine's attribute maps (every value a string, as the snapshot and Prometheus show them) as
 * OpenTelemetry {@link Attributes}, with the types the semantic conventions give: the status
 * code is an int, the overflow marker a boolean; everything else stays a string.
 */
final class MetricAttributes {

    private MetricAttributes() {}

    static Attributes of(Map<String, String> attributes) {
        if (attributes.isEmpty()) {
            return Attributes.empty();
        }
        AttributesBuilder b = Attributes.builder();
        attributes.forEach((name, value) -> {
            switch (name) {
                case Instruments.ATTR_STATUS -> b.put(name, statusCode(value));
                case Instruments.ATTR_OVERFLOW -> b.put(name, Boolean.parseBoolean(value));
                default -> b.put(name, value);
            }
        });
        return b.build();
    }

    private static long statusCode(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0; // the core writes three digits; never reached
        }
    }
}
