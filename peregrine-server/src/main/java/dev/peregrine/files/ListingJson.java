package dev.peregrine.files;

import dev.peregrine.files.DirectoryListing.Contents;
import dev.peregrine.files.DirectoryListing.Entry;
import dev.peregrine.server.internal.JsonStrings;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * A listing as JSON (RFC 8259), for scripts: an array of
 * {@code {"name": ..., "type": "file"|"directory", "size": bytes|null, "modified": RFC 3339 UTC}},
 * in the requested order. Folders have no size: {@code null}, rather than a number that would
 * read as one.
 */
final class ListingJson {

    private ListingJson() {}

    static byte[] render(Contents contents) {
        StringBuilder json = new StringBuilder(16 + contents.entries().size() * 96).append('[');
        boolean first = true;
        for (Entry e : contents.entries()) {
            json.append(first ? "\n" : ",\n");
            first = false;
            json.append("{\"name\":");
            JsonStrings.quote(e.name(), json);
            json.append(",\"type\":\"").append(e.directory() ? "directory" : "file")
                .append("\",\"size\":").append(e.directory() ? "null" : Long.toString(e.size()))
                .append(",\"modified\":\"")
                // ISO_INSTANT of a whole-second instant is RFC 3339's date-time in UTC: 2020-01-02T03:04:05Z
                .append(DateTimeFormatter.ISO_INSTANT.format(e.modified().truncatedTo(ChronoUnit.SECONDS)))
                .append("\"}");
        }
        json.append(first ? "]\n" : "\n]\n");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }
}
