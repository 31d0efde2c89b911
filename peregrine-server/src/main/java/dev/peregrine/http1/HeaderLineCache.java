package dev.peregrine.http1;

import dev.peregrine.exchange.WriteBuffer;
import java.util.Arrays;

/**
 * Pre-encoded response header lines for the field name and value <em>instances</em> a handler
 * repeats on every response ({@code "content-type"}, {@code "text/plain"} constants): a hit is
 * two reference comparisons and one copy instead of validating and encoding the line again.
 *
 * <p>Keyed by identity, not equality, so a hit can never serve a different value. A pair is
 * cached only on its second sighting, so one-off values (ETags, lengths) cost no allocation.
 * One per connection; a handful of slots, replaced round-robin.
 */
final class HeaderLineCache {

    private static final int SLOTS = 8;

    private final String[] names = new String[SLOTS];
    private final String[] values = new String[SLOTS];
    private final byte[][] lines = new byte[SLOTS][];
    private int next;

    private final String[] seenNames = new String[SLOTS];
    private final String[] seenValues = new String[SLOTS];
    private int nextSeen;

    /** Writes {@code name: value\r\n}, validated (see {@link ResponseHeadWriter#header}) unless cached. */
    void write(WriteBuffer out, String name, String value) {
        for (int i = 0; i < SLOTS; i++) {
            if (names[i] == name && values[i] == value) {
                out.put(lines[i]);
                return;
            }
        }
        int mark = out.size();
        ResponseHeadWriter.header(out, name, value);
        for (int i = 0; i < SLOTS; i++) {
            if (seenNames[i] == name && seenValues[i] == value) {
                names[next] = name;
                values[next] = value;
                lines[next] = Arrays.copyOfRange(out.array(), mark, out.size());
                next = (next + 1) % SLOTS;
                seenNames[i] = null;
                seenValues[i] = null;
                return;
            }
        }
        seenNames[nextSeen] = name;
        seenValues[nextSeen] = value;
        nextSeen = (nextSeen + 1) % SLOTS;
    }
}
