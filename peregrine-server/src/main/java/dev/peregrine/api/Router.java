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

    /** A route with its pattern pre-split: segment texts, and for each whether it is literal, a parameter or the rest. */
    private record Route(String method, String[] segments, byte[] kinds, Handler handler, RouteTemplate template) {
        static Route of(String method, String pattern, Handler handler) {
            String[] raw = split(pattern);
            String[] segments = new String[raw.length];
            byte[] kinds = new byte[raw.length];
            for (int i = 0; i < raw.length; i++) {
                String seg = raw[i];
                if (seg.equals("*") || (seg.startsWith("{") && seg.endsWith("...}"))) {
                    if (i != raw.length - 1) {
                        throw new IllegalArgumentException("a rest segment must come last: " + pattern);
                    }
                    kinds[i] = REST;
                    segments[i] = seg.equals("*") ? null : seg.substring(1, seg.length() - 4);
                } else if (seg.startsWith("{") && seg.endsWith("}")) {
                    kinds[i] = PARAM;
                    segments[i] = seg.substring(1, seg.length() - 1);
                } else {
                    kinds[i] = LITERAL;
                    segments[i] = seg;
                }
            }
            return new Route(method, segments, kinds, handler, RouteTemplate.of(pattern));
        }
    }

    private static final byte LITERAL = 0;
    private static final byte PARAM = 1;
    private static final byte REST = 2;

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
        String path = request.path();
        String method = request.method();
        if (dispatch(method, path, request, response)
                || (method.equals("HEAD") && dispatch("GET", path, request, response))) {
            return;
        }
        Set<String> allowed = new LinkedHashSet<>();
        for (Route route : routes) {
            if (match(route, path) != null) {
                allowed.add(route.method);
            }
        }
        if (!allowed.isEmpty()) {
            if (allowed.contains("GET")) {
                allowed.add("HEAD");
            }
            response.header("allow", String.join(", ", allowed));
            response.send(405, "Method Not Allowed\n");
            return;
        }
        notFound.handle(request, response);
    }

    /** Runs the first route of {@code method} matching {@code path}; false if none. Allocates only for captured parameters. */
    private boolean dispatch(String method, String path, Request request, Response response) throws Exception {
        for (Route route : routes) {
            if (!route.method.equals(method)) {
                continue;
            }
            Map<String, String> params = match(route, path);
            if (params != null) {
                request.routeMatched(route.template);
                route.handler.handle(params.isEmpty() ? request : new RoutedRequest(request, params), response);
                return true;
            }
        }
        return false;
    }

    private static String[] split(String path) {
        if (path.isEmpty() || path.equals("/")) {
            return new String[0];
        }
        String p = path.charAt(0) == '/' ? path.substring(1) : path;
        return p.split("/", -1);
    }

    /**
     * Matches the path's segments against the route in place, without splitting the path:
     * captured parameters (possibly none) on a match, {@code null} otherwise.
     */
    private static Map<String, String> match(Route route, String path) {
        int n = path.length();
        // pos is where the next segment starts; n + 1 means no segment is left. "/" has none.
        int pos = n == 0 || (n == 1 && path.charAt(0) == '/') ? n + 1 : (path.charAt(0) == '/' ? 1 : 0);
        Map<String, String> params = Map.of();
        String[] segments = route.segments;
        for (int i = 0; i < segments.length; i++) {
            byte kind = route.kinds[i];
            if (kind == REST) {
                if (segments[i] != null) {
                    params = put(params, segments[i], pos > n ? "" : path.substring(pos));
                }
                return params;
            }
            if (pos > n) {
                return null;
            }
            int slash = path.indexOf('/', pos);
            int end = slash < 0 ? n : slash;
            if (kind == PARAM) {
                if (end == pos) {
                    return null;
                }
                try {
                    params = put(params, segments[i], PathDecoder.decodeSegment(path.substring(pos, end)));
                } catch (IllegalArgumentException malformed) {
                    return null; // a segment that does not decode names no resource: 404
                }
            } else if (segments[i].length() != end - pos || !path.startsWith(segments[i], pos)) {
                return null;
            }
            pos = end + 1;
        }
        return pos > n ? params : null;
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
            routes.add(Route.of(method, pattern, handler));
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
