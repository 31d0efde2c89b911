package dev.peregrine.cli;

import dev.peregrine.api.Filter;
import dev.peregrine.api.Handler;
import dev.peregrine.api.Request;
import dev.peregrine.api.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The browser side of {@code --watch}: a Server-Sent Events stream at {@value #EVENTS} (HTML
 * Living Standard §9.2) that tells every open page which files changed, and the script that
 * listens to it at {@value #SCRIPT}. Other requests pass on.
 *
 * <p>Each stream is held by its own request thread (a virtual thread), which waits for events
 * and, between them, writes a comment every {@code heartbeat} so that proxies and browsers do not
 * time the idle connection out and a client that went away is noticed (the write fails) and
 * dropped. {@link #close()} ends every stream, so a graceful stop, which waits for running
 * requests, does not wait for these endless ones; a request that arrives after that gets 204,
 * which tells an {@code EventSource} not to reconnect.
 */
final class LiveReload implements Filter, AutoCloseable {

    static final String EVENTS = "/.peregrine/live";
    static final String SCRIPT = "/.peregrine/live.js";
    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    /** The reconnection delay the stream asks browsers for after it broke (the {@code retry:} field). */
    static final int RETRY_MILLIS = 1000;

    private static final byte[] SCRIPT_BODY = loadScript();
    private static final byte[] HEARTBEAT_COMMENT = ": heartbeat\n\n".getBytes(StandardCharsets.UTF_8);
    /** Put in a client's queue to end its stream. */
    private static final byte[] END = new byte[0];

    private final Duration heartbeat;
    private final Set<LinkedBlockingQueue<byte[]>> clients = ConcurrentHashMap.newKeySet();
    private boolean closed; // guarded by clients

    LiveReload() {
        this(HEARTBEAT);
    }

    /** For tests: a short heartbeat shows it, and how a gone client is dropped, without waiting 15 s. */
    LiveReload(Duration heartbeat) {
        this.heartbeat = heartbeat;
    }

    /** The listening script, UTF-8. */
    static byte[] script() {
        return SCRIPT_BODY.clone();
    }

    @Override
    public void filter(Request request, Response response, Handler next) throws Exception {
        String path = request.path();
        boolean ours = path.equals(EVENTS) || path.equals(SCRIPT);
        if (!ours || !(request.method().equals("GET") || request.method().equals("HEAD"))) {
            next.handle(request, response); // the files answer: 404 for a dot-folder, 405 for other methods
            return;
        }
        if (path.equals(SCRIPT)) {
            response.header("content-type", "text/javascript; charset=utf-8");
            response.header("cache-control", "no-cache");
            response.header("x-content-type-options", "nosniff");
            response.send(SCRIPT_BODY);
            return;
        }
        stream(request, response);
    }

    /**
     * Tells every page that these URL paths changed: one {@code reload} event whose data lines
     * are the paths.
     */
    void publish(List<String> paths) {
        StringBuilder event = new StringBuilder("event: reload\n");
        for (String p : paths) {
            event.append("data: ").append(p.replace("\r", "").replace("\n", "")).append('\n');
        }
        byte[] bytes = event.append('\n').toString().getBytes(StandardCharsets.UTF_8);
        for (LinkedBlockingQueue<byte[]> client : clients) {
            client.offer(bytes);
        }
    }

    /** How many streams are open. */
    int clients() {
        return clients.size();
    }

    /** For tests: waits until exactly {@code n} streams are open; false if that did not happen within {@code timeout}. */
    boolean awaitClients(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (clients) {
            while (clients.size() != n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(clients, left);
            }
            return true;
        }
    }

    /** Ends every stream now, and answers later ones with 204. */
    @Override
    public void close() {
        synchronized (clients) {
            closed = true;
            for (LinkedBlockingQueue<byte[]> client : clients) {
                client.offer(END);
            }
        }
    }

    private void stream(Request request, Response response) {
        LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
        synchronized (clients) {
            if (closed) {
                response.status(204);
                return;
            }
            clients.add(queue);
            clients.notifyAll();
        }
        try {
            response.header("content-type", "text/event-stream");
            response.header("cache-control", "no-store");
            if (request.method().equals("HEAD")) {
                return;
            }
            OutputStream out = response.body();
            out.write(("retry: " + RETRY_MILLIS + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (true) {
                byte[] event = queue.poll(heartbeat.toNanos(), TimeUnit.NANOSECONDS);
                if (event == END) {
                    return;
                }
                out.write(event == null ? HEARTBEAT_COMMENT : event);
                out.flush(); // fails once the client is gone: then this stream ends
            }
        } catch (IOException e) {
            // the client went away: nothing to answer
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            synchronized (clients) {
                clients.remove(queue);
                clients.notifyAll();
            }
        }
    }

    private static byte[] loadScript() {
        try (InputStream in = LiveReload.class.getResourceAsStream("live.js")) {
            if (in == null) {
                throw new IllegalStateException("missing resource dev/peregrine/cli/live.js");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
