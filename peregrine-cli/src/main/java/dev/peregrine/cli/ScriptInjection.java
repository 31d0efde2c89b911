package dev.peregrine.cli;

import dev.peregrine.api.Filter;
import dev.peregrine.api.ForwardingRequest;
import dev.peregrine.api.Handler;
import dev.peregrine.api.Headers;
import dev.peregrine.api.PathDecoder;
import dev.peregrine.api.Request;
import dev.peregrine.api.Response;
import dev.peregrine.files.MimeTypes;

/**
 * {@code --watch}: adds the live-reload script to every HTML page served (see
 * {@link InjectingResponse} for how, and {@link ScriptPolicy} for pages with a
 * Content-Security-Policy).
 *
 * <p>A page with the script is a different representation from the file, so its entity tag gets
 * {@value #ETAG_SUFFIX} inside the quotes ({@code "1f-18c…-live"}): a cache that kept a copy
 * from a server without {@code --watch} never takes a 304 for the page with the script, nor the
 * other way round. For a request that will be answered with HTML (a path ending in {@code /}, or
 * a file name whose type is {@code text/html}), the validators the client sends are translated
 * before the files compare them (RFC 9110 §13.1): a tag with the suffix loses it (then it is the
 * file's own tag, and the file's tag is what the page's tag was made from), and a tag without it
 * is made one that matches nothing. Ranges of such pages are not offered: {@code Range} and
 * {@code If-Range} are dropped, so the whole page is sent (RFC 9110 §14.2 lets a server ignore
 * {@code Range}), and the response has no {@code Accept-Ranges}.
 */
final class ScriptInjection implements Filter {

    static final String ETAG_SUFFIX = "-live";
    /** Pages larger than this are sent as they are: a page is buffered whole to add the script. */
    static final long MAX_PAGE_BYTES = 8L * 1024 * 1024;

    @Override
    public void filter(Request request, Response response, Handler next) throws Exception {
        String method = request.method();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            next.handle(request, response);
            return;
        }
        boolean page = servesHtml(request.path());
        InjectingResponse injecting = new InjectingResponse(response, page);
        next.handle(page ? new PageRequest(request) : request, injecting);
        injecting.finish();
    }

    /** Whether the files answer this path with HTML when they find it: a directory's, or an HTML file. */
    static boolean servesHtml(String rawPath) {
        if (rawPath == null || !rawPath.startsWith("/")) {
            return false;
        }
        if (rawPath.endsWith("/")) {
            return true; // its index.html, or the listing
        }
        String last = rawPath.substring(rawPath.lastIndexOf('/') + 1);
        try {
            return MimeTypes.forFileName(PathDecoder.decodeSegment(last)).startsWith("text/html");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** {@code "abc"} to {@code "abc-live"}, {@code W/"abc"} to {@code W/"abc-live"}; null when not a tag. */
    static String withSuffix(String etag) {
        if (etag == null || etag.length() < 2 || !etag.endsWith("\"")) {
            return null;
        }
        return etag.substring(0, etag.length() - 1) + ETAG_SUFFIX + "\"";
    }

    /**
     * An If-Match or If-None-Match list with page tags turned back into file tags and file tags
     * into tags that match nothing; {@code *} stays. A value that does not parse is returned as it
     * is (the files ignore or refuse it on their own).
     */
    static String translateTags(String list) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        int n = list.length();
        while (i < n) {
            char c = list.charAt(i);
            if (c == ' ' || c == '\t' || c == ',') {
                i++;
                continue;
            }
            if (c == '*') {
                append(out, "*");
                i++;
                continue;
            }
            int start = i;
            if (list.startsWith("W/", i)) {
                i += 2;
            }
            if (i >= n || list.charAt(i) != '"') {
                return list;
            }
            int close = list.indexOf('"', i + 1);
            if (close < 0) {
                return list;
            }
            String prefix = list.substring(start, i + 1); // W/" or "
            String opaque = list.substring(i + 1, close);
            String translated = opaque.endsWith(ETAG_SUFFIX)
                    ? opaque.substring(0, opaque.length() - ETAG_SUFFIX.length())
                    : opaque + "-without-live-reload"; // no file tag ends so: it matches nothing
            append(out, prefix + translated + "\"");
            i = close + 1;
        }
        return out.toString();
    }

    private static void append(StringBuilder out, String tag) {
        if (!out.isEmpty()) {
            out.append(", ");
        }
        out.append(tag);
    }

    /** A request for a page, with its validators translated and its ranges dropped. */
    private static final class PageRequest extends ForwardingRequest {
        private final Headers headers;

        PageRequest(Request delegate) {
            super(delegate);
            Headers copy = new Headers();
            for (Headers.Field f : delegate.headers()) {
                switch (f.name().toLowerCase(java.util.Locale.ROOT)) {
                    case "range", "if-range" -> { }
                    case "if-match", "if-none-match" -> copy.add(f.name(), translateTags(f.value()));
                    default -> copy.add(f.name(), f.value());
                }
            }
            this.headers = copy;
        }

        @Override
        public Headers headers() {
            return headers;
        }
    }
}
