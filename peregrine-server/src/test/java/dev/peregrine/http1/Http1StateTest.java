package dev.peregrine.http1;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Http1StateTest {

    @Test
    void anExchangeWithoutBodyReturnsToInit() {
        Http1State s = new Http1State();
        assertThat(s.canReadHead()).isTrue();
        s.headRead(false, true);
        assertThat(s.keepAlive()).isEqualTo(Http1State.KeepAlive.BUSY);
        assertThat(s.canReadHead()).isFalse();
        s.responseHeadWritten(true);
        s.responseDone();
        assertThat(s.finishExchange()).isTrue();
        assertThat(s.canReadHead()).isTrue();
        assertThat(s.keepAlive()).isEqualTo(Http1State.KeepAlive.IDLE);
    }

    @Test
    void anUnfinishedBodyMeansTheConnectionCannotBeReused() {
        Http1State s = new Http1State();
        s.headRead(true, true);
        s.responseHeadWritten(false);
        assertThat(s.finishExchange()).isFalse();
        assertThat(s.isClosed()).isTrue();
    }

    @Test
    void disabledKeepAliveClosesAfterTheExchange() {
        Http1State s = new Http1State();
        s.headRead(true, false);
        s.bodyRead();
        s.responseHeadWritten(true);
        s.responseDone();
        assertThat(s.wantsKeepAlive()).isFalse();
        assertThat(s.finishExchange()).isFalse();
        assertThat(s.reading()).isEqualTo(Http1State.Reading.CLOSED);
    }

    @Test
    void anUnfinishedResponseMeansTheConnectionCannotBeReused() {
        Http1State s = new Http1State();
        s.headRead(false, true);
        s.responseHeadWritten(true);
        assertThat(s.writing()).isEqualTo(Http1State.Writing.BODY);
        assertThat(s.finishExchange()).isFalse();
    }
}
