package dev.peregrine.http2.frame;

import static dev.peregrine.http2.frame.Http2ErrorCode.FLOW_CONTROL_ERROR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/** Flow-control windows, RFC 9113 §5.2 and §6.9. */
class FlowWindowTest {

    @Test
    void consumeAndExpand_6_9_1() throws Exception {
        FlowWindow w = new FlowWindow(3, 65_535);
        w.consume(65_535);
        assertThat(w.available()).isZero();
        w.expand(100);
        w.consume(40);
        assertThat(w.available()).isEqualTo(60);
        assertThat(w.streamId()).isEqualTo(3);
        assertThat(w.isConnection()).isFalse();
    }

    @Test
    void expandUpToExactly2To31Minus1_6_9_1() throws Exception {
        FlowWindow w = new FlowWindow(0, 65_535);
        w.expand(Integer.MAX_VALUE - 65_535);
        assertThat(w.available()).isEqualTo(Integer.MAX_VALUE);
        w.expand(0);
        assertThat(w.available()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void streamWindowOverflowIsAStreamError_6_9_1() {
        FlowWindow w = new FlowWindow(7, 65_535);
        Http2StreamException e = catchThrowableOfType(Http2StreamException.class, () -> w.expand(Integer.MAX_VALUE));
        assertThat(e.error()).isEqualTo(FLOW_CONTROL_ERROR);
        assertThat(e.streamId()).isEqualTo(7);
        assertThat(e.getMessage()).contains("§6.9.1");
        assertThat(w.available()).as("unchanged").isEqualTo(65_535);
    }

    @Test
    void connectionWindowOverflowIsAConnectionError_6_9_1() throws Exception {
        FlowWindow w = new FlowWindow(0, 65_535);
        w.expand(Integer.MAX_VALUE - 65_535);
        Http2ConnectionException e = catchThrowableOfType(Http2ConnectionException.class, () -> w.expand(1));
        assertThat(e.error()).isEqualTo(FLOW_CONTROL_ERROR);
        assertThat(w.available()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void consumingBeyondTheWindowIsAFlowControlError_6_9_1() throws Exception {
        FlowWindow stream = new FlowWindow(1, 10);
        Http2StreamException se = catchThrowableOfType(Http2StreamException.class, () -> stream.consume(11));
        assertThat(se.error()).isEqualTo(FLOW_CONTROL_ERROR);
        assertThat(se.streamId()).isEqualTo(1);
        assertThat(stream.available()).isEqualTo(10);

        FlowWindow connection = new FlowWindow(0, 10);
        connection.consume(10);
        Http2ConnectionException ce = catchThrowableOfType(Http2ConnectionException.class, () -> connection.consume(1));
        assertThat(ce.error()).isEqualTo(FLOW_CONTROL_ERROR);
    }

    @Test
    void emptyDataIsAllowedOnAnExhaustedWindow_6_9_1() throws Exception {
        FlowWindow w = new FlowWindow(1, 0);
        w.consume(0);
        assertThat(w.available()).isZero();
    }

    @Test
    void initialWindowDecreaseCanMakeTheWindowNegative_6_9_2() throws Exception {
        // The RFC's example: 60 KB sent, then the initial window drops from 64 KB to 16 KB.
        FlowWindow w = new FlowWindow(1, 65_535);
        w.consume(60_000);
        w.applyInitialDelta(16_384 - 65_535);
        assertThat(w.available()).isEqualTo(65_535 - 60_000 + 16_384 - 65_535).isNegative();
        // Negative: nothing may be sent, not even one octet.
        assertThatThrownBy(() -> w.consume(1)).isInstanceOf(Http2StreamException.class);
        w.expand(50_000);
        assertThat(w.available()).isPositive();
    }

    @Test
    void initialWindowIncreaseOverflowIsAConnectionErrorEvenOnAStream_6_9_2() throws Exception {
        FlowWindow w = new FlowWindow(9, 65_535);
        w.expand(Integer.MAX_VALUE - 65_535 - 10);
        Http2ConnectionException e = catchThrowableOfType(Http2ConnectionException.class, () -> w.applyInitialDelta(11));
        assertThat(e.error()).isEqualTo(FLOW_CONTROL_ERROR);
        assertThat(e.getMessage()).contains("§6.9.2");
        w.applyInitialDelta(10);
        assertThat(w.available()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void largestDecreaseFromTheLargestWindow_6_9_2() throws Exception {
        FlowWindow w = new FlowWindow(1, Integer.MAX_VALUE);
        w.consume(Integer.MAX_VALUE);
        w.applyInitialDelta(-Integer.MAX_VALUE);
        assertThat(w.available()).isEqualTo(-Integer.MAX_VALUE);
        w.applyInitialDelta(Integer.MAX_VALUE);
        assertThat(w.available()).isZero();
    }

    @Test
    void settingsCannotAlterTheConnectionWindow_6_9_2() {
        FlowWindow w = new FlowWindow(0, 65_535);
        assertThatThrownBy(() -> w.applyInitialDelta(1)).isInstanceOf(IllegalStateException.class);
        assertThat(w.isConnection()).isTrue();
    }

    @Test
    void argumentsAreChecked() {
        assertThatThrownBy(() -> new FlowWindow(-1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FlowWindow(1, -1)).isInstanceOf(IllegalArgumentException.class);
        FlowWindow w = new FlowWindow(1, 5);
        assertThatThrownBy(() -> w.consume(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> w.expand(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(w).hasToString("FlowWindow[stream 1: 5]");
    }
}
