package dev.peregrine.observe;

import dev.peregrine.observe.AccessLog.Entry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The access log's background writer: request threads hand finished entries to a bounded queue
 * and return; one daemon thread formats them (so formatting, too, is off the request's path)
 * and writes them in batches, flushing whenever it has caught up with the queue. The queue is a
 * ring of parallel arrays filled in place, so queueing a line allocates nothing, and the writer
 * formats straight from the ring: the slots it is reading stay counted as queued until its next
 * {@code take}, so no request thread overwrites them meanwhile.
 *
 * <p>A slow or stuck stream never holds up a request: when the queue is full the entry is
 * dropped and counted, and once the writer has caught up it writes
 * {@code access log: N lines dropped} into the log itself. Every write to the stream holds
 * whole lines, so other output on the same stream (a banner, a shutdown message) never lands
 * in the middle of one.
 */
final class AsyncLineWriter implements AccessLog.Sink {

    private static final System.Logger LOG = System.getLogger(AccessLog.class.getName());

    /** Bytes gathered before a write; a batch larger than this goes out in several writes. */
    private static final int BUFFER_BYTES = 64 * 1024;

    /** Entries the writer claims at once: it frees their slots only when it claims the next ones. */
    private static final int MAX_TAKE = 256;

    /**
     * How long the writer lets lines gather after it caught up, before it writes again. Waking
     * the writer for every line cost two context switches per request (measured: the log took
     * 60% of a small-file server's throughput); a line now reaches the stream within this bound.
     */
    static final long LINGER_NANOS = 20_000_000;

    private final OutputStream out;

    // The queue: a ring of finished requests as parallel arrays (slot i is one line), guarded by
    // lock. The first `taken` slots from head are the writer's while it formats them; the ring
    // has room for those beside `queueLines` waiting ones, which bound what waits.
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final int queueLines;
    private final int capacity;
    private final long[] epochMillis;
    private final SocketAddress[] remotes;
    private final String[] methods;
    private final String[] targets;
    private final String[] protocols;
    private final int[] statuses;
    private final long[] bytes;
    private final long[] durations;
    private final Function<?, ?>[] formats;
    private int head;
    private int size;
    private int taken;
    private boolean writerWaiting;
    private boolean closed;
    private long dropped;

    private final Thread thread;

    // Writer-thread state: no locking needed, only the writer thread touches it.
    private final byte[] buffer = new byte[BUFFER_BYTES];
    private int buffered;
    private int bufferedLines;
    private final StringBuilder line = new StringBuilder(256);
    // Client addresses as text, by the identity of the connection's address object: a busy log
    // formats each connection's address once, not once per line.
    private static final int ADDRESS_SLOTS = 256;
    private final SocketAddress[] addressKeys = new SocketAddress[ADDRESS_SLOTS];
    private final String[] addressTexts = new String[ADDRESS_SLOTS];
    private final byte[][] addressBytes = new byte[ADDRESS_SLOTS][];
    private static final byte[] NO_ADDRESS = AccessLog.address(null).getBytes(StandardCharsets.US_ASCII);
    // The CLF time of the last line's second, as bytes.
    private long timeSecond = Long.MIN_VALUE;
    private byte[] timeBytes;
    private long reported;
    private boolean warned;

    private AsyncLineWriter(OutputStream out, int queueLines) {
        this.out = out;
        this.queueLines = queueLines;
        this.capacity = queueLines + Math.min(MAX_TAKE, queueLines);
        this.epochMillis = new long[capacity];
        this.remotes = new SocketAddress[capacity];
        this.methods = new String[capacity];
        this.targets = new String[capacity];
        this.protocols = new String[capacity];
        this.statuses = new int[capacity];
        this.bytes = new long[capacity];
        this.durations = new long[capacity];
        this.formats = new Function<?, ?>[capacity];
        this.thread = Thread.ofPlatform().daemon().name("peregrine-access-log").unstarted(this::run);
    }

    /** A writer for {@code out} with room for {@code capacity} queued lines, its thread started. */
    static AsyncLineWriter start(OutputStream out, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("queue capacity must be at least 1: " + capacity);
        }
        AsyncLineWriter writer = new AsyncLineWriter(out, capacity);
        writer.thread.start();
        return writer;
    }

    @Override
    public void log(long millis, SocketAddress remote, String method, String target, String protocol, int status,
            long byteCount, long durationNanos, Function<Entry, String> format) {
        lock.lock();
        try {
            int waiting = size - taken;
            if (closed || waiting == queueLines) {
                dropped++;
                return;
            }
            int tail = head + size;
            if (tail >= capacity) {
                tail -= capacity;
            }
            epochMillis[tail] = millis;
            remotes[tail] = remote;
            methods[tail] = method;
            targets[tail] = target;
            protocols[tail] = protocol;
            statuses[tail] = status;
            bytes[tail] = byteCount;
            durations[tail] = durationNanos;
            formats[tail] = format;
            size++;
            // Only a writer asleep for good is woken, and one lingering when the queue fills up.
            if (writerWaiting || waiting + 1 == queueLines / 2) {
                notEmpty.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long dropped() {
        lock.lock();
        try {
            return dropped;
        } finally {
            lock.unlock();
        }
    }

    /** Stops taking lines and waits until the writer has written and flushed all it had queued. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
        if (Thread.currentThread() == thread) {
            return; // a format function closing its own log: the loop ends after this batch
        }
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // finish the drain we were asked for, then pass the interrupt on
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (true) {
            int first = take();
            if (first < 0) {
                break;
            }
            int n = taken; // written by take() on this thread
            for (int i = 0, slot = first; i < n; i++, slot = slot + 1 == capacity ? 0 : slot + 1) {
                append(slot);
            }
            long droppedSoFar = droppedIfCaughtUp();
            if (droppedSoFar >= 0) {
                reportDrops(droppedSoFar);
                writeOut();
                flush();
            }
        }
        reportDrops(dropped()); // lines refused after close
        writeOut();
        flush();
    }

    /**
     * Releases the slots formatted since the last call, blocks until there are entries, and
     * claims up to {@value #MAX_TAKE} of them ({@link #taken}, from the returned slot on); -1
     * once closed and empty.
     */
    private int take() {
        lock.lock();
        try {
            release();
            boolean lingered = false;
            while (size == 0) {
                if (closed) {
                    return -1;
                }
                if (!lingered) {
                    // Caught up: let the next lines gather for a moment; no one signals a lingering writer.
                    lingered = true;
                    try {
                        notEmpty.awaitNanos(LINGER_NANOS);
                    } catch (InterruptedException e) {
                        // our own daemon thread: nobody interrupts it with a meaning
                    }
                    continue;
                }
                writerWaiting = true; // idle: the next line wakes the writer at once
                notEmpty.awaitUninterruptibly();
                writerWaiting = false;
            }
            taken = Math.min(size, Math.min(MAX_TAKE, queueLines));
            return head;
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: the slots claimed last are done; drop their references and free them. */
    private void release() {
        for (int i = 0; i < taken; i++) {
            remotes[head] = null;
            methods[head] = null;
            targets[head] = null;
            protocols[head] = null;
            formats[head] = null;
            head = head + 1 == capacity ? 0 : head + 1;
        }
        size -= taken;
        taken = 0;
    }

    /** The drop count when the queue is empty (the writer has caught up), else -1. */
    private long droppedIfCaughtUp() {
        lock.lock();
        try {
            return size == taken ? dropped : -1; // nothing queued beyond what was just formatted
        } finally {
            lock.unlock();
        }
    }

    @SuppressWarnings("unchecked")
    private void append(int slot) {
        Function<?, ?> format = formats[slot];
        if (format == AccessLog.COMMON_LOG_FORMAT && appendCommonLogFormat(slot)) {
            return;
        }
        line.setLength(0);
        try {
            String address = addressText(remotes[slot]);
            if (format == AccessLog.COMMON_LOG_FORMAT) { // into the reused builder: no String per line
                Entry.appendCommonLogFormat(line, address, Math.floorDiv(epochMillis[slot], 1000), methods[slot],
                        targets[slot], protocols[slot], statuses[slot], bytes[slot], durations[slot]);
            } else {
                line.append(((Function<Entry, String>) format).apply(new Entry(Instant.ofEpochMilli(epochMillis[slot]),
                        address, methods[slot], targets[slot], protocols[slot], statuses[slot], bytes[slot],
                        durations[slot])));
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "access log format failed", e);
            return;
        }
        line.append('\n');
        appendLine(line, 1);
    }

    /** The default line as bytes straight into the buffer; false if it needs the general path. */
    private boolean appendCommonLogFormat(int slot) {
        SocketAddress remote = remotes[slot];
        byte[] addr = remote == null ? NO_ADDRESS : addressBytes[addressSlot(remote)];
        long second = Math.floorDiv(epochMillis[slot], 1000);
        if (second != timeSecond) {
            timeBytes = ClfTime.format(second).getBytes(StandardCharsets.US_ASCII);
            timeSecond = second;
        }
        String method = methods[slot];
        String target = targets[slot];
        String protocol = protocols[slot];
        int bound = ClfBytes.bound(addr, timeBytes, method, target, protocol);
        if (bound > buffer.length) {
            return false;
        }
        if (buffered + bound > buffer.length) {
            writeOut();
        }
        int end = ClfBytes.write(buffer, buffered, addr, timeBytes, method, target, protocol, statuses[slot],
                bytes[slot], durations[slot]);
        if (end < 0) {
            return false; // a non-ASCII char: encoded by the JDK on the general path
        }
        buffered = end;
        bufferedLines++;
        return true;
    }

    private String addressText(SocketAddress address) {
        return address == null ? AccessLog.address(null) : addressTexts[addressSlot(address)];
    }

    /** The cache slot holding {@code address}'s text and bytes, filled now if it held another. */
    private int addressSlot(SocketAddress address) {
        int slot = System.identityHashCode(address) & (ADDRESS_SLOTS - 1);
        if (addressKeys[slot] != address) {
            String text = AccessLog.address(address);
            addressKeys[slot] = address;
            addressTexts[slot] = text;
            addressBytes[slot] = text.getBytes(StandardCharsets.UTF_8);
        }
        return slot;
    }

    private void reportDrops(long droppedSoFar) {
        if (droppedSoFar > reported) {
            line.setLength(0);
            line.append("access log: ").append(droppedSoFar - reported).append(" lines dropped\n");
            reported = droppedSoFar;
            appendLine(line, 0);
        }
    }

    /**
     * Adds text (whole lines, {@code lines} of them counting as log lines) to the buffer, writing
     * the buffer out first when it might not fit.
     */
    private void appendLine(CharSequence text, int lines) {
        int most = text.length() * 3; // UTF-8 takes at most three bytes per UTF-16 char
        if (buffered + most > buffer.length) {
            writeOut();
        }
        if (most > buffer.length) { // a huge line goes out alone, whole
            byte[] utf8 = text.toString().getBytes(StandardCharsets.UTF_8);
            write(utf8, utf8.length, lines);
            return;
        }
        int start = buffered;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80) { // rare: a non-ASCII target; let the JDK encode the line
                byte[] utf8 = text.toString().getBytes(StandardCharsets.UTF_8);
                System.arraycopy(utf8, 0, buffer, start, utf8.length);
                buffered = start + utf8.length;
                break;
            }
            buffer[buffered++] = (byte) c;
        }
        bufferedLines += lines;
    }

    private void writeOut() {
        if (buffered > 0) {
            write(buffer, buffered, bufferedLines);
        }
        buffered = 0;
        bufferedLines = 0;
    }

    private void write(byte[] bytes, int length, int lines) {
        try {
            out.write(bytes, 0, length);
        } catch (IOException | RuntimeException e) {
            lost(e, lines);
        }
    }

    private void flush() {
        try {
            out.flush();
        } catch (IOException | RuntimeException e) {
            lost(e, 0);
        }
    }

    /** The stream failed: count the lines it lost as dropped, and warn once, not per batch. */
    private void lost(Exception e, int lines) {
        lock.lock();
        try {
            dropped += lines;
        } finally {
            lock.unlock();
        }
        if (!warned) {
            warned = true;
            LOG.log(System.Logger.Level.WARNING, "access log stream failed; lines written to it are lost", e);
        }
    }
}
