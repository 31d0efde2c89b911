package dev.peregrine.cli;

import dev.peregrine.api.Filter;
import dev.peregrine.api.ForwardingRequest;
import dev.peregrine.api.Handler;
import dev.peregrine.api.PathDecoder;
import dev.peregrine.api.Request;
import dev.peregrine.api.Response;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code --spa}: a single-page application routes on the client, so {@code /users/42} has no file;
 * such a path gets the root's {@code index.html} instead of a 404, and the page's router takes it
 * from there. Only paths whose last segment has no {@code .} fall back: {@code /app.js} or
 * {@code /logo.png} that is missing stays a 404, so a broken asset link shows as one instead of
 * as HTML where a script or image was expected.
 *
 * <p>The decision is made before the files see the request, by asking the file system whether
 * anything exists at the path, and the request goes on with {@code /index.html} as its path: the
 * files then answer as for that file (validators, conditional requests, HEAD). Anything that
 * exists is served as usual, and a path the files would refuse (an encoded slash, {@code ..}, a
 * dot-file) is left to them, so the fallback never changes what is served for those.
 */
final class SpaFallback implements Filter {

    private static final String INDEX = "/index.html";

    private final Path root;

    /** @param root the served directory, as a real path */
    SpaFallback(Path root) {
        this.root = root;
    }

    @Override
    public void filter(Request request, Response response, Handler next) throws Exception {
        String method = request.method();
        if ((method.equals("GET") || method.equals("HEAD")) && fallsBack(request.path())) {
            next.handle(new IndexRequest(request), response);
        } else {
            next.handle(request, response);
        }
    }

    /** Whether {@code rawPath} names nothing under the root and its last segment has no extension. */
    boolean fallsBack(String rawPath) {
        if (rawPath == null || !rawPath.startsWith("/")) {
            return false; // "*" or an absolute form the files will refuse anyway
        }
        String body = rawPath.substring(1);
        if (body.endsWith("/")) {
            body = body.substring(0, body.length() - 1);
        }
        if (body.isEmpty()) {
            return false; // the root always exists
        }
        Path candidate = root;
        String last = null;
        for (String raw : body.split("/", -1)) {
            String segment;
            try {
                segment = PathDecoder.decodeSegment(raw);
            } catch (IllegalArgumentException e) {
                return false;
            }
            if (segment.isEmpty() || segment.startsWith(".") || segment.indexOf('/') >= 0
                    || segment.indexOf('\\') >= 0 || segment.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                return false; // refused by the files: leave it to them
            }
            try {
                candidate = candidate.resolve(segment);
            } catch (java.nio.file.InvalidPathException e) {
                return false; // e.g. a ':' on Windows: not a name the files serve either
            }
            last = segment;
        }
        if (last.indexOf('.') >= 0) {
            return false;
        }
        try {
            return !Files.exists(candidate);
        } catch (SecurityException e) {
            return false;
        }
    }

    /** The request with {@code /index.html} as its path; the query stays. */
    private static final class IndexRequest extends ForwardingRequest {
        IndexRequest(Request delegate) {
            super(delegate);
        }

        @Override
        public String path() {
            return INDEX;
        }

        @Override
        public String target() {
            String query = delegate().query();
            return query == null ? INDEX : INDEX + "?" + query;
        }
    }
}
