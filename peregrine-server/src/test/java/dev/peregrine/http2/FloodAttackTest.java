package dev.peregrine.http2;

import static dev.peregrine.http2.H2Client.headers;
import static dev.peregrine.http2.H2Client.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.peregrine.http2.AttackServer.Metric;
import dev.peregrine.http2.AttackServer.Outcome;
import dev.peregrine.testkit.H2Frames;
import dev.peregrine.http2.frame.Http2Settings;
import dev.peregrine.server.Http2Options;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The 2019 flood family (CVE-2019-9512 ping, -9515 settings, -9518 empty frames, -9516 0-length
 * headers, -9513 resource loop via PRIORITY) and WINDOW_UPDATE dribble: frames that cost the
 * server work but ask for nothing, sent without end by a raw attacker while a legitimate client
 * is served on another connection. Each must end the attacker's connection with
 * ENHANCE_YOUR_CALM once the control budget (small here: 10/s over 10 s) is spent.
 */
@Timeout(60)
class FloodAttackTest {

    private static final int FRAMES_PER_BATCH = 100;
    private static final int MAX_BATCHES = 2_000;

    private AttackServer target;

    @AfterEach
    void stop() {
        if (target != null) {
            target.close();
        }
    }

    /** One flood: its first frames (to set the scene), then frame {@code i} of the flood. */
    enum Flood {
        PING {
            @Override
            byte[] frame(H2Client c, int i) {
                return H2Frames.ping(i, false);
            }
        },
        SETTINGS {
            @Override
            byte[] frame(H2Client c, int i) {
                return H2Frames.settings(Http2Settings.ENABLE_PUSH, 0);
            }
        },
        EMPTY_DATA {
            @Override
            byte[] opening(H2Client c) {
                return headers(1, c.block(request("POST", "/hold")), false);
            }

            @Override
            byte[] frame(H2Client c, int i) {
                return H2Frames.data(1, new byte[0], false);
            }
        },
        PRIORITY {
            @Override
            byte[] frame(H2Client c, int i) {
                return H2Frames.priority(2 * i + 1, 0, 16, false); // idle streams: allowed, and pure work
            }
        },
        TINY_WINDOW_UPDATES {
            @Override
            byte[] frame(H2Client c, int i) {
                return H2Frames.windowUpdate(0, 1);
            }
        },
        ZERO_LENGTH_HEADERS {
            @Override
            byte[] frame(H2Client c, int i) {
                return H2Frames.headers(2 * i + 1, new byte[0], H2Frames.Flag.END_HEADERS, H2Frames.Flag.END_STREAM);
            }
        },
        EMPTY_CONTINUATION {
            @Override
            byte[] opening(H2Client c) {
                return H2Frames.headers(1, c.block(request("GET", "/")));
            }

            @Override
            byte[] frame(H2Client c, int i) {
                return H2Frames.continuation(1, new byte[0], false);
            }
        },
        UNKNOWN_FRAMES {
            @Override
            byte[] frame(H2Client c, int i) {
                return H2Frames.raw(0x20, 0, 0, new byte[8]);
            }
        };

        byte[] opening(H2Client c) {
            return new byte[0];
        }

        abstract byte[] frame(H2Client c, int i);
    }

    @ParameterizedTest
    @EnumSource(Flood.class)
    void floodEndsWithEnhanceYourCalm(Flood flood) throws Exception {
        target = new AttackServer(Http2Options.builder().maxControlFramesPerSecond(10).maxResetsPerSecond(5).build());
        Map<Metric, Long> before = target.snapshot();
        AttackServer.LegitClient legit = target.legit().connect().start(20);
        H2Client attacker = target.attacker();
        attacker.handshake();
        Outcome o = AttackServer.flood(attacker, batch -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (batch == 0) {
                out.writeBytes(flood.opening(attacker));
            }
            for (int j = 0; j < FRAMES_PER_BATCH; j++) {
                out.writeBytes(flood.frame(attacker, batch * FRAMES_PER_BATCH + j));
            }
            return out.toByteArray();
        }, MAX_BATCHES);
        legit.finish();

        assertThat(o.goAwayCode()).as(flood.name()).isEqualTo(H2Client.ENHANCE_YOUR_CALM);
        assertThat(o.batchesSent()).as("ended long before the flood did").isLessThan(MAX_BATCHES);
        assertThat(target.delta(before, Metric.ABUSIVE)).as("only the attacker is abusive").isEqualTo(1);
        assertThat(target.delta(before, Metric.PROTOCOL_ERRORS)).isZero();
    }
}
