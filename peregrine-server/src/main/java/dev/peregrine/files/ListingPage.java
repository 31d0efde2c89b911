package dev.peregrine.files;

import dev.peregrine.files.DirectoryListing.Contents;
import dev.peregrine.files.DirectoryListing.Entry;
import dev.peregrine.files.ListingOrder.Key;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * A directory listing as one self-contained HTML page: breadcrumbs, a parent link, and a
 * table of name, size and modification date whose headings are plain links that re-sort it
 * on the server, so the page needs no script and no external asset, and works under a
 * {@code default-src 'none'} policy. The inline style adapts to phones and to dark mode.
 *
 * <p>Every file name is untrusted input (anyone who can drop a file in the directory writes
 * it), so names are HTML-escaped in text and percent-encoded, then escaped, in links.
 */
final class ListingPage {

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private static final String STYLE = """
            :root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--head:#f6f8fa;\
            --hover:#f0f4f9;--link:#0b62d6;--folder:#54aeff}
            @media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#30363d;\
            --head:#151b23;--hover:#1a2230;--link:#58a6ff;--folder:#4493f8}}
            *{box-sizing:border-box}
            body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,\
            "Helvetica Neue",Arial,sans-serif;-webkit-text-size-adjust:100%}
            main{max-width:64rem;margin:0 auto;padding:2rem 1.25rem 3rem}
            a{color:var(--link);text-decoration:none}
            a:hover{text-decoration:underline}
            h1{font-size:1.4rem;font-weight:600;margin:0 0 .25rem;overflow-wrap:anywhere}
            h1 .lead{color:var(--muted);font-weight:400}
            h1 a,h1 span{padding:0 .1rem}
            h1 .sep{color:var(--muted);padding:0}
            .meta{color:var(--muted);font-size:.875rem;margin:0 0 1.25rem}
            .box{border:1px solid var(--line);border-radius:8px;overflow:hidden}
            table{width:100%;border-collapse:collapse}
            th,td{padding:.55rem .9rem;text-align:left;vertical-align:top}
            thead th{background:var(--head);border-bottom:1px solid var(--line);font-size:.8rem;font-weight:600;\
            color:var(--muted);white-space:nowrap}
            thead th a{color:inherit}
            thead th[aria-sort] a{color:var(--fg)}
            tbody tr+tr td{border-top:1px solid var(--line)}
            tbody tr:hover{background:var(--hover)}
            .name{width:100%;overflow-wrap:anywhere}
            .size{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
            .date{white-space:nowrap;color:var(--muted);font-variant-numeric:tabular-nums}
            td.name a{display:inline-flex;align-items:flex-start;vertical-align:top}
            td.name a::before{content:"";flex:none;width:.8rem;height:1rem;margin:.1rem .775rem 0 .125rem;border:1.5px solid var(--muted);border-radius:2px 5px 2px 2px;opacity:.7}
            tr.dir td.name a::before{width:1.05rem;height:.8rem;margin:.2rem .65rem 0 0;background:var(--folder);\
            border-color:var(--folder);border-radius:2px 4px 2px 2px;opacity:1}
            tr.up td.name a::before{content:"\\2191";border:0;width:1.05rem;height:auto;margin:0 .65rem 0 0;\
            opacity:1;text-align:center}
            td.empty,.note{color:var(--muted)}
            .note{font-size:.875rem;margin:1rem 0 0}
            @media (max-width:40rem){body{font-size:14px}main{padding:1rem .5rem 2rem}h1{font-size:1.15rem}\
            th,td{padding:.5rem .45rem}.date .t{display:none}}
            """;

    private ListingPage() {}

