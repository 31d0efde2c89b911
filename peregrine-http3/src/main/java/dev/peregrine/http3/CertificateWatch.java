package dev.peregrine.http3;

import dev.peregrine.quic.QuicTls;
import dev.peregrine.tls.TlsOptions;
import dev.peregrine.transport.MultiplexedListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reloads the QUIC listener's certificates when their files change, as the TLS listener does
 * for {@code TlsOptions.watchFiles(true)}: new connections get the new certificate, open ones
 * keep theirs. It polls modification times once a second on its own virtual thread (not the
 * heartbeat, so file I/O and key parsing never delay a deadline) and ends with the listener.
 */
final class CertificateWatch implements Runnable {

    private static final System.Logger LOG = System.getLogger(CertificateWatch.class.getName());
    private static final long POLL_MILLIS = 1000;

    private final QuicTls tls;
    private final MultiplexedListener listener;
    private final List<Path> files;
    private List<FileTime> seen;

    private CertificateWatch(QuicTls tls, MultiplexedListener listener, List<Path> files) {
        this.tls = tls;
        this.listener = listener;
        this.files = files;
        this.seen = times();
    }

    /** Starts watching when the options ask for it and name files; otherwise does nothing. */
    static void startIfWanted(TlsOptions options, QuicTls tls, MultiplexedListener listener) {
        if (!options.watchFiles()) {
            return;
        }
        List<Path> files = new ArrayList<>(options.defaultCertificate().files());
        options.serverNames().values().forEach(s -> files.addAll(s.files()));
        if (files.isEmpty()) {
            return;
        }
        Thread.ofVirtual().name("peregrine-h3-certificates").start(new CertificateWatch(tls, listener, files));
    }

    @Override
    public void run() {
        while (listener.isOpen()) {
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            List<FileTime> now = times();
            if (Objects.equals(now, seen)) {
                continue;
            }
            try {
                tls.reload();
                seen = now;
                LOG.log(System.Logger.Level.INFO, "HTTP/3 certificates reloaded from " + files);
            } catch (IOException | java.security.GeneralSecurityException | RuntimeException e) {
                // Half-written files are common mid-renewal: keep the current ones, try at the next change.
                seen = now;
                LOG.log(System.Logger.Level.WARNING, "HTTP/3 certificate files changed but could not be loaded;"
                        + " keeping the current ones: " + e.getMessage());
            }
        }
    }

    private List<FileTime> times() {
        List<FileTime> t = new ArrayList<>(files.size());
        for (Path f : files) {
            try {
                t.add(Files.getLastModifiedTime(f));
            } catch (IOException e) {
                t.add(null);
            }
        }
        return t;
    }
}
