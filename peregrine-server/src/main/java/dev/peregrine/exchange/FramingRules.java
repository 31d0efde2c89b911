package dev.peregrine.exchange;

/**
 * The framing decisions of RFC 9110 as pure functions of method and status, shared by every
 * protocol (hyper's {@code role.rs} with {@code can_have_content_length} is the model). No state,
 * no I/O: tested on every combination the RFC constrains.
 */
public final class FramingRules {

    private FramingRules() {}

    /**
     * Whether a response with this status to this request may carry content (RFC 9110 §6.4.1):
     * never for 1xx, 204 and 304, and a 2xx answer to CONNECT switches to a tunnel instead.
     * HEAD is not considered here: its response is framed like GET's, then sends nothing.
     */
    public static boolean statusAllowsContent(boolean connect, int status) {
        if (status < 200 || status == 204 || status == 304) {
            return false;
        }
        return !(connect && status < 300);
    }

    /**
     * Whether a {@code content-length} field may be sent (RFC 9110 §8.6): not with 1xx or 204,
     * not on a 2xx to CONNECT; a 304 may repeat the length the 200 would have had.
     */
    public static boolean mayDeclareLength(boolean connect, int status) {
        if (status < 200 || status == 204) {
            return false;
        }
        return !(connect && status < 300);
    }

    /**
     * The body mode of a response head.
     *
     * @param declaredLength the length the handler declared, or -1
     * @param hasTrailers trailer fields will follow the body (HTTP/1.1 then needs chunked coding)
     * @param completeLength the handler already finished and wrote this many bytes, or -1 when the
     *     head goes out before the body is complete
     */
    public static BodyMode bodyMode(boolean connect, int status, long declaredLength, boolean hasTrailers,
            long completeLength) {
        if (!statusAllowsContent(connect, status)) {
            return BodyMode.NONE;
        }
        if (hasTrailers) {
            return BodyMode.STREAMED;
        }
        if (declaredLength >= 0 || completeLength >= 0) {
            return BodyMode.LENGTH;
        }
        return BodyMode.STREAMED;
    }
}
