package dev.peregrine.http2;

/**
 * The streams we reset most recently. Frames the client had in flight for them are ignored
 * (RFC 9113 §5.1, closed), not answered with another RST_STREAM, which would also spend the
 * client's reset budget for our own decision. Any thread.
 */
final class RecentResets {

    private final int[] ids;
    private int next;

    RecentResets(int size) {
        this.ids = new int[size];
    }

    synchronized void add(int streamId) {
        ids[next] = streamId;
        next = (next + 1) % ids.length;
    }

    synchronized boolean contains(int streamId) {
        for (int id : ids) {
            if (id == streamId) {
                return true;
            }
        }
        return false;
    }
}
