package dev.peregrine.files;

import dev.peregrine.api.Request;
import dev.peregrine.api.Response;
import java.io.IOException;

/** Static resources answer GET and HEAD only; anything else gets 405 with {@code Allow} (RFC 9110 §15.5.6). */
public final class GetOrHead {

    private GetOrHead() {}

    /** Answers 405 unless the method is GET or HEAD; returns whether it did (the caller then stops). */
    public static boolean refuseOthers(Request request, Response response) throws IOException {
        String method = request.method();
        if (method.equals("GET") || method.equals("HEAD")) {
            return false;
        }
        response.header("allow", "GET, HEAD");
        response.send(405, "Method Not Allowed\n");
        return true;
    }
}
