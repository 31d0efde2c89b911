package dev.peregrine.http2;

import static dev.peregrine.http2.H2Client.headers;
import static dev.peregrine.http2.H2Client.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.http2.AttackServer.Metric;
import dev.peregrine.http2.AttackServer.Outcome;
import dev.peregrine.testkit.H2Frames;
import dev.peregrine.server.Http2Options;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Rapid Reset (CVE-2023-44487) and MadeYouReset (CVE-2025-8671) against a real server, with a
 * legitimate HTTP/2 client served at the same time. The attacker's streams run a handler that
 * blocks ({@code /hold}), so every stream it opens stays costly: the defence must be the
 * concurrency limit counting streams until their handlers return, plus the reset budget.
 */
@Timeout(60)
class ResetAttackTest {

    private static final int PAIRS_PER_BATCH = 50;
    private AttackServer target;

    @AfterEach
    void stop() {
        if (target != null) {
            target.close();
        }
    }

    /** Streams first, first + 2, ...: {@code perStream(id)} for each, {@link #PAIRS_PER_BATCH} per write. */
    private static IntFunction<byte[]> streams(int first, IntFunction<byte[]> perStream) {
        return batch -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int j = 0; j < PAIRS_PER_BATCH; j++) {
                out.writeBytes(perStream.apply(first + 2 * (batch * PAIRS_PER_BATCH + j)));
            }
            return out.toByteArray();
        };
    }

    private Outcome rapidReset(Http2Options options) throws Exception {
        target = new AttackServer(options);
        Map<Metric, Long> before = target.snapshot();
        AttackServer.LegitClient legit = target.legit().connect().start(20);
        H2Client attacker = target.attacker();
        attacker.handshake();
        Outcome o = AttackServer.flood(attacker, streams(1, id -> H2Frames.concat(
                headers(id, attacker.block(request("GET", "/hold")), true),
                H2Frames.rstStream(id, H2Client.CANCEL))), 200);
        legit.finish();
        assertThat(o.goAwayCode()).isEqualTo(H2Client.ENHANCE_YOUR_CALM);
        assertThat(target.delta(before, Metric.ABUSIVE)).as("only the attacker is abusive").isEqualTo(1);
        assertThat(target.delta(before, Metric.PROTOCOL_ERRORS)).isZero();
        int limit = options.maxConcurrentStreams();
        assertThat(target.held.get()).as("handlers run by the attacker: reset streams count until they return")
                .isLessThanOrEqualTo(limit);
        assertThat(target.delta(before, Metric.STREAM_RESETS)).isGreaterThanOrEqualTo(options.maxResetsPerSecond() * 10L);
        return o;
    }

    @Test
    void rapidResetWithASmallBudgetEndsWithEnhanceYourCalm() throws Exception {
        rapidReset(Http2Options.builder().maxResetsPerSecond(5).build());
        assertThat(target.held.get()).as("the budget, 5/s over 10 s, ends it").isLessThanOrEqualTo(5 * 10 + 1);
    }

    @Test
    void rapidResetOnDefaultOptionsEndsWithEnhanceYourCalm() throws Exception {
        Outcome o = rapidReset(Http2Options.defaults());
        // Past 100 live streams the rest are refused, which spends the same budget.
        assertThat(o.resetsByCode()).containsKey(H2Client.REFUSED_STREAM);
        assertThat(o.goAway().lastStreamId()).isLessThan(2 * 1000);
    }

    /** Frames that make the server reset a stream itself, and the code of that reset. */
    enum MadeYouReset {
        WINDOW_UPDATE_OVERFLOW(H2Client.FLOW_CONTROL_ERROR) {
            @Override
            byte[] after(int id) {
                return H2Frames.windowUpdate(id, Integer.MAX_VALUE); // 65,535 + 2^31-1 > 2^31-1
            }
        },
        WINDOW_UPDATE_ZERO(H2Client.PROTOCOL_ERROR) {
            @Override
            byte[] after(int id) {
                return H2Frames.windowUpdate(id, 0);
            }
        },
        DATA_ON_HALF_CLOSED_STREAM(H2Client.STREAM_CLOSED) {
            @Override
            byte[] after(int id) {
                return H2Frames.data(id, new byte[] {'x'}, false);
            }
        },
        PRIORITY_ON_ITSELF(H2Client.PROTOCOL_ERROR) {
            @Override
            byte[] after(int id) {
                return H2Frames.priority(id, id, 16, false);
            }
        },
        MALFORMED_HEADERS(H2Client.PROTOCOL_ERROR) {
            @Override
            byte[] stream(H2Client c, int id) {
                return headers(id, H2Client.literal(":method", "GET", ":scheme", "http", ":path", "/hold", "X-Upper", "1"),
                        true);
            }
        };

        final int code;

        MadeYouReset(int code) {
            this.code = code;
        }

        byte[] after(int id) {
            return new byte[0];
        }

        byte[] stream(H2Client c, int id) {
            return H2Frames.concat(headers(id, c.block(request("GET", "/hold")), true), after(id));
        }
    }

    @ParameterizedTest
    @EnumSource(MadeYouReset.class)
    void madeYouResetEndsWithEnhanceYourCalmOnceTheBudgetIsSpent(MadeYouReset kind) throws Exception {
        Http2Options options = Http2Options.builder().maxResetsPerSecond(5).build();
        target = new AttackServer(options);
        Map<Metric, Long> before = target.snapshot();
        AttackServer.LegitClient legit = target.legit().connect().start(20);
        H2Client attacker = target.attacker();
        attacker.handshake();
        // One at a time: the frame makes the server reset the stream itself, with this code.
        attacker.send(kind.stream(attacker, 1));
        H2Client.Response one = attacker.response(1);
        assertThat(one.frames.getLast().type()).as(one.toString()).isEqualTo(H2Frames.RST_STREAM);
        assertThat(one.resetCode).isEqualTo(kind.code);
        // Then the flood. The resets still queued when the budget runs out give way to the GOAWAY.
        Outcome o = AttackServer.flood(attacker, streams(3, id -> kind.stream(attacker, id)), 200);
        legit.finish();

        assertThat(o.goAwayCode()).isEqualTo(H2Client.ENHANCE_YOUR_CALM);
        assertThat(o.resetsByCode().keySet()).as("the server's own resets, all of the kind provoked")
                .isSubsetOf(kind.code);
        assertThat(o.resets()).isLessThan(5 * 10);
        assertThat(target.delta(before, Metric.ABUSIVE)).isEqualTo(1);
        assertThat(target.delta(before, Metric.STREAM_RESETS)).isGreaterThanOrEqualTo(5 * 10);
        assertThat(target.held.get()).isLessThanOrEqualTo(5 * 10 + 1);
    }
}
