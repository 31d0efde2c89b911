package dev.peregrine.cli;

import dev.peregrine.api.Handler;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The development options of {@code serve} around the site's handler, and the lifetime of what
 * they run (the file watcher, the live-reload streams). Requests meet them in this order:
 * {@link Cors} (so every answer, a preflight included, carries its header), the live-reload
 * endpoints, {@link SpaFallback}, {@link ScriptInjection} (so the fallback page gets the script
 * too), then the files.
 */
final class DevMode implements AutoCloseable {

    private final Command.Dev options;
    private final Path root;
    private final LiveReload live;
    private DirectoryWatcher watcher;

    private DevMode(Command.Dev options, Path root) {
        this.options = options;
        this.root = root;
        this.live = options.watch() ? new LiveReload() : null;
    }

    /**
     * @param root the served directory (a real path), or null for the demo page, which takes
     *     {@code --cors} only ({@code --spa} and {@code --watch} need a directory)
     */
    static DevMode of(Command.Dev options, Path root) {
        if (root == null && (options.spa() || options.watch())) {
            throw new IllegalArgumentException("--spa and --watch need a directory");
        }
        return new DevMode(options, root);
    }

    /** {@code site} with the options that were asked for. */
    Handler around(Handler site) {
        Handler handler = site;
        if (options.watch()) {
            handler = handler.with(new ScriptInjection());
        }
        if (options.spa()) {
            handler = handler.with(new SpaFallback(root));
        }
        if (live != null) {
            handler = handler.with(live);
        }
        if (options.cors()) {
            handler = handler.with(new Cors());
        }
        return handler;
    }

    /**
     * Starts watching the directory when live reload is on: once this returns, every change is
     * reported to the open pages.
     *
     * @param beforeReload runs before the pages are told, e.g. to drop the file cache, so the
     *     reload they make at once sees the edit rather than what was cached a moment ago
     * @throws IOException if the directory cannot be watched
     */
    void start(Runnable beforeReload) throws IOException {
        if (live != null) {
            watcher = DirectoryWatcher.start(root, DirectoryWatcher.QUIET, paths -> {
                beforeReload.run();
                live.publish(paths);
            });
        }
    }

    /** The live-reload streams, or null without {@code --watch}. */
    LiveReload liveReload() {
        return live;
    }

    /** Stops the watcher and ends the live-reload streams, so a graceful stop does not wait for them. */
    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        if (live != null) {
            live.close();
        }
    }
}
