package dev.peregrine.api;

/**
 * Runs around a handler: inspect or change the request, decide whether to call {@code next},
 * decorate the response. Filters compose with {@link Handler#with(Filter)}.
 */
@FunctionalInterface
public interface Filter {

    void filter(Request request, Response response, Handler next) throws Exception;
}
