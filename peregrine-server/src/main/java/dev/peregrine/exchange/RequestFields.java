package dev.peregrine.exchange;

import dev.peregrine.api.Headers;
import dev.peregrine.hpack.HpackDecoder;

/**
 * Collects one decoded request field section and checks it against the rules that make a request
 * malformed, which HTTP/2 and HTTP/3 share: RFC 9113 §8.2-§8.3 (a stream error PROTOCOL_ERROR)
 * and RFC 9114 §4.2-§4.3 (H3_MESSAGE_ERROR). The citations in messages name RFC 9113; RFC 9114
 * §4.2, §4.3.1 and §4.4 say the same for HTTP/3. The field decoder calls {@link #header} for
 * every field; violations are noted rather than thrown, so the block is still decoded to its end
 * and HPACK's dynamic table stays in step (RFC 9113 §4.3).
 */
public final class RequestFields implements HpackDecoder.HeaderSink {

    private final boolean trailers;
    private final boolean connectProtocolAllowed;
    private Headers headers;
    private String method;
    private String scheme;
    private String authority;
    private String path;
    private String protocol;
    private long contentLength = -1;
    private boolean regularSeen;
    private String cookies;
    private String malformed;

    /**
     * @param trailers whether this block is a trailer section (no pseudo-header fields, §8.1)
     * @param connectProtocolAllowed whether {@code :protocol} is allowed (RFC 8441, if we offered it)
     */
    public RequestFields(boolean trailers, boolean connectProtocolAllowed) {
        this.trailers = trailers;
        this.connectProtocolAllowed = connectProtocolAllowed;
        this.headers = new Headers(trailers ? 4 : 16);
    }

    /** The fields of an HTTP/1.1 request that upgraded to h2c, checked by the same rules. */
    public static RequestFields fromUpgrade(dev.peregrine.server.internal.UpgradeRequest u) {
        RequestFields f = new RequestFields(false, false);
        f.header(":method", u.method());
        f.header(":scheme", u.scheme());
        if (u.authority() != null) {
            f.header(":authority", u.authority());
        }
        f.header(":path", u.target());
        Headers h = u.headers();
        for (int i = 0; i < h.size(); i++) {
            String name = h.name(i).toLowerCase(java.util.Locale.ROOT);
            if (!name.equals("host")) {
                f.header(name, h.value(i));
            }
        }
        return f;
    }

