package dev.peregrine.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Attribute keys pack and unpack; the table finds one series per key and caps their number. */
class RequestSeriesTableTest {

    @Test
    void aKeyUnpacksToTheAttributesItWasMadeOf() {
        long key = RequestSeries.key(HttpMethods.id("PATCH"), 503, 3, true, 4242, RequestError.ABORTED.ordinal());
        assertThat(HttpMethods.NAMES[RequestSeries.method(key)]).isEqualTo("PATCH");
        assertThat(RequestSeries.status(key)).isEqualTo(503);
        assertThat(RequestSeries.protocol(key)).isEqualTo(3);
        assertThat(RequestSeries.https(key)).isTrue();
        assertThat(RequestSeries.route(key)).isEqualTo(4242);
        assertThat(RequestSeries.error(key)).isEqualTo(RequestError.ABORTED.ordinal());
        assertThat(RequestSeries.route(RequestSeries.key(0, 200, 1, false, RequestSeries.MAX_ROUTE_ID + 1, 0)))
                .as("a route past the id space is recorded as none").isZero();
    }

    @Test
    void unknownMethodsShareOneId() {
        // OpenTelemetry's http.request.method: methods outside the known set are _OTHER.
        assertThat(HttpMethods.NAMES[HttpMethods.id("BREW")]).isEqualTo("_OTHER");
        assertThat(HttpMethods.NAMES[HttpMethods.id("get")]).as("methods are case-sensitive").isEqualTo("_OTHER");
        assertThat(HttpMethods.NAMES[HttpMethods.id("GET")]).isEqualTo("GET");
    }

    @Test
    void theSameKeyFindsTheSameSeriesAndPastTheCapEveryNewKeySharesTheOverflow() {
        RequestSeriesTable table = new RequestSeriesTable();
        long a = RequestSeries.key(0, 200, 1, false, 0, 0);
        assertThat(table.get(a)).isSameAs(table.get(a));
        for (int route = 1; route < RequestSeriesTable.MAX_SERIES; route++) {
            table.get(RequestSeries.key(0, 200, 1, false, route, 0));
        }
        RequestSeries past = table.get(RequestSeries.key(0, 404, 1, false, 1, 0));
        assertThat(past.key).isEqualTo(RequestSeries.OVERFLOW_KEY);
        assertThat(table.get(a).key).as("known keys still find their own").isEqualTo(a);
        past.duration.record(1);
        assertThat(table.all()).hasSize(RequestSeriesTable.MAX_SERIES + 1);
        assertThat(table.all().getLast().key).isEqualTo(RequestSeries.OVERFLOW_KEY);
    }
}
