package dev.peregrine.api;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A route's path template as the {@link Router} was given it ({@code /users/{id}}): what
 * OpenTelemetry calls {@code http.route}. Each distinct template gets a small id, JVM-wide, when
 * a router is built, so the server records a matched route by number, never by looking up a
 * string per request; {@link #of} returns the same instance for the same text.
 */
public final class RouteTemplate {

    private static final ConcurrentHashMap<String, RouteTemplate> BY_TEXT = new ConcurrentHashMap<>();
    /** Index = id; id 0 is no route. Copied on write (routers are built rarely), read without a lock. */
    private static volatile RouteTemplate[] byId = new RouteTemplate[1];

    private final String template;
    private final int id;

    private RouteTemplate(String template, int id) {
        this.template = template;
        this.id = id;
    }

    /** The template for this text, created (and numbered) the first time. */
    public static RouteTemplate of(String template) {
        RouteTemplate t = BY_TEXT.get(template);
        return t != null ? t : create(template);
    }

    private static synchronized RouteTemplate create(String template) {
        RouteTemplate t = BY_TEXT.get(template);
        if (t == null) {
            RouteTemplate[] ids = byId;
            t = new RouteTemplate(template, ids.length);
            RouteTemplate[] grown = Arrays.copyOf(ids, ids.length + 1);
            grown[t.id] = t;
            byId = grown;
            BY_TEXT.put(template, t);
        }
        return t;
    }

    /** The template with this {@link #id()}, or {@code null} when there is none. */
    public static RouteTemplate byId(int id) {
        RouteTemplate[] ids = byId;
        return id > 0 && id < ids.length ? ids[id] : null;
    }

    /** The template text, e.g. {@code /users/{id}}. */
    public String template() {
        return template;
    }

    /** A small positive number, unique per template within this JVM. */
    public int id() {
        return id;
    }

    @Override
    public String toString() {
        return template;
    }
}
