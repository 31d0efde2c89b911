package dev.peregrine.http2;

/**
 * Budgets for what a client can make an HTTP/2 connection do without asking for any response:
 * resetting streams, and frames that cost work but carry none. Counted over ten-second windows
 * on the reader thread with the heartbeat's coarse clock; when a budget is spent the connection
 * ends with ENHANCE_YOUR_CALM (RFC 9113 §5.4.1).
 *
 * <ul>
 *   <li><b>Resets</b>: the client's RST_STREAM on a live stream, streams refused past the
 *       concurrency limit, and stream errors the client's frames forced on us — Rapid Reset
 *       (CVE-2023-44487) and MadeYouReset (CVE-2025-8671) spend the same budget.
 *   <li><b>Control</b>: PING, SETTINGS, PRIORITY, WINDOW_UPDATE, unknown frames, and empty
 *       DATA/HEADERS/CONTINUATION — the 2019 floods (CVE-2019-9512, -9513, -9515, -9516,
 *       -9518). Each request served earns some back, so a busy legitimate client never runs out.
 * </ul>
 */
final class AbuseBudget {

    private static final long WINDOW_NANOS = 10_000_000_000L;
    private static final int WINDOW_SECONDS = 10;
    /** Control frames a request earns: a browser sends a few WINDOW_UPDATEs and a PRIORITY per request. */
    private static final int CREDIT_PER_REQUEST = 4;

    private final int maxResets;
    private final int maxControl;
    private long windowStart;
    private int resets;
    private int control;
    private int earned;

    AbuseBudget(int resetsPerSecond, int controlPerSecond, long nowNanos) {
        this.maxResets = resetsPerSecond * WINDOW_SECONDS;
        this.maxControl = controlPerSecond * WINDOW_SECONDS;
        this.windowStart = nowNanos;
    }

    private void roll(long now) {
        if (now - windowStart >= WINDOW_NANOS) {
            windowStart = now;
            resets = 0;
            control = 0;
            earned = 0;
        }
    }

    /** One reset; false when the budget is spent. */
    boolean spendReset(long now) {
        roll(now);
        return ++resets <= maxResets;
    }

    /** One frame that does no work; false when the budget is spent. */
    boolean spendControl(long now) {
        roll(now);
        return ++control <= maxControl + earned;
    }

    /** A request began: it earns credit for the control frames that come with real work. */
    void earnRequest(long now) {
        roll(now);
        if (earned < maxControl * 10) {
            earned += CREDIT_PER_REQUEST;
        }
    }
}
