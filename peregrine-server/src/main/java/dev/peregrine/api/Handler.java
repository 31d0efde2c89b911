package dev.peregrine.api;

/**
 * Answers one request. Handlers run on their own virtual thread, so they may block: read the
 * request body, call a database, write a large response. The same handler serves HTTP/1.1,
 * HTTP/2 and HTTP/3.
 *
 * <p>When {@code handle} returns, the response is completed: an uncommitted response is sent
 * with what was set (status 200 and an empty body by default) and a streaming body is closed.
 * If it throws before anything was sent, the client gets a 500; after that, the connection
 * (or stream) is aborted so the client can tell the response is incomplete.
 */
@FunctionalInterface
public interface Handler {

    void handle(Request request, Response response) throws Exception;

    /** This handler wrapped by a filter: {@code handler.with(logging).with(auth)} runs auth first. */
    default Handler with(Filter filter) {
        Handler next = this;
        return (req, res) -> filter.filter(req, res, next);
    }
}
