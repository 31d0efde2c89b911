package dev.peregrine.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Routes by method and path pattern. Patterns are literal segments, {@code {name}} segments that
 * capture one segment, and a final {@code {name...}} (or {@code *}) that captures the rest:
 *
 * <pre>{@code
 * Handler app = Router.builder()
 *     .get("/", (req, res) -> res.send("home"))
 *     .get("/users/{id}", (req, res) -> res.send("user " + req.pathParam("id")))
 *     .post("/files/{path...}", upload)
 *     .build();
 * }</pre>
 *
 * Routes are tried in the order added. A path that matches no route gets 404; a path that
 * matches only under other methods gets 405 with an {@code Allow} header (RFC 9110 §15.5.6).
 * {@code HEAD} falls back to a {@code GET} route.
 */
public final class Router implements Handler {

    private record Route(String method, String[] segments, Handler handler) {}

    private final List<Route> routes;
    private final Handler notFound;

    private Router(List<Route> routes, Handler notFound) {
        this.routes = List.copyOf(routes);
        this.notFound = notFound;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void handle(Request request, Response response) throws Exception {
        String[] path = split(request.path());
        Set<String> allowed = null;
        for (String method : methodsToTry(request.method())) {
            for (Route route : routes) {
                Map<String, String> params = match(route.segments, path);
                if (params == null) {
                    continue;
                }
                if (route.method.equals(method)) {
                    route.handler.handle(params.isEmpty() ? request : new RoutedRequest(request, params), response);
                    return;
                }
                if (allowed == null) {
                    allowed = new LinkedHashSet<>();
                }
                allowed.add(route.method);
            }
        }
        if (allowed != null) {
            if (allowed.contains("GET")) {
                allowed.add("HEAD");
            }
            response.header("allow", String.join(", ", allowed));
            response.send(405, "Method Not Allowed\n");
            return;
        }
        notFound.handle(request, response);
    }

    private static List<String> methodsToTry(String method) {
        return method.equals("HEAD") ? List.of("HEAD", "GET") : List.of(method);
    }

    private static String[] split(String path) {
        if (path.isEmpty() || path.equals("/")) {
            return new String[0];
        }
        String p = path.charAt(0) == '/' ? path.substring(1) : path;
        return p.split("/", -1);
    }

    /** Captured parameters (possibly empty) on a match, {@code null} otherwise. */
    private static Map<String, String> match(String[] pattern, String[] path) {
        Map<String, String> params = Map.of();
        for (int i = 0; i < pattern.length; i++) {
            String seg = pattern[i];
            if (seg.equals("*") || (seg.startsWith("{") && seg.endsWith("...}"))) {
                String rest = String.join("/", java.util.Arrays.copyOfRange(path, Math.min(i, path.length), path.length));
                if (!seg.equals("*")) {
                    params = put(params, seg.substring(1, seg.length() - 4), rest);
                }
                return params;
            }
            if (i >= path.length) {
                return null;
            }
            if (seg.startsWith("{") && seg.endsWith("}")) {
                if (path[i].isEmpty()) {
                    return null;
                }
                params = put(params, seg.substring(1, seg.length() - 1), PathDecoder.decodeSegment(path[i]));
            } else if (!seg.equals(path[i])) {
                return null;
            }
        }
        return pattern.length == path.length ? params : null;
    }

    private static Map<String, String> put(Map<String, String> params, String name, String value) {
        Map<String, String> m = params.isEmpty() ? new LinkedHashMap<>() : params;
        m.put(name, value);
        return m;
    }

    /** Collects routes; {@link #build()} freezes them. */
    public static final class Builder {
        private final List<Route> routes = new ArrayList<>();
        private Handler notFound = (req, res) -> res.send(404, "Not Found\n");

        public Builder route(String method, String pattern, Handler handler) {
            if (!pattern.startsWith("/")) {
                throw new IllegalArgumentException("a pattern starts with '/': " + pattern);
            }
            routes.add(new Route(method, split(pattern), handler));
            return this;
        }

        public Builder get(String pattern, Handler handler) {
            return route("GET", pattern, handler);
        }

        public Builder head(String pattern, Handler handler) {
            return route("HEAD", pattern, handler);
        }

        public Builder post(String pattern, Handler handler) {
            return route("POST", pattern, handler);
        }

        public Builder put(String pattern, Handler handler) {
            return route("PUT", pattern, handler);
        }

        public Builder patch(String pattern, Handler handler) {
            return route("PATCH", pattern, handler);
        }

        public Builder delete(String pattern, Handler handler) {
            return route("DELETE", pattern, handler);
        }

        public Builder options(String pattern, Handler handler) {
            return route("OPTIONS", pattern, handler);
        }

        /** What answers paths no route matches (default: 404 text). */
        public Builder notFound(Handler handler) {
            this.notFound = handler;
            return this;
        }

        public Router build() {
            return new Router(routes, notFound);
        }
    }

    /** The request with the parameters its route captured. */
    private static final class RoutedRequest extends ForwardingRequest {
        private final Map<String, String> params;

        RoutedRequest(Request delegate, Map<String, String> params) {
            super(delegate);
            this.params = Collections.unmodifiableMap(params);
        }

        @Override
        public Map<String, String> pathParams() {
            return params;
        }
    }
}
