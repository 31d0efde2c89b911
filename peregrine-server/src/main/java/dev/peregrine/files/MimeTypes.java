package dev.peregrine.files;

import java.util.Locale;
import java.util.Map;

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
            Map.entry("txt", "text/plain" + UTF8),
            Map.entry("md", "text/markdown" + UTF8),
            Map.entry("csv", "text/csv" + UTF8),
            Map.entry("tsv", "text/tab-separated-values" + UTF8),
            Map.entry("xml", "application/xml"),
            Map.entry("yaml", "application/yaml"), // RFC 9512
            Map.entry("yml", "application/yaml"),
            Map.entry("wasm", "application/wasm"), // WebAssembly.instantiateStreaming insists on it
            Map.entry("pdf", "application/pdf"),
            // images
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
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
            Map.entry("mp3", "audio/mpeg"),
            Map.entry("ogg", "audio/ogg"),
            Map.entry("wav", "audio/wav"),
            // archives: served as themselves, never with Content-Encoding, so a browser saves
            // foo.tar.gz instead of silently unpacking it
            Map.entry("zip", "application/zip"),
            Map.entry("gz", "application/gzip"),
            Map.entry("tar", "application/x-tar"));

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
}
