package dev.peregrine.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A child process's output, read line by line from the start on a thread of its own: once the
 * process exits its pipe may already be closed under a reader that only begins then.
 */
final class OutputLines {

    /** Every line read and not yet taken, in order; a read failure is added as a line. */
    final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    /** Ends when the output does. */
    final Thread reader;

    OutputLines(InputStream output) {
        reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("(output failed: " + e + ")");
            }
        });
    }
}
