package dev.peregrine.qpack;

import static dev.peregrine.qpack.QpackException.QPACK_DECOMPRESSION_FAILED;
import static dev.peregrine.qpack.QpackTestSupport.FOREVER;
import static dev.peregrine.qpack.QpackTestSupport.assertQpackError;
import static dev.peregrine.qpack.QpackTestSupport.concat;
import static dev.peregrine.qpack.QpackTestSupport.decode;
import static dev.peregrine.qpack.QpackTestSupport.feed;
import static dev.peregrine.qpack.QpackTestSupport.hex;
import static dev.peregrine.qpack.QpackTestSupport.insertLiteralName;
import static dev.peregrine.qpack.QpackTestSupport.setCapacity;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.qpack.QpackBlockedException.Reason;
import dev.peregrine.qpack.QpackDecoder.Outcome;
import dev.peregrine.qpack.QpackTestSupport.DecoderStream;
import dev.peregrine.qpack.QpackTestSupport.Fields;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Blocked streams (RFC 9204 §2.1.2, §2.2.1) across threads, and Stream Cancellation (§4.4.2). */
class QpackBlockingTest {

    /* RIC 1 (encoded 2), Base 1, relative index 0: the first entry ever inserted. */
    static final byte[] NEEDS_ONE = hex("02 00 80");
    /* RIC 2 (encoded 3), Base 2, relative index 0: the second entry. */
    static final byte[] NEEDS_TWO = hex("03 00 80");

    final DecoderStream decoderStream = new DecoderStream();
    final QpackDecoder decoder = new QpackDecoder(4096, 1, Long.MAX_VALUE, decoderStream);
    final ExecutorService executor = Executors.newCachedThreadPool();

    @BeforeEach
    void enableTheTable() throws QpackException {
        feed(decoder, setCapacity(4096));
    }

    @AfterEach
    void tearDown() {
        decoder.close();
        executor.shutdownNow();
    }

    Future<List<String>> decodeInBackground(QpackDecoder d, long streamId, byte[] section, long deadline) {
        return executor.submit(() -> {
            Fields fields = new Fields();
            assertThat(d.decode(streamId, section, 0, section.length, fields, deadline)).isEqualTo(Outcome.DECODED);
            return fields.lines;
        });
    }

