package dev.peregrine.tls;

import dev.peregrine.tls.TlsHandshakeException.Reason;
import dev.peregrine.transport.Connection;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * TLS as connection middleware (Kestrel's HttpsConnectionMiddleware is the model): the server's
 * dispatcher passes each accepted transport connection through {@link #wrap(Connection)} on the
 * connection's own virtual thread, then picks the protocol by
 * {@code wrapped.tls().applicationProtocol()} ({@code "h2"} → HTTP/2, anything else → HTTP/1.1).
 * Protocol code never knows whether it runs over TLS.
 *
 * <p>The server's 1-second heartbeat calls {@link #onHeartbeat()}: it aborts handshakes past
 * {@link TlsOptions#handshakeTimeout()} and, with {@link TlsOptions#watchFiles()}, starts a check
 * of the certificate files on a virtual thread of its own (at most one at a time): reading files
 * and parsing keys must never delay the heartbeat's Date refresh and deadlines. Reloads affect
 * new connections only. Nothing else times a handshake out:
 * without the heartbeat a silent client would hold its connection until it goes away.
 *
 * <p>A failed handshake is counted by {@link Reason} ({@link #stats()}), logged at DEBUG on
 * {@code dev.peregrine.tls}, and thrown as {@link TlsHandshakeException} with the connection
 * already closed; nothing is shared between connections, so one failure disturbs no other.
 */
public final class TlsMiddleware {

    private static final System.Logger LOG = System.getLogger("dev.peregrine.tls");
    /** Record buffers kept for reuse: enough for a few hundred busy connections, ~4 MB at most. */
    private static final int POOLED_BUFFERS = 256;

    private final TlsContext context;
    /** Runs the certificate-file checks the heartbeat asks for, off the heartbeat thread. */
    private final Executor fileChecks;
    private final AtomicBoolean fileCheckRunning = new AtomicBoolean();
    private volatile CompletableFuture<Void> lastFileCheck = CompletableFuture.completedFuture(null);
    private final BufferPool pool = new BufferPool(BufferPool.DEFAULT_SIZE, POOLED_BUFFERS);
    private final Set<TlsConnection> handshaking = ConcurrentHashMap.newKeySet();
    private final LongAdder completed = new LongAdder();
    private final LongAdder[] failed = new LongAdder[Reason.values().length];

    /** Handshake counters, a snapshot. */
    public record Stats(long handshakesCompleted, long handshakesFailed, Map<Reason, Long> failures, int handshakesInProgress) {
        public long failures(Reason reason) {
            return failures.getOrDefault(reason, 0L);
        }
    }

    private TlsMiddleware(TlsContext context, Executor fileChecks) {
        this.context = context;
        this.fileChecks = fileChecks;
        for (int i = 0; i < failed.length; i++) {
            failed[i] = new LongAdder();
        }
    }

    /** Loads every certificate now, so a bad file fails at start-up rather than at the first client. */
    public static TlsMiddleware create(TlsOptions options) throws IOException, GeneralSecurityException {
        return create(options, task -> Thread.ofVirtual().name("tls-file-check").start(task));
    }

    /** As {@link #create(TlsOptions)}, running certificate-file checks on {@code fileChecks} (tests). */
    static TlsMiddleware create(TlsOptions options, Executor fileChecks) throws IOException, GeneralSecurityException {
        return new TlsMiddleware(new TlsContext(options), fileChecks);
    }

    /**
     * Performs the server handshake over {@code raw} and returns the TLS connection, with
     * {@link Connection#tls()} filled in. Blocks for the handshake, so call it on the
     * connection's thread, never in the accept loop. On failure {@code raw} is closed.
     */
    public Connection wrap(Connection raw) throws TlsHandshakeException {
        TlsContext.Generation generation = context.current();
        long deadline = System.nanoTime() + generation.options().handshakeTimeout().toNanos();
        TlsConnection connection = new TlsConnection(raw, generation, pool, deadline);
        handshaking.add(connection);
        try {
            connection.handshake();
            completed.increment();
            return connection;
        } catch (TlsHandshakeException e) {
            failed[e.reason().ordinal()].increment();
            LOG.log(System.Logger.Level.DEBUG, () -> describeFailure(raw, connection, e));
            throw e;
        } finally {
            handshaking.remove(connection);
        }
    }

    private static String describeFailure(Connection raw, TlsConnection connection, TlsHandshakeException e) {
        ClientHello hello = connection.clientHello();
        String offered = hello == null ? "" : " (client offers up to " + ClientHello.versionName(hello.maxVersion())
                + (hello.serverName() == null ? "" : ", SNI " + hello.serverName()) + ")";
        return "TLS handshake from " + raw.remoteAddress() + " failed" + offered + ": " + e.getMessage();
    }

    /** The server heartbeat's tick. */
    public void onHeartbeat() {
        onHeartbeat(System.nanoTime());
    }

    /** As {@link #onHeartbeat()} at a given {@link System#nanoTime()} reading (tests pass a future one). */
    public void onHeartbeat(long nowNanos) {
        for (TlsConnection c : handshaking) {
            c.abortIfOverdue(nowNanos);
        }
        if (context.current().options().watchFiles() && fileCheckRunning.compareAndSet(false, true)) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            lastFileCheck = done;
            fileChecks.execute(() -> {
                try {
                    context.checkForChanges();
                } finally {
                    fileCheckRunning.set(false);
                    done.complete(null);
                }
            });
        }
    }

    /** Waits for the file check the last heartbeat started, if any (tests). */
    void awaitFileCheck() {
        lastFileCheck.join();
    }

    /** Reloads if a certificate or trust file changed since the last load; true if it did reload. */
    public boolean checkForChanges() {
        return context.checkForChanges();
    }

    /** Re-reads every certificate file now; throws (keeping the current certificates) if one is bad. */
    public void reload() throws IOException, GeneralSecurityException {
        context.reload();
    }

    /** Swaps the whole configuration — e.g. {@code options().toBuilder().certificate(CertificateSource.of(km)).build()}. */
    public void update(TlsOptions options) throws IOException, GeneralSecurityException {
        context.update(options);
    }

    public TlsOptions options() {
        return context.current().options();
    }

    /** The ALPN names offered, in preference order — what a protocol selector may be told to expect. */
    public List<String> applicationProtocols() {
        return options().applicationProtocols();
    }

    BufferPool pool() {
        return pool;
    }

    public Stats stats() {
        Map<Reason, Long> byReason = new EnumMap<>(Reason.class);
        long total = 0;
        for (Reason r : Reason.values()) {
            long n = failed[r.ordinal()].sum();
            if (n > 0) {
                byReason.put(r, n);
                total += n;
            }
        }
        return new Stats(completed.sum(), total, Map.copyOf(byReason), handshaking.size());
    }
}