    @Override
    public void header(String name, String value) {
        if (malformed != null) {
            return;
        }
        if (name.isEmpty()) {
            malformed = "empty field name (RFC 9113 §8.2.1, RFC 9110 §5.1)";
            return;
        }
        if (!validValue(value)) {
            malformed = "field value of " + name + " has a forbidden character or surrounding whitespace (RFC 9113 §8.2.1)";
            return;
        }
        if (name.charAt(0) == ':') {
            pseudo(name, value);
            return;
        }
        regularSeen = true;
        if (!validName(name)) {
            malformed = "field name '" + name + "' is not a lowercase token (RFC 9113 §8.2.1)";
            return;
        }
        switch (name) {
            case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade" -> {
                malformed = "connection-specific field " + name + " (RFC 9113 §8.2.2)";
                return;
            }
            case "te" -> {
                if (!value.equals("trailers")) {
                    malformed = "te other than trailers (RFC 9113 §8.2.2)";
                    return;
                }
            }
            case "content-length" -> {
                if (!contentLength(value)) {
                    return;
                }
            }
            case "cookie" -> {
                // Crumbs are joined for HTTP/1.1-minded handlers (RFC 9113 §8.2.3).
                cookies = cookies == null ? value : cookies + "; " + value;
                return;
            }
            default -> { }
        }
        headers.add(name, value);
    }

    private void pseudo(String name, String value) {
        if (trailers) {
            malformed = "pseudo-header " + name + " in trailers (RFC 9113 §8.1)";
            return;
        }
        if (regularSeen) {
            malformed = "pseudo-header " + name + " after a regular field (RFC 9113 §8.3)";
            return;
        }
        switch (name) {
            case ":method" -> method = once(method, name, value);
            case ":scheme" -> scheme = once(scheme, name, value);
            case ":authority" -> authority = once(authority, name, value);
            case ":path" -> path = once(path, name, value);
            case ":protocol" -> {
                if (!connectProtocolAllowed) {
                    malformed = ":protocol without SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 8441 §4)";
                    return;
                }
                protocol = once(protocol, name, value);
            }
            default -> malformed = "unknown or response pseudo-header " + name + " (RFC 9113 §8.3)";
        }
    }

    private String once(String previous, String name, String value) {
        if (previous != null) {
            malformed = "repeated " + name + " (RFC 9113 §8.3)";
        }
        return value;
    }

    private boolean contentLength(String value) {
        long n = 0;
        if (value.isEmpty() || value.length() > 18) {
            malformed = "content-length is not 1*DIGIT of at most 18 digits (RFC 9110 §8.6, RFC 9113 §8.1.1)";
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                malformed = "content-length is not 1*DIGIT of at most 18 digits (RFC 9110 §8.6, RFC 9113 §8.1.1)";
                return false;
            }
            n = n * 10 + (c - '0');
        }
        if (contentLength >= 0 && contentLength != n) {
            malformed = "conflicting content-length values (RFC 9110 §8.6, RFC 9113 §8.1.1)";
            return false;
        }
        contentLength = n;
        return true;
    }

    /** RFC 9110 §5.1 token characters, lowercase only (RFC 9113 §8.2.1). */
    private static boolean validName(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
                continue;
            }
            switch (c) {
                case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~' -> { }
                default -> {
                    return false;
                }
            }
        }
        return true;
    }

    /** No NUL, CR or LF, and no leading or trailing SP/HTAB (RFC 9113 §8.2.1). */
    private static boolean validValue(String value) {
        int n = value.length();
        if (n == 0) {
            return true;
        }
        if (isSpace(value.charAt(0)) || isSpace(value.charAt(n - 1))) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c == 0 || c == '\r' || c == '\n') {
                return false;
            }
        }
        return true;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }

    /**
     * Ends the block: the request-level rules of RFC 9113 §8.3.1 that need every field. Returns
     * null when the request is well-formed, else what is wrong with it.
     */
    public String finish() {
        if (cookies != null) {
            headers.add("cookie", cookies);
            cookies = null;
        }
        if (malformed != null || trailers) {
            return malformed;
        }
        if (method == null) {
            return "missing :method (RFC 9113 §8.3.1)";
        }
        boolean connect = method.equals("CONNECT");
        if (connect && protocol == null) {
            if (scheme != null || path != null || authority == null) {
                return "CONNECT needs :authority and no :scheme or :path (RFC 9113 §8.5)";
            }
        } else {
            if (scheme == null || path == null) {
                return "missing :scheme or :path (RFC 9113 §8.3.1)";
            }
            if (path.isEmpty()) {
                return "empty :path (RFC 9113 §8.3.1)";
            }
            if (protocol != null && !connect) {
                return ":protocol on a method other than CONNECT (RFC 8441 §4)";
            }
            boolean asterisk = path.equals("*");
            if (asterisk ? !method.equals("OPTIONS") : path.charAt(0) != '/' && isHttpScheme()) {
                return ":path must be origin-form, or * for OPTIONS (RFC 9113 §8.3.1)";
            }
        }
        String host = headers.get("host");
        if (authority == null && host != null) {
            authority = host;
        } else if (authority != null && host == null) {
            headers.add("host", authority); // handlers written for HTTP/1.1 read Host (RFC 9113 §8.3.1)
        } else if (authority != null && !authority.equalsIgnoreCase(host)) {
            return "host differs from :authority (RFC 9113 §8.3.1)";
        }
        return null;
    }

    private boolean isHttpScheme() {
        return "http".equals(scheme) || "https".equals(scheme);
    }

    public Headers headers() {
        return headers;
    }

    public String method() {
        return method;
    }

    public String scheme() {
        return scheme;
    }

    public String authority() {
        return authority;
    }

    public String path() {
        return path;
    }

    public String protocol() {
        return protocol;
    }

    /** The declared length, or -1. */
    public long contentLength() {
        return contentLength;
    }
}