    void awaitBlocked(QpackDecoder d, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (d.blockedStreams() != n) {
            assertThat(System.nanoTime()).as("waiting for %d blocked streams", n).isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    static QpackBlockedException blockedFailure(Future<?> f) {
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(
                ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertThat(e.getCause()).isInstanceOf(QpackBlockedException.class);
        return (QpackBlockedException) e.getCause();
    }

    @Test
    void blockedDecodeResumesWhenTheInsertArrivesOnAnotherThread() throws Exception {
        Future<List<String>> blocked = decodeInBackground(decoder, 4, NEEDS_ONE, FOREVER);
        awaitBlocked(decoder, 1);
        assertThat(blocked.isDone()).isFalse();
        assertThat(decoderStream.take()).isEmpty();

        feed(decoder, insertLiteralName("late", "entry"));
        assertThat(blocked.get(10, TimeUnit.SECONDS)).containsExactly("late: entry");
        assertThat(decoderStream.take()).as("increment, then acknowledgment of stream 4").isEqualTo("0184");
        assertThat(decoder.blockedStreams()).isZero();
    }

    @Test
    void waitsUntilEnoughInsertsNotJustOne() throws Exception {
        Future<List<String>> blocked = decodeInBackground(decoder, 0, NEEDS_TWO, FOREVER);
        awaitBlocked(decoder, 1);
        feed(decoder, insertLiteralName("first", "1"));
        Thread.sleep(20);
        assertThat(blocked.isDone()).as("one insert of the two needed").isFalse();
        feed(decoder, insertLiteralName("second", "2"));
        assertThat(blocked.get(10, TimeUnit.SECONDS)).containsExactly("second: 2");
    }

    @Test
    void oneBlockedStreamBeyondTheLimitIsDecompressionFailed() throws Exception {
        Future<List<String>> first = decodeInBackground(decoder, 0, NEEDS_ONE, FOREVER);
        awaitBlocked(decoder, 1);
        assertQpackError(QPACK_DECOMPRESSION_FAILED, () -> decode(decoder, 4, NEEDS_ONE));

        feed(decoder, insertLiteralName("a", "b"));
        assertThat(first.get(10, TimeUnit.SECONDS)).containsExactly("a: b");
        // The slot is free again.
        Future<List<String>> next = decodeInBackground(decoder, 8, NEEDS_TWO, FOREVER);
        awaitBlocked(decoder, 1);
        feed(decoder, insertLiteralName("c", "d"));
        assertThat(next.get(10, TimeUnit.SECONDS)).containsExactly("c: d");
    }

    @Test
    void withNoBlockedStreamsAllowedAnyBlockingIsAnError() throws Exception {
        QpackDecoder strict = new QpackDecoder(4096, 0, Long.MAX_VALUE, decoderStream);
        feed(strict, setCapacity(4096));
        assertQpackError(QPACK_DECOMPRESSION_FAILED, () -> decode(strict, 0, NEEDS_ONE));
        feed(strict, insertLiteralName("a", "b"));
        assertThat(decode(strict, 0, NEEDS_ONE)).as("not blocking once the insert is here").containsExactly("a: b");
    }

    @Test
    void deadlinePassingFailsTheDecode() throws Exception {
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(50);
        QpackBlockedException e = blockedFailure(decodeInBackground(decoder, 0, NEEDS_ONE, deadline));
        assertThat(System.nanoTime()).isGreaterThanOrEqualTo(deadline);
        assertThat(e.reason()).isEqualTo(Reason.DEADLINE);
        assertThat(e.errorCode()).isEqualTo(QPACK_DECOMPRESSION_FAILED);
        assertThat(decoder.blockedStreams()).isZero();
    }

    @Test
    void closeWakesBlockedDecodesAndFailsLaterOnes() throws Exception {
        Future<List<String>> blocked = decodeInBackground(decoder, 0, NEEDS_ONE, FOREVER);
        awaitBlocked(decoder, 1);
        decoder.close();
        assertThat(blockedFailure(blocked).reason()).isEqualTo(Reason.CLOSED);
        assertThatThrownBy(() -> decode(decoder, 4, NEEDS_ONE))
                .isInstanceOfSatisfying(QpackBlockedException.class, e -> assertThat(e.reason()).isEqualTo(Reason.CLOSED));
        assertThat(decode(decoder, 8, "0000 d9")).as("static-only sections need no table").containsExactly(":status: 200");
    }

    @Test
    void encoderStreamErrorWakesBlockedDecodes() throws Exception {
        Future<List<String>> blocked = decodeInBackground(decoder, 0, NEEDS_ONE, FOREVER);
        awaitBlocked(decoder, 1);
        assertQpackError(QpackException.QPACK_ENCODER_STREAM_ERROR, () -> feed(decoder, hex("00"))); // bad Duplicate
        assertThat(blockedFailure(blocked).reason()).isEqualTo(Reason.CLOSED);
    }

    @Test
    void interruptedDecodeLeavesTheSectionToCancel() throws Exception {
        Future<List<String>> blocked = decodeInBackground(decoder, 4, NEEDS_ONE, FOREVER);
        awaitBlocked(decoder, 1);
        blocked.cancel(true);
        awaitBlocked(decoder, 0);
        decoder.streamCancelled(4);
        assertThat(decoderStream.take()).as("Stream Cancellation (4)").isEqualTo("44");
    }

    @Test
    void cancellationIsSentOnlyForUnacknowledgedSections() throws Exception {
        decoder.streamCancelled(0);
        assertThat(decoderStream.take()).as("stream never seen").isEmpty();
        assertThat(decode(decoder, 4, "0000 d9")).hasSize(1);
        decoder.streamCancelled(4);
        assertThat(decoderStream.take()).as("only a Required Insert Count 0 section").isEmpty();
        feed(decoder, insertLiteralName("a", "b"));
        assertThat(decode(decoder, 8, NEEDS_ONE)).hasSize(1);
        assertThat(decoderStream.take()).isEqualTo("0188");
        decoder.streamCancelled(8);
        assertThat(decoderStream.take()).as("already acknowledged").isEmpty();
        // A stream ID needing a multi-byte integer: 0x40 | 63, then 1000 - 63 = 937 in 7-bit groups.
        Future<List<String>> blocked = decodeInBackground(decoder, 1000, NEEDS_TWO, FOREVER);
        awaitBlocked(decoder, 1);
        decoder.streamCancelled(1000);
        assertThat(decoderStream.take()).isEqualTo("7fa907");
        assertThat(blockedFailure(blocked).reason()).isEqualTo(Reason.CANCELLED);
    }

    @Test
    void manyStreamsDecodeConcurrentlyWhileEntriesArrive() throws Exception {
        int streams = 32;
        QpackDecoder shared = new QpackDecoder(4096, streams, Long.MAX_VALUE, decoderStream);
        feed(shared, setCapacity(4096));
        List<Future<List<String>>> results = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            // Stream i needs entry i: RIC i + 1 (encoded i + 2), Base i + 1, relative 0.
            byte[] section = concat(hex(String.format("%02x00", i + 2)), hex("80 d9"));
            results.add(decodeInBackground(shared, 4L * i, section, FOREVER));
        }
        for (int i = 0; i < streams; i++) {
            feed(shared, insertLiteralName("entry", Integer.toString(i)));
        }
        for (int i = 0; i < streams; i++) {
            assertThat(results.get(i).get(10, TimeUnit.SECONDS)).containsExactly("entry: " + i, ":status: 200");
        }
        assertThat(shared.blockedStreams()).isZero();
    }
}
