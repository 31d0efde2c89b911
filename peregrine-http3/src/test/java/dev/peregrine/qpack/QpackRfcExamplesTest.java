package dev.peregrine.qpack;

import static dev.peregrine.qpack.QpackTestSupport.FOREVER;
import static dev.peregrine.qpack.QpackTestSupport.assertTable;
import static dev.peregrine.qpack.QpackTestSupport.decode;
import static dev.peregrine.qpack.QpackTestSupport.feed;
import static dev.peregrine.qpack.QpackTestSupport.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peregrine.qpack.QpackTestSupport.DecoderStream;
import dev.peregrine.qpack.QpackTestSupport.Fields;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * RFC 9204 Appendix B on its exact bytes, from the decoder's side: the encoder-stream bytes are
 * fed in, the sections decoded, and the table and our decoder-stream bytes compared with the RFC.
 *
 * <p>The one difference is deliberate: the RFC's decoder lets the Section Acknowledgment of B.2
 * imply the two inserts, while ours sends an Insert Count Increment at the end of each batch of
 * encoder-stream input (§2.2.2.3 leaves the timing to the decoder), so B.2 also shows {@code 02}.
 * Every later Insert Count Increment is then the RFC's.
 */
class QpackRfcExamplesTest {

    final DecoderStream decoderStream = new DecoderStream();
    /* The capacity B.2 sets, so MaxEntries is 6 and Required Insert Counts wrap modulo 12. */
    final QpackDecoder decoder = new QpackDecoder(220, 1, Long.MAX_VALUE, decoderStream);
    final ExecutorService executor = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() {
        decoder.close();
        executor.shutdownNow();
    }

    @Test
    void b1_literalFieldLineWithNameReference() throws Exception {
        assertThat(decode(decoder, 0, "0000 510b 2f69 6e64 6578 2e68 746d 6c"))
                .containsExactly(":path: /index.html");
        assertThat(decoderStream.take()).as("nothing to acknowledge at Required Insert Count 0").isEmpty();
        assertTable(decoder.table(), 0);
    }

    private void b2() throws Exception {
        feed(decoder, """
                3fbd01
                c00f 7777 772e 6578 616d 706c 652e 636f 6d
                c10c 2f73 616d 706c 652f 7061 7468
                """);
        assertThat(decoder.table().capacity()).isEqualTo(220);
        assertTable(decoder.table(), 106, "0 :authority www.example.com", "1 :path /sample/path");
        assertThat(decoderStream.take()).as("Insert Count Increment (2)").isEqualTo("02");

        assertThat(decode(decoder, 4, "0381 10 11"))
                .containsExactly(":authority: www.example.com", ":path: /sample/path");
        assertThat(decoderStream.take()).as("Section Acknowledgment (stream=4)").isEqualTo("84");
    }

    private void b3() throws Exception {
        feed(decoder, "4a63 7573 746f 6d2d 6b65 790c 6375 7374 6f6d 2d76 616c 7565");
        assertTable(decoder.table(), 160,
                "0 :authority www.example.com", "1 :path /sample/path", "2 custom-key custom-value");
        assertThat(decoderStream.take()).as("Insert Count Increment (1)").isEqualTo("01");
    }

    private static final String B4_DUPLICATE = "02";
    private static final String B4_STREAM_8 = "0500 80 c1 81";
    private static final String[] B4_TABLE = {
        "0 :authority www.example.com", "1 :path /sample/path", "2 custom-key custom-value",
        "3 :authority www.example.com",
    };

    @Test
    void b2_dynamicTable() throws Exception {
        b2();
    }

    @Test
    void b3_speculativeInsert() throws Exception {
        b2();
        b3();
    }

