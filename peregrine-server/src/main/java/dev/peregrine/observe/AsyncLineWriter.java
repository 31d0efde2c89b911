package dev.peregrine.observe;

import dev.peregrine.observe.AccessLog.Entry;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * The access log's background writer: request threads hand finished entries to a bounded queue
 * and return; one daemon thread formats them (so formatting, too, is off the request's path)
 * and writes them in batches, flushing whenever it has caught up with the queue.
 *
 * <p>The queue is a bounded ring without a lock (Vyukov's bounded queue, one consumer): a
 * request thread claims a slot with one compare-and-set on the tail, fills the slot's parallel
 * arrays in place (nothing is allocated) and publishes it through the slot's sequence number;
 * the writer reads a published slot, formats its line and hands the slot back. With a lock, a
 * request thread that met it held by the writer (preempted on the same core) parked until the
 * writer ran again.
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

    /** Lines the writer formats before it tells the request threads how far it got ({@code head}). */
    private static final int MAX_TAKE = 256;

    /**
     * How long the writer lets lines gather after it caught up, before it writes again. Waking
     * the writer for every line cost two context switches per request (measured: the log took
     * 60% of a small-file server's throughput); a line now reaches the stream within this bound.
     */
    static final long LINGER_NANOS = 20_000_000;

    /** The longest an idle writer sleeps: bounds how late a line that raced its parking appears. */
    static final long IDLE_NANOS = 1_000_000_000;

    private final OutputStream out;

    // The queue: a ring of finished requests as parallel arrays (slot i is one line). Slot i is
    // free for the ticket t (t & mask == i) when sequence[i] == t, and holds t's line when it is
    // t + 1. Tickets below `head` are done; at most `queueLines` beyond it are taken.
    private static final VarHandle SEQUENCE = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle TAIL;
    private static final VarHandle HEAD;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            TAIL = lookup.findVarHandle(AsyncLineWriter.class, "tail", long.class);
            HEAD = lookup.findVarHandle(AsyncLineWriter.class, "head", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int queueLines;
    private final int mask;
    private final long[] sequence;
    private final long[] epochMillis;
    private final SocketAddress[] remotes;
    private final String[] methods;
    private final String[] targets;
    private final String[] protocols;
    private final int[] statuses;
    private final long[] bytes;
    private final long[] durations;
    private final Function<?, ?>[] formats;
    @SuppressWarnings("unused") // through TAIL
    private volatile long tail;
    @SuppressWarnings("unused") // through HEAD; written by the writer alone
    private volatile long head;
    /** Set while the writer is parked with nothing to do: the next line unparks it. */
    private volatile boolean writerParked;
    private volatile boolean closed;
    private final LongAdder dropped = new LongAdder();

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
    // Where the last default line's prefix (ClfBytes.prefix) is in the buffer, -1 if it is not,
    // and what it was made of, compared by identity.
    private int prefixStart = -1;
    private int prefixEnd;
    private SocketAddress prefixRemote;
    private long prefixSecond;
    private String prefixMethod;
    private String prefixTarget;
    private String prefixProtocol;
    // The CLF time of the last line's second, as bytes.
    private long timeSecond = Long.MIN_VALUE;
    private byte[] timeBytes;
    private long reported;
    private boolean warned;

    private AsyncLineWriter(OutputStream out, int queueLines) {
        this.out = out;
        this.queueLines = queueLines;
        int capacity = Integer.highestOneBit(queueLines);
        if (capacity < queueLines) {
            capacity <<= 1; // a power of two, so a ticket's slot is a mask away
        }
        this.mask = capacity - 1;
        this.sequence = new long[capacity];
        for (int i = 0; i < capacity; i++) {
            sequence[i] = i;
        }
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
        if (capacity < 1 || capacity > 1 << 28) {
            throw new IllegalArgumentException("queue capacity must be from 1 to 2^28: " + capacity);
        }
        AsyncLineWriter writer = new AsyncLineWriter(out, capacity);
        writer.thread.start();
        return writer;
    }

    /**
     * Queues a line, or drops and counts it when {@code queueLines} are waiting. A line queued
     * while {@link #close()} runs may be lost: close the log after the server stopped.
     */
    @Override
    public void log(long millis, SocketAddress remote, String method, String target, String protocol, int status,
            long byteCount, long durationNanos, Function<Entry, String> format) {
        long t;
        int slot;
        while (true) {
            t = (long) TAIL.getVolatile(this);
            if (closed || t - (long) HEAD.getAcquire(this) >= queueLines) {
                dropped.increment();
                return;
            }
            slot = (int) t & mask;
            long free = (long) SEQUENCE.getAcquire(sequence, slot) - t;
            if (free == 0 && TAIL.compareAndSet(this, t, t + 1)) {
                break;
            }
            if (free < 0) { // the writer has not handed this slot back yet: full
                dropped.increment();
                return;
            }
            Thread.onSpinWait(); // another request thread took the ticket: try the next
        }
        epochMillis[slot] = millis;
        remotes[slot] = remote;
        methods[slot] = method;
        targets[slot] = target;
        protocols[slot] = protocol;
        statuses[slot] = status;
        bytes[slot] = byteCount;
        durations[slot] = durationNanos;
        formats[slot] = format;
        SEQUENCE.setRelease(sequence, slot, t + 1); // published
        // Only a writer parked for good is woken, and one lingering when the queue is half full.
        if (writerParked || t + 1 - (long) HEAD.getAcquire(this) == queueLines / 2) {
            LockSupport.unpark(thread);
        }
    }

    @Override
    public long dropped() {
        return dropped.sum();
    }

    /** Stops taking lines and waits until the writer has written and flushed all it had queued. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
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
        boolean lingered = false;
        while (true) {
            int n = drain();
            if (n > 0) {
                lingered = false;
                continue;
            }
            // Caught up: write out, then let the next lines gather for a moment before looking again.
            reportDrops(dropped());
            writeOut();
            flush();
            if (closed) {
                if (drain() == 0) { // what was queued before close() is written: done
                    break;
                }
                continue;
            }
            if (!lingered) {
                lingered = true;
                LockSupport.parkNanos(this, LINGER_NANOS); // a half-full queue unparks it early
                continue;
            }
            // Idle: the next line unparks the writer at once. Publishing is not fenced against
            // this flag, so a line that races with it may wait for the next line or the timeout.
            writerParked = true;
            if (!published((long) HEAD.getOpaque(this))) {
                LockSupport.parkNanos(this, IDLE_NANOS);
            }
            writerParked = false;
            lingered = false;
        }
        reportDrops(dropped()); // lines refused during close
        writeOut();
        flush();
    }

    /** Whether the line with ticket {@code t} has been published. */
    private boolean published(long t) {
        return (long) SEQUENCE.getVolatile(sequence, (int) t & mask) == t + 1;
    }

    /**
     * Formats up to {@value #MAX_TAKE} published lines into the buffer, handing each slot back
     * once read; returns how many.
     */
    private int drain() {
        long h = (long) HEAD.getOpaque(this); // only this thread writes it
        int n = 0;
        while (n < MAX_TAKE && published(h)) {
            int slot = (int) h & mask;
            append(slot);
            remotes[slot] = null;
            methods[slot] = null;
            targets[slot] = null;
            protocols[slot] = null;
            formats[slot] = null;
            SEQUENCE.setRelease(sequence, slot, h + mask + 1); // free for the ticket one lap on
            h++;
            n++;
        }
        if (n > 0) {
            HEAD.setRelease(this, h);
        }
        return n;
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
        long second = Math.floorDiv(epochMillis[slot], 1000);
        String method = methods[slot];
        String target = targets[slot];
        String protocol = protocols[slot];
        if (prefixStart >= 0 && remote == prefixRemote && second == prefixSecond && method == prefixMethod
                && target == prefixTarget && protocol == prefixProtocol
                && buffered + (prefixEnd - prefixStart) + ClfBytes.SUFFIX_BOUND <= buffer.length) {
            // The last line's client, second, method, target (the parser reuses a connection's
            // last target) and protocol: copy its prefix rather than escape it again.
            int length = prefixEnd - prefixStart;
            System.arraycopy(buffer, prefixStart, buffer, buffered, length);
            prefixStart = buffered;
            prefixEnd = buffered + length;
        } else {
            byte[] addr = remote == null ? NO_ADDRESS : addressBytes[addressSlot(remote)];
            if (second != timeSecond) {
                timeBytes = ClfTime.format(second).getBytes(StandardCharsets.US_ASCII);
                timeSecond = second;
            }
            int bound = ClfBytes.bound(addr, timeBytes, method, target, protocol);
            if (bound > buffer.length) {
                return false;
            }
            if (buffered + bound > buffer.length) {
                writeOut();
            }
            int end = ClfBytes.prefix(buffer, buffered, addr, timeBytes, method, target, protocol);
            if (end < 0) {
                prefixStart = -1;
                return false; // a non-ASCII char: encoded by the JDK on the general path
            }
            prefixStart = buffered;
            prefixEnd = end;
            prefixRemote = remote;
            prefixSecond = second;
            prefixMethod = method;
            prefixTarget = target;
            prefixProtocol = protocol;
        }
        buffered = ClfBytes.suffix(buffer, prefixEnd, statuses[slot], bytes[slot], durations[slot]);
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
        prefixStart = -1; // its bytes leave the buffer
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
        dropped.add(lines);
        if (!warned) {
            warned = true;
            LOG.log(System.Logger.Level.WARNING, "access log stream failed; lines written to it are lost", e);
        }
    }
}