    /**
     * @param urlPath the decoded request path of the directory, ending in {@code /}
     * @param isRoot whether this is the served root (no parent link)
     */
    static byte[] render(String urlPath, Contents contents, ListingOrder order, boolean isRoot) {
        List<Entry> entries = contents.entries();
        // Links to other folders keep the chosen order; the default adds nothing to them.
        String keep = order.isDefault() ? "" : "?" + order.query();
        StringBuilder html = new StringBuilder(4096 + entries.size() * 320);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .append("<meta name=\"color-scheme\" content=\"light dark\">\n")
            .append("<title>Index of ").append(escape(urlPath)).append("</title>\n")
            .append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n<main>\n");
        breadcrumbs(urlPath, keep, html);
        summary(entries, html);
        html.append("<div class=\"box\"><table>\n<thead><tr>");
        heading(Key.NAME, "Name", "name", order, html);
        heading(Key.SIZE, "Size", "size", order, html);
        heading(Key.MODIFIED, "Modified<span class=\"t\"> (UTC)</span>", "date", order, html);
        html.append("</tr></thead>\n<tbody>\n");
        if (!isRoot) {
            html.append("<tr class=\"up\"><td class=\"name\"><a href=\"../").append(escape(keep))
                .append("\">Parent folder</a></td><td class=\"size\"></td><td class=\"date\"></td></tr>\n");
        }
        for (Entry e : entries) {
            row(e, keep, html);
        }
        if (entries.isEmpty()) {
            html.append("<tr><td class=\"empty\" colspan=\"3\">This folder is empty.</td></tr>\n");
        }
        html.append("</tbody>\n</table></div>\n");
        if (contents.truncated()) {
            html.append(String.format(Locale.ROOT, "<p class=\"note\">This folder holds more than %,d entries;"
                    + " only the first %,d read are listed.</p>\n", entries.size(), entries.size()));
        }
        html.append("</main>\n</body>\n</html>\n");
        return html.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** "Index of /a/b/": each ancestor a relative link ({@code ../..}), so the page works under any mount point. */
    private static void breadcrumbs(String urlPath, String keep, StringBuilder html) {
        String[] names = urlPath.length() <= 1 ? new String[0] : urlPath.substring(1, urlPath.length() - 1).split("/");
        html.append("<h1><span class=\"lead\">Index of</span> ");
        for (int i = -1; i < names.length; i++) {
            String text = i < 0 ? "/" : escape(names[i]);
            int up = names.length - 1 - i; // how many levels above this page the crumb is
            if (up == 0) {
                html.append("<span aria-current=\"page\">").append(text).append("</span>");
            } else {
                html.append("<a href=\"").append("../".repeat(up)).append(escape(keep)).append("\">")
                    .append(text).append("</a>");
            }
            if (i >= 0) {
                html.append("<span class=\"sep\">/</span>");
            }
        }
        html.append("</h1>\n");
    }

    private static void summary(List<Entry> entries, StringBuilder html) {
        long folders = entries.stream().filter(Entry::directory).count();
        long files = entries.size() - folders;
        long bytes = entries.stream().filter(e -> !e.directory()).mapToLong(Entry::size).sum();
        html.append("<p class=\"meta\">").append(count(folders, "folder")).append(", ").append(count(files, "file"));
        if (files > 0) {
            html.append(", <span title=\"").append(exactBytes(bytes)).append("\">").append(humanSize(bytes))
                .append("</span>");
        }
        html.append("</p>\n");
    }

    private static String count(long n, String noun) {
        return String.format(Locale.ROOT, "%,d %s%s", n, noun, n == 1 ? "" : "s");
    }

    /** A column heading: a link to sort by it, the other way round when it is the current column. */
    private static void heading(Key key, String label, String cls, ListingOrder order, StringBuilder html) {
        html.append("<th class=\"").append(cls).append('"');
        String arrow = "";
        if (order.key() == key) {
            html.append(" aria-sort=\"").append(order.descending() ? "descending" : "ascending").append('"');
            arrow = order.descending() ? " \u2193" : " \u2191";
        }
        html.append("><a href=\"?").append(escape(order.toggled(key).query())).append("\">").append(label)
            .append(arrow).append("</a></th>");
    }

    private static void row(Entry e, String keep, StringBuilder html) {
        String name = escape(e.name());
        // "./" keeps a name like "a:b" from reading as a URI scheme.
        String href = "./" + encode(e.name()) + (e.directory() ? "/" + keep : "");
        html.append("<tr class=\"").append(e.directory() ? "dir" : "file").append("\"><td class=\"name\"><a href=\"")
            .append(escape(href)).append("\">").append(name).append(e.directory() ? "/" : "").append("</a></td>");
        if (e.directory()) {
            html.append("<td class=\"size\"></td>");
        } else {
            html.append("<td class=\"size\" title=\"").append(exactBytes(e.size())).append("\">")
                .append(humanSize(e.size())).append("</td>");
        }
        html.append("<td class=\"date\"><time datetime=\"")
            .append(DateTimeFormatter.ISO_INSTANT.format(e.modified().truncatedTo(ChronoUnit.SECONDS))).append("\">")
            .append(DAY.format(e.modified())).append("<span class=\"t\"> ").append(TIME.format(e.modified()))
            .append("</span></time></td></tr>\n");
    }

    private static String exactBytes(long bytes) {
        return String.format(Locale.ROOT, "%,d byte%s", bytes, bytes == 1 ? "" : "s");
    }

    /** Binary units, three significant digits at most: 999 B, 1.0 KiB, 47.1 KiB, 312 MiB. */
    static String humanSize(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = bytes / 1024.0;
        int u = 0;
        // Step up before rounding could print "1024 KiB".
        while (v >= 1023.5 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v < 99.95 ? "%.1f %s" : "%.0f %s", v, units[u]);
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
     * RFC 3986 unreserved characters (§2.3), so {@code #}, {@code ?}, {@code %}, quotes and
     * spaces can neither end the path nor break out of the attribute.
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
}
