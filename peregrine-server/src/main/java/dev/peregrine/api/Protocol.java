package dev.peregrine.api;

/** The HTTP version a request arrived with. */
public enum Protocol {
    HTTP_1_0("HTTP/1.0"),
    HTTP_1_1("HTTP/1.1"),
    HTTP_2("HTTP/2"),
    HTTP_3("HTTP/3");

    private final String text;

    Protocol(String text) {
        this.text = text;
    }

    /** As written on the wire and in logs, e.g. {@code HTTP/1.1}. */
    public String text() {
        return text;
    }
}
