package dev.peregrine.observe.status;

import dev.peregrine.server.internal.JsonStrings;
import java.util.Map;

/**
 * A small JSON writer for the status samples (RFC 8259): objects, arrays, strings (escaped by
 * {@link JsonStrings}), longs and finite doubles, with commas placed by the writer. Non-finite doubles become 0, which JSON
 * cannot otherwise carry.
 */
final class Json {

    private final StringBuilder out = new StringBuilder(1024);
    /** Whether the container being written already has a member (so the next needs a comma). */
    private long hasMember;
    private int depth;

    void open() {
        value();
        out.append('{');
        push();
    }

    void close() {
        out.append('}');
        depth--;
    }

    void object(String name) {
        key(name);
        out.append('{');
        push();
    }

    void array(String name) {
        key(name);
        out.append('[');
        push();
    }

    void closeArray() {
        out.append(']');
        depth--;
    }

    void field(String name, long value) {
        key(name);
        out.append(value);
    }

    void field(String name, double value) {
        key(name);
        number(value);
    }

    void field(String name, String value) {
        key(name);
        quote(value);
    }

    /** A member whose value is an object of counts, in the map's order. */
    void counts(String name, Map<String, Long> counts) {
        object(name);
        counts.forEach(this::field);
        close();
    }

    @Override
    public String toString() {
        return out.toString();
    }

    private void push() {
        depth++;
        hasMember &= ~(1L << depth);
    }

    private void key(String name) {
        value();
        quote(name);
        out.append(':');
    }

    /** Starts a member or element of the current container: a comma unless it is the first. */
    private void value() {
        if (depth == 0) {
            return;
        }
        long bit = 1L << depth;
        if ((hasMember & bit) != 0) {
            out.append(',');
        }
        hasMember |= bit;
    }

    private void number(double v) {
        if (!Double.isFinite(v)) {
            out.append('0');
        } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            out.append((long) v);
        } else {
            out.append(v);
        }
    }

    private void quote(String s) {
        JsonStrings.quote(s, out);
    }
}