    /** B.4 as the RFC tells it: the Duplicate is delayed, stream 8 blocks, then is cancelled. */
    @Test
    void b4_duplicateInstructionStreamCancellation() throws Exception {
        b2();
        b3();
        Future<?> blocked = startBlockedDecode(8, B4_STREAM_8);

        decoder.streamCancelled(8);
        assertThat(decoderStream.take()).as("Stream Cancellation (Stream=8)").isEqualTo("48");
        assertThatThrownBy(() -> blocked.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(QpackBlockedException.class,
                        e -> assertThat(e.reason()).isEqualTo(QpackBlockedException.Reason.CANCELLED));

        feed(decoder, B4_DUPLICATE); // the delayed packet finally arrives
        assertTable(decoder.table(), 217, B4_TABLE);
        assertThat(decoderStream.take()).as("Insert Count Increment (1), no acknowledgment").isEqualTo("01");
        decoder.streamCancelled(8);
        assertThat(decoderStream.take()).as("cancelled once only").isEmpty();
    }

    /** B.4 had the packet not been lost: the blocked section decodes once the Duplicate arrives. */
    @Test
    void b4_blockedSectionUnblockedByTheDuplicate() throws Exception {
        b2();
        b3();
        Fields fields = new Fields();
        byte[] section = hex(B4_STREAM_8);
        Future<QpackDecoder.Outcome> blocked = executor.submit(
                () -> decoder.decode(8, section, 0, section.length, fields, FOREVER));
        awaitBlocked(1);

        feed(decoder, B4_DUPLICATE);
        assertThat(blocked.get(10, TimeUnit.SECONDS)).isEqualTo(QpackDecoder.Outcome.DECODED);
        assertThat(fields.lines).containsExactly(
                ":authority: www.example.com", ":path: /", "custom-key: custom-value");
        assertThat(decoderStream.take()).as("Insert Count Increment (1), Section Acknowledgment (8)")
                .isEqualTo("0188");
        assertTable(decoder.table(), 217, B4_TABLE);
    }

    @Test
    void b5_dynamicTableInsertEviction() throws Exception {
        b2();
        b3();
        feed(decoder, B4_DUPLICATE);
        assertThat(decode(decoder, 8, B4_STREAM_8))
                .containsExactly(":authority: www.example.com", ":path: /", "custom-key: custom-value");
        assertThat(decoderStream.take()).isEqualTo("0188");

        feed(decoder, "810d 6375 7374 6f6d 2d76 616c 7565 32");
        assertTable(decoder.table(), 215,
                "1 :path /sample/path", "2 custom-key custom-value", "3 :authority www.example.com",
                "4 custom-key custom-value2");
        assertThat(decoderStream.take()).as("Insert Count Increment (1)").isEqualTo("01");
        // Entry 0 is gone: a section referencing it now fails (§2.2.3) instead of reading it.
        QpackTestSupport.assertQpackError(QpackException.QPACK_DECOMPRESSION_FAILED,
                () -> decode(decoder, 12, "0200 80")); // RIC 1, Base 1, relative 0 = absolute 0
    }

    /** The whole of Appendix B's encoder stream, one byte per call, ends in the same state. */
    @Test
    void encoderStreamOfAppendixB_oneByteAtATime() throws Exception {
        byte[] all = hex("""
                3fbd01 c00f7777772e6578616d706c652e636f6d c10c2f73616d706c652f70617468
                4a637573746f6d2d6b65790c637573746f6d2d76616c7565 02
                810d637573746f6d2d76616c756532
                """);
        for (int i = 0; i < all.length; i++) {
            decoder.onEncoderStream(all, i, 1);
        }
        assertTable(decoder.table(), 215,
                "1 :path /sample/path", "2 custom-key custom-value", "3 :authority www.example.com",
                "4 custom-key custom-value2");
        // One increment per completed insert, as each ended its own call.
        assertThat(decoderStream.take()).isEqualTo("0101010101");
        assertThat(decoder.table().insertCount()).isEqualTo(5);
    }

    private Future<?> startBlockedDecode(long streamId, String sectionHex) throws InterruptedException {
        byte[] section = hex(sectionHex);
        Future<?> f = executor.submit(() -> decoder.decode(streamId, section, 0, section.length, new Fields(), FOREVER));
        awaitBlocked(1);
        return f;
    }

    private void awaitBlocked(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (decoder.blockedStreams() != n) {
            assertThat(System.nanoTime()).as("waiting for %d blocked streams", n).isLessThan(deadline);
            Thread.sleep(1);
        }
    }
}
