package dev.peregrine.files;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A compact media-type table keyed by file extension — the types a web project actually
 * serves, not the whole IANA registry. Unknown extensions get {@code application/octet-stream},
 * which together with {@code X-Content-Type-Options: nosniff} makes browsers download rather
 * than guess.
 *
 * <p>Textual types carry {@code charset=utf-8} because a browser otherwise falls back to a
 * locale-dependent legacy encoding. JSON and XML do not: JSON has no charset parameter
 * (RFC 8259 §11) and XML declares its own encoding.
 */
public final class MimeTypes {

    /** What an unknown or missing extension is served as. */
    public static final String DEFAULT = "application/octet-stream";

    private static final String UTF8 = "; charset=utf-8";

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            // documents and code
            Map.entry("html", "text/html" + UTF8),
            Map.entry("htm", "text/html" + UTF8),
            Map.entry("css", "text/css" + UTF8),
            Map.entry("js", "text/javascript" + UTF8), // RFC 9239: text/javascript is the one name
            Map.entry("mjs", "text/javascript" + UTF8),
            Map.entry("cjs", "text/javascript" + UTF8),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"), // source maps are JSON
            Map.entry("webmanifest", "application/manifest+json"),
            Map.entry("xhtml", "application/xhtml+xml"),
            Map.entry("jsonld", "application/ld+json"),
            Map.entry("txt", "text/plain" + UTF8),
            Map.entry("md", "text/markdown" + UTF8),
            Map.entry("csv", "text/csv" + UTF8),
            Map.entry("tsv", "text/tab-separated-values" + UTF8),
            Map.entry("vtt", "text/vtt" + UTF8), // <track> captions: browsers insist on the type
            Map.entry("ics", "text/calendar" + UTF8),
            Map.entry("xml", "application/xml"),
            Map.entry("rss", "application/rss+xml"),
            Map.entry("atom", "application/atom+xml"),
            Map.entry("yaml", "application/yaml"), // RFC 9512
            Map.entry("yml", "application/yaml"),
            Map.entry("toml", "application/toml"),
            Map.entry("wasm", "application/wasm"), // WebAssembly.instantiateStreaming insists on it
            Map.entry("pdf", "application/pdf"),
            Map.entry("epub", "application/epub+zip"),
            // images
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("apng", "image/apng"),
            Map.entry("bmp", "image/bmp"),
            Map.entry("jxl", "image/jxl"),
            Map.entry("webp", "image/webp"),
            Map.entry("avif", "image/avif"),
            Map.entry("ico", "image/x-icon"),
            // fonts
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("ttf", "font/ttf"),
            Map.entry("otf", "font/otf"),
            // audio and video
            Map.entry("mp4", "video/mp4"),
            Map.entry("webm", "video/webm"),
            Map.entry("ogv", "video/ogg"),
            Map.entry("mov", "video/quicktime"),
            Map.entry("mp3", "audio/mpeg"),
            Map.entry("m4a", "audio/mp4"),
            Map.entry("ogg", "audio/ogg"),
            Map.entry("oga", "audio/ogg"),
            Map.entry("opus", "audio/ogg"), // RFC 7845 §9: Ogg Opus files are audio/ogg
            Map.entry("flac", "audio/flac"),
            Map.entry("wav", "audio/wav"),
            // archives: served as themselves, never with Content-Encoding, so a browser saves
            // foo.tar.gz instead of silently unpacking it
            Map.entry("zip", "application/zip"),
            Map.entry("gz", "application/gzip"),
            Map.entry("tgz", "application/gzip"),
            Map.entry("br", "application/x-brotli"), // RFC 7932 registers no media type for a file
            Map.entry("zst", "application/zstd"), // RFC 8878 §7.1
            Map.entry("xz", "application/x-xz"),
            Map.entry("bz2", "application/x-bzip2"),
            Map.entry("7z", "application/x-7z-compressed"),
            Map.entry("tar", "application/x-tar"),
            Map.entry("jar", "application/java-archive"));

    /** application/ subtypes that are text in all but name, or uncompressed binaries. */
    private static final Set<String> COMPRESSIBLE_APPLICATION = Set.of(
            "json", "xml", "javascript", "x-javascript", "ecmascript", "wasm", "yaml", "x-yaml", "toml",
            "x-ndjson", "graphql", "x-sh", "rtf", "vnd.ms-fontobject",
            "x-font-ttf", "x-font-otf");

    private MimeTypes() {}

    /** The media type for a file name by its last extension, case-insensitively; {@link #DEFAULT} when unknown. */
    public static String forFileName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        int slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
        if (dot < 0 || dot < slash || dot == fileName.length() - 1) {
            return DEFAULT;
        }
        String type = BY_EXTENSION.get(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
        return type != null ? type : DEFAULT;
    }

    /**
     * Whether a response of this {@code Content-Type} is worth compressing: text and the
     * structured text formats (JSON, XML and their {@code +json} / {@code +xml} kinds, SVG,
     * JavaScript, YAML, TOML, WebAssembly, manifests), and the few binary formats stored
     * uncompressed (TrueType/OpenType fonts, BMP and ICO images). Never already-compressed
     * data (PNG, JPEG, WebP, AVIF, video, audio, WOFF/WOFF2, archives, PDF), where it costs
     * CPU and gains nothing, nor {@code text/event-stream}, whose events must not wait in a
     * compressor's buffer. Parameters ({@code ; charset=utf-8}) and case are ignored; a
     * {@code null} or malformed type is not compressible.
     */
    public static boolean isCompressible(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip()
                .toLowerCase(Locale.ROOT);
        int slash = type.indexOf('/');
        if (slash <= 0 || slash == type.length() - 1) {
            return false;
        }
        String top = type.substring(0, slash);
        String sub = type.substring(slash + 1);
        return switch (top) {
            case "text" -> !sub.equals("event-stream");
            case "application" -> sub.endsWith("+json") || sub.endsWith("+xml") || COMPRESSIBLE_APPLICATION.contains(sub);
            case "image" -> sub.equals("svg+xml") || sub.equals("bmp") || sub.equals("x-icon")
                    || sub.equals("vnd.microsoft.icon");
            case "font" -> sub.equals("ttf") || sub.equals("otf") || sub.equals("sfnt") || sub.equals("collection");
            default -> false;
        };
    }

}
