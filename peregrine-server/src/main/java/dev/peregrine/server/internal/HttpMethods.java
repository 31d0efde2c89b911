package dev.peregrine.server.internal;

/**
 * The methods OpenTelemetry's {@code http.request.method} names (RFC 9110 §9 and PATCH, RFC 5789),
 * by small id; any other method is {@code _OTHER}, so a client cannot create series at will.
 */
final class HttpMethods {

    static final String[] NAMES = {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH",
        "_OTHER"};
    static final int OTHER = NAMES.length - 1;

    private HttpMethods() {}

    /** The method's id; a switch on the string (its hash is cached), no map. Case-sensitive (RFC 9110 §9.1). */
    static int id(String method) {
        if (method == null) {
            return OTHER;
        }
        if (method == "GET") { // identity first: HTTP/1.1's parser gives the interned literal
            return 0;
        }
        return switch (method) {
            case "GET" -> 0;
            case "HEAD" -> 1;
            case "POST" -> 2;
            case "PUT" -> 3;
            case "DELETE" -> 4;
            case "CONNECT" -> 5;
            case "OPTIONS" -> 6;
            case "TRACE" -> 7;
            case "PATCH" -> 8;
            default -> OTHER;
        };
    }
}
