package dev.peregrine.cli;

import dev.peregrine.api.Filter;
import dev.peregrine.api.Handler;
import dev.peregrine.api.Request;
import dev.peregrine.api.Response;

/**
 * {@code --cors}: lets pages of any origin read what the server serves, following the CORS
 * protocol of the Fetch standard (§3.2). Every response gets {@code Access-Control-Allow-Origin: *};
 * a CORS-preflight request ({@code OPTIONS} with {@code Access-Control-Request-Method}) is
 * answered here with 204 and the methods the files answer, the request headers it asked for,
 * and how long the answer may be cached. Other {@code OPTIONS} requests go on to the files.
 *
 * <p>The wildcard fits a development server's public, credential-less content; with it, browsers
 * send no cookies, so there is nothing to leak that any page could not fetch anyway.
 */
final class Cors implements Filter {

    static final String ALLOWED_METHODS = "GET, HEAD, OPTIONS";
    /** Seconds a browser may reuse a preflight answer: the answer never changes while serving. */
    static final String MAX_AGE = "600";

    @Override
    public void filter(Request request, Response response, Handler next) throws Exception {
        response.header("access-control-allow-origin", "*");
        String asked = request.header("access-control-request-method");
        if (!request.method().equals("OPTIONS") || asked == null) {
            next.handle(request, response);
            return;
        }
        response.header("access-control-allow-methods", ALLOWED_METHODS);
        String headers = request.header("access-control-request-headers");
        if (headers != null && isFieldNameList(headers)) {
            response.header("access-control-allow-headers", headers);
        }
        response.header("access-control-max-age", MAX_AGE);
        // The answer depends on that request field: a shared cache must not hand one client's to another.
        response.header("vary", "Access-Control-Request-Headers");
        response.status(204);
    }

    /** Whether {@code value} is a comma-separated list of field names (tokens, RFC 9110 §5.1, §5.6.2). */
    static boolean isFieldNameList(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean tchar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!tchar && c != ',' && c != ' ' && c != '\t') {
                return false;
            }
        }
        return true;
    }
}
