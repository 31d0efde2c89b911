package dev.peregrine.http2;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

/**
 * A JFR recording of {@code dev.peregrine.BadRequest} events only, for reading the reason a bad
 * request was counted with: the count is in the metrics, the reason only in the event. Events
 * committed before {@link #stop()} are in what it returns (the recording is dumped and read
 * back), so no wait is needed.
 */
final class BadRequestEvents implements AutoCloseable {

    private final Recording recording = new Recording();

    BadRequestEvents() {
        recording.enable("dev.peregrine.BadRequest").withoutStackTrace();
        recording.start();
    }

    /** Stops the recording; the HTTP/2 bad requests it saw (other protocols left out), oldest first. */
    List<RecordedEvent> stop() throws IOException {
        recording.stop();
        Path file = Files.createTempFile("peregrine-bad-requests", ".jfr");
        try {
            recording.dump(file);
            return RecordingFile.readAllEvents(file).stream()
                    .filter(e -> "HTTP/2".equals(e.getString("protocol")))
                    .toList();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Override
    public void close() {
        recording.close();
    }
}
