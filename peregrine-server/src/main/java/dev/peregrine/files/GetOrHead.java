package dev.peregrine.files;

import dev.peregrine.api.Request;
import dev.peregrine.api.Response;
import java.io.IOException;

/**
 * Static resources answer GET and HEAD; OPTIONS is answered with what they allow; anything
 * else gets 405 with {@code Allow} (RFC 9110 §15.5.6).
 */
public final class GetOrHead {

    /** The methods a static resource supports, as the {@code Allow} field lists them. */
    public static final String ALLOW = "GET, HEAD, OPTIONS";

    private GetOrHead() {}

    /**
     * Answers every method but GET and HEAD, and returns whether it did (the caller then stops):
     * {@code OPTIONS}, for a path or for {@code *} (the server as a whole, RFC 9110 §9.3.7),
     * gets {@code 204} with {@code Allow}; any other method {@code 405} with {@code Allow}.
     */
    public static boolean refuseOthers(Request request, Response response) throws IOException {
        String method = request.method();
        if (method.equals("GET") || method.equals("HEAD")) {
            return false;
        }
        response.header("allow", ALLOW);
        if (method.equals("OPTIONS")) {
            // 204: nothing to say beyond the header fields, and no Content-Length (RFC 9110 §8.6).
            response.status(204);
            return true;
        }
        response.send(405, "Method Not Allowed\n");
        return true;
    }
}
