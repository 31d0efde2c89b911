package dev.peregrine.http3.frame;

/**
 * The {@code 0x1f * N + 0x21} code points that RFC 9114 reserves in every registry (frame types
 * §7.2.8, stream types §6.2.3, settings §7.2.4.1, error codes §8.1) so that peers exercise the
 * rule "ignore what you do not understand".
 */
final class Reserved {

    private Reserved() {}

    static boolean is(long v) {
        return v >= 0x21 && (v - 0x21) % 0x1f == 0;
    }

    /** The {@code n}-th reserved value. */
    static long value(long n) {
        return 0x1f * n + 0x21;
    }
}
