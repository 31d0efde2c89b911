package dev.peregrine.bench.jmh;

import dev.peregrine.http2.frame.FrameListener;
import dev.peregrine.http2.frame.FrameReader;
import dev.peregrine.http2.frame.FrameWriter;
import dev.peregrine.http2.frame.Http2Exception;
import dev.peregrine.http2.frame.Http2Settings;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * HTTP/2 frame parsing of one 64 KiB read buffer's worth of client traffic, as the connection does
 * it after every socket read: requests on consecutive streams, each a HEADERS frame (a 60-octet
 * HPACK block, typical after the dynamic table warmed up) and DATA frames of {@code dataSize}
 * octets, interleaved with the control frames a busy client sends (connection WINDOW_UPDATE,
 * SETTINGS ACK). Framing-bound at 16 octets of DATA, copy-free payload slicing at 16 KiB.
 *
 * <p>The listener only sums lengths into a {@link Blackhole}, so the cost measured is the
 * reader's: header decoding, validation, CONTINUATION bookkeeping, dispatch.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class Http2FrameBenchmark {

    static final int BUFFER = 64 * 1024;

    @Param({"16", "1024", "16384"})
    public int dataSize;

    private ByteBuffer in;
    private FrameReader reader;
    private int frames;
    private CountingListener listener;

    @Setup
    public void setup(Blackhole bh) {
        ByteBuffer out = ByteBuffer.allocate(BUFFER);
        FrameWriter w = new FrameWriter(out);
        byte[] block = new byte[60];
        byte[] data = new byte[dataSize];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ('a' + i % 26);
        }
        int stream = 1;
        int n = 0;
        // Fill the buffer with whole frames only, as a full socket read of them would.
        while (out.remaining() >= 9 + 60 + 2 * (9 + dataSize) + 13 + 9) {
            w.headers(stream, block, 0, block.length, false, Http2Settings.MIN_MAX_FRAME_SIZE);
            w.data(stream, data, 0, data.length, false);
            w.data(stream, data, 0, data.length, true);
            w.windowUpdate(0, 2 * dataSize);
            n += 4;
            if (stream % 8 == 1) {
                w.settingsAck();
                n++;
            }
            stream += 2;
        }
        in = out.flip();
        frames = n;
        reader = new FrameReader(Http2Settings.MIN_MAX_FRAME_SIZE);
        listener = new CountingListener(bh);
    }

    @Benchmark
    public long parse() throws Http2Exception {
        in.position(0);
        long before = reader.framesRead();
        reader.read(in, listener);
        long parsed = reader.framesRead() - before;
        if (parsed != frames || in.hasRemaining()) {
            throw new IllegalStateException("parsed " + parsed + " of " + frames + " frames");
        }
        return parsed;
    }

    /** Touches what a connection would look at, allocating nothing. */
    static final class CountingListener implements FrameListener {
        private final Blackhole bh;

        CountingListener(Blackhole bh) {
            this.bh = bh;
        }

        @Override
        public void onData(int streamId, byte[] data, int off, int len, boolean endStream, int flowControlledLength) {
            bh.consume(data[off + len - 1]);
            bh.consume(flowControlledLength);
        }

        @Override
        public void onHeaders(int streamId, byte[] fragment, int off, int len, boolean endStream, boolean endHeaders) {
            bh.consume(len);
        }

        @Override
        public void onContinuation(int streamId, byte[] fragment, int off, int len, boolean endHeaders) {
            bh.consume(len);
        }

        @Override
        public void onRstStream(int streamId, int errorCode) {
            bh.consume(errorCode);
        }

        @Override
        public void onSettings(Http2Settings received) {
            bh.consume(received);
        }

        @Override
        public void onSettingsAck() {
            bh.consume(true);
        }

        @Override
        public void onPing(long payload, boolean ack) {
            bh.consume(payload);
        }

        @Override
        public void onGoAway(int lastStreamId, int errorCode, byte[] debug, int off, int len) {
            bh.consume(lastStreamId);
        }

        @Override
        public void onWindowUpdate(int streamId, int increment) {
            bh.consume(increment);
        }
    }
}
