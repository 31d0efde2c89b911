package dev.peregrine.files;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MimeTypesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            index.html     | text/html; charset=utf-8
            INDEX.HTM      | text/html; charset=utf-8
            site.css       | text/css; charset=utf-8
            app.js         | text/javascript; charset=utf-8
            mod.mjs        | text/javascript; charset=utf-8
            data.json      | application/json
            app.js.map     | application/json
            notes.txt      | text/plain; charset=utf-8
            README.md      | text/markdown; charset=utf-8
            feed.xml       | application/xml
            logo.svg       | image/svg+xml
            a.png          | image/png
            a.jpg          | image/jpeg
            a.JPEG         | image/jpeg
            a.gif          | image/gif
            a.webp         | image/webp
            a.avif         | image/avif
            favicon.ico    | image/x-icon
            lib.wasm       | application/wasm
            doc.pdf        | application/pdf
            a.zip          | application/zip
            a.tar.gz       | application/gzip
            clip.mp4       | video/mp4
            clip.webm      | video/webm
            song.mp3       | audio/mpeg
            song.ogg       | audio/ogg
            f.woff         | font/woff
            f.woff2        | font/woff2
            f.ttf          | font/ttf
            f.otf          | font/otf
            t.csv          | text/csv; charset=utf-8
            c.yaml         | application/yaml
            c.yml          | application/yaml
            site.webmanifest | application/manifest+json
            page.xhtml     | application/xhtml+xml
            subs.vtt       | text/vtt; charset=utf-8
            feed.rss       | application/rss+xml
            clip.ogv       | video/ogg
            song.wav       | audio/wav
            song.flac      | audio/flac
            a.js.br        | application/x-brotli
            a.tar.zst      | application/zstd
            a.tgz          | application/gzip
            a.tar          | application/x-tar
            Makefile       | application/octet-stream
            trailing.      | application/octet-stream
            a.unknownext   | application/octet-stream
            dir.d/noext    | application/octet-stream
            """)
    void typeByExtension(String name, String type) {
        assertThat(MimeTypes.forFileName(name)).isEqualTo(type);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "text/html; charset=utf-8", "TEXT/CSS", "text/plain;charset=utf-8", "text/javascript; charset=utf-8",
        "text/markdown", "text/csv", "application/json", "application/manifest+json", "application/ld+json",
        "application/xml", "application/rss+xml", "application/xhtml+xml", "image/svg+xml", "application/wasm",
        "application/javascript", "application/yaml", "font/ttf", "font/otf", "image/x-icon", " text/html "})
    void textAndStructuredTextAreCompressible(String type) {
        assertThat(MimeTypes.isCompressible(type)).as(type).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "image/png", "image/jpeg", "image/gif", "image/webp", "image/avif", "video/mp4", "video/webm",
        "audio/mpeg", "audio/ogg", "font/woff", "font/woff2", "application/zip", "application/gzip",
        "application/zstd", "application/x-brotli", "application/pdf", "application/octet-stream",
        "application/epub+zip", "text/event-stream", "text", "text/", "/html", "", "garbage"})
    void compressedBinaryAndMalformedAreNot(String type) {
        assertThat(MimeTypes.isCompressible(type)).as(type).isFalse();
    }

    @Test
    void nullIsNotCompressible() {
        assertThat(MimeTypes.isCompressible(null)).isFalse();
    }

    /** Every type the table hands out gets a deliberate answer: the text ones compress, the rest are binary. */
    @ParameterizedTest
    @ValueSource(strings = {"a.html", "a.css", "a.js", "a.mjs", "a.json", "a.map", "a.svg", "a.wasm", "a.txt",
        "a.md", "a.xml", "a.csv", "a.webmanifest"})
    void servedTextTypesAreCompressible(String name) {
        assertThat(MimeTypes.isCompressible(MimeTypes.forFileName(name))).as(name).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a.png", "a.jpg", "a.webp", "a.avif", "a.gif", "a.woff", "a.woff2", "a.mp4",
        "a.webm", "a.ogg", "a.mp3", "a.wav", "a.pdf", "a.zip", "a.gz", "a.br", "a.zst", "a.unknown"})
    void servedBinaryTypesAreNot(String name) {
        assertThat(MimeTypes.isCompressible(MimeTypes.forFileName(name))).as(name).isFalse();
    }
}
