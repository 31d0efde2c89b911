package dev.peregrine.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A plain HTML page listing a directory. Every file name is untrusted input (anyone who can
 * drop a file in the directory writes it), so names are HTML-escaped in text and
 * percent-encoded in links; the page carries no script and the caller sends it with a
 * Content-Security-Policy that would block one anyway.
 */
final class DirectoryListing {

    /** Most entries shown: bounds the page (and the memory to build it) for huge directories. */
    static final int MAX_ENTRIES = 10_000;

    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

    private record Entry(String name, boolean directory, long size, Instant modified) {}

    private DirectoryListing() {}

    /**
     * @param urlPath the decoded request path of the directory, ending in {@code /}
     * @param dir the directory's real path
     * @param isRoot whether this is the served root (no parent link)
     */
    static byte[] render(String urlPath, Path dir, boolean isRoot) throws IOException {
        List<Entry> entries = new ArrayList<>();
        int skipped = 0;
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                String name = p.getFileName().toString();
                if (!RequestPath.isPlainName(name)) {
                    continue; // hidden names are refused when requested, so do not show them
                }
                if (entries.size() >= MAX_ENTRIES) {
                    skipped++;
                    continue;
                }
                try {
                    BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                    entries.add(new Entry(name, a.isDirectory(), a.size(), a.lastModifiedTime().toInstant()));
                } catch (IOException e) {
                    // a dangling symlink or an entry that vanished meanwhile: nothing to link to
                }
            }
        }
        entries.sort(Comparator.comparing((Entry e) -> !e.directory())
                .thenComparing(Entry::name, String.CASE_INSENSITIVE_ORDER)
                .thenComparing(Entry::name));

        String title = "Index of " + escape(urlPath);
        StringBuilder html = new StringBuilder(256 + entries.size() * 160);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .append("<title>").append(title).append("</title>\n")
            .append("<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem}")
            .append("table{border-collapse:collapse;width:100%}td,th{padding:.2rem .6rem;text-align:left}")
            .append("td.n{text-align:right;font-variant-numeric:tabular-nums}tr:nth-child(even){background:#f4f4f6}")
            .append("a{text-decoration:none}a:hover{text-decoration:underline}</style>\n")
            .append("</head>\n<body>\n<h1>").append(title).append("</h1>\n<table>\n")
            .append("<tr><th>Name</th><th class=\"n\">Size</th><th>Modified (UTC)</th></tr>\n");
        if (!isRoot) {
            html.append("<tr><td><a href=\"../\">../</a></td><td></td><td></td></tr>\n");
        }
        for (Entry e : entries) {
            String suffix = e.directory() ? "/" : "";
            html.append("<tr><td><a href=\"./").append(escape(encode(e.name()))).append(suffix).append("\">")
                .append(escape(e.name())).append(suffix).append("</a></td><td class=\"n\">")
                .append(e.directory() ? "" : humanSize(e.size())).append("</td><td>")
                .append(DATE.format(e.modified())).append("</td></tr>\n");
        }
        html.append("</table>\n");
        if (skipped > 0) {
            html.append("<p>").append(skipped).append(" more entries not shown.</p>\n");
        }
        html.append("</body>\n</html>\n");
        return html.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Escapes text for HTML element content and quoted attribute values. */
    static String escape(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            String r = switch (s.charAt(i)) {
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '&' -> "&amp;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> null;
            };
            if (r != null && out == null) {
                out = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (out != null) {
                if (r != null) {
                    out.append(r);
                } else {
                    out.append(s.charAt(i));
                }
            }
        }
        return out == null ? s : out.toString();
    }

    /**
     * Percent-encodes a file name as one path segment: every byte of its UTF-8 form except
     * RFC 3986 unreserved characters. The "./" prefix at the call site keeps a name like
     * {@code a:b} from being read as a URI scheme.
     */
    static String encode(String name) {
        StringBuilder out = new StringBuilder(name.length() + 8);
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                   .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    private static String humanSize(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = bytes;
        int u = -1;
        do {
            v /= 1024;
            u++;
        } while (v >= 1024 && u < units.length - 1);
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
